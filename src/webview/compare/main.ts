import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import { COMPARE_DOM, type CompareColumnState, type ComparePanelState, type ComparePanelToHost, type HostToComparePanel } from '../../shared/comparePanelProtocol';
import { ColumnView, type ColumnAction } from './columnView';
import { CompareRatingsUi } from './compareRatings';
import { setAttr, setDisabled, setHidden, setText } from './dom';
import { renderWordDiff } from './wordDiff';
import { oncePerFrame } from '../shared/frame';
import { connectToHost } from '../shared/host';
import { sourcesElement } from '../shared/sources';
import { AutoMocksSwitch, ReplyBox } from '../shared/conversationView';

const host = connectToHost<ComparePanelToHost, HostToComparePanel, ComparePanelState | null>();
const post = host.post;

// ---- the page: header (title, summary, toolbar, diff controls), columns, diff ----
/** Escapes a translated text for the static markup below: the translation is text, never markup. */
const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const app = document.getElementById('app') ?? document.body;
app.innerHTML = `
<header class="compare-header">
  <div class="title-row">
    <h1 id="${COMPARE_DOM.title}"></h1>
    <span id="${COMPARE_DOM.summary}" role="status" aria-live="polite"></span>
  </div>
  <div class="toolbar" role="toolbar" aria-label="${esc(l10n.t('Comparison'))}">
    <button type="button" id="${COMPARE_DOM.stopAll}" title="${esc(l10n.t('Stop every model (Esc)'))}">${esc(l10n.t('Stop all'))}</button>
    <button type="button" id="${COMPARE_DOM.rerun}" class="primary" title="${esc(l10n.t('Run the prompt file as it is now, with the same inputs and models'))}">${esc(l10n.t('Re-run'))}</button>
    <button type="button" id="${COMPARE_DOM.scoreboard}" title="${esc(l10n.t('Open the scoreboard on this prompt'))}">${esc(l10n.t('Scoreboard'))}</button>
    <span class="diff-controls">
      <label for="${COMPARE_DOM.diffA}">${esc(l10n.t('Word diff'))}</label>
      <select id="${COMPARE_DOM.diffA}" aria-label="${esc(l10n.t('First answer'))}"></select>
      <span aria-hidden="true">↔</span>
      <select id="${COMPARE_DOM.diffB}" aria-label="${esc(l10n.t('Second answer'))}"></select>
      <button type="button" id="${COMPARE_DOM.diffToggle}" aria-pressed="false" aria-controls="${COMPARE_DOM.diff}">${esc(l10n.t('Show diff'))}</button>
    </span>
  </div>
  <p id="${COMPARE_DOM.endpointNotice}" class="notice" hidden></p>
  <p id="${COMPARE_DOM.problems}" class="notice" hidden></p>
</header>
<main id="${COMPARE_DOM.columns}" aria-label="${esc(l10n.t('Answers, one column per model (arrow keys move between columns)'))}"></main>
<section id="${COMPARE_DOM.diff}" aria-label="${esc(l10n.t('Word diff'))}" hidden>
  <h2 id="diff-title"></h2>
  <div id="${COMPARE_DOM.diffOutput}"></div>
</section>`;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const titleEl = byId(COMPARE_DOM.title);
const summaryEl = byId(COMPARE_DOM.summary);
const noticeEl = byId(COMPARE_DOM.endpointNotice);
const problemsEl = byId(COMPARE_DOM.problems);
const columnsEl = byId(COMPARE_DOM.columns);
const stopAllButton = byId<HTMLButtonElement>(COMPARE_DOM.stopAll);
const rerunButton = byId<HTMLButtonElement>(COMPARE_DOM.rerun);
const diffA = byId<HTMLSelectElement>(COMPARE_DOM.diffA);
const diffB = byId<HTMLSelectElement>(COMPARE_DOM.diffB);
const diffToggle = byId<HTMLButtonElement>(COMPARE_DOM.diffToggle);
const diffSection = byId(COMPARE_DOM.diff);
const diffTitle = byId('diff-title');
const diffOutput = byId(COMPARE_DOM.diffOutput);
// Rating widgets in the columns, blind mode and the pairwise bar (compareRatings.ts).
const ratingsUi = new CompareRatingsUi(post, document.querySelector<HTMLElement>('.compare-header') ?? app);
// One reply for every column at once, under the answers; the automatic mock answers switch in the toolbar.
const replyBox = new ReplyBox(post, l10n.t('Reply to every model at once (Ctrl+Enter)'));
columnsEl.after(replyBox.root);
const autoMocks = new AutoMocksSwitch(post);
document.querySelector('.compare-header .toolbar')?.append(autoMocks.root);

// ---- state ----
let state: ComparePanelState | null = null;
let views: ColumnView[] = [];
let structureDirty = false;
const dirtyColumns = new Set<number>();
let tickTimer: number | undefined;
let persistTimer: number | undefined;
let diffDirty = false;
let lastDiffAt = 0;
/** A diff of growing answers is recomputed at most this often. */
const DIFF_INTERVAL_MS = 300;

