/**
 * The Scoreboard panel's snapshot from the records: filters, the board (the reader's aggregate, or
 * core `computeScoreboard` over the narrowed records), the
 * weighted score, ranks, Pareto fronts and scores over time. No `vscode`: bundled into
 * dist/engine.js (loaded on first use) and run as it is by bench/scoreboard-panel.js.
 */
import { computeScoreboard } from '../../core/ratings/scoreboard';
import type { ScoreboardData } from '../../core/ratings/scoreboardData';
import {
  DEFAULT_WEIGHTS,
  filterRows,
  filterScoreboardData,
  paretoFront,
  recommend,
  scoreboardFacets,
  scoreOverTime,
  scoreRows,
  type ScoreboardFilters,
  type ScoreWeights,
} from '../../core/ratings/scoreboardView';
import type { ScoreboardSnapshot, ScoreboardViewRow } from '../../shared/scoreboardProtocol';

export function buildScoreboardSnapshot(
  data: ScoreboardData,
  filters: ScoreboardFilters,
  weightsOf: (prompt: string) => ScoreWeights | undefined,
  readMs = 0,
): ScoreboardSnapshot {
  const started = performance.now();
  // The records reader keeps the facets in step with each append; data from elsewhere gets them in one pass.
  const facets = data.facets ?? scoreboardFacets(data.runs, data.ratings);
  // One prompt at a time: speed and cost are scored against that prompt's rows only. The one
  // asked for when it has records, else the one most recently rated or run.
  const prompt = filters.prompt && facets.prompts.includes(filters.prompt) ? filters.prompt : (facets.latestPrompt ?? facets.prompts[0] ?? null);
  const effectiveFilters: ScoreboardFilters = { ...filters, prompt };
  const weights = (prompt && weightsOf(prompt)) || DEFAULT_WEIGHTS;
  const narrowed = filterScoreboardData(data.runs, data.ratings, effectiveFilters);
  // Nothing narrowed (no dates, dataset or raters): the reader's aggregate, kept in step with
  // each append, gives the board without a pass over every record.
  const whole = narrowed.runs === data.runs && narrowed.ratings === data.ratings && data.aggregate;
  const board = !prompt ? { rows: [] } : whole ? { rows: whole.finish(prompt) } : computeScoreboard({ runs: narrowed.runs, ratings: narrowed.ratings, prompt });
  const rows = filterRows(board.rows, effectiveFilters);
  const scores = scoreRows(rows, weights);
  const ranked = rows.map((r, i) => ({ bt: r.btScore, i })).filter((x) => x.bt !== null).sort((a, b) => b.bt! - a.bt!);
  const btRank = new Map(ranked.map((x, rank) => [x.i, rank + 1]));
  const quality = scores.map((s) => s.quality?.value ?? null);
  const frontCost = paretoFront(rows.map((r, i) => ({ x: r.costPer1k, y: quality[i] })));
  const frontLatency = paretoFront(rows.map((r, i) => ({ x: r.latencyMs.p50, y: quality[i] })));
  const viewRows: ScoreboardViewRow[] = rows.map((row, i) => {
    const q = scores[i].quality;
    return {
      row,
      quality: q ? { value: q.value, lo: q.lo, hi: q.hi, source: q.source } : null,
      combined: scores[i].combined,
      btRank: btRank.get(i) ?? null,
      paretoCost: frontCost[i],
      paretoLatency: frontLatency[i],
    };
  });
  const rec = recommend(rows, scores, weights);
  const versions = filters.versions?.length ? new Set(filters.versions) : null;
  const overTime = prompt ? (whole ? whole.scoreOverTime(prompt) : scoreOverTime(narrowed.ratings, prompt)).filter((s) => !versions || versions.has(s.version)) : [];
  const problems = data.problems;
  return {
    notice: null,
    problems: { count: problems.length, first: problems.length ? [...problems].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))[0] : null },
    facets,
    filters: effectiveFilters,
    prompt,
    weights,
    rows: viewRows,
    recommendation: rec
      ? {
          model: rows[rec.best].model,
          version: rows[rec.best].version,
          runnerUp: rec.runnerUp === null ? null : `${rows[rec.runnerUp].model} · v${rows[rec.runnerUp].version}`,
          tooFewToTellApart: rec.tooFewToTellApart,
        }
      : null,
    overTime,
    totals: data.counts ?? { runs: data.runs.length, ratings: data.ratings.length },
    timings: { readMs, computeMs: performance.now() - started },
  };
}
