/**
 * `prompt-workbench improve FILE [--source bedrock|failures] [--judge-model ID] [--candidates N]
 * [--models …] [--dataset …] [--json] [--save RANK]`: one round of Improve Prompt. Prints the
 * candidates with their scores against the current version; writes nothing to the prompt
 * unless `--save` names the winner by rank.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCheckSpecs } from '../core/datasets/checkSpecs';
import { readDataset, resolveDatasetPath, type Dataset } from '../core/datasets/datasetFile';
import { formatUsd } from '../core/format/units';
import { optimizeWithBedrock } from '../core/improve/bedrockOptimizer';
import { caseComments } from '../core/improve/caseComments';
import type { CandidateSource } from '../core/improve/candidate';
import type { VersionFigures } from '../core/improve/comparison';
import { DEFAULT_CANDIDATES, pickFailures, proposeFromFailures } from '../core/improve/failuresSource';
import { improveRound, type ImproveRoundResult, type ProposalSource } from '../core/improve/improveRound';
import { improveTrialsFolder, saveCandidate } from '../core/improve/saveCandidate';
import { describeInputFields } from '../core/prompt/inputFields';
import { PromptRunner } from '../core/runs/promptRunner';
import { CliError, CliRuntime, modelList, readPromptFile } from './runtime';

export interface ImproveOptions {
  file: string;
  workspace: string;
  source?: string;
  judgeModel?: string;
  candidates?: string;
  models?: string;
  dataset?: string;
  save?: string;
  concurrency?: string;
  json: boolean;
  record: boolean;
  aws: { region?: string; profile?: string; endpointUrl?: string };
}

export async function runImproveCommand(options: ImproveOptions): Promise<number> {
  const promptPath = path.resolve(options.file);
  const prompt = readPromptFile(promptPath, options.file);
  const text = prompt.source;
  const source = (options.source ?? 'failures') as CandidateSource;
  if (source !== 'bedrock' && source !== 'failures') throw new CliError(`--source ${options.source}: give bedrock or failures.`);
  const count = options.candidates === undefined ? DEFAULT_CANDIDATES : Number(options.candidates);
  if (!Number.isInteger(count) || count < 1 || count > 10) throw new CliError(`--candidates ${options.candidates}: give a whole number from 1 to 10.`);
  const saveRank = options.save === undefined ? undefined : Number(options.save);
  if (saveRank !== undefined && !(Number.isInteger(saveRank) && saveRank >= 1)) throw new CliError(`--save ${options.save}: give the rank of the candidate to save (1 = the best).`);
  if (saveRank !== undefined && !options.record) throw new CliError('--save writes a new version and its runs: it cannot be combined with --no-record.');
  const parsed = prompt.parsed;
  if (!parsed.ok) throw new CliError(`${options.file} has errors; fix them before improving it (prompt-workbench render shows them).`);

  const dataset = await loadDataset(options, promptPath);
  const promptChecks = parseCheckSpecs(parsed.workbench.checks);
  const runtime = new CliRuntime({ workspace: options.workspace, record: options.record, ...options.aws });
  const models = modelList(options.models);
  if (!models.length) models.push(parsed.model ?? runtime.runner.resolveModel(undefined));
  const judgeModel = options.judgeModel ?? models[0];
  const candidateRunner = options.record
    ? new PromptRunner({ providers: runtime.providers, catalog: runtime.catalog, workspaceFolder: improveTrialsFolder(options.workspace), retrieve: runtime.retrieve })
    : runtime.runner;

  const propose: ProposalSource =
    source === 'bedrock'
      ? async (request) => [{ reasoning: '', text: (await optimizeWithBedrock({ connection: runtime.aws, text: request.mapping.plain, targetModel: models[0], signal: request.signal, onAnalysis: request.onAnalysis })).text }]
      : async (request) =>
          (await proposeFromFailures({ providers: runtime.providers, catalog: runtime.catalog, judgeModel, plain: request.mapping.plain, rubric: request.rubric, failures: pickFailures(request.failures), count: request.count, signal: request.signal })).proposals;

  let result: ImproveRoundResult;
  try {
    result = await improveRound({
      runner: runtime.runner,
      candidateRunner,
      document: prompt,
      text,
      dataset,
      models,
      promptChecks: promptChecks.checks,
      judge: runtime.judge,
      judgeModel: options.judgeModel,
      workspaceFolder: options.record ? options.workspace : undefined,
      candidateWorkspaceFolder: options.record ? improveTrialsFolder(options.workspace) : undefined,
      source,
      propose,
      comments: await caseComments(options.workspace, { name: parsed.name ?? path.basename(promptPath, '.prompt'), version: parsed.version ?? 1 }).catch(() => undefined),
      count,
      concurrency: options.concurrency === undefined ? undefined : Number(options.concurrency),
      signal: runtime.signal,
      onEvent: (e) => {
        if (options.json) return;
        if (e.type === 'analysis') console.error(`analysis: ${e.message}`);
        if (e.type === 'candidate' && e.candidate.rejected.length) console.error(`candidate ${e.candidate.index} rejected: ${e.candidate.rejected.join('; ')}`);
      },
    });
  } catch (err) {
    if (err instanceof CliError) throw err;
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }

  let saved: Awaited<ReturnType<typeof saveCandidate>> | undefined;
  if (saveRank !== undefined) {
    const winner = result.ranked[saveRank - 1];
    if (!winner) throw new CliError(`--save ${saveRank}: only ${result.ranked.length} candidate${result.ranked.length === 1 ? ' was' : 's were'} tried; nothing was saved.`, 1);
    saved = await saveCandidate({ workspaceFolder: options.workspace, file: promptPath, currentText: text, candidateText: winner.candidate.text, datasetRunId: winner.datasetRunId });
  }

  if (options.json) console.log(JSON.stringify(improveJson(result, saved), null, 2));
  else printHuman(result, saved, options.file);
  return result.ranked.length ? 0 : 1;
}

async function loadDataset(options: ImproveOptions, promptPath: string): Promise<Dataset> {
  const parsed = readPromptFile(promptPath, options.file).parsed;
  const spec = options.dataset ?? (typeof parsed.workbench.dataset === 'string' ? parsed.workbench.dataset : undefined);
  if (!spec) {
    throw new CliError('improve: the prompt has no dataset. Give one with --dataset PATH, or make one from its runs (Add to Dataset in the editor) and name it in workbench.dataset.');
  }
  const file = options.dataset ? path.resolve(options.dataset) : resolveDatasetPath(spec, promptPath, options.workspace);
  if (!fs.existsSync(file)) throw new CliError(`improve: the dataset ${file} does not exist. Make one from the prompt's runs (Add to Dataset in the editor), or give --dataset PATH.`);
  const required = (await describeInputFields(parsed)).filter((f) => f.required && f.defaultText === null).map((f) => f.name);
  let dataset: Dataset;
  try {
    dataset = await readDataset(file, { requiredInputs: required, ...(options.dataset ? {} : { policy: { root: options.workspace } }) });
  } catch (err) {
    throw new CliError(`Cannot read the dataset ${file}: ${(err as Error).message}`);
  }
  for (const p of dataset.problems) console.error(`warning: ${file}:${p.line}: skipped: ${p.message}`);
  if (!dataset.cases.length) throw new CliError(`${file}: no case to run (every row was skipped, or the file is empty).`);
  return dataset;
}

function figuresJson(f: VersionFigures) {
  return { checked: f.checked, passRate: f.passRate, score: f.score, costPer1kUsd: f.costPer1kUsd, latencyMs: f.latencyMs, secondsPer1k: f.secondsPer1k, failedCalls: f.failedCalls };
}

function improveJson(result: ImproveRoundResult, saved: { version: number; adoptedRuns: number; notice: string | null } | undefined) {
  const first = result.ranked[0];
  return {
    baseline: { datasetRunId: result.baseline.datasetRunId, ...(first ? figuresJson(first.comparison.baseline) : {}) },
    analysis: result.analysis,
    candidates: result.ranked.map((r, i) => ({
      rank: i + 1,
      index: r.candidate.index,
      source: r.candidate.source,
      reasoning: r.candidate.reasoning,
      datasetRunId: r.datasetRunId,
      verdict: r.comparison.verdict,
      summary: r.comparison.summary,
      figures: figuresJson(r.comparison.candidate),
      newlyPassing: r.comparison.newlyPassing.map((f) => ({ caseId: f.caseId, model: f.model, runId: f.after.runId })),
      newlyFailing: r.comparison.newlyFailing.map((f) => ({ caseId: f.caseId, model: f.model, runId: f.after.runId, failed: f.after.failed })),
      notCarriedOver: r.candidate.notCarriedOver,
      text: r.candidate.text,
    })),
    rejected: result.candidates.filter((c) => c.rejected.length).map((c) => ({ index: c.index, reasoning: c.reasoning, rejected: c.rejected })),
    ...(saved ? { saved } : {}),
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);
const interval = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '' : ` [${pct(lo)}–${pct(hi)}]`);

function line(label: string, f: VersionFigures): string {
  const score = f.score.mean === null ? '—' : `${f.score.mean.toFixed(2)}${f.score.lo !== null ? ` [${f.score.lo.toFixed(2)}–${f.score.hi!.toFixed(2)}]` : ''}`;
  const time = f.secondsPer1k === null ? '—' : `${Math.round(f.secondsPer1k / 60)} min`;
  return `${label.padEnd(12)} pass ${pct(f.passRate.rate)}${interval(f.passRate.lo, f.passRate.hi)} (${f.checked} checked)  score ${score}  per 1,000 calls: ${formatUsd(f.costPer1kUsd)}, ${time}`;
}

function printHuman(result: ImproveRoundResult, saved: { version: number; adoptedRuns: number; notice: string | null } | undefined, file: string): void {
  if (!result.ranked.length) console.log('No candidate could be tried (see the reasons above).');
  else console.log(line('current', result.ranked[0].comparison.baseline));
  for (const [i, r] of result.ranked.entries()) {
    console.log(`\n#${i + 1} candidate ${r.candidate.index} (${r.candidate.source}): ${r.candidate.reasoning}`);
    console.log(line('  candidate', r.comparison.candidate));
    console.log(`  ${r.comparison.summary}`);
    console.log(`  flipped: ${r.comparison.newlyPassing.length} newly passing, ${r.comparison.newlyFailing.length} newly failing`);
    for (const note of r.candidate.notCarriedOver) console.log(`  note: ${note}`);
  }
  if (saved) console.log(`\nSaved ${file} as version ${saved.version}; ${saved.adoptedRuns} trial runs count for it.${saved.notice ? ` ${saved.notice}` : ''}`);
  else if (result.ranked.length) console.log(`\nNothing was written. Save one with --save RANK (e.g. --save 1).`);
}
