import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { ModelCatalog } from '../catalog/modelCatalog';
import type { PromptDocument } from '../prompt/promptDocument';
import { knowledgeBaseQueryFor, RAG_CONTEXT_VARIABLE, ragContext, ragQueryFor, readRagConfig, retrievedRefs, type RagPromptConfig, type RetrievedChunkRef } from '../prompt/ragConfig';
import type { KnowledgeBaseRetriever } from '../rag/knowledgeBase';
import type { RagHit, RagQuery } from '../rag/types';
import { PromptError, renderPrompt, RenderedPrompt } from '../prompt/renderPrompt';
import { readGuardrailRef } from '../providers/bedrockGuardrail';
import { isGuardrailChecker } from '../privacy/applyGuardrail';
import type { DenyFilter } from '../privacy/denyList';
import { guardProvider, LOCAL_FILTER_REF } from '../privacy/guardedProvider';
import { parseModelId } from '../providers/modelId';
import { ProviderRegistry } from '../providers/providerRegistry';
import type { ChatMessage, GuardrailOutcome, GuardrailRef, ModelError, StreamEvent } from '../providers/types';
import { resolvePromptTools, type PromptTools } from '../tools/toolDefinitions';
import { runConversation, type ConversationResult, type ToolAnswerer } from '../tools/toolLoop';
import type { ConversationTurn, ToolCallRecord } from '../tools/types';
import { workspaceRootOf } from '../workspace/guardedFs';
import { newId } from '../workspace/ids';
import { appendJsonLine } from '../workspace/jsonl';
import { WorkbenchPaths } from '../workspace/paths';
import { VersionStore } from '../versions/versionStore';
import { runModel, type ModelRunResult } from './runModel';
import type { ResponseCache } from '../cache/responseCache';
import { mediaInputNames, resolveMediaInputs } from '../media/mediaInputs';
import { unsupportedMedia, withoutCachePoints } from '../media/mediaSupport';
import { EMPTY_METRICS, type RunMetrics } from './column';
import { estimateComparisonCost, estimateCost, type CostEstimate } from './costEstimate';
import { hashInputs, RUN_SCHEMA, RunRecord } from './runRecord';
import type { CheckOutcome } from '../datasets/checkSpecs';

export const DEFAULT_MODEL = 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0';

/** What one model call came to, as the panel, the CLI and the tests see it. */
export interface RunOutcome {
  runId: string;
  model: string;
  /** The prompt that ran (name, version, content hash): raters need no run file to know it. */
  prompt: PromptIdentity;
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
  /** Answered from the response cache: the run whose answer this is (no model call was made). */
  cachedFrom?: string;
  /** The tool calls the model made and how each was answered (none for a plain answer). */
  toolCalls?: ToolCallRecord[];
  /** The exchange this run added (model turns, tool answers), as people read it. */
  turns?: ConversationTurn[];
  /** Sentences about problems that did not stop the run (bad tool arguments, an unknown tool, the turn limit). */
  notices?: string[];
  /** The text of the model's last turn. */
  lastTurnText?: string;
  /** The whole conversation after this run, as sent plus the exchange: what a reply continues (kept in memory, not recorded). */
  conversation?: ChatMessage[];
  /** Which turn of a conversation this run answers (0: the prompt itself) and the conversation's id (its first run's id). */
  turn?: number;
  conversationId?: string;
}

export type RunGuardrail = GuardrailRef & GuardrailOutcome;

/** Searches the workspace's documents for a prompt's `workbench.rag` (the host's index, or the CLI's). */
export type DocumentRetriever = (query: RagQuery) => Promise<RagHit[]>;

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
  /** The workspace's response cache (made on first use); runs use it when `RunOptions.cache` says so. */
  responseCache?: () => ResponseCache | undefined;
  /** Searches an Amazon Bedrock Knowledge Base for prompts whose `workbench.rag` names a `knowledgeBaseId`. */
  retrieveKnowledgeBase?: KnowledgeBaseRetriever;
}

