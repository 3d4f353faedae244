import type { StreamEvent } from '../providers/types';
import type { ToolAnswerer } from '../tools/toolLoop';
import type { PendingToolCall, ToolAnswer, ToolCallRecord } from '../tools/types';
import { newId } from '../workspace/ids';
import { EMPTY_METRICS } from './column';
import { identityOf, type PreparedRun, type PromptRunner, type RunOptions, type RunOutcome } from './promptRunner';

/** What a comparison needs of a runner: the `PromptRunner` the extension and the CLI share. */
export type ComparisonRunnable = Pick<PromptRunner, 'run' | 'resolveModel'> & Partial<Pick<PromptRunner, 'reply'>>;

/**
 * Events of a comparison, tagged by column. Only the column's current attempt reports: a
 * column that is retried forgets the attempt it replaced (that one is still recorded).
 */
export type ComparisonEvent =
  /** `turn`: 0 for the prompt itself, 1, 2 … for the replies of a conversation. */
  | { type: 'column-start'; column: number; model: string; attempt: number; startedAt: number; turn: number }
  /** A tool call was answered (by a mock, a person, or with a sentence about a problem). */
  | { type: 'tool-call'; column: number; model: string; attempt: number; call: ToolCallRecord }
  | { type: 'stream'; column: number; model: string; attempt: number; event: StreamEvent }
  /** The column's first text arrived after `ttftMs` (measured once, by the runner). */
  | { type: 'first-token'; column: number; model: string; attempt: number; ttftMs: number }
  | { type: 'column-end'; column: number; model: string; attempt: number; outcome: RunOutcome };

export interface ComparisonResult {
  comparisonId: string;
  /** One outcome per column, in the order the models were given: each column's latest attempt. */
  runs: RunOutcome[];
}

export interface ComparisonRunnerOptions {
  runner: ComparisonRunnable;
  /** The prompt prepared once for every column (one parse, one render, one retrieval). */
  prepared: PreparedRun;
  models: string[];
  comparisonId?: string;
  onEvent?: (event: ComparisonEvent) => void;
  /** Stops every column when aborted (Ctrl+C in the CLI, a closed panel). */
  signal?: AbortSignal;
  /** Wall-clock time for `startedAt`; tests may fix it. */
  now?: () => number;
  /** Answers a column's tool calls (a person in the panel); default: the saved mocks. */
  answerTool?: (column: number, call: PendingToolCall) => Promise<ToolAnswer>;
}

interface Column {
  model: string;
  /** What the column sends: the prompt, or its conversation so far and a reply. */
  prepared: PreparedRun;
  attempt: number;
  abort: AbortController | null;
  running: Promise<RunOutcome> | null;
  outcome: RunOutcome | null;
}

/**
 * Runs one rendered prompt on several models at once, under one comparison id. Every column
 * has its own AbortController, so one can be stopped or retried while the others go on, and
 * a column that fails keeps its error to itself. Each call is recorded by the runner with
 * the comparison id and its column.
 */
export class ComparisonRunner {
  readonly comparisonId: string;
  private readonly columns: Column[];
  private started = false;
  private readonly now: () => number;

  constructor(private readonly options: ComparisonRunnerOptions) {
    if (!options.models.length) throw new Error('A comparison needs at least one model.');
    this.comparisonId = options.comparisonId ?? newId('c');
    this.now = options.now ?? Date.now;
    this.columns = options.models.map((m) => ({
      model: options.runner.resolveModel(options.prepared.model, m),
      prepared: options.prepared,
      attempt: 0,
      abort: null,
      running: null,
      outcome: null,
    }));
    options.signal?.addEventListener('abort', () => this.stopAll(), { once: true });
  }

  /** The models of the columns, qualified (`provider/modelId`), in column order. */
  get models(): string[] {
    return this.columns.map((c) => c.model);
  }

  /** Starts every column at once (only the first call starts them) and resolves when none is running. */
  run(): Promise<ComparisonResult> {
    if (!this.started) {
      this.started = true;
      const alreadyAborted = this.options.signal?.aborted ?? false;
      this.columns.forEach((_, index) => this.startColumn(index));
      if (alreadyAborted) this.stopAll();
    }
    return this.settled();
  }

