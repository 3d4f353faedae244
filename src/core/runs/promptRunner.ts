import * as path from 'node:path';
import { ModelCatalog } from '../catalog/modelCatalog';
import { parsePromptSource } from '../prompt/parsePrompt';
import { RAG_CONTEXT_VARIABLE, ragContext, ragQueryFor, readRagConfig, retrievedRefs, type RetrievedChunkRef } from '../prompt/ragConfig';
import type { RagHit, RagQuery } from '../rag/types';
import { PromptError, renderPrompt, RenderedPrompt } from '../prompt/renderPrompt';
import { readGuardrailRef } from '../providers/bedrockGuardrail';
import { isGuardrailChecker } from '../privacy/applyGuardrail';
import type { DenyFilter } from '../privacy/denyList';
import { guardProvider, LOCAL_FILTER_REF } from '../privacy/guardedProvider';
import { parseModelId } from '../providers/modelId';
import { ProviderRegistry } from '../providers/providerRegistry';
import type { GuardrailOutcome, GuardrailRef, ModelError, StreamEvent } from '../providers/types';
import { newId } from '../workspace/ids';
import { appendJsonLine } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import { VersionStore } from '../versions/versionStore';
import { runModel, RunMetrics } from './runModel';
import { hashInputs, RUN_SCHEMA, RunRecord } from './runRecord';
import type { CheckOutcome } from '../datasets/checkSpecs';

export const DEFAULT_MODEL = 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0';

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
  /** The automatic checks' outcomes, when the run was evaluated (a dataset run). */
  checks?: CheckOutcome[];
}

export type RunGuardrail = GuardrailRef & GuardrailOutcome;

/** Searches the workspace's documents for a prompt's `workbench.rag` (the host's index, or the CLI's). */
export type DocumentRetriever = (query: RagQuery) => Promise<RagHit[]>;

/** A rendered prompt with what `workbench.rag` retrieved for it (absent when the prompt has no `workbench.rag`). */
export type PreparedPrompt = RenderedPrompt & { retrieved?: RetrievedChunkRef[]; ragQuery?: string };

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
  /** Local deny-list filters on input and output, for every provider (`promptWorkbench.filters.deny`). */
  denyList?: readonly DenyFilter[];
  /** Retrieves chunks for prompts with `workbench.rag`; without it their `context` is empty. */
  retrieve?: DocumentRetriever;
}

export interface RunOptions {
  model?: string;
  signal: AbortSignal;
  onEvent?: (event: StreamEvent) => void;
  comparisonId?: string;
  /** The run's column in its comparison (recorded as `comparisonColumn`). */
  comparisonColumn?: number;
  /** The dataset case this run answers, and the dataset run it belongs to (recorded). */
  datasetCaseId?: string;
  datasetRunId?: string;
  /** Checks the answer before the record is written, so the record carries their outcomes (`checks`). */
  evaluate?: (outcome: RunOutcome) => Promise<CheckOutcome[] | undefined>;
}

/** Renders a `.prompt` and runs it on a model: the one path shared by the extension and the CLI. */
export class PromptRunner {
  constructor(private readonly deps: PromptRunnerDeps) {}

  /**
   * Renders the prompt with its inputs; throws `PromptError` (with diagnostics) for a broken file.
   * A prompt with `workbench.rag` first retrieves chunks and gets them as `context`.
   */
  async render(source: string, file: string | undefined, inputs: Record<string, unknown>): Promise<PreparedPrompt> {
    const options = { path: file, partialDir: file ? path.dirname(file) : undefined };
    const parsed = parsePromptSource(source);
    const rag = parsed.ok ? readRagConfig(parsed.workbench.rag).config : undefined;
    if (!rag) return renderPrompt(source, inputs, options);
    const query = ragQueryFor(rag, { ...parsed.inputDefaults, ...inputs });
    let hits: RagHit[] = [];
    if (query && this.deps.retrieve) {
      try {
        hits = await this.deps.retrieve(query);
      } catch (err) {
        throw new Error(`workbench.rag could not search the workspace's documents: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    const rendered = await renderPrompt(source, { ...inputs, [RAG_CONTEXT_VARIABLE]: ragContext(hits) }, options);
    return { ...rendered, retrieved: retrievedRefs(hits), ...(query ? { ragQuery: query.text } : {}) };
  }

  modelFor(rendered: RenderedPrompt, override?: string): string {
    return parseModelId(override || rendered.model || this.deps.defaultModel || DEFAULT_MODEL).qualified;
  }

  async run(rendered: PreparedPrompt, file: string | undefined, inputs: Record<string, unknown>, options: RunOptions): Promise<RunOutcome> {
    const model = this.modelFor(rendered, options.model);
    const { provider: providerId, modelId } = parseModelId(model);
    const runId = newId('r');
    const ts = new Date();
    // Bedrock applies the guardrail in Converse; other providers through ApplyGuardrail (guardedProvider.ts).
    const guardrailRef = this.guardrailFor(rendered);
    const rawProvider = this.deps.providers.get(providerId);
    const checker = guardrailRef && providerId !== 'bedrock' ? this.deps.providers.get('bedrock') : undefined;
    const provider = rawProvider && guardProvider(rawProvider, { deny: this.deps.denyList ?? [], guardrail: guardrailRef, checker: isGuardrailChecker(checker) ? checker : undefined });
    let guardrail: RunGuardrail | undefined = guardrailRef ? { ...guardrailRef, intervened: false, reasons: [] } : undefined;
    const onEvent = (event: StreamEvent): void => {
      if (event.type === 'stop' && event.guardrail && (guardrailRef || event.guardrail.intervened)) guardrail = { ...(guardrailRef ?? LOCAL_FILTER_REF), ...event.guardrail };
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
    if (options.evaluate) {
      const checks = await options.evaluate(outcome);
      if (checks) outcome.checks = checks;
    }
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
        // The record keeps where its cost's prices came from; a later price never rewrites it.
        metrics: withPriceSource(result.metrics, this.deps.catalog, model),
        error: result.error,
        partial: result.partial,
        ...(guardrail ? { guardrail } : {}),
        ...(rendered.retrieved ? { retrieved: rendered.retrieved } : {}),
        datasetCaseId: options.datasetCaseId ?? null,
        ...(options.datasetRunId ? { datasetRunId: options.datasetRunId } : {}),
        ...(outcome.checks ? { checks: outcome.checks } : {}),
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

/** The metrics with the source of the prices their cost was computed with (none when there is no cost). */
function withPriceSource(metrics: RunMetrics, catalog: ModelCatalog, model: string): RunMetrics {
  const prices = metrics.costUsd === null ? undefined : catalog.pricesOf(model);
  return prices ? { ...metrics, priceSource: { source: prices.source, asOf: prices.asOf } } : metrics;
}
