import type { ScoreboardRow } from '../core/ratings/scoreboard';
import { streamScoreboard } from '../core/ratings/scoreboardStream';
import { tooFewToTellApart } from '../core/ratings/statistics';
import { formatUsd } from '../core/format/units';
import { CliError } from './runtime';
import { printReleaseTraffic } from './releaseTrafficTable';

export interface ScoreboardCommandOptions {
  workspace: string;
  prompt?: string;
  criterion?: string;
  json: boolean;
  /** evaluation (default): the rows; production: each release's production figures beside evaluation's; all: both. */
  source?: string;
}

/** `prompt-workbench scoreboard`: `{rows}` as JSON, or an aligned table. Skipped lines are warnings on stderr. */
export async function printScoreboard(options: ScoreboardCommandOptions): Promise<number> {
  const source = options.source ?? 'evaluation';
  if (!['evaluation', 'production', 'all'].includes(source)) throw new CliError(`--source ${source}: expected evaluation, production or all.`);
  if (source !== 'evaluation') return printReleaseTraffic(options, source === 'all');
  // Streamed: a million runs and ratings are read through, never held.
  const { problems, rows } = await streamScoreboard([options.workspace], { criterion: options.criterion, prompt: options.prompt });
  const board = { rows };
  for (const p of problems) console.error(p.line ? `warning: ${p.file}:${p.line}: skipped: ${p.message}` : `warning: ${p.file}: ${p.message}`);
  if (options.json) {
    console.log(JSON.stringify(board, null, 2));
    return 0;
  }
  if (!board.rows.length) {
    console.log(
      options.prompt
        ? `No runs or ratings of “${options.prompt}” in ${options.workspace}.`
        : `No runs or ratings in ${options.workspace}/.prompt-workbench yet: run a prompt, rate its outputs, then ask again.`,
    );
    return 0;
  }
  console.log(formatScoreboardTable(board.rows));
  return 0;
}

const fixed = (x: number | null, digits: number) => (x === null ? '—' : x.toFixed(digits));
const percent = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

/**
 * The human table. A `~` after the stars marks a row that cannot be told apart from the best
 * rated row of the same prompt version (too few ratings, or overlapping 95% intervals).
 */
export function formatScoreboardTable(rows: readonly ScoreboardRow[]): string {
  const best = new Map<string, ScoreboardRow>();
  for (const r of rows) {
    const key = `${r.prompt}\u0000${r.version}`;
    const b = best.get(key);
    if (r.stars.mean !== null && (!b || (b.stars.mean ?? -1) < r.stars.mean)) best.set(key, r);
  }
  const header = ['prompt', 'v', 'model', 'n', 'stars [95%]', 'thumbs↑ [95%]', 'win', 'BT', 'pass', 'p50 ms', 'p95 ms', 'ttft p50', '$/1k'];
  const body = rows.map((r) => {
    const b = best.get(`${r.prompt}\u0000${r.version}`);
    const tied =
      b && b !== r && r.stars.mean !== null &&
      // n counts every kind of rating; a missing interval (one star rating) already means too few.
      tooFewToTellApart({ ...r.stars, n: r.n }, { ...b.stars, n: b.n });
    const stars = r.stars.mean === null ? '—' : `${fixed(r.stars.mean, 2)} [${fixed(r.stars.lo, 2)}–${fixed(r.stars.hi, 2)}]${tied ? ' ~' : ''}`;
    const thumbs = r.thumbsUp.rate === null ? '—' : `${percent(r.thumbsUp.rate)} [${percent(r.thumbsUp.lo)}–${percent(r.thumbsUp.hi)}]`;
    return [
      r.prompt, String(r.version), r.model, String(r.n), stars, thumbs, percent(r.winRate), fixed(r.btScore, 3), percent(r.passRate),
      fixed(r.latencyMs.p50, 0), fixed(r.latencyMs.p95, 0), fixed(r.ttftMs.p50, 0), formatUsd(r.costPer1k),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const numeric = new Set([1, 3, 6, 7, 8, 9, 10, 11, 12]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), ...body.map(line)];
  if (body.some((cells) => cells[4].endsWith(' ~'))) out.push('', '~ too few ratings, or 95% intervals overlap: cannot be told apart from the best of its version.');
  return out.join('\n');
}
