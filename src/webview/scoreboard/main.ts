import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { HostToScoreboard, ScoreboardFilters, ScoreboardSnapshot, ScoreboardToHost } from '../../shared/scoreboardProtocol';
import { ScoreboardCharts } from './charts';
import { renderRetrieval } from './retrieval';
import { renderTable } from './table';
import { connectToHost } from '../shared/host';

const host = connectToHost<ScoreboardToHost, HostToScoreboard, ScoreboardSnapshot>();
const post = host.post;

const app = document.getElementById('app') ?? document.body;
/** Escapes a translated text for the static markup below: the translation is text, never markup. */
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// Static markup only: every value from the records is set with textContent below.
app.innerHTML = `
<header>
  <div class="title-row">
    <h1>${esc(l10n.t('Scoreboard'))} <span id="prompt-title"></span></h1>
    <span id="totals" role="status" aria-live="polite"></span>
  </div>
  <p id="banner" class="banner" role="alert" hidden></p>
  <p id="notice" class="notice" hidden></p>
  <form id="filters" class="filters" aria-label="${esc(l10n.t('Filters'))}">
    <label>${esc(l10n.t('Prompt'))} <select id="filter-prompt"></select></label>
    <label>${esc(l10n.t('Version'))} <select id="filter-version"></select></label>
    <label>${esc(l10n.t('Model'))} <select id="filter-model"></select></label>
    <label>${esc(l10n.t('Rater'))} <select id="filter-rater"></select></label>
    <label id="dataset-label" hidden>${esc(l10n.t('Dataset'))} <select id="filter-dataset"></select></label>
    <label>${esc(l10n.t('From'))} <input id="filter-from" type="date"></label>
    <label>${esc(l10n.t('To'))} <input id="filter-to" type="date"></label>
    <span class="actions">
      <button type="button" id="refresh" title="${esc(l10n.t('Read the ratings and runs again'))}">${esc(l10n.t('Refresh'))}</button>
      <button type="button" id="export-csv" title="${esc(l10n.t('Save the rows shown as CSV'))}">${esc(l10n.t('Export CSV'))}</button>
      <button type="button" id="export-json" title="${esc(l10n.t('Save the rows shown as JSON'))}">${esc(l10n.t('Export JSON'))}</button>
    </span>
  </form>
  <fieldset id="weights" class="weights">
    <legend>${esc(l10n.t('Weights for this prompt'))}</legend>
    <label>${esc(l10n.t('Quality'))} <input id="weight-quality" type="range" min="0" max="100" step="5"><output id="weight-quality-value"></output></label>
    <label>${esc(l10n.t('Speed'))} <input id="weight-speed" type="range" min="0" max="100" step="5"><output id="weight-speed-value"></output></label>
    <label>${esc(l10n.t('Cost'))} <input id="weight-cost" type="range" min="0" max="100" step="5"><output id="weight-cost-value"></output></label>
  </fieldset>
  <p id="recommendation" class="recommendation" aria-live="polite"></p>
  <p id="too-few" class="too-few" hidden></p>
</header>
<main>
  <div class="table-wrap"><table id="rows" aria-label="${esc(l10n.t('Prompt version × model'))}"></table></div>
  <p id="empty" class="notice" hidden>${esc(l10n.t('No rows match these filters.'))}</p>
  <section class="charts" aria-label="${esc(l10n.t('Charts'))}">
    <figure><figcaption title="${esc(l10n.t('Quality: mean stars on 0–1, else the thumbs-up rate, else the pairwise win rate'))}">${esc(l10n.t('Quality vs cost (Pareto front marked)'))}</figcaption><div class="chart"><canvas id="chart-cost" role="img" aria-label="${esc(l10n.t('Quality against cost per 1,000 calls'))}"></canvas></div></figure>
    <figure><figcaption title="${esc(l10n.t('Quality: mean stars on 0–1, else the thumbs-up rate, else the pairwise win rate'))}">${esc(l10n.t('Quality vs latency (Pareto front marked)'))}</figcaption><div class="chart"><canvas id="chart-latency" role="img" aria-label="${esc(l10n.t('Quality against median latency'))}"></canvas></div></figure>
    <figure><figcaption>${esc(l10n.t('Mean stars by prompt version over time'))}</figcaption><div class="chart"><canvas id="chart-time" role="img" aria-label="${esc(l10n.t('Mean stars per day for each prompt version'))}"></canvas></div></figure>
  </section>
  <section id="retrieval-section" class="retrieval" aria-label="${esc(l10n.t('Retrieval quality'))}" hidden>
    <h2>${esc(l10n.t('Retrieval quality of the document index'))} <button type="button" id="evaluate-retrieval">${esc(l10n.t('Evaluate Retrieval'))}</button></h2>
    <p class="retrieval-note notice"></p>
    <div class="table-wrap"><table id="retrieval" aria-label="${esc(l10n.t('Retrieval evaluations'))}"></table></div>
  </section>
</main>`;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const selects = {
  prompt: byId<HTMLSelectElement>('filter-prompt'),
  version: byId<HTMLSelectElement>('filter-version'),
  model: byId<HTMLSelectElement>('filter-model'),
  rater: byId<HTMLSelectElement>('filter-rater'),
  dataset: byId<HTMLSelectElement>('filter-dataset'),
};
const fromInput = byId<HTMLInputElement>('filter-from');
const toInput = byId<HTMLInputElement>('filter-to');
const weightInputs = { quality: byId<HTMLInputElement>('weight-quality'), speed: byId<HTMLInputElement>('weight-speed'), cost: byId<HTMLInputElement>('weight-cost') };
const charts = new ScoreboardCharts(byId('chart-cost'), byId('chart-latency'), byId('chart-time'));
let snapshot: ScoreboardSnapshot | null = null;
let weightTimer: number | undefined;

