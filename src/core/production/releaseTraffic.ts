/**
 * Production figures per release, beside the same figures in evaluation: latency p50/p95,
 * cost per 1,000 calls and the thumbs-up rate, overall and per day, with a drift marker when a
 * production figure falls outside the interval seen in evaluation. A section of its own next
 * to the scoreboard's rows (their aggregate is not touched): evaluation runs are the release's
 * prompt version × model runs without `source: "production"`; production runs are those
 * matched to the release.
 *
 * The evaluation intervals: latency, the p5–p95 range of evaluation calls (production p50
 * outside it drifts); cost per 1,000 calls, the p5–p95 range of evaluation calls' costs × 1,000
 * (the production mean outside it drifts); thumbs-up, the Wilson 95% interval of evaluation
 * thumbs (the production rate outside it drifts). Without evaluation runs, the release's
 * recorded evidence gives what it has.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Release } from '../releases/releaseRecord';
import { effectiveRatings, readRatings } from '../ratings/ratingsStore';
import { percentile, wilsonInterval } from '../ratings/statistics';
import { validateRunRecord, type RunRecord } from '../runs/runRecord';
import { readJsonlStream } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import { readReleases } from './importLogs';

export type TrafficSource = 'evaluation' | 'production' | 'all';
export type DriftFigure = 'latency' | 'cost' | 'thumbsUp';

export interface TrafficFigures {
  n: number;
  latencyMs: { p50: number | null; p95: number | null };
  costPer1k: number | null;
  thumbsUp: { rate: number | null; lo: number | null; hi: number | null; n: number };
}

export interface EvaluationFigures extends TrafficFigures {
  /** The intervals production is held to (null when evaluation had no such data). */
  intervals: { latencyMs: [number, number] | null; costPer1k: [number, number] | null; thumbsUp: [number, number] | null };
}

export interface TrafficPeriod {
  /** UTC day, YYYY-MM-DD. */
  period: string;
  figures: TrafficFigures;
  drift: DriftFigure[];
}

export interface ReleaseTraffic {
  releaseId: string;
  prompt: string;
  version: number;
  model: string;
  state: string;
  evaluation: EvaluationFigures | null;
  production: TrafficFigures | null;
  periods: TrafficPeriod[];
  drift: DriftFigure[];
}

interface Call {
  ts: string;
  latencyMs: number | null;
  costUsd: number | null;
  thumbs: 'up' | 'down' | undefined;
}

function figures(calls: readonly Call[]): TrafficFigures {
  const latencies = calls.map((c) => c.latencyMs).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  const costs = calls.map((c) => c.costUsd).filter((x): x is number => typeof x === 'number');
  const thumbs = calls.filter((c) => c.thumbs);
  const up = thumbs.filter((c) => c.thumbs === 'up').length;
  const t = wilsonInterval(up, thumbs.length);
  return {
    n: calls.length,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    costPer1k: costs.length ? (costs.reduce((s, x) => s + x, 0) / costs.length) * 1000 : null,
    thumbsUp: { rate: t.rate, lo: t.lo, hi: t.hi, n: thumbs.length },
  };
}

function range(values: number[]): [number, number] | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return [percentile(sorted, 5)!, percentile(sorted, 95)!];
}

/** The evaluation figures and the intervals production is held to. */
export function evaluationFigures(calls: readonly Call[], release: Release): EvaluationFigures | null {
  const ev = release.evidence;
  if (!calls.length) {
    const thumbs = ev.thumbsUpInterval ?? null;
    const latency: [number, number] | null = ev.latencyP95Ms !== undefined ? [0, ev.latencyP95Ms] : null;
    if (!thumbs && !latency) return null;
    return {
      n: ev.runs,
      latencyMs: { p50: ev.latencyP50Ms ?? null, p95: ev.latencyP95Ms ?? null },
      costPer1k: ev.costPer1kUsd ?? null,
      thumbsUp: { rate: ev.thumbsUpRate ?? null, lo: thumbs?.[0] ?? null, hi: thumbs?.[1] ?? null, n: 0 },
      intervals: { latencyMs: latency, costPer1k: null, thumbsUp: thumbs },
    };
  }
  const f = figures(calls);
  return {
    ...f,
    intervals: {
      latencyMs: range(calls.map((c) => c.latencyMs).filter((x): x is number => typeof x === 'number')),
      costPer1k: (() => {
        const r = range(calls.map((c) => c.costUsd).filter((x): x is number => typeof x === 'number'));
        return r ? [r[0] * 1000, r[1] * 1000] : null;
      })(),
      thumbsUp: f.thumbsUp.lo !== null && f.thumbsUp.hi !== null ? [f.thumbsUp.lo, f.thumbsUp.hi] : null,
    },
  };
}

