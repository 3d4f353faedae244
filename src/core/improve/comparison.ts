/**
 * A candidate against the current version on the same cases and models: pass rate (Wilson)
 * and mean check score (Student t) with 95% intervals, cost and time per 1,000 calls, and the
 * cases that flipped. The statistics are the scoreboard's own (ratings/statistics.ts).
 */
import * as l10n from '@vscode/l10n';
import { pairKey, type DatasetCellResult } from '../datasets/datasetRuns';
import { meanInterval, tooFewToTellApart, wilsonInterval, type MeanInterval, type RateInterval } from '../ratings/statistics';

/** Fewer cases than this and no winner is called without saying so. */
export const MIN_CASES_TO_PICK = 20;

export interface VersionFigures {
  /** Case × model pairs that were checked. */
  checked: number;
  passRate: RateInterval;
  /** Mean of the scores checks give (the LLM judge's, similarity), 0–1. */
  score: MeanInterval;
  costPer1kUsd: number | null;
  /** Mean latency of a call, and the time 1,000 calls one after another would take. */
  latencyMs: number | null;
  secondsPer1k: number | null;
  failedCalls: number;
}

export interface FlippedCase {
  caseId: string;
  model: string;
  before: { runId: string | null; output: string; failed: string[] };
  after: { runId: string | null; output: string; failed: string[] };
}

export type Verdict = 'better' | 'worse' | 'no-better' | 'too-few';

export interface Comparison {
  baseline: VersionFigures;
  candidate: VersionFigures;
  newlyPassing: FlippedCase[];
  newlyFailing: FlippedCase[];
  verdict: Verdict;
  /** The verdict in a sentence, with the number of cases when it is too few. */
  summary: string;
}

const passed = (c: DatasetCellResult) => c.status === 'done' && !!c.checks?.length && c.checks.every((o) => o.pass);
const checkedCell = (c: DatasetCellResult) => (c.checks?.length ?? 0) > 0;

export function versionFigures(cells: readonly DatasetCellResult[]): VersionFigures {
  const checked = cells.filter(checkedCell);
  const scores = cells.flatMap((c) => {
    const s = (c.checks ?? []).map((o) => o.score).filter((x): x is number => typeof x === 'number');
    return s.length ? [s.reduce((a, b) => a + b, 0) / s.length] : [];
  });
  const done = cells.filter((c) => c.status === 'done');
  const costs = done.map((c) => c.metrics.costUsd).filter((x): x is number => typeof x === 'number');
  const latencies = done.map((c) => c.metrics.latencyMs).filter((x): x is number => typeof x === 'number');
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const latency = mean(latencies);
  const cost = mean(costs);
  return {
    checked: checked.length,
    passRate: wilsonInterval(checked.filter(passed).length, checked.length),
    score: meanInterval(scores, [0, 1]),
    costPer1kUsd: cost === null ? null : cost * 1000,
    latencyMs: latency === null ? null : Math.round(latency),
    secondsPer1k: latency === null ? null : Math.round(latency),
    failedCalls: cells.filter((c) => c.status === 'failed').length,
  };
}

/** Compares the candidate's cells with the current version's (matched by case and model). */
export function compareVersions(baselineCells: readonly DatasetCellResult[], candidateCells: readonly DatasetCellResult[]): Comparison {
  const before = new Map(baselineCells.map((c) => [pairKey(c.caseId, c.model), c]));
  const newlyPassing: FlippedCase[] = [];
  const newlyFailing: FlippedCase[] = [];
  const failedChecks = (c: DatasetCellResult) => (c.error ? [c.error.message] : (c.checks ?? []).filter((o) => !o.pass).map((o) => `${o.check}: ${o.detail}`));
  for (const after of candidateCells) {
    const was = before.get(pairKey(after.caseId, after.model));
    if (!was || !checkedCell(was) || !checkedCell(after)) continue;
    if (passed(was) === passed(after)) continue;
    const flip: FlippedCase = {
      caseId: after.caseId,
      model: after.model,
      before: { runId: was.runId, output: was.output, failed: failedChecks(was) },
      after: { runId: after.runId, output: after.output, failed: failedChecks(after) },
    };
    (passed(after) ? newlyPassing : newlyFailing).push(flip);
  }
  const baseline = versionFigures(baselineCells);
  const candidate = versionFigures(candidateCells);
  const cases = new Set(candidateCells.filter(checkedCell).map((c) => c.caseId)).size;
  const { verdict, summary } = judge(baseline, candidate, cases);
  return { baseline, candidate, newlyPassing, newlyFailing, verdict, summary };
}

function judge(baseline: VersionFigures, candidate: VersionFigures, cases: number): { verdict: Verdict; summary: string } {
  if (cases < MIN_CASES_TO_PICK) {
    const direction = (candidate.passRate.rate ?? 0) - (baseline.passRate.rate ?? 0);
    const seen = direction > 0 ? l10n.t('it passed more checks') : direction < 0 ? l10n.t('it passed fewer checks') : l10n.t('it passed as many checks');
    return { verdict: 'too-few', summary: l10n.t('Only {0} cases: too few to call a winner ({1}; read the flipped cases). Add cases to the dataset for a verdict.', cases, seen) };
  }
  const rateApart = !tooFewToTellApart(baseline.passRate, candidate.passRate, MIN_CASES_TO_PICK);
  const scoreApart = !tooFewToTellApart(baseline.score, candidate.score, MIN_CASES_TO_PICK);
  const up = (a: { lo: number | null }, b: { hi: number | null }) => a.lo !== null && b.hi !== null && a.lo > b.hi;
  if ((rateApart && up(candidate.passRate, baseline.passRate)) || (scoreApart && up(candidate.score, baseline.score))) {
    if (!(rateApart && up(baseline.passRate, candidate.passRate)) && !(scoreApart && up(baseline.score, candidate.score))) {
      return { verdict: 'better', summary: l10n.t('Better than the current version: the 95% intervals do not overlap.') };
    }
  }
  if ((rateApart && up(baseline.passRate, candidate.passRate)) || (scoreApart && up(baseline.score, candidate.score))) {
    return { verdict: 'worse', summary: l10n.t('Worse than the current version: the 95% intervals do not overlap.') };
  }
  return { verdict: 'no-better', summary: l10n.t('No better than the current version: the 95% intervals overlap.') };
}

const VERDICT_ORDER: Record<Verdict, number> = { better: 0, 'too-few': 1, 'no-better': 2, worse: 3 };

/** Best first: verdict, then pass rate, then mean score, then cost. */
export function rankComparisons<T extends { comparison: Comparison }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const x = a.comparison;
    const y = b.comparison;
    return (
      VERDICT_ORDER[x.verdict] - VERDICT_ORDER[y.verdict] ||
      (y.candidate.passRate.rate ?? -1) - (x.candidate.passRate.rate ?? -1) ||
      (y.candidate.score.mean ?? -1) - (x.candidate.score.mean ?? -1) ||
      (x.candidate.costPer1kUsd ?? Infinity) - (y.candidate.costPer1kUsd ?? Infinity)
    );
  });
}
