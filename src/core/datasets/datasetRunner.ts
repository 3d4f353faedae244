import * as fs from 'node:fs';
import type { PromptDocument } from '../prompt/promptDocument';
import { PromptError } from '../prompt/renderPrompt';
import type { PreparedRun, PromptRunner, RunOutcome } from '../runs/promptRunner';
import { readRunHistory } from '../runs/runHistory';
import { newId } from '../workspace/ids';
import { WorkbenchPaths } from '../workspace/paths';
import { evaluateChecks } from './checks';
import type { CheckOutcome, CheckSpec } from './checkSpecs';
import { datasetHash, type Dataset, type DatasetCase } from './datasetFile';
import {
  appendDatasetRunManifest,
  cellFromRecord,
  DATASET_RUN_SCHEMA,
  pairKey,
  settledPairs,
  summarizeByModel,
  type DatasetCellResult,
  type DatasetRunManifest,
  type ModelSummary,
} from './datasetRuns';
import type { Judge } from './llmJudge';

export const DEFAULT_DATASET_CONCURRENCY = 4;

export interface DatasetProgress {
  /** Pairs finished so far (those taken over from an earlier attempt included). */
  done: number;
  total: number;
  /** The pair that just finished; absent in the first report. */
  cell?: DatasetCellResult;
}

export interface DatasetRunnerOptions {
  runner: Pick<PromptRunner, 'prepare' | 'run' | 'resolveModel'>;
  /** The prompt, parsed once for every case (partials are read next to its file). */
  document: PromptDocument;
  dataset: Dataset;
  models: string[];
  /** `workbench.checks` of the prompt, applied to every case before the case's own. */
  promptChecks?: CheckSpec[];
  /** Where the dataset run's manifest is kept and earlier records are read on resume; none: neither. */
  workspaceFolder?: string;
  /** Resume this dataset run: pairs it already recorded are not run again. */
  resumeId?: string;
  /** With `resumeId`: run only these pairs again (`pairKey`s: rerun what failed), keeping every other result of that run. */
  rerun?: ReadonlySet<string>;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DatasetProgress) => void;
  judge?: Judge;
  judgeModel?: string;
  /** Answer from the response cache when the same request was answered before (default true; `--no-cache` turns it off). */
  cache?: boolean;
}

export interface DatasetRunResult {
  datasetRunId: string;
  models: string[];
  cases: DatasetCase[];
  /** Case-major: every case's models in the order given. */
  cells: DatasetCellResult[];
  summary: ModelSummary[];
  cancelled: boolean;
}

/**
 * Runs every case of a dataset on every model, at most `concurrency` calls at a time. Each
 * call is recorded as it finishes (with `datasetCaseId`, `datasetRunId` and its check
 * outcomes), so a run that dies halfway can be resumed: `resumeId` skips the pairs already
 * recorded. Aborting stops the calls in flight (recorded as cancelled) and starts no more.
 */
export async function runDataset(options: DatasetRunnerOptions): Promise<DatasetRunResult> {
  const { runner, dataset, signal } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_DATASET_CONCURRENCY));
  const renderedFirst = await firstRendering(options);
  const models = [...new Set(options.models.map((m) => runner.resolveModel(renderedFirst.model, m)))];
  if (!models.length) throw new Error('A dataset run needs at least one model.');
  const datasetRunId = options.resumeId ?? newId('d');

  const earlier = new Map<string, DatasetCellResult>();
  if (options.resumeId && options.workspaceFolder) {
    const { records } = await readRunHistory(new WorkbenchPaths(options.workspaceFolder).runsDir);
    for (const [key, record] of settledPairs(records, options.resumeId)) earlier.set(key, cellFromRecord(record, true));
  } else if (options.workspaceFolder) {
    const paths = new WorkbenchPaths(options.workspaceFolder);
    const manifest: DatasetRunManifest = {
      schema: DATASET_RUN_SCHEMA,
      id: datasetRunId,
      ts: new Date().toISOString(),
      prompt: { name: renderedFirst.name, version: renderedFirst.version, contentHash: renderedFirst.contentHash, path: options.document.file ? paths.relative(options.document.file) : null },
      dataset: { path: paths.relative(dataset.file), hash: await fileHash(dataset.file), cases: dataset.cases.length },
      models,
      caseIds: dataset.cases.map((c) => c.id),
    };
    await appendDatasetRunManifest(options.workspaceFolder, manifest);
  }

  const pairs = dataset.cases.flatMap((c, caseIndex) => models.map((model, modelIndex) => ({ c, model, index: caseIndex * models.length + modelIndex })));
  const cells: DatasetCellResult[] = new Array(pairs.length);
  let done = 0;
  const report = (cell?: DatasetCellResult) => options.onProgress?.({ done, total: pairs.length, ...(cell ? { cell } : {}) });
  const todo: typeof pairs = [];
  for (const pair of pairs) {
    const key = pairKey(pair.c.id, pair.model);
    const previous = earlier.get(key);
    if (options.rerun ? !options.rerun.has(key) : previous) {
      if (previous) cells[pair.index] = previous;
      done++;
    } else todo.push(pair);
  }
  report();

  // A case is prepared once for all its models; the first model to reach it starts it.
  const renderings = new Map<string, Promise<PreparedRun | string>>();
  const renderCase = (c: DatasetCase) => {
    let rendering = renderings.get(c.id);
    if (!rendering) renderings.set(c.id, (rendering = renderOne(options, c)));
    return rendering;
  };

  let next = 0;
  const worker = async () => {
    while (next < todo.length && !signal?.aborted) {
      const pair = todo[next++];
      const cell = await runPair(options, pair.c, pair.model, datasetRunId, await renderCase(pair.c));
      cells[pair.index] = cell;
      done++;
      report(cell);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));

  for (const pair of pairs) cells[pair.index] ??= notRun(pair.c.id, pair.model);
  return { datasetRunId, models, cases: dataset.cases, cells, summary: summarizeByModel(cells, models), cancelled: signal?.aborted ?? false };
}

