import * as vscode from 'vscode';
import type { PriceOverride } from '../core/catalog/modelCatalog';
import { readGuardrailRef } from '../core/providers/bedrockGuardrail';
import { readEndpointConfigs, type EndpointConfig } from '../core/providers/openaiEndpoints';
import type { GuardrailRef } from '../core/providers/types';

/** Every setting key the extension reads, in one table (package.json contributes the same). */
export const SETTING = {
  bedrockRegion: 'bedrock.region',
  bedrockProfile: 'bedrock.profile',
  bedrockEndpointUrl: 'bedrock.endpointUrl',
  bedrockMaxAttempts: 'bedrock.maxAttempts',
  defaultModel: 'defaultModel',
  storeInputs: 'runs.storeInputs',
  prices: 'prices',
  bedrockGuardrail: 'bedrock.guardrail',
  bedrockControlEndpointUrl: 'bedrock.controlEndpointUrl',
  openaiEndpoints: 'openai.endpoints',
  costGuardThresholdUsd: 'costGuard.thresholdUsd',
  shortlistMaxModels: 'shortlist.maxModels',
} as const;

export const SETTINGS_SECTION = 'promptWorkbench';

export interface WorkbenchSettings {
  bedrock: { region?: string; profile?: string; endpointUrl?: string; maxAttempts: number };
  defaultModel: string;
  storeInputs: boolean;
  prices: Record<string, PriceOverride>;
  /** Applied to Bedrock calls of prompts without their own `workbench.guardrail`. */
  guardrail?: GuardrailRef;
  /** Bedrock's control plane (model listing); see `bedrockControlEndpoint()`. */
  bedrockControlEndpointUrl?: string;
  /** OpenAI-compatible endpoints; `problems` explains entries that were skipped. */
  openai: { endpoints: EndpointConfig[]; problems: string[] };
  /** Ask before a run or comparison estimated above this many USD. */
  costGuardThresholdUsd: number;
  /** How many models the comparison shortlist may hold (3 by default, at most 6). */
  shortlistMaxModels: number;
}

const nonEmpty = (value: string | undefined) => (value && value.trim() ? value.trim() : undefined);

/** The one typed accessor for settings. */
export function readSettings(scope?: vscode.ConfigurationScope): WorkbenchSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    bedrock: {
      region: nonEmpty(c.get<string>(SETTING.bedrockRegion)),
      profile: nonEmpty(c.get<string>(SETTING.bedrockProfile)),
      endpointUrl: nonEmpty(c.get<string>(SETTING.bedrockEndpointUrl)),
      maxAttempts: c.get<number>(SETTING.bedrockMaxAttempts) ?? 3,
    },
    defaultModel: nonEmpty(c.get<string>(SETTING.defaultModel)) ?? 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0',
    storeInputs: c.get<boolean>(SETTING.storeInputs) ?? false,
    prices: c.get<Record<string, PriceOverride>>(SETTING.prices) ?? {},
    guardrail: readGuardrailRef(c.get<unknown>(SETTING.bedrockGuardrail)),
    bedrockControlEndpointUrl: nonEmpty(c.get<string>(SETTING.bedrockControlEndpointUrl)),
    openai: readEndpointConfigs(c.get<unknown>(SETTING.openaiEndpoints)),
    costGuardThresholdUsd: Math.max(0, c.get<number>(SETTING.costGuardThresholdUsd) ?? 0.1),
    shortlistMaxModels: Math.min(6, Math.max(1, Math.round(c.get<number>(SETTING.shortlistMaxModels) ?? 3))),
  };
}