/** The one render path: at most once per animation frame, whatever arrived since the last. */
const scheduleRender = oncePerFrame(render);

function render(): void {
  if (!state) return;
  const s = state;
  const now = Date.now();
  const live = s.origin === 'live';
  if (structureDirty) {
    structureDirty = false;
    rebuild(s);
  }
  // Read scroll positions for all, then write all: one layout per frame, not one per column.
  const stick = new Map<number, boolean>();
  const toRender = [...dirtyColumns].filter((i) => views[i] && s.columns[i]);
  for (const i of toRender) {
    const out = views[i].outputEl;
    stick.set(i, out.scrollHeight - out.scrollTop - out.clientHeight < 24);
  }
  for (const i of toRender) {
    const c = s.columns[i];
    views[i].renderMeta(c, live, now);
    if (views[i].needsOutput(c)) views[i].renderOutput(c);
  }
  for (const i of toRender) {
    if (stick.get(i) && s.columns[i].status === 'streaming') views[i].outputEl.scrollTop = views[i].outputEl.scrollHeight;
  }
  dirtyColumns.clear();
  renderHeader(s);
  ratingsUi.render(s);
  if (!diffSection.hidden && diffDirty) renderDiff(now);
  const streaming = s.columns.some((c) => c.status === 'streaming');
  if (streaming && tickTimer === undefined) {
    // Live latency while models stream; cheap: only the headers change.
    tickTimer = window.setInterval(() => {
      state?.columns.forEach((c, i) => c.status === 'streaming' && dirtyColumns.add(i));
      scheduleRender();
    }, 100);
  } else if (!streaming && tickTimer !== undefined) {
    window.clearInterval(tickTimer);
    tickTimer = undefined;
  }
}

function rebuild(s: ComparePanelState): void {
  views = s.columns.map((_, i) => new ColumnView(i, onColumnAction, post));
  for (const view of views) view.outputEl.after(sourcesElement(s.sources, post));
  columnsEl.replaceChildren(...views.map((v) => v.root));
  ratingsUi.attach(views.map((v) => ({ root: v.root, output: v.outputEl })));
  columnsEl.style.setProperty('--columns', String(Math.max(1, s.columns.length)));
  s.columns.forEach((_, i) => dirtyColumns.add(i));
  const options = (select: HTMLSelectElement, fallback: number) => {
    const previous = select.value === '' ? NaN : Number(select.value);
    select.replaceChildren(
      ...s.columns.map((c, i) => {
        const option = document.createElement('option');
        option.value = String(i);
        option.textContent = `${i + 1}. ${c.model}`;
        return option;
      }),
    );
    select.value = String(Number.isInteger(previous) && previous < s.columns.length ? previous : Math.min(fallback, s.columns.length - 1));
  };
  options(diffA, 0);
  options(diffB, 1);
  diffDirty = true;
}

function renderHeader(s: ComparePanelState): void {
  setText(titleEl, s.promptName ? `${s.promptName} · v${s.promptVersion}` : l10n.t('Comparison'));
  setAttr(titleEl, 'title', s.comparisonId ? `${s.promptPath ?? ''} · ${s.comparisonId}` : '');
  const count = (status: CompareColumnState['status']) => s.columns.filter((c) => c.status === status).length;
  const parts = [s.columns.length === 1 ? l10n.t('1 model') : l10n.t('{0} models', s.columns.length)];
  const counted: [CompareColumnState['status'], (n: number) => string][] = [
    ['streaming', (n) => l10n.t('{0} streaming', n)],
    ['done', (n) => l10n.t('{0} done', n)],
    ['failed', (n) => l10n.t('{0} failed', n)],
    ['cancelled', (n) => l10n.t('{0} stopped', n)],
  ];
  for (const [status, label] of counted) {
    const n = count(status);
    if (n) parts.push(label(n));
  }
  const summary = s.columns.length ? parts.join(' · ') : '';
  setText(summaryEl, summary);
  const streaming = count('streaming') > 0;
  setDisabled(stopAllButton, s.origin !== 'live' || !streaming);
  setDisabled(rerunButton, streaming || !s.promptPath);
  const canDiff = s.columns.length >= 2;
  for (const control of [diffA, diffB, diffToggle]) setDisabled(control, !canDiff);
  if (!canDiff && !diffSection.hidden) setDiffVisible(false);
  setHidden(noticeEl, !s.endpointNotice);
  setText(noticeEl, s.endpointNotice ?? '');
  setHidden(problemsEl, !s.notice);
  setText(problemsEl, s.notice ?? '');
  replyBox.show(s.origin === 'live' && !streaming && s.columns.some((c) => c.status === 'done' && c.runId));
  autoMocks.show(Boolean(s.usesTools), Boolean(s.autoMocks));
}

