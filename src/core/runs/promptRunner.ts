import * as path from 'node:path';
import { ModelCatalog } from '../catalog/modelCatalog';
import { parsePromptSource } from '../prompt/parsePrompt';
import { PromptError, renderPrompt, RenderedPrompt } from '../prompt/renderPrompt';
import { readGuardrailRef } from '../providers/bedrockGuardrail';
import { parseModelId } from '../providers/modelId';
import { ProviderRegistry } from '../providers/providerRegistry';
import type { GuardrailOutcome, GuardrailRef, ModelError, StreamEvent } from '../providers/types';
import { newId } from '../workspace/ids';
import { appendJsonLine } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import { VersionStore } from '../versions/versionStore';
import { runModel, RunMetrics } from './runModel';
import { hashInputs, RUN_SCHEMA, RunRecord } from './runRecord';

export const DEFAULT_MODEL = 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0';

/** What one model call came to, as the panel, the CLI and the tests see it. */
export interface RunOutcome {
  runId: string;
  model: string;
  output: string;
  stopReason: string | null;
  metrics: RunMetrics;
  partial: boolean;
  error?: { kind: string; message: string };
  /** The Bedrock guardrail the call applied and what it did. */
  guardrail?: RunGuardrail;
  /** Where the record was appended, when it was. */
  recordFile?: string;
}

export type RunGuardrail = GuardrailRef & GuardrailOutcome;

export interface PromptRunnerDeps {
  providers: ProviderRegistry;
  catalog: ModelCatalog;
  /** The workspace folder whose `.prompt-workbench/` receives run records; none means do not record. */
  workspaceFolder?: string;
  /** Keep input values in run records (otherwise only their hash). */
  storeInputs?: boolean;
  defaultModel?: string;
  onRecordError?: (err: Error) => void;
  /** The guardrail for Bedrock calls when the prompt names none (`workbench.guardrail` wins). */
  guardrail?: GuardrailRef;
  /** Called with every outcome, recorded or not (the session's cost total). */
  onRun?: (outcome: RunOutcome) => void;
}

export interface RunOptions {
  model?: string;
  signal: AbortSignal;
  onEvent?: (event: StreamEvent) => void;
  comparisonId?: string;
  /** The run's column in its comparison (recorded as `comparisonColumn`). */
  comparisonColumn?: number;
}

/** Renders a `.prompt` and runs it on a model: the one path shared by the extension and the CLI. */
export class PromptRunner {
  constructor(private readonly deps: PromptRunnerDeps) {}

  /** Renders the prompt with its inputs; throws `PromptError` (with diagnostics) for a broken file. */
  render(source: string, file: string | undefined, inputs: Record<string, unknown>): Promise<RenderedPrompt> {
    return renderPrompt(source, inputs, { path: file, partialDir: file ? path.dirname(file) : undefined });
  }

  modelFor(rendered: RenderedPrompt, override?: string): string {
    return parseModelId(override || rendered.model || this.deps.defaultModel || DEFAULT_MODEL).qualified;
  }

  async run(rendered: RenderedPrompt, file: string | undefined, inputs: Record<string, unknown>, options: RunOptions): Promise<RunOutcome> {
    const model = this.modelFor(rendered, options.model);
    const { provider: providerId, modelId } = parseModelId(model);
    const runId = newId('r');
    const ts = new Date();
    const provider = this.deps.providers.get(providerId);
    const guardrailRef = providerId === 'bedrock' ? this.guardrailFor(rendered) : undefined;
    let guardrail: RunGuardrail | undefined = guardrailRef ? { ...guardrailRef, intervened: false, reasons: [] } : undefined;
    const onEvent = (event: StreamEvent): void => {
      if (guardrailRef && event.type === 'stop' && event.guardrail) guardrail = { ...guardrailRef, ...event.guardrail };
      options.onEvent?.(event);
    };
    const result = provider
      ? await runModel(provider, { modelId, messages: rendered.messages, config: rendered.config, ...(guardrailRef ? { guardrail: guardrailRef } : {}) }, {
          signal: options.signal,
          onEvent,
          price: (i, o) => this.deps.catalog.costUsd(model, i, o),
        })
      : unknownProvider(providerId, this.deps.providers.known(), options.onEvent);

    const outcome: RunOutcome = {
      runId,
      model,
      output: result.output,
      stopReason: result.stopReason,
      metrics: result.metrics,
      partial: result.partial,
      ...(result.error ? { error: { kind: result.error.kind, message: result.error.message } } : {}),
      ...(guardrail ? { guardrail } : {}),
    };
    if (this.deps.workspaceFolder) {
      const paths = new WorkbenchPaths(this.deps.workspaceFolder);
      const record: RunRecord = {
        schema: RUN_SCHEMA,
        id: runId,
        ts: ts.toISOString(),
        comparisonId: options.comparisonId ?? null,
        ...(options.comparisonColumn !== undefined ? { comparisonColumn: options.comparisonColumn } : {}),
        prompt: {
          name: rendered.name,
          version: rendered.version,
          contentHash: rendered.contentHash,
          path: file ? paths.relative(file) : null,
        },
        model,
        config: rendered.config,
        inputsHash: hashInputs(inputs),
        ...(this.deps.storeInputs ? { inputs } : {}),
        output: result.output,
        stopReason: result.stopReason,
        metrics: result.metrics,
        error: result.error,
        partial: result.partial,
        ...(guardrail ? { guardrail } : {}),
        datasetCaseId: null,
      };
      const file_ = paths.runsFile(ts);
      try {
        await appendJsonLine(file_, record);
        outcome.recordFile = file_;
      } catch (err) {
        this.deps.onRecordError?.(err as Error);
      }
      // The text that ran is kept with its version (never overwritten), so every result stays readable against it.
      await new VersionStore(this.deps.workspaceFolder)
        .keepRanText(rendered.name, rendered.version, rendered.source, record.prompt.path)
        .catch((err: Error) => this.deps.onRecordError?.(err));
    }
    this.deps.onRun?.(outcome);
    return outcome;
  }

  /** The prompt's own `workbench.guardrail`, else the one from settings. */
  private guardrailFor(rendered: RenderedPrompt): GuardrailRef | undefined {
    const fromPrompt = rendered.source ? readGuardrailRef(parsePromptSource(rendered.source).workbench.guardrail) : undefined;
    return fromPrompt ?? this.deps.guardrail;
  }
}

function unknownProvider(providerId: string, known: string[], onEvent?: (e: StreamEvent) => void) {
  const error: ModelError = {
    kind: 'validation',
    message: `No provider is called “${providerId}”. Model ids look like provider/modelId, with provider one of: ${known.join(', ')}.`,
  };
  onEvent?.({ type: 'error', error, partial: false });
  const metrics: RunMetrics = { ttftMs: null, latencyMs: 0, inputTokens: null, outputTokens: null, costUsd: null };
  return { output: '', stopReason: null, error, partial: false, metrics };
}

export { PromptError };
