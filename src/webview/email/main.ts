/**
 * The Summarize Email panel: a paste box, the facts of what was sent (messages, tokens saved,
 * details masked), the summary (Markdown or the structured JSON, sanitized), related
 * documents, compare and rating. The host owns the state and posts snapshots.
 */
import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { EmailPanelState, EmailPanelToHost, HostToEmailPanel } from '../../shared/emailPanelProtocol';
import { StreamingMarkdown } from '../shared/streamingMarkdown';
import { connectToHost } from '../shared/host';

/** Saved across a reload: the paste box and the panel as last shown (the host's serializer brings it back). */
const host = connectToHost<EmailPanelToHost, HostToEmailPanel, { pasteText?: string; state?: EmailPanelState }>();
let shown: EmailPanelState | undefined;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const paste = $<HTMLTextAreaElement>('paste');
const pastePanel = $<HTMLDetailsElement>('paste-panel');
let state: EmailPanelState | undefined;
let lastPasteFromHost = '';

const post = host.post;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function render(s: EmailPanelState): void {
  state = s;
  const status = $('status');
  status.textContent = s.status === 'working' ? s.progress ?? l10n.t('Working…') : s.status === 'done' ? doneText(s) : s.status === 'failed' ? l10n.t('Failed') : s.progress ?? '';
  status.dataset.status = s.status;
  const fact = (name: string, value: string) => ((document.querySelector(`[data-fact="${name}"] .value`) as HTMLElement).textContent = value);
  fact('messages', s.tokens ? String(s.messages) : '—');
  fact('tokensSaved', s.tokens ? l10n.t('{0} of {1}', s.tokens.saved.toLocaleString(), s.tokens.original.toLocaleString()) : '—');
  const byKind = Object.entries(s.redactions.byKind).map(([k, n]) => `${n} ${k}`).join(', ') || l10n.t('none found');
  fact('redactions', s.tokens ? (s.masked ? `${s.redactions.distinct} (${byKind})` : l10n.t('masking off')) : '—');
  $('masking-note').textContent = s.tokens
    ? s.masked
      ? l10n.t('Personal details were masked before sending; they are restored here for you only.')
      : l10n.t('Masking is off for this workspace (promptWorkbench.privacy.maskPii): the thread was sent as it is.')
    : '';
  const warnings = $('warnings');
  warnings.replaceChildren(...s.warnings.map((w) => el('li', w)));
  warnings.hidden = s.warnings.length === 0;
  const guardrail = $('guardrail');
  guardrail.hidden = !s.guardrail?.intervened;
  guardrail.textContent = s.guardrail?.intervened ? guardrailText(s.guardrail.id, s.guardrail.stage, s.guardrail.reasons.join('; ') || l10n.t('no reason given')) : '';
  const error = $('error');
  error.hidden = !s.error;
  error.textContent = s.error ?? '';
  // The paste box keeps what was typed; the host's copy only replaces it when it changed there.
  if (s.pasteText !== lastPasteFromHost) {
    lastPasteFromHost = s.pasteText;
    if (paste.value !== s.pasteText) paste.value = s.pasteText;
  }
  if (s.status === 'idle' || s.status === 'failed') pastePanel.open = true;
  $<HTMLButtonElement>('summarize').disabled = s.status === 'working';
  renderSummary(s);
  renderRelated(s);
  $('actions').hidden = !s.runId;
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-thumbs]')) b.setAttribute('aria-pressed', String(s.rating.thumbs === b.dataset.thumbs));
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-stars]')) b.setAttribute('aria-checked', String(s.rating.stars === Number(b.dataset.stars)));
  shown = s;
  host.save({ pasteText: paste.value, state: s });
}

/** "Summary of <source> by <model>", with the parts that are known. */
function doneText(s: EmailPanelState): string {
  if (s.sourceLabel) return s.model ? l10n.t('Summary of {0} by {1}', s.sourceLabel, s.model) : l10n.t('Summary of {0}', s.sourceLabel);
  return s.model ? l10n.t('Summary of the thread by {0}', s.model) : l10n.t('Summary of the thread');
}

