import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import type { DatasetCellView, DatasetPanelState, DatasetPanelToHost, HostToDatasetPanel } from '../../shared/datasetPanelProtocol';
import { connectToHost } from '../shared/host';
import { formatMs, formatUsd } from '../../core/format/units';

const host = connectToHost<DatasetPanelToHost, HostToDatasetPanel, DatasetPanelState>();
// Model output is untrusted: markdown-it with raw HTML off, then DOMPurify on what it made.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });
const rendered = new Map<string, { text: string; html: string }>();
/** Cells whose answer the user opened: kept open across snapshots. */
const opened = new Set<string>();
let state: DatasetPanelState | undefined;

const app = document.getElementById('app')!;
const post = host.post;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; title?: string } = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  node.append(...children);
  return node;
}

function answerHtml(key: string, text: string): string {
  const cached = rendered.get(key);
  if (cached && cached.text === text) return cached.html;
  const html = DOMPurify.sanitize(markdown.render(text));
  rendered.set(key, { text, html });
  return html;
}

const percent = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const STATUS_TEXT: Record<DatasetCellView['status'], string> = { pending: l10n.t('Waiting…'), done: l10n.t('Done'), failed: l10n.t('Failed'), cancelled: l10n.t('Cancelled'), 'not-run': l10n.t('Not run') };

function render(): void {
  if (!state) return;
  const s = state;
  const previous = app.querySelector('.grid-scroll');
  const scroll = { x: previous?.scrollLeft ?? 0, y: previous?.scrollTop ?? 0 };
  const running = s.status === 'running';
  const title = el('h1', { text: `${s.promptName} v${s.promptVersion}`, title: s.datasetRunId });
  const where = el('span', { className: 'dataset-path', text: s.datasetPath });
  const statusText = running
    ? l10n.t('Running {0} of {1}', s.done, s.total)
    : s.status === 'done'
      ? l10n.t('Done: {0} results', s.total)
      : s.status === 'cancelled'
        ? l10n.t('Stopped at {0} of {1}', s.done, s.total)
        : l10n.t('Interrupted at {0} of {1}', s.done, s.total);
  const progress = el('span', { text: statusText });
  progress.id = 'progress';
  progress.dataset.status = s.status;
  progress.setAttribute('role', 'status');
  const stop = el('button', { text: l10n.t('Stop'), title: l10n.t('Stop the dataset run (what finished is kept)') });
  stop.id = 'stop';
  stop.disabled = !running;
  stop.addEventListener('click', () => post({ type: 'stop' }));
  const resume = el('button', { className: 'primary', text: l10n.t('Resume'), title: l10n.t('Run only the cases that have no result yet, under the same dataset run') });
  resume.id = 'resume';
  resume.hidden = running || s.status === 'done' || !s.promptUri;
  resume.addEventListener('click', () => post({ type: 'resume' }));
  const message = el('p', { text: s.message ?? '' });
  message.id = 'message';
  message.hidden = !s.message;
  message.setAttribute('role', 'status');
  const header = el('header', {}, el('div', { className: 'title-row' }, title, where, progress, stop, resume), message);
  if (s.problems.length) {
    const list = el('details', { className: 'problems' }, el('summary', { text: l10n.t('{0} rows skipped', s.problems.length) }), el('ul', {}, ...s.problems.map((p) => el('li', { text: p }))));
    list.id = 'problems';
    header.append(list);
  }

  const table = el('table');
  table.id = 'grid';
  const headRow = el('tr', {}, el('th', { className: 'case-head', text: l10n.t('Case') }), ...s.models.map((m) => el('th', { text: m, title: m })));
  const body = el('tbody');
  s.cases.forEach((c, i) => {
    const row = el('tr', { className: 'case' });
    row.dataset.case = c.id;
    const inputs = el('dl', { className: 'inputs' }, ...c.inputs.flatMap((input) => [el('dt', { text: input.name }), el('dd', { text: input.value, title: input.value })]));
    const heading = el('th', { className: 'case-cell' }, el('div', { className: 'case-id', text: c.id, title: c.line ? l10n.t('line {0}', c.line) : '' }), inputs);
    if (c.reference) heading.append(el('details', { className: 'reference' }, el('summary', { text: l10n.t('Reference') }), el('p', { text: c.reference })));
    row.append(heading);
    s.models.forEach((model, j) => row.append(cellElement(s.cells[i * s.models.length + j], `${c.id}\u0000${model}`)));
    body.append(row);
  });
  const summary = el('tr');
  summary.id = 'summary';
  summary.append(el('th', { text: l10n.t('Pass rate') }));
  for (const m of s.summary) {
    const td = el('td', { className: 'pass-rate' });
    td.dataset.model = m.model;
    td.dataset.passRate = m.passRate === null ? '' : String(m.passRate);
    td.append(
      el('strong', { text: m.passRate === null ? l10n.t('no checks') : `${percent(m.passRate)} (${m.passed}/${m.checked})` }),
      el('span', { className: 'summary-metrics', text: ` · p50 ${formatMs(m.p50LatencyMs)} · ${formatUsd(m.costUsd)}${m.failed ? ` · ${l10n.t('{0} failed', m.failed)}` : ''}` }),
    );
    summary.append(td);
  }
  table.append(el('thead', {}, headRow), body, el('tfoot', {}, summary));
  const scroller = el('div', { className: 'grid-scroll' }, table);
  app.replaceChildren(header, scroller);
  scroller.scrollTo(scroll.x, scroll.y);
}

