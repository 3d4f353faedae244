/**
 * Bedrock's prompt optimizer: `OptimizePrompt` on the Agents for Amazon Bedrock runtime. It
 * streams `analyzePromptEvent` messages (passed on as they arrive) and then the
 * `optimizedPromptEvent` with the rewritten text. The SDK loads on first use; the client is
 * configured by the one AWS connection module.
 */
import type * as AgentRuntimeSdk from '@aws-sdk/client-bedrock-agent-runtime';
import * as l10n from '@vscode/l10n';
import { clientOptions, sdkClientConfig, type AwsConnection } from '../aws/awsConnection';
import { parseModelId } from '../providers/modelId';

export interface OptimizeOptions {
  connection: AwsConnection;
  /** The plain `{{variable}}` text. */
  text: string;
  /** The model the prompt is for (qualified or bare); Bedrock models only. */
  targetModel: string;
  signal?: AbortSignal;
  onAnalysis?: (message: string) => void;
  loadSdk?: () => Promise<typeof AgentRuntimeSdk>;
}

export interface Optimized {
  text: string;
  analysis: string[];
}

/** Runs OptimizePrompt to its end; throws an Error whose message says what happened and what to do. */
export async function optimizeWithBedrock(options: OptimizeOptions): Promise<Optimized> {
  const { provider, modelId } = parseModelId(options.targetModel);
  if (provider !== 'bedrock') {
    throw new Error(l10n.t("Bedrock's prompt optimizer works for Bedrock models only, and {0} is not one. Choose a Bedrock target model, or use the “from your failures” source.", options.targetModel));
  }
  const sdk = await (options.loadSdk ?? (() => import('@aws-sdk/client-bedrock-agent-runtime')))();
  const client = new sdk.BedrockAgentRuntimeClient(sdkClientConfig('bedrock-agent-runtime', clientOptions('bedrock-agent-runtime', options.connection)));
  const analysis: string[] = [];
  let text: string | undefined;
  try {
    const response = await client.send(new sdk.OptimizePromptCommand({ input: { textPrompt: { text: options.text } }, targetModelId: modelId }), { abortSignal: options.signal });
    for await (const event of response.optimizedPrompt ?? []) {
      if (event.analyzePromptEvent?.message) {
        analysis.push(event.analyzePromptEvent.message);
        options.onAnalysis?.(event.analyzePromptEvent.message);
      } else if (event.optimizedPromptEvent) {
        text = event.optimizedPromptEvent.optimizedPrompt?.textPrompt?.text;
      } else {
        const [name, value] = Object.entries(event).find(([, v]) => v !== undefined) ?? ['unknown', {}];
        throw Object.assign(new Error((value as { message?: string }).message ?? name), { name: name.charAt(0).toUpperCase() + name.slice(1) });
      }
    }
  } catch (err) {
    throw new Error(describeOptimizerError(err, modelId));
  } finally {
    client.destroy();
  }
  if (text === undefined) throw new Error(l10n.t("Bedrock's prompt optimizer ended without an optimized prompt. Try again; if it keeps happening, use the “from your failures” source."));
  return { text, analysis };
}

/** One sentence with the fix for what OptimizePrompt (or the network) threw. */
export function describeOptimizerError(err: unknown, modelId: string): string {
  const name = (err as { name?: string })?.name ?? 'Error';
  const message = ((err as { message?: string })?.message ?? String(err)).trim();
  if (name === 'AbortError') return l10n.t('Improve Prompt was cancelled.');
  if (/Throttling/i.test(name)) return l10n.t("Bedrock's prompt optimizer is throttling requests (“{0}”). Wait a minute and try again.", message);
  if (/AccessDenied/i.test(name)) {
    return l10n.t("You have no access to Bedrock's prompt optimizer (“{0}”). Allow bedrock:OptimizePrompt for your role or profile, and check that prompt optimization is offered in your Region.", message);
  }
  if (/Validation/i.test(name) && /model/i.test(message)) {
    return l10n.t("Bedrock's prompt optimizer does not support the target model {0} (“{1}”). Pick a supported model (Claude, Nova, Llama, Mistral) as the prompt's model, or use the “from your failures” source.", modelId, message);
  }
  if (/ECONNREFUSED|ENOTFOUND|getaddrinfo|socket hang up/i.test(`${message} ${(err as { code?: string })?.code ?? ''}`)) {
    return l10n.t("Bedrock's prompt optimizer could not be reached (“{0}”). Check your network, and the endpoint in promptWorkbench.aws.endpointUrls.", message);
  }
  return l10n.t("Bedrock's prompt optimizer failed: {0}: “{1}”.", name, message);
}
