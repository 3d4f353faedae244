/**
 * The Summarize Email panel: a paste box, the facts of what was sent (messages, tokens saved,
 * details masked), the summary (Markdown or the structured JSON, sanitized), related
 * documents, compare and rating. The host owns the state and posts snapshots.
 */
import type { EmailPanelState, EmailPanelToHost, HostToEmailPanel } from '../../shared/emailPanelProtocol';
import { renderAnswer } from '../compare/markdown';

interface VsCodeApi {
  postMessage(message: EmailPanelToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const paste = $<HTMLTextAreaElement>('paste');
const pastePanel = $<HTMLDetailsElement>('paste-panel');
let state: EmailPanelState | undefined;
let lastPasteFromHost = '';

const post = (message: EmailPanelToHost) => vscode.postMessage(message);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function render(s: EmailPanelState): void {
  state = s;
  const status = $('status');
  status.textContent = s.status === 'working' ? s.progress ?? 'Working…' : s.status === 'done' ? `Summary of ${s.sourceLabel ?? 'the thread'}${s.model ? ` by ${s.model}` : ''}` : s.status === 'failed' ? 'Failed' : s.progress ?? '';
  status.dataset.status = s.status;
  const fact = (name: string, value: string) => ((document.querySelector(`[data-fact="${name}"] .value`) as HTMLElement).textContent = value);
  fact('messages', s.tokens ? String(s.messages) : '—');
  fact('tokensSaved', s.tokens ? `${s.tokens.saved.toLocaleString()} of ${s.tokens.original.toLocaleString()}` : '—');
  fact('redactions', s.tokens ? (s.masked ? `${s.redactions.distinct} (${Object.entries(s.redactions.byKind).map(([k, n]) => `${n} ${k}`).join(', ') || 'none found'})` : 'masking off') : '—');
  $('masking-note').textContent = s.tokens
    ? s.masked
      ? 'Personal details were masked before sending; they are restored here for you only.'
      : 'Masking is off for this workspace (promptWorkbench.privacy.maskPii): the thread was sent as it is.'
    : '';
  const warnings = $('warnings');
  warnings.replaceChildren(...s.warnings.map((w) => el('li', w)));
  warnings.hidden = s.warnings.length === 0;
  const guardrail = $('guardrail');
  guardrail.hidden = !s.guardrail?.intervened;
  guardrail.textContent = s.guardrail?.intervened ? `Guardrail ${s.guardrail.id} ${s.guardrail.stage === 'output' ? "blocked the model's answer" : s.guardrail.stage === 'input' ? 'stepped in on the input' : 'intervened'}: ${s.guardrail.reasons.join('; ') || 'no reason given'}` : '';
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
  vscode.setState({ pasteText: paste.value });
}

function renderSummary(s: EmailPanelState): void {
  const target = $('summary');
  if (s.structured) {
    const section = (title: string, items: Node[]) => {
      const wrap = el('section');
      wrap.append(el('h2', title));
      if (!items.length) wrap.append(el('p', 'None.'));
      else {
        const list = el('ul');
        list.append(...items);
        wrap.append(list);
      }
      return wrap;
    };
    const tldr = el('p');
    tldr.append(el('strong', 'TL;DR: '), document.createTextNode(s.structured.tldr));
    target.replaceChildren(
      tldr,
      section('Decisions', s.structured.decisions.map((d) => el('li', d))),
      section(
        'Action items',
        s.structured.actionItems.map((a) => {
          const li = el('li', a.task);
          li.append(el('span', ` — owner: ${a.owner} — due: ${a.due}`, 'meta'));
          return li;
        }),
      ),
      section('Open questions', s.structured.openQuestions.map((q) => el('li', q))),
    );
    return;
  }
  // Model output is untrusted: markdown-it without HTML, then DOMPurify (see compare/markdown.ts).
  target.innerHTML = s.output ? renderAnswer(s.output, true) : '';
}

function renderRelated(s: EmailPanelState): void {
  $('related-section').hidden = s.related.length === 0;
  $('related').replaceChildren(
    ...s.related.map((doc, index) => {
      const li = el('li');
      const link = el('a', `${doc.path}:${doc.startLine}–${doc.endLine}`);
      link.href = '#';
      link.dataset.index = String(index);
      link.title = `Open ${doc.path} at line ${doc.startLine}`;
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
  vscode.setState({ pasteText: paste.value });
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
  star.title = `${n} star${n > 1 ? 's' : ''}`;
  star.addEventListener('click', () => post({ type: 'rate', kind: 'stars', value: n as 1 | 2 | 3 | 4 | 5 }));
  stars.append(star);
}

const saved = vscode.getState() as { pasteText?: string } | undefined;
if (saved?.pasteText) paste.value = saved.pasteText;
window.addEventListener('message', (event: MessageEvent<HostToEmailPanel>) => {
  if (event.data?.type === 'snapshot') render(event.data.state);
});
post({ type: 'ready' });
void state;
