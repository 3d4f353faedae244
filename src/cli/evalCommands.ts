import * as fs from 'node:fs';
import { writeFileAtomic } from '../core/workspace/guardedFs';
import * as path from 'node:path';
import { parseCheckSpecs } from '../core/datasets/checkSpecs';
import { readDataset, resolveDatasetPath, type Dataset } from '../core/datasets/datasetFile';
import { listDatasetRuns, loadDatasetRun, pairKey, type DatasetCellResult, type ModelSummary } from '../core/datasets/datasetRuns';
import { WorkbenchPaths } from '../core/workspace/paths';
import { finishGate, gateCellOf, parseGateOptions, resolveBaseline, type BaselineSource } from './evalGate';
import { DEFAULT_DATASET_CONCURRENCY, runDataset } from '../core/datasets/datasetRunner';
import { exportFineTuning, fineTuneJsonl } from '../core/datasets/fineTuneExport';
import { describeInputFields } from '../core/prompt/inputFields';
import { formatUsd } from '../core/format/units';
import { runBatchEval } from './batchCommands';
import { callJson, CliError, CliRuntime, modelList, readPromptFile } from './runtime';

export { CliError };

export interface EvalOptions {
  file: string;
  workspace: string;
  /** Outside paths `workbench.dataset` may read (`--allow-outside`); an explicit `--dataset` is the person's own choice. */
  allowOutside?: string[];
  dataset?: string;
  models?: string;
  minPass?: string;
  concurrency?: string;
  resume?: string;
  judgeModel?: string;
  /** False with --no-cache: every call is made, nothing is kept. */
  cache?: boolean;
  /** `--rerun-failed [ID]`: `latest` for the prompt's latest dataset run. */
  rerunFailed?: string;
  baseline?: string;
  maxDrop?: string;
  mustPass?: string;
  report?: string;
  json: boolean;
  record: boolean;
  aws: { region?: string; profile?: string; endpointUrl?: string };
  /** `--batch --s3 URI --role-arn ARN [--wait]`: run as Bedrock batch inference jobs (batchCommands.ts). */
  batch?: { s3?: string; roleArn?: string; wait: boolean };
}

/**
 * `prompt-workbench eval FILE --dataset PATH --models ID,…`: every case on every model with
 * its checks, and a summary per model. Exit 1 when a model's pass rate is under `--min-pass`
 * (or every call failed), 2 for a usage problem, an unreadable dataset or a broken prompt.
 */
