/**
 * The command line's one runtime: every command that runs a prompt (`render`, `run`,
 * `compare`, `eval`, `email summarize`) builds its runner here, once, with the same abilities:
 * the providers (Bedrock with the AWS options, OpenAI-compatible, echo), the catalog, run
 * records in the workspace (unless --no-record), `workbench.rag` retrieval from the
 * workspace's index, and the LLM judge.
 */
import type { AwsConnection } from '../core/aws/awsConnection';
import * as fs from 'node:fs';
import { ModelCatalog } from '../core/catalog/modelCatalog';
import { createModelJudge, type Judge } from '../core/datasets/llmJudge';
import { promptDocument, type PromptDocument } from '../core/prompt/promptDocument';
import { BedrockProvider } from '../core/providers/bedrock';
import { ProviderRegistry } from '../core/providers/providerRegistry';
import type { StreamEvent } from '../core/providers/types';
import { ComparisonRunner } from '../core/runs/comparisonRunner';
import { PromptRunner, type DocumentRetriever, type PreparedRun, type RunOutcome } from '../core/runs/promptRunner';
import { knowledgeBaseRetriever } from '../core/rag/knowledgeBase';
import { cliRetriever } from './promptRetriever';
import { DEFAULT_CACHE_MAX_MB, ResponseCache } from '../core/cache/responseCache';

/** An error for the person at the terminal (printed without a stack), with its exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export interface CliRuntimeOptions {
  /** The workspace whose `.prompt-workbench/` receives run records and holds the document index. */
  workspace: string;
  /** False with --no-record: no run records are appended. */
  record: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** False with --no-cache: no answer is read from or written to the response cache. */
  cache?: boolean;
}

export interface ModelRuns {
  /** Set when the models ran as one comparison. */
  comparisonId: string | null;
  runs: RunOutcome[];
}

export class CliRuntime {
  readonly providers: ProviderRegistry;
  /** How to reach AWS (flags; each service's `AWS_ENDPOINT_URL_<SERVICE>` is read by the SDK itself). */
  readonly aws: AwsConnection;
  readonly catalog = new ModelCatalog();
  /** Searches the workspace's document index (built on first use): `workbench.rag`, related documents. */
  readonly retrieve: DocumentRetriever;
  readonly runner: PromptRunner;
  readonly judge: Judge;
  private abort: AbortController | undefined;
  /** Set when a run record could not be appended: the command exits 4 (see exitCodeOf). */
  recordFailed = false;
  private cache: ResponseCache | undefined;

  constructor(readonly options: CliRuntimeOptions) {
    const aws = { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl };
    this.aws = { region: options.region, profile: options.profile, endpoints: options.endpointUrl ? { 'bedrock-runtime': options.endpointUrl } : {} };
    this.providers = new ProviderRegistry({ bedrock: () => new BedrockProvider({ region: aws.region, profile: aws.profile, endpoint: aws.endpointUrl }) });
    this.retrieve = cliRetriever(options.workspace, aws);
    this.runner = new PromptRunner({
      providers: this.providers,
      catalog: this.catalog,
      workspaceFolder: options.record ? options.workspace : undefined,
      onRecordError: (err) => {
        this.recordFailed = true;
        console.error(`error: could not append the run record: ${err.message}`);
      },
      retrieve: this.retrieve,
      responseCache: () => this.responseCache,
      retrieveKnowledgeBase: knowledgeBaseRetriever(() => this.aws),
    });
    this.judge = createModelJudge({ providers: this.providers, catalog: this.catalog, responseCache: () => this.responseCache });
  }

  /**
   * The workspace's response cache, made on first use; none with `--no-cache`. Its bound is
   * PROMPT_WORKBENCH_CACHE_MAX_MB (the editor's promptWorkbench.cache.maxMb), default 200 MB.
   */
  get responseCache(): ResponseCache | undefined {
    if (this.options.cache === false) return undefined;
    const maxMb = Number(process.env.PROMPT_WORKBENCH_CACHE_MAX_MB);
    this.cache ??= new ResponseCache({
      workspaceFolder: this.options.workspace,
      maxBytes: (Number.isFinite(maxMb) && maxMb > 0 ? maxMb : DEFAULT_CACHE_MAX_MB) * 1024 * 1024,
      onWarning: (message) => console.error(`warning: ${message}`),
    });
    return this.cache;
  }