  /** Resolves when no column is running, including columns retried while it waited. */
  async settled(): Promise<ComparisonResult> {
    for (;;) {
      const running = this.columns.map((c) => c.running).filter((p): p is Promise<RunOutcome> => p !== null);
      if (!running.length) break;
      await Promise.allSettled(running);
    }
    return { comparisonId: this.comparisonId, runs: this.columns.map((c, i) => c.outcome ?? this.notRun(c.model, i)) };
  }

  isRunning(column?: number): boolean {
    return column === undefined ? this.columns.some((c) => c.running) : Boolean(this.columns[column]?.running);
  }

  /** Stops one column; its partial answer is kept and recorded as cancelled. False if it was not running. */
  stop(column: number): boolean {
    const c = this.columns[column];
    if (!c?.running || !c.abort) return false;
    c.abort.abort();
    return true;
  }

  stopAll(): void {
    this.columns.forEach((_, index) => this.stop(index));
  }

  /**
   * Sends the person's reply in every column at once: each finished column continues its own
   * conversation (its answer and tool calls so far, then the reply). Columns still running or
   * never answered are left as they are. Resolves when none is running.
   */
  reply(text: string): Promise<ComparisonResult> {
    const reply = this.options.runner.reply?.bind(this.options.runner);
    if (!reply) return Promise.reject(new Error('This runner cannot continue a conversation.'));
    this.columns.forEach((column, index) => {
      if (column.running || !column.outcome || !column.outcome.runId) return;
      column.prepared = reply(column.prepared, column.outcome, text);
      void this.startColumn(index);
    });
    return this.settled();
  }

  /** Runs one column again (stopping it first if it is still running); resolves with its new outcome. */
  retry(column: number): Promise<RunOutcome> {
    if (!this.columns[column]) return Promise.reject(new RangeError(`No column ${column} in a comparison of ${this.columns.length}.`));
    this.started = true;
    this.stop(column);
    return this.startColumn(column);
  }

  private startColumn(index: number): Promise<RunOutcome> {
    const column = this.columns[index];
    const attempt = ++column.attempt;
    const abort = new AbortController();
    column.abort = abort;
    const isCurrent = () => column.attempt === attempt;
    const emit = (event: ComparisonEvent) => {
      if (isCurrent()) this.options.onEvent?.(event);
    };
    const { runner } = this.options;
    const prepared = column.prepared;
    emit({ type: 'column-start', column: index, model: column.model, attempt, startedAt: this.now(), turn: prepared.conversationTurn ?? 0 });
    const answerTool: ToolAnswerer | undefined = this.options.answerTool ? (call) => this.options.answerTool!(index, call) : undefined;
    const runOptions: RunOptions = {
      model: column.model,
      signal: abort.signal,
      comparisonId: this.comparisonId,
      comparisonColumn: index,
      onEvent: (event) => emit({ type: 'stream', column: index, model: column.model, attempt, event }),
      onFirstToken: (ttftMs) => emit({ type: 'first-token', column: index, model: column.model, attempt, ttftMs }),
      onToolCall: (call) => emit({ type: 'tool-call', column: index, model: column.model, attempt, call }),
      ...(answerTool ? { answerTool } : {}),
    };
    const running = runner
      .run(prepared, runOptions)
      // The runner reports model failures in the outcome; anything thrown is a bug that must stay in its column.
      .catch((err: unknown): RunOutcome => this.failedOutcome(column.model, err))
      .then((outcome) => {
        if (isCurrent()) {
          column.outcome = outcome;
          column.running = null;
          column.abort = null;
          emit({ type: 'column-end', column: index, model: column.model, attempt, outcome });
        }
        return outcome;
      });
    column.running = running;
    return running;
  }

  private failedOutcome(model: string, err: unknown): RunOutcome {
    const message = `The model call failed: ${(err as Error)?.message ?? String(err)}`;
    return this.emptyOutcome(model, { kind: 'unknown', message });
  }

  private notRun(model: string, column: number): RunOutcome {
    return this.emptyOutcome(model, { kind: 'cancelled', message: `Column ${column + 1} (${model}) was not run.` });
  }

  private emptyOutcome(model: string, error: { kind: string; message: string }): RunOutcome {
    return { runId: '', model, prompt: identityOf(this.options.prepared), output: '', stopReason: null, metrics: { ...EMPTY_METRICS, latencyMs: 0 }, partial: false, error };
  }
}