export interface RunOptions {
  /** Run on this model instead of the prepared one (a comparison's column, a dataset run's model). */
  model?: string;
  signal: AbortSignal;
  onEvent?: (event: StreamEvent) => void;
  /** Called once with the time to first token, when the first text arrives (measured by `runModel`). */
  onFirstToken?: (ttftMs: number) => void;
  comparisonId?: string;
  /** The run's column in its comparison (recorded as `comparisonColumn`). */
  comparisonColumn?: number;
  /** The dataset case this run answers, and the dataset run it belongs to (recorded). */
  datasetCaseId?: string;
  datasetRunId?: string;
  /** Checks the answer before the record is written, so the record carries their outcomes (`checks`). */
  evaluate?: (outcome: RunOutcome) => Promise<CheckOutcome[] | undefined>;
  /** Answer from (and fill) the response cache: datasets, `eval` and the judge by default; Run and Compare when turned on. */
  cache?: boolean;
  /** Answers the model's tool calls (a person in a panel, a dataset's results); default: the saved mocks. */
  answerTool?: ToolAnswerer;
  /** Called as each tool call is answered. */
  onToolCall?: (call: ToolCallRecord) => void;
}

/** Who a run's prompt is: what raters and records need, without reading run files back. */
export interface PromptIdentity {
  name: string;
  version: number;
  contentHash: string;
}

/**
 * A prompt ready to run: its identity, the rendered messages, the model, the config, the
 * inputs still missing, what `workbench.rag` retrieved, the guardrail and the estimated cost.
 * Made once by `PromptRunner.prepare()`; `run()` sends it (to one model, or each column's).
 */
export interface PreparedRun extends RenderedPrompt {
  prompt: PromptIdentity & { path: string | null };
  /** The `.prompt` file; undefined for an unsaved editor. */
  file: string | undefined;
  /** The input values as given (recorded, or their hash). */
  inputs: Record<string, unknown>;
  /** The model, qualified: the caller's, else the prompt's own `model`, else the runner's default. */
  model: string;
  /** The prompt's own `workbench.guardrail`, else the runner's. */
  guardrail?: GuardrailRef;
  /** The chunks retrieved for the prompt (`workbench.rag`, or the caller's, such as the email panel's related documents). */
  retrieved?: RetrievedChunkRef[];
  ragQuery?: string;
  /** What running it on `model` may cost, at most (src/core/runs/costEstimate.ts). */
  cost: CostEstimate;
  /** The tools the prompt offers (`tools:`, `workbench.tools`, `.prompt-workbench/tools/`), its tool choice and turn limit. */
  tools?: PromptTools;
  /** A reply in a conversation: its turn (1, 2 …) and the conversation's id (the first run's id). */
  conversationTurn?: number;
  conversationId?: string;
}

export interface PrepareOptions {
  /** A model that overrides the prompt's own (a command's `model`, a dataset run's first model). */
  model?: string;
  /** Chunks the caller retrieved for these inputs, recorded with the run (the email panel's related documents). */
  retrieved?: RetrievedChunkRef[];
  /** A folder where media inputs' relative paths are looked up before the workspace folder (a dataset's own). */
  mediaBase?: string;
  /** Earlier turns of the conversation (a dataset case's `messages`): dotprompt's `history`. */
  history?: ChatMessage[];
}

/** Prepares and runs `.prompt` files on models: the one path of the editor, the CLI, datasets and the email panel. */
export class PromptRunner {
  constructor(private readonly deps: PromptRunnerDeps) {}