/** Outside the interval, beyond rounding (a mean of equal costs is not "above" them). */
const outside = (x: number | null, interval: [number, number] | null) => {
  if (x === null || interval === null) return false;
  const slack = 1e-9 * Math.max(1, Math.abs(interval[0]), Math.abs(interval[1]));
  return x < interval[0] - slack || x > interval[1] + slack;
};

/** Which production figures lie outside the evaluation's intervals. */
export function driftOf(production: TrafficFigures, evaluation: EvaluationFigures | null): DriftFigure[] {
  if (!evaluation) return [];
  const drift: DriftFigure[] = [];
  if (outside(production.latencyMs.p50, evaluation.intervals.latencyMs)) drift.push('latency');
  if (outside(production.costPer1k, evaluation.intervals.costPer1k)) drift.push('cost');
  if (outside(production.thumbsUp.rate, evaluation.intervals.thumbsUp)) drift.push('thumbsUp');
  return drift;
}

/** The figures of each release from its runs and the thumbs that count for them. */
export function releaseTraffic(releases: readonly Release[], runs: Iterable<RunRecord>, thumbs: ReadonlyMap<string, 'up' | 'down'>): ReleaseTraffic[] {
  const key = (name: string, version: number, model: string) => `${name}\u0000${version}\u0000${model}`;
  const evaluation = new Map<string, Call[]>();
  const production = new Map<string, Call[]>();
  const wanted = new Set(releases.map((r) => key(r.prompt.name, r.prompt.version, r.model)));
  for (const run of runs) {
    const call: Call = { ts: run.ts, latencyMs: run.metrics?.latencyMs ?? null, costUsd: run.metrics?.costUsd ?? null, thumbs: thumbs.get(run.id) };
    if (run.source === 'production') {
      if (run.releaseId) production.set(run.releaseId, [...(production.get(run.releaseId) ?? []), call]);
    } else if (!run.error && wanted.has(key(run.prompt.name, run.prompt.version, run.model))) {
      const k = key(run.prompt.name, run.prompt.version, run.model);
      evaluation.set(k, [...(evaluation.get(k) ?? []), call]);
    }
  }
  return releases.map((release) => {
    const ev = evaluationFigures(evaluation.get(key(release.prompt.name, release.prompt.version, release.model)) ?? [], release);
    const calls = production.get(release.id) ?? [];
    const byDay = new Map<string, Call[]>();
    for (const c of calls) byDay.set(c.ts.slice(0, 10), [...(byDay.get(c.ts.slice(0, 10)) ?? []), c]);
    const periods = [...byDay.keys()].sort().map((period) => {
      const f = figures(byDay.get(period)!);
      return { period, figures: f, drift: driftOf(f, ev) };
    });
    const prod = calls.length ? figures(calls) : null;
    return {
      releaseId: release.id,
      prompt: release.prompt.name,
      version: release.prompt.version,
      model: release.model,
      state: release.state,
      evaluation: ev,
      production: prod,
      periods,
      drift: prod ? driftOf(prod, ev) : [],
    };
  });
}

/** Reads a workspace's releases, run records and thumbs, and computes each release's figures. */
export async function readReleaseTraffic(workspaceFolder: string): Promise<ReleaseTraffic[]> {
  const releases = await readReleases(workspaceFolder);
  if (!releases.length) return [];
  const paths = new WorkbenchPaths(workspaceFolder);
  const runs: RunRecord[] = [];
  const wanted = new Set(releases.map((r) => `${r.prompt.name}\u0000${r.prompt.version}\u0000${r.model}`));
  const keep = (r: RunRecord) => r.source === 'production' || wanted.has(`${r.prompt?.name}\u0000${r.prompt?.version}\u0000${r.model}`);
  const files = await fs.promises.readdir(paths.runsDir).catch(() => [] as string[]);
  for (const name of files.filter((f) => f.endsWith('.jsonl')).sort()) {
    await readJsonlStream<RunRecord>(path.join(paths.runsDir, name), (r) => void (keep(r) && runs.push(r)), { validate: validateRunRecord });
  }
  const thumbs = new Map<string, 'up' | 'down'>();
  const { records } = await readRatings(paths.ratingsFile);
  for (const r of effectiveRatings(records)) if (r.kind === 'thumbs' && r.runId && r.criterion === 'overall') thumbs.set(r.runId, r.value as 'up' | 'down');
  return releaseTraffic(releases, runs, thumbs);
}