function renderDiff(now: number): void {
  const s = state;
  if (!s) return;
  const a = s.columns[Number(diffA.value)];
  const b = s.columns[Number(diffB.value)];
  if (!a || !b) return;
  const growing = a.status === 'streaming' || b.status === 'streaming';
  if (growing && now - lastDiffAt < DIFF_INTERVAL_MS) {
    window.setTimeout(scheduleRender, DIFF_INTERVAL_MS);
    return;
  }
  diffDirty = false;
  lastDiffAt = now;
  const stats = renderWordDiff(diffOutput, a.output, b.output);
  diffTitle.textContent =
    stats.removed === 1
      ? l10n.t('{0} ↔ {1}: 1 word only in the first, {2} only in the second', a.model, b.model, stats.added)
      : l10n.t('{0} ↔ {1}: {2} words only in the first, {3} only in the second', a.model, b.model, stats.removed, stats.added);
}

function setDiffVisible(visible: boolean): void {
  diffSection.hidden = !visible;
  diffToggle.setAttribute('aria-pressed', String(visible));
  diffToggle.textContent = visible ? l10n.t('Hide diff') : l10n.t('Show diff');
  document.body.classList.toggle('with-diff', visible);
  diffDirty = true;
  scheduleRender();
}

function onColumnAction(action: ColumnAction, column: number): void {
  post({ type: action, column });
}

/** Keeps the state across a reload; while text streams, at most once a second. */
function persist(now: boolean): void {
  if (now) {
    if (persistTimer !== undefined) window.clearTimeout(persistTimer);
    persistTimer = undefined;
    host.save(state);
  } else if (persistTimer === undefined) {
    persistTimer = window.setTimeout(() => {
      persistTimer = undefined;
      host.save(state);
    }, 1000);
  }
}

function markColumn(index: number): void {
  dirtyColumns.add(index);
  if (index === Number(diffA.value) || index === Number(diffB.value)) diffDirty = true;
}

host.onMessage((message) => {
  if (message.type === 'snapshot') {
    state = message.state;
    structureDirty = true;
    persist(true);
  } else if (message.type === 'column') {
    if (!state) return post({ type: 'resync' });
    const index = message.state.column;
    if (index >= state.columns.length) structureDirty = true;
    state.columns[index] = message.state;
    markColumn(index);
    persist(true);
  } else if (message.type === 'deltas') {
    if (!state) return post({ type: 'resync' });
    for (const item of message.items) {
      const column = state.columns[item.column];
      if (!column) return post({ type: 'resync' });
      const expected = column.output.length + item.text.length;
      if (expected === item.length) {
        column.output += item.text;
        markColumn(item.column);
      } else if (item.length > column.output.length) {
        // A gap: some text never arrived. The whole state replaces this webview's copy.
        return post({ type: 'resync' });
      }
      // Otherwise the text is already in a column state that came after it was sent.
    }
    persist(false);
  } else if (message.type === 'ratings') {
    if (!state) return post({ type: 'resync' });
    state.ratings = message.state;
    persist(true);
  }
  scheduleRender();
});

stopAllButton.addEventListener('click', () => post({ type: 'stopAll' }));
rerunButton.addEventListener('click', () => post({ type: 'rerun' }));
byId(COMPARE_DOM.scoreboard).addEventListener('click', () => post({ type: 'openScoreboard' }));
diffToggle.addEventListener('click', () => setDiffVisible(diffSection.hidden));
for (const select of [diffA, diffB]) {
  select.addEventListener('change', () => {
    diffDirty = true;
    lastDiffAt = 0;
    if (diffSection.hidden) setDiffVisible(true);
    else scheduleRender();
  });
}

// Keyboard: Esc stops every model; on a column, ←/→ move to the next column and ↑/↓/PgUp/PgDn scroll its answer.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !stopAllButton.disabled) {
    post({ type: 'stopAll' });
    return;
  }
  const target = event.target as HTMLElement | null;
  if (!target?.classList.contains('column')) return;
  const index = Number(target.dataset.column);
  const move = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : event.key === 'Home' ? -index : event.key === 'End' ? views.length - 1 - index : 0;
  if (move) {
    const next = views[index + move];
    if (next) {
      next.root.focus();
      next.root.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    event.preventDefault();
    return;
  }
  const output = views[index]?.outputEl;
  const step = event.key === 'ArrowDown' ? 40 : event.key === 'ArrowUp' ? -40 : event.key === 'PageDown' ? output?.clientHeight : event.key === 'PageUp' ? -(output?.clientHeight ?? 0) : 0;
  if (output && step) {
    output.scrollTop += step;
    event.preventDefault();
  }
});

const saved = host.saved();
if (saved && Array.isArray(saved.columns)) {
  state = saved;
  structureDirty = true;
  render();
}
host.ready();