  /**
   * Renders the prompt (parsed once, in its `PromptDocument`) with its inputs and resolves
   * everything a run needs; throws `PromptError` (with diagnostics) for a broken file. A
   * prompt with `workbench.rag` first retrieves chunks and gets them as `context`.
   */
  async prepare(document: PromptDocument, inputs: Record<string, unknown>, options: PrepareOptions = {}): Promise<PreparedRun> {
    const { parsed, source, file } = document;
    const renderOptions = { path: file, partialDir: file ? path.dirname(file) : undefined, parsed };
    const rag = parsed.ok ? readRagConfig(parsed.workbench.rag).config : undefined;
    let vars = inputs;
    let retrieval: { retrieved?: RetrievedChunkRef[]; ragQuery?: string } = options.retrieved ? { retrieved: options.retrieved } : {};
    if (rag) {
      const { hits, queryText } = await this.retrieveFor(rag, { ...parsed.inputDefaults, ...inputs });
      vars = { ...inputs, [RAG_CONTEXT_VARIABLE]: ragContext(hits) };
      retrieval = { retrieved: retrievedRefs(hits), ...(queryText ? { ragQuery: queryText } : {}) };
    }
    // Inputs typed `media` hold workspace paths; the template gets the files as data: URLs (the record keeps the paths).
    const mediaRoot = this.deps.workspaceFolder ?? (file ? path.dirname(file) : process.cwd());
    const mediaBases = [options.mediaBase, file ? path.dirname(file) : undefined].filter((base): base is string => Boolean(base));
    const mediaNames = parsed.ok ? mediaInputNames(parsed.inputSchema) : [];
    if (mediaNames.length > 0) {
      // `input.default` may name the file too (the renderer applies defaults, but would get the bare path).
      const withDefaults = { ...Object.fromEntries(mediaNames.map((name) => [name, parsed.inputDefaults[name]])), ...vars };
      vars = await resolveMediaInputs(withDefaults, mediaNames, { root: mediaRoot, bases: [...mediaBases, mediaRoot] });
    }
    const rendered = await renderPrompt(source, vars, { ...renderOptions, ...(options.history?.length ? { history: options.history } : {}) });
    const toolsFolder = this.deps.workspaceFolder ?? (file ? workspaceRootOf(file) : undefined);
    const tools = parsed.ok ? await resolvePromptTools(parsed.frontmatter, parsed.workbench, toolsFolder) : undefined;
    const model = this.resolveModel(rendered.model, options.model);
    const guardrail = readGuardrailRef(parsed.workbench.guardrail) ?? this.deps.guardrail;
    const relative = file && this.deps.workspaceFolder ? new WorkbenchPaths(this.deps.workspaceFolder).relative(file) : (file ?? null);
    return {
      ...rendered,
      prompt: { name: rendered.name, version: rendered.version, contentHash: rendered.contentHash, path: relative },
      file,
      inputs,
      model,
      ...(guardrail ? { guardrail } : {}),
      ...retrieval,
      cost: estimateCost(this.deps.catalog, model, rendered.messages, rendered.config),
      ...(tools && (tools.tools.length > 0 || tools.problems.length > 0) ? { tools } : {}),
    };
  }

  /**
   * The next turn of a conversation: the prompt as it ran, the exchange so far, and the person's
   * reply. Tool calls left unanswered (the turn limit) are answered with a sentence first, since
   * a model must get an answer to every call before the next user turn.
   */
  reply(prepared: PreparedRun, previous: Pick<RunOutcome, 'conversation' | 'runId' | 'conversationId'>, text: string): PreparedRun {
    const conversation = [...(previous.conversation ?? prepared.messages)];
    const lastMessage = conversation[conversation.length - 1];
    const unanswered = lastMessage?.role === 'model' ? lastMessage.content.flatMap((p) => ('toolRequest' in p && p.toolRequest ? [p.toolRequest as { ref: string; name: string }] : [])) : [];
    if (unanswered.length > 0) {
      const output = l10n.t('Not called: the conversation reached its turn limit.');
      conversation.push({ role: 'tool', content: unanswered.map((r) => ({ toolResponse: { ref: r.ref, name: r.name, output, status: 'error' as const } })) });
    }
    conversation.push({ role: 'user', content: [{ text }] });
    return {
      ...prepared,
      messages: conversation,
      conversationTurn: (prepared.conversationTurn ?? 0) + 1,
      conversationId: previous.conversationId ?? prepared.conversationId ?? previous.runId,
      cost: estimateCost(this.deps.catalog, prepared.model, conversation, prepared.config),
    };
  }

  /** The chunks for `workbench.rag`: from the knowledge base it names, else from the workspace's index. */
  private async retrieveFor(rag: RagPromptConfig, inputs: Record<string, unknown>): Promise<{ hits: RagHit[]; queryText?: string }> {
    if (rag.knowledgeBaseId) {
      const query = knowledgeBaseQueryFor(rag, inputs);
      if (!query) return { hits: [] };
      if (!this.deps.retrieveKnowledgeBase) throw new Error(l10n.t('workbench.rag names the knowledge base {0}, but knowledge bases cannot be searched here.', rag.knowledgeBaseId));
      // The retriever's errors are already sentences (a knowledge base that does not exist, access denied).
      return { hits: await this.deps.retrieveKnowledgeBase(query), queryText: query.text };
    }
    const query = ragQueryFor(rag, inputs);
    if (!query) return { hits: [] };
    if (!this.deps.retrieve) return { hits: [], queryText: query.text };
    try {
      return { hits: await this.deps.retrieve(query), queryText: query.text };
    } catch (err) {
      throw new Error(l10n.t("workbench.rag could not search the workspace's documents: {0}", (err as Error)?.message ?? String(err)));
    }
  }

