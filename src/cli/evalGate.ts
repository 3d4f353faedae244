/**
 * `eval … --baseline REF [--max-drop X] [--must-pass ID,…] [--report FILE]`: the CI gate.
 * REF is a dataset run id of the workspace, a file written by an earlier `eval --json`, or a
 * git revision (the prompt file as it was then, run on the same dataset through the response
 * cache, so an unchanged baseline costs no call).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareWithBaseline, gateMarkdown, type GateCell, type GateResult } from '../core/datasets/baselineDiff';
import { loadDatasetRun, type DatasetCellResult } from '../core/datasets/datasetRuns';
import { promptDocument, type PromptDocument } from '../core/prompt/promptDocument';
import { appendLines, writeFileAtomic } from '../core/workspace/guardedFs';
import { CliError } from './runtime';

export interface GateOptions {
  baseline: string;
  maxDrop: number;
  mustPass: string[];
  report?: string;
}

/** Reads and checks the gate's flags before any call: `--max-drop` outside 0–1 is refused. */
export function parseGateOptions(values: { baseline?: string; maxDrop?: string; mustPass?: string; report?: string }): GateOptions | undefined {
  if (values.baseline === undefined) {
    if (values.maxDrop !== undefined || values.mustPass !== undefined || values.report !== undefined) throw new CliError('--max-drop, --must-pass and --report go with --baseline REF (a dataset run id, an eval --json file or a git revision).');
    return undefined;
  }
  const maxDrop = values.maxDrop === undefined ? 0 : Number(values.maxDrop);
  if (values.maxDrop !== undefined && (values.maxDrop.trim() === '' || !(maxDrop >= 0 && maxDrop <= 1))) {
    throw new CliError(`--max-drop ${values.maxDrop}: give the largest allowed fall in pass rate, from 0 to 1 (0.05 = 5 points).`);
  }
  const mustPass = (values.mustPass ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { baseline: values.baseline, maxDrop, mustPass, ...(values.report ? { report: values.report } : {}) };
}

/** A grid cell as the gate sees it: passed (every check), scores of scored checks. */
export function gateCellOf(c: Pick<DatasetCellResult, 'caseId' | 'model' | 'checks'>): GateCell {
  const checks = c.checks ?? [];
  const scores: Record<string, number> = {};
  for (const o of checks) if (typeof o.score === 'number') scores[o.check] = o.score;
  return { caseId: c.caseId, model: c.model, pass: checks.length ? checks.every((o) => o.pass) : null, scores };
}

/** Where the baseline comes from: cells already known, or the prompt text at a git revision to run. */
export type BaselineSource = { kind: 'cells'; label: string; cells: GateCell[] } | { kind: 'prompt'; label: string; document: PromptDocument };

/** Finds REF as a dataset run id, then as a file, then as a git revision of the prompt; otherwise says what was looked for. */
export async function resolveBaseline(ref: string, context: { workspace: string; promptPath: string }): Promise<BaselineSource> {
  const tried: string[] = [];
  if (/^d_[0-9A-Za-z]+$/.test(ref)) {
    const run = await loadDatasetRun(context.workspace, ref);
    if (run) return { kind: 'cells', label: `dataset run ${ref}`, cells: run.cells.map(gateCellOf) };
    tried.push(`no dataset run ${ref} in ${path.join(context.workspace, '.prompt-workbench', 'dataset-runs.jsonl')}`);
  }
  const file = path.resolve(ref);
  if (fs.existsSync(file) && fs.statSync(file).isFile()) {
    let doc: { results?: unknown };
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CliError(`--baseline ${ref}: ${file} is not the JSON of an earlier eval --json (${(err as Error).message}).`);
    }
    if (!Array.isArray(doc.results)) throw new CliError(`--baseline ${ref}: ${file} has no "results" list (write it with prompt-workbench eval … --json > ${path.basename(file)}).`);
    const cells = (doc.results as DatasetCellResult[]).filter((r) => r && typeof r.caseId === 'string' && typeof r.model === 'string').map(gateCellOf);
    return { kind: 'cells', label: path.basename(file), cells };
  }
  tried.push(`no file ${file}`);
  const dir = path.dirname(context.promptPath);
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const real = fs.realpathSync(context.promptPath);
    const relative = path.relative(fs.realpathSync(top), real).split(path.sep).join('/');
    const text = execFileSync('git', ['show', `${ref}:${relative}`], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
    return { kind: 'prompt', label: `${relative} at ${ref}`, document: promptDocument(text, context.promptPath) };
  } catch (err) {
    const said = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim().split('\n')[0];
    tried.push(`no git revision ${ref} of ${path.basename(context.promptPath)} (git: ${said})`);
  }
  throw new CliError(`--baseline ${ref}: not found: ${tried.join('; ')}.`);
}

/** Compares, prints, writes the report (and the GitHub step summary); true when the gate fails. */
export async function finishGate(current: readonly DatasetCellResult[], baseline: { label: string; cells: GateCell[] }, gate: GateOptions, context: { prompt: string; datasetRunId: string; quiet: boolean }): Promise<GateResult> {
  const result = compareWithBaseline(current.map(gateCellOf), baseline.cells, { maxDrop: gate.maxDrop, mustPass: gate.mustPass });
  const markdown = gateMarkdown(result, { prompt: context.prompt, baseline: baseline.label, maxDrop: gate.maxDrop, datasetRunId: context.datasetRunId });
  if (gate.report) await writeFileAtomic(path.resolve(gate.report), markdown);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  // The CI runner names this file (outside the workspace by design); appended without following links.
  if (summary) await appendLines(path.resolve(summary), markdown + '\n');
  if (!context.quiet) console.error('\n' + markdown);
  for (const m of result.models.filter((x) => x.regressed)) console.error(`error: ${m.model}: pass rate fell from ${(m.baseline.rate! * 100).toFixed(1)}% to ${(m.current.rate! * 100).toFixed(1)}% (more than --max-drop ${gate.maxDrop}).`);
  for (const f of result.mustPassFailures) console.error(`error: must-pass case ${f.caseId} did not pass on ${f.model}.`);
  return result;
}