function cellElement(cell: DatasetCellView | undefined, key: string): HTMLElement {
  const td = el('td', { className: 'cell' });
  if (!cell) return td;
  td.dataset.model = cell.model;
  td.dataset.status = cell.status;
  td.dataset.runId = cell.runId ?? '';
  const status = el('span', { className: `status status-${cell.status}`, text: STATUS_TEXT[cell.status] });
  const metrics = el('span', { className: 'metrics', text: cell.status === 'done' || cell.latencyMs !== null ? `${formatMs(cell.latencyMs)} · ${formatUsd(cell.costUsd)}` : '' });
  const head = el('div', { className: 'cell-head' }, status, metrics);
  if (cell.cachedFrom) {
    // Served from the response cache: no call, no cost; its figures are the original run's.
    td.dataset.cached = 'true';
    head.append(el('span', { className: 'cached', text: l10n.t('cached'), title: l10n.t('From the response cache: the answer of run {0}, no model call made', cell.cachedFrom) }));
  }
  td.append(head);
  if (cell.checks?.length) {
    const checks = el('div', { className: 'checks' });
    for (const check of cell.checks) {
      const badge = el('span', { className: `check ${check.pass ? 'pass' : 'fail'}`, text: `${check.pass ? '✓' : '✗'} ${check.check}`, title: check.detail });
      badge.dataset.check = check.check;
      badge.dataset.pass = String(check.pass);
      badge.setAttribute('aria-label', check.pass ? l10n.t('{0}: passed: {1}', check.check, check.detail) : l10n.t('{0}: failed: {1}', check.check, check.detail));
      checks.append(badge);
    }
    td.append(checks);
  }
  if (cell.error) td.append(el('p', { className: 'error', text: cell.error }));
  if (cell.output) {
    const details = el('details', { className: 'answer' });
    details.open = opened.has(key);
    details.addEventListener('toggle', () => (details.open ? opened.add(key) : opened.delete(key)));
    const firstLine = cell.output.replace(/[#*_`>-]/g, '').trim().split('\n')[0] ?? '';
    const output = el('div', { className: 'output' });
    output.innerHTML = answerHtml(key, cell.output);
    details.append(el('summary', { text: firstLine.length > 90 ? `${firstLine.slice(0, 89)}…` : firstLine }), output);
    td.append(details);
  }
  if (cell.runId) td.append(starsElement(cell));
  return td;
}

function starsElement(cell: DatasetCellView): HTMLElement {
  const row = el('div', { className: 'stars' });
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', l10n.t('Rate {0} on {1}', cell.model, cell.caseId));
  row.dataset.value = String(cell.stars ?? 0);
  for (let n = 1; n <= 5; n++) {
    const b = el('button', { className: `star${cell.stars !== null && n <= cell.stars ? ' filled' : ''}`, text: '★', title: n === 1 ? l10n.t('1 star') : l10n.t('{0} stars', n) });
    b.type = 'button';
    b.dataset.value = String(n);
    b.setAttribute('aria-pressed', String(cell.stars === n));
    b.addEventListener('click', () => post({ type: 'rate', caseId: cell.caseId, model: cell.model, stars: n as 1 | 2 | 3 | 4 | 5 }));
    row.append(b);
  }
  return row;
}

host.onMessage((message) => {
  if (message.type !== 'state') return;
  state = message.state;
  // Kept for the serializer: a reopened window reads the run back from the records.
  host.save(state);
  render();
});

const saved = host.saved();
if (saved && Array.isArray(saved.cells)) {
  state = saved;
  render();
}
host.ready();