/** The prompt prepared with the first case (or none): its name, version and model for the manifest. */
async function firstRendering(options: DatasetRunnerOptions): Promise<PreparedRun> {
  return options.runner.prepare(options.document, options.dataset.cases[0]?.inputs ?? {});
}

async function renderOne(options: DatasetRunnerOptions, c: DatasetCase): Promise<PreparedRun | string> {
  try {
    const rendered = await options.runner.prepare(options.document, c.inputs);
    if (rendered.missingInputs.length) return `no value for ${rendered.missingInputs.map((m) => `“${m}”`).join(', ')} in this case (line ${c.line})`;
    return rendered;
  } catch (err) {
    return err instanceof PromptError ? `the prompt cannot be rendered with this case: ${err.message}` : `the case cannot be rendered: ${(err as Error).message}`;
  }
}

async function runPair(options: DatasetRunnerOptions, c: DatasetCase, model: string, datasetRunId: string, rendered: PreparedRun | string): Promise<DatasetCellResult> {
  if (typeof rendered === 'string') {
    return { ...notRun(c.id, model), status: 'failed', error: { kind: 'prompt', message: rendered } };
  }
  const specs = [...(options.promptChecks ?? []), ...c.checks];
  const evaluate = async (outcome: RunOutcome): Promise<CheckOutcome[] | undefined> => {
    if (!specs.length || outcome.error?.kind === 'cancelled') return undefined;
    // A call that failed answers no case: every check fails with the reason.
    if (outcome.error) return specs.map((s) => ({ check: s.name ?? s.type, pass: false, detail: `the model call failed: ${outcome.error!.message}` }));
    // The judge is not given the run's signal: an answer that arrived is judged to the end, so
    // a cancel never records a judge failure that a resume would then take as the case's result.
    return evaluateChecks(specs, { output: outcome.output, metrics: outcome.metrics, inputs: c.inputs, reference: c.reference, model: outcome.model }, {
      judge: options.judge,
      judgeModel: options.judgeModel,
    });
  };
  let outcome: RunOutcome;
  try {
    outcome = await options.runner.run(rendered, {
      model,
      signal: options.signal ?? new AbortController().signal,
      datasetCaseId: c.id,
      datasetRunId,
      evaluate,
      cache: options.cache !== false,
    });
  } catch (err) {
    return { ...notRun(c.id, model), status: 'failed', error: { kind: 'unknown', message: `The model call failed: ${(err as Error).message}` } };
  }
  const error = outcome.error ?? null;
  return {
    caseId: c.id,
    model: outcome.model,
    status: error ? (error.kind === 'cancelled' ? 'cancelled' : 'failed') : 'done',
    runId: outcome.runId || null,
    output: outcome.output,
    metrics: { latencyMs: outcome.metrics.latencyMs, costUsd: outcome.metrics.costUsd, ttftMs: outcome.metrics.ttftMs, outputTokens: outcome.metrics.outputTokens },
    error,
    checks: outcome.checks ?? null,
    ...(outcome.cachedFrom ? { cachedFrom: outcome.cachedFrom } : {}),
  };
}

function notRun(caseId: string, model: string): DatasetCellResult {
  return { caseId, model, status: 'not-run', runId: null, output: '', metrics: { latencyMs: null, costUsd: null, ttftMs: null, outputTokens: null }, error: null, checks: null };
}

async function fileHash(file: string): Promise<string> {
  try {
    return datasetHash(await fs.promises.readFile(file, 'utf8'));
  } catch {
    return '';
  }
}
