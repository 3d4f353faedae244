/**
 * The CI gate's comparison of a dataset run against a baseline (an earlier run, a previous
 * `eval --json`, the prompt at a git revision): per case what changed, per model the pass
 * rate difference with a 95% two-proportion interval, and whether it is a regression
 * (a drop of more than `maxDrop`, or a must-pass case failing).
 */
import { Z95 } from '../ratings/statistics';

/** One case × model as both sides have it: whether every check passed (null: not checked), and check scores. */
export interface GateCell {
  caseId: string;
  model: string;
  /** null when the cell has no check outcome (not run, failed call without checks). */
  pass: boolean | null;
  scores: Record<string, number>;
}

export interface CaseChange {
  caseId: string;
  model: string;
  change: 'newly-failing' | 'newly-passing' | 'new' | 'score';
  /** Score deltas (current − baseline) of similarity / judge checks that moved. */
  scoreDeltas: Record<string, number>;
}

export interface ModelDiff {
  model: string;
  baseline: { passed: number; checked: number; rate: number | null };
  current: { passed: number; checked: number; rate: number | null };
  /** current − baseline, with its 95% interval (Wald, two proportions); null without data on a side. */
  diff: number | null;
  lo: number | null;
  hi: number | null;
  regressed: boolean;
}

export interface GateResult {
  models: ModelDiff[];
  changes: CaseChange[];
  /** Must-pass cases that did not pass (any model), as `caseId` (model). */
  mustPassFailures: { caseId: string; model: string }[];
  regressed: boolean;
}

/** The two-proportion difference p1 − p0 and its 95% interval. */
export function twoProportionInterval(passed1: number, n1: number, passed0: number, n0: number, z = Z95): { diff: number; lo: number; hi: number } | null {
  if (!n1 || !n0) return null;
  const p1 = passed1 / n1;
  const p0 = passed0 / n0;
  const diff = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  return { diff, lo: Math.max(-1, diff - z * se), hi: Math.min(1, diff + z * se) };
}

const EPSILON = 1e-9;
/** A score change smaller than this is noise in the report. */
const SCORE_STEP = 0.005;

export function compareWithBaseline(current: readonly GateCell[], baseline: readonly GateCell[], options: { maxDrop: number; mustPass?: readonly string[] }): GateResult {
  const key = (c: GateCell) => `${c.caseId}\u0000${c.model}`;
  const before = new Map(baseline.map((c) => [key(c), c]));
  const changes: CaseChange[] = [];
  for (const c of current) {
    const b = before.get(key(c));
    const scoreDeltas: Record<string, number> = {};
    if (b) {
      for (const [check, score] of Object.entries(c.scores)) {
        const old = b.scores[check];
        if (typeof old === 'number' && Math.abs(score - old) >= SCORE_STEP) scoreDeltas[check] = score - old;
      }
    }
    if (!b || b.pass === null) {
      if (c.pass !== null) changes.push({ caseId: c.caseId, model: c.model, change: 'new', scoreDeltas });
    } else if (b.pass && c.pass === false) changes.push({ caseId: c.caseId, model: c.model, change: 'newly-failing', scoreDeltas });
    else if (!b.pass && c.pass === true) changes.push({ caseId: c.caseId, model: c.model, change: 'newly-passing', scoreDeltas });
    else if (Object.keys(scoreDeltas).length) changes.push({ caseId: c.caseId, model: c.model, change: 'score', scoreDeltas });
  }
  const models = [...new Set(current.map((c) => c.model))];
  const tally = (cells: readonly GateCell[], model: string) => {
    const checked = cells.filter((c) => c.model === model && c.pass !== null);
    const passed = checked.filter((c) => c.pass).length;
    return { passed, checked: checked.length, rate: checked.length ? passed / checked.length : null };
  };
  const diffs = models.map((model): ModelDiff => {
    const cur = tally(current, model);
    const base = tally(baseline, model);
    const interval = twoProportionInterval(cur.passed, cur.checked, base.passed, base.checked);
    return {
      model,
      baseline: base,
      current: cur,
      diff: interval?.diff ?? null,
      lo: interval?.lo ?? null,
      hi: interval?.hi ?? null,
      regressed: interval !== null && -interval.diff > options.maxDrop + EPSILON,
    };
  });
  const must = new Set(options.mustPass ?? []);
  const mustPassFailures = current.filter((c) => must.has(c.caseId) && c.pass !== true).map((c) => ({ caseId: c.caseId, model: c.model }));
  return { models: diffs, changes, mustPassFailures, regressed: diffs.some((d) => d.regressed) || mustPassFailures.length > 0 };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/** The gate's Markdown report (the `--report` file and the GitHub step summary). */
export function gateMarkdown(result: GateResult, context: { prompt: string; baseline: string; maxDrop: number; datasetRunId: string }): string {
  const lines = [
    `## Prompt Workbench: ${context.prompt} against ${context.baseline}`,
    '',
    result.regressed ? '**Regression**: the gate failed.' : 'No regression: the gate passed.',
    '',
    `Allowed drop in pass rate: ${pct(context.maxDrop)} · dataset run \`${context.datasetRunId}\``,
    '',
    '| model | baseline | now | change (95% interval) | |',
    '|---|---|---|---|---|',
    ...result.models.map(
      (m) =>
        `| ${m.model} | ${pct(m.baseline.rate)} (${m.baseline.passed}/${m.baseline.checked}) | ${pct(m.current.rate)} (${m.current.passed}/${m.current.checked}) | ${
          m.diff === null ? '—' : `${signed(m.diff)} pts (${signed(m.lo!)} to ${signed(m.hi!)})`
        } | ${m.regressed ? '❌ regressed' : '✅'} |`,
    ),
  ];
  if (result.mustPassFailures.length) {
    lines.push('', '### Must-pass cases that failed', '', ...result.mustPassFailures.map((f) => `- \`${f.caseId}\` on ${f.model}`));
  }
  const groups: [CaseChange['change'], string][] = [
    ['newly-failing', 'Newly failing'],
    ['newly-passing', 'Newly passing'],
    ['score', 'Score changes'],
    ['new', 'New cases'],
  ];
  for (const [kind, title] of groups) {
    const mine = result.changes.filter((c) => c.change === kind);
    if (!mine.length) continue;
    lines.push('', `### ${title} (${mine.length})`, '');
    for (const c of mine) {
      const deltas = Object.entries(c.scoreDeltas).map(([check, d]) => `${check} ${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`);
      lines.push(`- \`${c.caseId}\` on ${c.model}${deltas.length ? ` (${deltas.join(', ')})` : ''}`);
    }
  }
  if (!result.changes.length) lines.push('', 'No case changed.');
  return lines.join('\n') + '\n';
}