function fill(select: HTMLSelectElement, values: { value: string; label: string }[], selected: string): void {
  select.replaceChildren(
    ...values.map((v) => {
      const option = document.createElement('option');
      option.value = v.value;
      option.textContent = v.label;
      return option;
    }),
  );
  select.value = values.some((v) => v.value === selected) ? selected : (values[0]?.value ?? '');
}

const ALL = { value: '', label: l10n.t('All') };

function render(s: ScoreboardSnapshot): void {
  const started = performance.now();
  const f = s.facets;
  byId('prompt-title').textContent = s.prompt ? `· ${s.prompt}` : '';
  const ratings = s.totals.ratings.toLocaleString('en-US');
  const runs = s.totals.runs.toLocaleString('en-US');
  byId('totals').textContent = s.rows.length === 1 ? l10n.t('1 row · {0} ratings · {1} runs', ratings, runs) : l10n.t('{0} rows · {1} ratings · {2} runs', s.rows.length, ratings, runs);
  const banner = byId('banner');
  banner.hidden = s.problems.count === 0;
  const first = s.problems.first;
  const firstFile = first ? first.file.split(/[\\/]/).slice(-2).join('/') : '';
  banner.textContent = first
    ? s.problems.count === 1
      ? l10n.t('1 line could not be read and was skipped; the first: {0} line {1} ({2}). Every other line counts.', firstFile, first.line, first.message)
      : l10n.t('{0} lines could not be read and were skipped; the first: {1} line {2} ({3}). Every other line counts.', s.problems.count, firstFile, first.line, first.message)
    : '';
  const notice = byId('notice');
  notice.hidden = !s.notice;
  notice.textContent = s.notice ?? '';

  fill(selects.prompt, f.prompts.map((p) => ({ value: p, label: p })), s.prompt ?? '');
  fill(selects.version, [ALL, ...(s.prompt ? (f.versions[s.prompt] ?? []) : []).map((v) => ({ value: String(v), label: `v${v}` }))], s.filters.versions?.length === 1 ? String(s.filters.versions[0]) : '');
  fill(selects.model, [ALL, ...f.models.map((m) => ({ value: m, label: m }))], s.filters.models?.length === 1 ? s.filters.models[0] : '');
  fill(selects.rater, [ALL, ...f.raters.map((r) => ({ value: r, label: r }))], s.filters.raters?.length === 1 ? s.filters.raters[0] : '');
  fill(selects.dataset, [ALL, ...f.datasets.map((d) => ({ value: d, label: d }))], s.filters.dataset ?? '');
  byId('dataset-label').hidden = f.datasets.length === 0;
  fromInput.value = s.filters.from ?? '';
  toInput.value = s.filters.to ?? '';
  if (f.firstDay) fromInput.min = toInput.min = f.firstDay;
  if (f.lastDay) fromInput.max = toInput.max = f.lastDay;

  const sum = s.weights.quality + s.weights.speed + s.weights.cost || 1;
  for (const key of ['quality', 'speed', 'cost'] as const) {
    // A slider being dragged keeps its place; the others follow the host.
    if (document.activeElement !== weightInputs[key]) weightInputs[key].value = String(Math.round(s.weights[key] * 100));
    byId(`weight-${key}-value`).textContent = `${Math.round((s.weights[key] / sum) * 100)}%`;
  }
  byId<HTMLFieldSetElement>('weights').disabled = !s.prompt;

  const rec = s.recommendation;
  const recEl = byId('recommendation');
  const best = rec ? s.rows.find((r) => r.row.model === rec.model && r.row.version === rec.version) : undefined;
  recEl.textContent = rec
    ? recommendationText(`${rec.model} · v${rec.version}`, best?.combined != null ? best.combined.toFixed(2) : null, rec.runnerUp ?? null)
    : s.rows.length
      ? l10n.t('No recommendation yet: rate some answers (quality has weight, and no row is rated).')
      : '';
  const tooFew = byId('too-few');
  tooFew.hidden = !rec?.tooFewToTellApart;
  tooFew.textContent = rec?.tooFewToTellApart
    ? rec.runnerUp
      ? l10n.t('Too few ratings to tell {0} from {1} apart: their 95% intervals overlap (or fewer than 5 ratings each). Rate more answers before choosing.', `${rec.model} · v${rec.version}`, rec.runnerUp)
      : l10n.t('Too few ratings to tell {0} from the next apart: their 95% intervals overlap (or fewer than 5 ratings each). Rate more answers before choosing.', `${rec.model} · v${rec.version}`)
    : '';

  renderTable(byId<HTMLTableElement>('rows'), s.rows, rec);
  renderRetrieval(byId('retrieval-section'), s.retrieval);
  byId('empty').hidden = s.rows.length > 0 || !!s.notice;
  const drawn = charts.render(s);
  document.body.dataset.rows = String(s.rows.length);
  document.body.dataset.chartPoints = String(drawn.points);
  document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
}