function guardrailText(id: string, stage: string | undefined, reasons: string): string {
  if (stage === 'output') return l10n.t("Guardrail {0} blocked the model's answer: {1}", id, reasons);
  if (stage === 'input') return l10n.t('Guardrail {0} stepped in on the input: {1}', id, reasons);
  return l10n.t('Guardrail {0} intervened: {1}', id, reasons);
}

const summaryView = new StreamingMarkdown($('summary'));

function renderSummary(s: EmailPanelState): void {
  const target = $('summary');
  if (s.structured) {
    summaryView.clear();
    const section = (title: string, items: Node[]) => {
      const wrap = el('section');
      wrap.append(el('h2', title));
      if (!items.length) wrap.append(el('p', l10n.t('None.')));
      else {
        const list = el('ul');
        list.append(...items);
        wrap.append(list);
      }
      return wrap;
    };
    const tldr = el('p');
    tldr.append(el('strong', l10n.t('TL;DR: ')), document.createTextNode(s.structured.tldr));
    target.replaceChildren(
      tldr,
      section(l10n.t('Decisions'), s.structured.decisions.map((d) => el('li', d))),
      section(
        l10n.t('Action items'),
        s.structured.actionItems.map((a) => {
          const li = el('li', a.task);
          li.append(el('span', l10n.t(' — owner: {0} — due: {1}', a.owner, a.due), 'meta'));
          return li;
        }),
      ),
      section(l10n.t('Open questions'), s.structured.openQuestions.map((q) => el('li', q))),
    );
    return;
  }
  // Model output is untrusted: markdown-it without HTML, then DOMPurify (see ../shared/markdown.ts).
  summaryView.render(s.output, s.status !== 'working');
}

function renderRelated(s: EmailPanelState): void {
  $('related-section').hidden = s.related.length === 0;
  $('related').replaceChildren(
    ...s.related.map((doc, index) => {
      const li = el('li');
      const link = el('a', `${doc.path}:${doc.startLine}–${doc.endLine}`);
      link.href = '#';
      link.dataset.index = String(index);
      link.title = l10n.t('Open {0} at line {1}', doc.path, doc.startLine);
      li.append(link);
      if (doc.heading) li.append(el('span', ` — ${doc.heading}`, 'meta'));
      return li;
    }),
  );
}

$('paste-form').addEventListener('submit', (event) => {
  event.preventDefault();
  post({ type: 'summarize', text: paste.value });
});
paste.addEventListener('input', () => {
  host.save({ pasteText: paste.value, state: shown });
  post({ type: 'pasteChanged', text: paste.value });
});
$('compare').addEventListener('click', () => post({ type: 'compare' }));
$('related').addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest('a[data-index]') as HTMLAnchorElement | null;
  if (!link) return;
  event.preventDefault();
  post({ type: 'openDocument', index: Number(link.dataset.index) });
});
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-thumbs]')) {
  b.addEventListener('click', () => post({ type: 'rate', kind: 'thumbs', value: b.dataset.thumbs === 'up' ? 'up' : 'down' }));
}
const stars = $('stars');
for (let n = 1; n <= 5; n++) {
  const star = el('button', '★', 'star');
  star.dataset.stars = String(n);
  star.setAttribute('role', 'radio');
  star.setAttribute('aria-checked', 'false');
  star.title = n === 1 ? l10n.t('1 star') : l10n.t('{0} stars', n);
  star.addEventListener('click', () => post({ type: 'rate', kind: 'stars', value: n as 1 | 2 | 3 | 4 | 5 }));
  stars.append(star);
}

const saved = host.saved();
if (saved?.pasteText) paste.value = saved.pasteText;
host.onMessage((message) => {
  if (message.type === 'snapshot') render(message.state);
});
host.ready();
void state;