  /** Aborted by Ctrl+C: every call in flight stops, keeping what had arrived. */
  get signal(): AbortSignal {
    if (!this.abort) {
      const abort = (this.abort = new AbortController());
      process.once('SIGINT', () => abort.abort());
    }
    return this.abort.signal;
  }

  /**
   * Runs a prepared prompt on the models: as one comparison (every model at once, one
   * comparison id, as the editor's Compare) when `comparison` is set or there are several,
   * else as a single run. `onText` gets a single run's text as it streams.
   */
  async runOnModels(prepared: PreparedRun, models: readonly string[], options: { comparison?: boolean; onText?: (text: string) => void } = {}): Promise<ModelRuns> {
    const signal = this.signal;
    if (options.comparison || models.length > 1) {
      const comparison = new ComparisonRunner({ runner: this.runner, prepared, models: [...models], signal, onEvent: traceComparison });
      return { comparisonId: comparison.comparisonId, runs: (await comparison.run()).runs };
    }
    const onText = options.onText;
    const onEvent = onText ? (e: StreamEvent) => void (e.type === 'text' && onText(e.text)) : undefined;
    return { comparisonId: null, runs: [await this.runner.run(prepared, { model: models[0], signal, onEvent })] };
  }
}

/** With PROMPT_WORKBENCH_TRACE set, each column's first token is reported on stderr (for scripts and tests that act on a stream). */
function traceComparison(event: { type: string; column: number; model: string; ttftMs?: number }): void {
  if (event.type === 'first-token' && process.env.PROMPT_WORKBENCH_TRACE) console.error(`trace: column ${event.column} ${event.model}: first token after ${event.ttftMs} ms`);
}

/** Reads and parses a `.prompt` file once; an unreadable file is a usage error. */
export function readPromptFile(file: string, shownAs = file): PromptDocument {
  try {
    return promptDocument(fs.readFileSync(file, 'utf8'), file);
  } catch (err) {
    throw new CliError(`Cannot read ${shownAs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** `--models a,b , c` as a list, empty entries dropped. */
export function modelList(spec: string | undefined): string[] {
  return (spec ?? '').split(',').map((m) => m.trim()).filter(Boolean);
}

/** The exit code of model calls, printing each failure: 1 when every one failed, 3 when some did, else 0. */
export function exitCodeOf(runs: readonly RunOutcome[], recordFailed = false): number {
  const failed = runs.filter((o) => o.error);
  for (const o of failed) console.error(`error: ${o.model}: ${o.error!.message}`);
  if (failed.length === runs.length) return 1;
  if (failed.length) return 3;
  // The answers came, but what was asked for (a record in the workspace) did not happen: CI must see it.
  return recordFailed ? 4 : 0;
}

/** The options every prompt-running command takes (`parseArgs` form): the workspace, records, output and AWS configuration. */
export const RUNTIME_OPTIONS = {
  workspace: { type: 'string' },
  json: { type: 'boolean', default: false },
  'no-record': { type: 'boolean', default: false },
  model: { type: 'string' },
  models: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'allow-outside': { type: 'string', multiple: true },
} as const;

/** A model call as the commands print it with --json (run, compare, eval, email): `fields` come after the common ones. */
export function callJson(
  call: { runId: string | null; model: string; output: string; metrics: object; partial?: boolean; error?: { kind: string; message: string } | null },
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    runId: call.runId,
    model: call.model,
    output: call.output,
    metrics: call.metrics,
    ...fields,
    ...(call.partial ? { partial: true } : {}),
    ...(call.error ? { error: call.error } : {}),
  };
}