/** "Recommended: model · v2 (score 0.81); next: other · v1." with the parts that exist. */
function recommendationText(best: string, score: string | null, next: string | null): string {
  if (score !== null && next !== null) return l10n.t('Recommended: {0} (score {1}); next: {2}.', best, score, next);
  if (score !== null) return l10n.t('Recommended: {0} (score {1}).', best, score);
  if (next !== null) return l10n.t('Recommended: {0}; next: {1}.', best, next);
  return l10n.t('Recommended: {0}.', best);
}

function currentFilters(): ScoreboardFilters {
  const one = (select: HTMLSelectElement) => (select.value ? [select.value] : []);
  return {
    prompt: selects.prompt.value || null,
    versions: selects.version.value ? [Number(selects.version.value)] : [],
    models: one(selects.model),
    raters: one(selects.rater),
    dataset: selects.dataset.value || null,
    from: fromInput.value || null,
    to: toInput.value || null,
  };
}

for (const select of Object.values(selects)) select.addEventListener('change', () => post({ type: 'setFilters', filters: currentFilters() }));
for (const input of [fromInput, toInput]) input.addEventListener('change', () => post({ type: 'setFilters', filters: currentFilters() }));
for (const input of Object.values(weightInputs)) {
  input.addEventListener('input', () => {
    if (!snapshot?.prompt) return;
    const prompt = snapshot.prompt;
    window.clearTimeout(weightTimer);
    weightTimer = window.setTimeout(
      () => post({ type: 'setWeights', prompt, weights: { quality: Number(weightInputs.quality.value) / 100, speed: Number(weightInputs.speed.value) / 100, cost: Number(weightInputs.cost.value) / 100 } }),
      150,
    );
  });
}
byId('refresh').addEventListener('click', () => post({ type: 'refresh' }));
byId('export-csv').addEventListener('click', () => post({ type: 'export', format: 'csv' }));
byId('export-json').addEventListener('click', () => post({ type: 'export', format: 'json' }));
byId('evaluate-retrieval').addEventListener('click', () => post({ type: 'evaluateRetrieval' }));
byId('rows').addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button.approve, button.improve');
  const { prompt, version, model } = button?.dataset ?? {};
  if (!button || !prompt || !version || !model) return;
  post({ type: button.classList.contains('improve') ? 'improve' : 'approve', prompt, version: Number(version), model });
});

host.onMessage((message) => {
  if (message.type !== 'snapshot') return;
  snapshot = message.state;
  host.save(snapshot);
  render(snapshot);
});

const saved = host.saved();
if (saved && Array.isArray(saved.rows)) {
  snapshot = saved;
  render(saved);
}
host.ready();
