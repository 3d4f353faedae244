/** `scoreboard --source production|all`: each release's production figures beside evaluation's, with drift markers. */
import { formatUsd } from '../core/format/units';
import { readReleaseTraffic, type ReleaseTraffic, type TrafficFigures } from '../core/production/releaseTraffic';
import { streamScoreboard } from '../core/ratings/scoreboardStream';
import type { ScoreboardCommandOptions } from './scoreboardCommand';
import { formatScoreboardTable } from './scoreboardCommand';

export async function printReleaseTraffic(options: ScoreboardCommandOptions, withRows: boolean): Promise<number> {
  const releases = (await readReleaseTraffic(options.workspace)).filter((r) => !options.prompt || r.prompt === options.prompt);
  const board = withRows ? await streamScoreboard([options.workspace], { criterion: options.criterion, prompt: options.prompt }) : undefined;
  if (options.json) {
    console.log(JSON.stringify({ ...(board ? { rows: board.rows } : {}), releases }, null, 2));
    return 0;
  }
  if (board) console.log(formatScoreboardTable(board.rows) + '\n');
  if (!releases.length) {
    console.log(`No releases in ${options.workspace}/.prompt-workbench/releases.jsonl yet: approve one, import its production logs, then ask again.`);
    return 0;
  }
  console.log(formatReleaseTraffic(releases));
  return 0;
}

const ms = (x: number | null) => (x === null ? '—' : String(Math.round(x)));
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function cells(source: string, f: TrafficFigures | null, drift: readonly string[] = []): string[] {
  if (!f) return [source, '0', '—', '—', '—', '—'];
  const mark = (figure: string, text: string) => (drift.includes(figure) ? `${text} !` : text);
  return [source, String(f.n), mark('latency', ms(f.latencyMs.p50)), ms(f.latencyMs.p95), mark('cost', formatUsd(f.costPer1k)), mark('thumbsUp', f.thumbsUp.n ? `${pct(f.thumbsUp.rate)} (${f.thumbsUp.n})` : '—')];
}

export function formatReleaseTraffic(releases: readonly ReleaseTraffic[]): string {
  const header = ['release', 'source', 'n', 'p50 ms', 'p95 ms', '$/1k', 'thumbs↑'];
  const rows: string[][] = [];
  for (const r of releases) {
    const name = `${r.prompt} v${r.version} ${r.model} (${r.state})`;
    rows.push([name, ...cells('evaluation', r.evaluation)]);
    rows.push(['', ...cells('production', r.production, r.drift)]);
    for (const p of r.periods) rows.push(['', ...cells(`  ${p.period}`, p.figures, p.drift)]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i >= 2 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  if (releases.some((r) => r.drift.length || r.periods.some((p) => p.drift.length))) out.push('', '! outside the interval seen in evaluation (drift).');
  return out.join('\n');
}
