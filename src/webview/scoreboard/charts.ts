import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import type { ScoreboardSnapshot, ScoreboardViewRow } from '../../shared/scoreboardProtocol';
import { formatUsd } from '../../core/format/units';

Chart.register(ScatterController, LineController, PointElement, LineElement, LinearScale, Tooltip, Legend);

/** The theme's colours, read from the `--vscode-*` variables each time the charts are drawn (light and dark). */
function theme() {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--vscode-foreground', '#888'),
    grid: v('--vscode-panel-border', 'rgba(128,128,128,0.25)'),
    point: v('--vscode-charts-blue', '#3794ff'),
    front: v('--vscode-charts-orange', '#d18616'),
    series: ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-orange', '--vscode-charts-red', '--vscode-charts-yellow'].map((n, i) =>
      v(n, ['#3794ff', '#89d185', '#b180d7', '#d18616', '#f14c4c', '#cca700'][i]),
    ),
    font: v('--vscode-font-family', 'sans-serif'),
  };
}

type LabelledPoint = { x: number; y: number; label: string };

/** Writes each point's label beside it (model · version): the charts must read without hovering. */
const pointLabels: Plugin<'scatter'> = {
  id: 'pointLabels',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    const colors = theme();
    ctx.save();
    ctx.font = `11px ${colors.font}`;
    ctx.fillStyle = colors.text;
    chart.data.datasets.forEach((dataset, d) => {
      if ((dataset as { showLabels?: boolean }).showLabels !== true) return;
      const meta = chart.getDatasetMeta(d);
      meta.data.forEach((element, i) => {
        const point = dataset.data[i] as unknown as LabelledPoint;
        if (point?.label) ctx.fillText(point.label, element.x + 6, element.y - 6);
      });
    });
    ctx.restore();
  },
};

const shortModel = (model: string) => model.replace(/^[^/]+\//, '').replace(/-v\d+(:\d+)?$/, '');

/** The quality-versus-x scatter with the Pareto front drawn as a step line through its points. */
function scatterData(rows: ScoreboardViewRow[], x: (r: ScoreboardViewRow) => number | null, onFront: (r: ScoreboardViewRow) => boolean) {
  const colors = theme();
  const points = rows
    .filter((r) => r.quality && x(r) !== null)
    .map((r) => ({ x: x(r)!, y: r.quality!.value, label: `${shortModel(r.row.model)} · v${r.row.version}`, front: onFront(r) }));
  const front = points.filter((p) => p.front).sort((a, b) => a.x - b.x);
  const datasets: (ChartDataset<'scatter', LabelledPoint[]> & { showLabels?: boolean })[] = [
    { label: l10n.t('Model × version'), data: points.filter((p) => !p.front), backgroundColor: colors.point, pointRadius: 5, showLabels: true },
    { label: l10n.t('Pareto front'), data: front, backgroundColor: colors.front, borderColor: colors.front, pointRadius: 7, pointStyle: 'rectRot', showLine: true, stepped: 'before', borderDash: [4, 3], showLabels: true },
  ];
  return { datasets, count: points.length };
}

function axes(xTitle: string, yTitle: string, xTick?: (v: number) => string) {
  const colors = theme();
  const axis = (title: string, tick?: (v: number) => string) => ({
    type: 'linear' as const,
    title: { display: true, text: title, color: colors.text },
    ticks: { color: colors.text, ...(tick ? { callback: (v: string | number) => tick(Number(v)) } : {}) },
    grid: { color: colors.grid },
  });
  return { x: axis(xTitle, xTick), y: { ...axis(yTitle), suggestedMin: 0, suggestedMax: 1 } };
}

/** The three charts; redrawn from each snapshot (a few dozen points: cheaper than patching). */
export class ScoreboardCharts {
  private charts: Chart[] = [];

  constructor(private readonly cost: HTMLCanvasElement, private readonly latency: HTMLCanvasElement, private readonly time: HTMLCanvasElement) {}

  render(s: ScoreboardSnapshot): { points: number } {
    for (const c of this.charts) c.destroy();
    this.charts = [];
    const colors = theme();
    Chart.defaults.color = colors.text;
    Chart.defaults.font.family = colors.font;
    // Room on the right for the labels of the rightmost points.
    const common = { animation: false as const, responsive: true, maintainAspectRatio: false, layout: { padding: { right: 90 } }, plugins: { legend: { labels: { color: colors.text } } } };
    const byCost = scatterData(s.rows, (r) => r.row.costPer1k, (r) => r.paretoCost);
    const byLatency = scatterData(s.rows, (r) => r.row.latencyMs.p50, (r) => r.paretoLatency);
    // Stars on 0–1, else the thumbs-up rate, else the win rate (the figure captions say so).
    const quality = l10n.t('Quality (0–1)');
    this.charts.push(
      new Chart(this.cost, { type: 'scatter', data: byCost, options: { ...common, scales: axes(l10n.t('Cost per 1,000 calls (USD)'), quality, (v) => formatUsd(v)) }, plugins: [pointLabels] }),
      new Chart(this.latency, { type: 'scatter', data: byLatency, options: { ...common, scales: axes(l10n.t('Median latency (ms)'), quality) }, plugins: [pointLabels] }),
    );
    const series = s.overTime.map((v, i) => ({
      label: s.improvedVersions?.includes(v.version) ? l10n.t('v{0} ✦ Improve Prompt', v.version) : `v${v.version}`,
      data: v.points.map((p) => ({ x: Date.parse(`${p.day}T00:00:00Z`), y: p.mean })),
      borderColor: colors.series[i % colors.series.length],
      backgroundColor: colors.series[i % colors.series.length],
      showLine: true,
      pointRadius: 4,
    }));
    const DAY = 86400000;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    // A day either side of the data, and ticks on whole days: one day of ratings must not span years.
    const times = series.flatMap((d) => d.data.map((p) => p.x));
    const span = times.length ? { min: Math.min(...times) - DAY, max: Math.max(...times) + DAY } : {};
    this.charts.push(
      new Chart(this.time, {
        type: 'scatter',
        data: { datasets: series },
        options: {
          ...common,
          layout: { padding: { right: 12 } },
          scales: { x: { ...axes(l10n.t('Day'), '', day).x, ...span, ticks: { color: colors.text, stepSize: DAY, maxTicksLimit: 8, callback: (v: string | number) => day(Number(v)) } }, y: { ...axes('', l10n.t('Mean stars')).y, suggestedMin: 1, suggestedMax: 5 } },
        },
      }),
    );
    return { points: byCost.count + byLatency.count + series.reduce((n, d) => n + d.data.length, 0) };
  }
}