  /** The estimates of running a prepared prompt on each of these models (a comparison's cost guard). */
  estimate(prepared: Pick<PreparedRun, 'messages' | 'config'>, models: readonly string[]): CostEstimate[] {
    return estimateComparisonCost(this.deps.catalog, models.map((m) => this.resolveModel(undefined, m)), prepared.messages, prepared.config);
  }

  /** A model id qualified (`provider/modelId`): the override, else the prompt's own, else the default. */
  resolveModel(promptModel: string | undefined, override?: string): string {
    return parseModelId(override || promptModel || this.deps.defaultModel || DEFAULT_MODEL).qualified;
  }

  /** Sends a prepared prompt (to `options.model` when given), streams its events, records it and returns the outcome. */
  async run(prepared: PreparedRun, options: RunOptions): Promise<RunOutcome> {
    const model = options.model ? this.resolveModel(undefined, options.model) : prepared.model;
    const { provider: providerId, modelId } = parseModelId(model);
    const runId = newId('r');
    const ts = new Date();
    // Bedrock applies the guardrail in Converse; other providers through ApplyGuardrail (guardedProvider.ts).
    const guardrailRef = prepared.guardrail;
    const rawProvider = this.deps.providers.get(providerId);
    const checker = guardrailRef && providerId !== 'bedrock' ? this.deps.providers.get('bedrock') : undefined;
    const provider = rawProvider && guardProvider(rawProvider, { deny: this.deps.denyList ?? [], guardrail: guardrailRef, checker: isGuardrailChecker(checker) ? checker : undefined });
    let guardrail: RunGuardrail | undefined = guardrailRef ? { ...guardrailRef, intervened: false, reasons: [] } : undefined;
    const onEvent = (event: StreamEvent): void => {
      if (event.type === 'stop' && event.guardrail && (guardrailRef || event.guardrail.intervened)) guardrail = { ...(guardrailRef ?? LOCAL_FILTER_REF), ...event.guardrail };
      options.onEvent?.(event);
    };
    // A model the catalog says cannot read these images or documents is not called: its column says why, the others run.
    const unsupported = unsupportedMedia(this.deps.catalog, model, prepared.messages);
    const messages = this.deps.catalog.find(model)?.promptCache === false ? withoutCachePoints(prepared.messages) : prepared.messages;
    const tools = prepared.tools;
    const request = {
      modelId,
      messages,
      config: prepared.config,
      ...(guardrailRef ? { guardrail: guardrailRef } : {}),
      ...(prepared.cacheTools ? { cacheTools: true } : {}),
      ...(tools?.tools.length ? { tools: tools.tools, ...(tools.toolChoice ? { toolChoice: tools.toolChoice } : {}) } : {}),
    };
    const store = options.cache ? this.deps.responseCache?.() : undefined;
    const result = unsupported
      ? refusedBeforeCall(unsupported, options.onEvent)
      : provider
        ? await runConversation(provider, request, {
            signal: options.signal,
            onEvent,
            onFirstToken: options.onFirstToken,
            price: (i, o, cache) => this.deps.catalog.costUsd(model, i, o, cache),
            cacheSavings: (cache) => this.deps.catalog.cacheSavingsUsd(model, cache),
            // The local filters block or rewrite answers, so they are part of what the answer depends on.
            ...(store ? { cache: { store, runId, extra: { deny: (this.deps.denyList ?? []).map((f) => [f.pattern, f.disabled ? 'off' : 'on']) } } } : {}),
            maxTurns: tools?.maxTurns ?? 1,
            answerTool: options.answerTool,
            onToolCall: options.onToolCall,
            workspaceFolder: this.deps.workspaceFolder ?? (prepared.file ? workspaceRootOf(prepared.file) : undefined),
          })
        : unknownProvider(providerId, this.deps.providers.known(), options.onEvent);
    const notices = [...(tools?.problems ?? []), ...result.notices];
    const conversationTurn = prepared.conversationTurn;

    const outcome: RunOutcome = {
      runId,
      model,
      prompt: identityOf(prepared),
      output: result.output,
      stopReason: result.stopReason,
      metrics: result.metrics,
      partial: result.partial,
      ...(result.error ? { error: { kind: result.error.kind, message: result.error.message } } : {}),
      ...(guardrail ? { guardrail } : {}),
      ...(result.cachedFrom ? { cachedFrom: result.cachedFrom } : {}),
      ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
      ...(result.toolCalls.length > 0 || conversationTurn ? { turns: result.turns } : {}),
      ...(notices.length > 0 ? { notices } : {}),
      lastTurnText: result.lastTurnText,
      conversation: [...prepared.messages, ...result.exchange],
      ...(conversationTurn ? { turn: conversationTurn, conversationId: prepared.conversationId ?? runId } : {}),
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
        prompt: { ...identityOf(prepared), path: prepared.file ? paths.relative(prepared.file) : null },
        model,
        config: prepared.config,
        inputsHash: hashInputs(prepared.inputs),
        ...(this.deps.storeInputs ? { inputs: prepared.inputs } : {}),
        output: result.output,
        stopReason: result.stopReason,
        // The record keeps where its cost's prices came from; a later price never rewrites it.
        metrics: withPriceSource(result.metrics, this.deps.catalog, model),
        ...(result.metrics.cacheReadInputTokens || result.metrics.cacheWriteInputTokens
          ? { usage: { cacheReadInputTokens: result.metrics.cacheReadInputTokens ?? 0, cacheWriteInputTokens: result.metrics.cacheWriteInputTokens ?? 0 } }
          : {}),
        error: result.error,
        partial: result.partial,
        ...(guardrail ? { guardrail } : {}),
        ...(prepared.retrieved ? { retrieved: prepared.retrieved } : {}),
        datasetCaseId: options.datasetCaseId ?? null,
        ...(options.datasetRunId ? { datasetRunId: options.datasetRunId } : {}),
        ...(outcome.checks ? { checks: outcome.checks } : {}),
        ...(result.cachedFrom ? { cached: true as const, cachedFrom: result.cachedFrom } : {}),
        ...(outcome.toolCalls ? { toolCalls: outcome.toolCalls } : {}),
        ...(outcome.turns ? { turns: conversationTurn ? [{ role: 'user' as const, text: lastUserText(prepared.messages) }, ...outcome.turns] : outcome.turns } : {}),
        ...(outcome.notices ? { notices: outcome.notices } : {}),
        ...(outcome.conversationId ? { conversation: { id: outcome.conversationId, turn: outcome.turn ?? 0 } } : {}),
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
        .keepRanText(prepared.name, prepared.version, prepared.source, record.prompt.path)
        .catch((err: Error) => this.deps.onRecordError?.(err));
    }
    this.deps.onRun?.(outcome);
    return outcome;
  }
}