export async function runEvalCommand(options: EvalOptions): Promise<number> {
  const promptPath = path.resolve(options.file);
  const prompt = readPromptFile(promptPath, options.file);
  const minPass = options.minPass === undefined ? undefined : Number(options.minPass);
  if (minPass !== undefined && !(minPass >= 0 && minPass <= 1)) throw new CliError(`--min-pass ${options.minPass}: give a pass rate from 0 to 1 (0.9 = 90%).`);
  const concurrency = options.concurrency === undefined ? DEFAULT_DATASET_CONCURRENCY : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CliError(`--concurrency ${options.concurrency}: give a whole number of 1 or more.`);
  const gate = parseGateOptions(options);
  if (options.rerunFailed && options.resume) throw new CliError('--rerun-failed and --resume: give one of them.');
  if (options.rerunFailed && !options.record) throw new CliError('--rerun-failed merges into a recorded dataset run: drop --no-record.');

  const parsed = prompt.parsed;
  const datasetSpec = options.dataset ?? (typeof parsed.workbench.dataset === 'string' ? parsed.workbench.dataset : undefined);
  if (!datasetSpec) throw new CliError('eval: name the dataset with --dataset PATH (or give the prompt a workbench.dataset).');
  const datasetFile = options.dataset ? path.resolve(options.dataset) : resolveDatasetPath(datasetSpec, promptPath, options.workspace);
  const required = (await describeInputFields(parsed)).filter((f) => f.required && f.defaultText === null).map((f) => f.name);
  let dataset: Dataset;
  try {
    dataset = await readDataset(datasetFile, { requiredInputs: required, ...(options.dataset ? {} : { policy: { root: options.workspace, allowOutside: options.allowOutside } }) });
  } catch (err) {
    throw new CliError(`Cannot read the dataset ${datasetFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  for (const p of dataset.problems) console.error(`warning: ${datasetFile}:${p.line}: skipped: ${p.message}`);
  if (dataset.missingColumns.length) {
    throw new CliError(`${datasetFile}: missing column${dataset.missingColumns.length > 1 ? 's' : ''} ${dataset.missingColumns.join(', ')}, which the prompt's input schema requires. Add the column, or give the input a default.`);
  }
  if (!dataset.cases.length) throw new CliError(`${datasetFile}: no case to run (every row was skipped, or the file is empty).`);
  const promptChecks = parseCheckSpecs(parsed.workbench.checks);
  for (const p of promptChecks.problems) console.error(`warning: ${options.file}: workbench.checks: ${p} (left out)`);

  const unknownMustPass = (gate?.mustPass ?? []).filter((id) => !dataset.cases.some((c) => c.id === id));
  if (unknownMustPass.length) throw new CliError(`--must-pass: no case ${unknownMustPass.join(', ')} in ${datasetFile}.`);

  const runtime = new CliRuntime({ workspace: options.workspace, record: options.record, cache: options.cache !== false, ...options.aws });
  const models = modelList(options.models);
  if (!models.length) models.push(parsed.model ?? '');
  if (!models[0]) throw new CliError('eval: name the models with --models ID,ID,… (the prompt names no model).');
  if (options.batch) {
    if (!options.record) throw new CliError('eval --batch: batch results arrive later as run records, so --no-record cannot be used with it.');
    return runBatchEval({ runtime, workspace: options.workspace, prompt, dataset, models, promptChecks: promptChecks.checks, ...options.batch, json: options.json, judgeModel: options.judgeModel });
  }
  const rerun = options.rerunFailed ? await failedPairs(options.rerunFailed, options.workspace, promptPath) : undefined;
  if (rerun) {
    models.splice(0, models.length, ...rerun.models);
    if (!options.json) console.error(`rerunning ${rerun.keys.size} failed case × model pair${rerun.keys.size === 1 ? '' : 's'} of dataset run ${rerun.id}`);
  }
  const baselineSource: BaselineSource | undefined = gate ? await resolveBaseline(gate.baseline, { workspace: options.workspace, promptPath }) : undefined;

  let lastShown = 0;
  const result = await runDataset({
    runner: runtime.runner,
    document: prompt,
    dataset,
    models,
    promptChecks: promptChecks.checks,
    workspaceFolder: options.record ? options.workspace : undefined,
    resumeId: rerun?.id ?? options.resume,
    ...(rerun ? { rerun: rerun.keys } : {}),
    // A rerun asks the model again: the cache would only repeat the answer that failed.
    cache: options.cache !== false && !rerun,
    concurrency,
    signal: runtime.signal,
    judge: runtime.judge,
    judgeModel: options.judgeModel,
    onProgress: (p) => {
      if (options.json || !process.stderr.isTTY || p.done === lastShown) return;
      lastShown = p.done;
      process.stderr.write(`\r${p.done}/${p.total}`);
    },
  });
  if (!options.json && process.stderr.isTTY) process.stderr.write('\r');
  const cacheTally = runtime.responseCache ? { hits: runtime.responseCache.tally.hits, misses: runtime.responseCache.tally.misses } : undefined;

  let gateResult: Awaited<ReturnType<typeof finishGate>> | undefined;
  if (gate && baselineSource && !result.cancelled) {
    let baselineCells = baselineSource.kind === 'cells' ? baselineSource.cells : undefined;
    if (baselineSource.kind === 'prompt') {
      // The prompt as it was: same dataset, same models, through the cache (an unchanged baseline makes no call).
      const before = await runDataset({ runner: runtime.runner, document: baselineSource.document, dataset, models: result.models, promptChecks: parseCheckSpecs(baselineSource.document.parsed.workbench.checks).checks, concurrency, signal: runtime.signal, judge: runtime.judge, judgeModel: options.judgeModel, cache: options.cache !== false });
      baselineCells = before.cells.map(gateCellOf);
    }
    gateResult = await finishGate(result.cells, { label: baselineSource.label, cells: baselineCells! }, gate, { prompt: parsed.name ?? path.basename(promptPath), datasetRunId: result.datasetRunId, quiet: options.json });
  }

  const failing = minPass === undefined ? [] : result.summary.filter((s) => s.passRate === null || s.passRate < minPass);
  const allFailed = result.cells.every((c) => c.status !== 'done');
  if (options.json) {
    console.log(
      JSON.stringify(
        {
          datasetRunId: result.datasetRunId,
          dataset: { path: datasetFile, cases: dataset.cases.length, problems: dataset.problems },
          results: result.cells.map(cellJson),
          summary: result.summary,
          ...(minPass !== undefined ? { minPass, passed: failing.length === 0 } : {}),
          ...(result.cancelled ? { cancelled: true } : {}),
          ...(cacheTally ? { cache: cacheTally } : {}),
          ...(gateResult ? { gate: gateResult } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    printHuman(result.cells, result.summary, dataset);
    if (cacheTally && cacheTally.hits + cacheTally.misses) console.log(`response cache: ${cacheTally.hits} of ${cacheTally.hits + cacheTally.misses} answers from the cache (--no-cache to call every model)`);
    console.log(`dataset run ${result.datasetRunId}${result.cancelled ? ' (cancelled: resume it with --resume ' + result.datasetRunId + ')' : ''}`);
  }
  for (const s of failing) {
    console.error(
      s.passRate === null
        ? `error: ${s.model}: no case has a check, so --min-pass ${minPass} cannot be met (add "checks" to the rows or workbench.checks to the prompt).`
        : `error: ${s.model}: pass rate ${percent(s.passRate)} is under --min-pass ${percent(minPass!)}.`,
    );
  }
  if (result.cancelled) return 130;
  return failing.length || allFailed || gateResult?.regressed ? 1 : 0;
}

function cellJson(c: DatasetCellResult) {
  return { caseId: c.caseId, ...callJson(c, { status: c.status, checks: c.checks ?? [], ...(c.resumed ? { resumed: true } : {}), ...(c.cachedFrom ? { cached: true, cachedFrom: c.cachedFrom } : {}) }) };
}

/** The pairs of a dataset run whose call or checks failed (`latest`: the prompt's newest dataset run). */
async function failedPairs(ref: string, workspace: string, promptPath: string): Promise<{ id: string; models: string[]; keys: Set<string> }> {
  let id = ref;
  if (ref === 'latest') {
    const runs = await listDatasetRuns(workspace, new WorkbenchPaths(workspace).relative(promptPath));
    if (!runs.length) throw new CliError(`--rerun-failed: ${path.basename(promptPath)} has no dataset run in ${workspace} yet; run eval first.`);
    id = runs[0].manifest.id;
  }
  const run = await loadDatasetRun(workspace, id);
  if (!run) throw new CliError(`--rerun-failed ${id}: no such dataset run in ${path.join(workspace, '.prompt-workbench', 'dataset-runs.jsonl')}.`);
  const failed = run.cells.filter((c) => c.status === 'failed' || (c.checks?.some((o) => !o.pass) ?? false));
  return { id, models: run.manifest.models, keys: new Set(failed.map((c) => pairKey(c.caseId, c.model))) };
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

function printHuman(cells: readonly DatasetCellResult[], summary: readonly ModelSummary[], dataset: Dataset): void {
  for (const c of cells) {
    const passed = c.checks?.length ? c.checks.every((o) => o.pass) : null;
    const mark = c.status !== 'done' ? '!' : passed === null ? '·' : passed ? '✓' : '✗';
    const ms = c.cachedFrom ? 'cached' : c.metrics.latencyMs === null ? '—' : `${c.metrics.latencyMs} ms`;
    const failed = (c.checks ?? []).filter((o) => !o.pass).map((o) => `${o.check}: ${o.detail}`);
    const why = c.error ? ` · ${c.error.kind}: ${c.error.message}` : failed.length ? ` · ${failed.join('; ')}` : '';
    console.log(`${mark} ${c.caseId}  ${c.model}  ${ms}${why}`);
  }
  console.log(`\n${dataset.cases.length} cases × ${summary.length} model${summary.length > 1 ? 's' : ''}`);
  const rows = summary.map((s) => [
    s.model,
    s.passRate === null ? '—' : `${percent(s.passRate)} (${s.passed}/${s.checked})`,
    s.latencyMs.p50 === null ? '—' : `${Math.round(s.latencyMs.p50)} ms`,
    formatUsd(s.costUsd),
    String(s.failed),
  ]);
  const header = ['model', 'pass rate', 'p50 latency', 'cost', 'failed calls'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

export interface ExportFineTuneOptions {
  workspace: string;
  prompt?: string;
  minStars?: string;
  out?: string;
  json: boolean;
}

/** `prompt-workbench export-finetune --prompt NAME [--min-stars 4] [--out FILE]`: Bedrock conversation JSONL. */
export async function runExportFineTuneCommand(options: ExportFineTuneOptions): Promise<number> {
  if (!options.prompt) throw new CliError('export-finetune: name the prompt with --prompt NAME (its frontmatter name).');
  const minStars = options.minStars === undefined ? 4 : Number(options.minStars);
  if (!(minStars >= 1 && minStars <= 5)) throw new CliError(`--min-stars ${options.minStars}: give a number from 1 to 5.`);
  const result = await exportFineTuning({ workspaceFolder: options.workspace, prompt: options.prompt, minStars });
  for (const p of result.problems) console.error(`warning: ${p}`);
  const jsonl = fineTuneJsonl(result.examples);
  if (options.out) await writeFileAtomic(path.resolve(options.out), jsonl); // where asked, never through a link
  else process.stdout.write(jsonl);
  const { noInputs, noPromptText, unusable } = result.skipped;
  const notes = [
    noInputs ? `${noInputs} skipped: recorded without their inputs (only a hash); turn on promptWorkbench.runs.storeInputs and run again to export those` : '',
    noPromptText ? `${noPromptText} skipped: the prompt text they ran with is not kept` : '',
    unusable ? `${unusable} skipped: failed, empty or duplicate answers` : '',
  ].filter(Boolean);
  const summary = { prompt: options.prompt, minStars, examples: result.examples.length, qualified: result.qualified, skipped: result.skipped, ...(options.out ? { file: path.resolve(options.out) } : {}) };
  if (options.out && options.json) console.log(JSON.stringify(summary, null, 2));
  else console.error(`${result.examples.length} example${result.examples.length === 1 ? '' : 's'} of ${result.qualified} rated run${result.qualified === 1 ? '' : 's'} of “${options.prompt}” at ${minStars}+ stars${options.out ? ` → ${options.out}` : ''}`);
  for (const n of notes) console.error(`note: ${n}`);
  if (!result.examples.length) {
    console.error(result.qualified ? 'error: nothing to export (see the notes above).' : `error: no run of “${options.prompt}” is rated ${minStars} stars or more (or thumbs up).`);
    return 1;
  }
  return 0;
}