/** The prompt identity a run carries (without its path). */
export function identityOf(prepared: Pick<PreparedRun, 'name' | 'version' | 'contentHash'>): PromptIdentity {
  return { name: prepared.name, version: prepared.version, contentHash: prepared.contentHash };
}

/** The text of the last user message (a conversation's reply). */
function lastUserText(messages: readonly ChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return (last?.content ?? []).map((p) => (typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
}

function refusedBeforeCall(message: string, onEvent?: (e: StreamEvent) => void): ConversationResult {
  const error: ModelError = { kind: 'validation', message };
  onEvent?.({ type: 'error', error, partial: false });
  const metrics: RunMetrics = { ...EMPTY_METRICS, latencyMs: 0 };
  return { output: '', stopReason: null, error, partial: false, metrics, toolRequests: [], exchange: [], toolCalls: [], turns: [], notices: [], lastTurnText: '' };
}

function unknownProvider(providerId: string, known: string[], onEvent?: (e: StreamEvent) => void): ConversationResult {
  const error: ModelError = {
    kind: 'validation',
    message: l10n.t('No provider is called “{0}”. Model ids look like provider/modelId, with provider one of: {1}.', providerId, known.join(', ')),
  };
  onEvent?.({ type: 'error', error, partial: false });
  const metrics: RunMetrics = { ...EMPTY_METRICS, latencyMs: 0 };
  return { output: '', stopReason: null, error, partial: false, metrics, toolRequests: [], exchange: [], toolCalls: [], turns: [], notices: [], lastTurnText: '' };
}

export { PromptError };

/** The metrics with the source of the prices their cost was computed with (none when there is no cost). */
function withPriceSource(metrics: RunMetrics, catalog: ModelCatalog, model: string): RunMetrics {
  const prices = metrics.costUsd === null ? undefined : catalog.pricesOf(model);
  return prices ? { ...metrics, priceSource: { source: prices.source, asOf: prices.asOf } } : metrics;
}
