import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { HostToImprovePanel, ImproveCandidateView, ImproveFiguresView, ImproveFlipView, ImprovePanelState, ImprovePanelToHost, ImproveRoundView } from '../../shared/improvePanelProtocol';
import { connectToHost } from '../shared/host';

// Everything the model wrote (rewrites, answers, reasoning) is set as text, never as HTML.
const host = connectToHost<ImprovePanelToHost, HostToImprovePanel, ImprovePanelState>();
const app = document.getElementById('app')!;
let state: ImprovePanelState | undefined = host.saved();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

const VERDICT: Record<NonNullable<ImproveCandidateView['verdict']>, string> = {
  better: l10n.t('Better'),
  worse: l10n.t('Worse'),
  'no-better': l10n.t('No better'),
  'too-few': l10n.t('Too few cases to tell'),
};

function figuresTable(baseline: ImproveFiguresView | null, candidate: ImproveFiguresView): HTMLTableElement {
  const row = (label: string, f: ImproveFiguresView | null) => el('tr', {}, el('th', { text: label }), ...(f ? [f.passRate, f.score, f.costPer1k, f.timePer1k, String(f.checked)] : ['—', '—', '—', '—', '—']).map((t) => el('td', { text: t })));
  const head = el('tr', {}, ...['', l10n.t('Pass rate [95%]'), l10n.t('Mean score [95%]'), l10n.t('Cost / 1,000 calls'), l10n.t('Time / 1,000 calls'), l10n.t('Checked')].map((t) => el('th', { text: t })));
  return el('table', { className: 'figures' }, el('thead', {}, head), el('tbody', {}, row(l10n.t('Current'), baseline), row(l10n.t('Candidate'), candidate)));
}

function flipList(title: string, flips: ImproveFlipView[]): HTMLElement {
  const box = el('div', {}, el('strong', { text: `${title}: ${flips.length}` }));
  for (const f of flips) {
    box.append(
      el(
        'details',
        { className: 'flip' },
        el('summary', { text: `${f.caseId} · ${f.model}${f.failed.length ? ` · ${f.failed[0]}` : ''}` }),
        el('div', { className: 'answers' }, el('div', {}, el('em', { text: l10n.t('Current answer') }), el('pre', { text: f.before })), el('div', {}, el('em', { text: l10n.t('Candidate answer') }), el('pre', { text: f.after }))),
      ),
    );
  }
  return box;
}

function candidateBox(round: ImproveRoundView, c: ImproveCandidateView): HTMLElement {
  const classes = ['candidate', c.rejected.length ? 'rejected' : '', c.rank === 1 && c.verdict === 'better' ? 'winner' : ''].filter(Boolean).join(' ');
  const box = el('section', { className: classes });
  box.dataset.index = String(c.index);
  const head = el('div', { className: 'candidate-head' }, el('strong', { text: l10n.t('Candidate {0}', c.index) }));
  if (c.rank !== null) head.append(el('span', { text: l10n.t('rank {0}', c.rank) }));
  if (c.progress) head.append(el('span', { className: 'progress', text: c.progress }));
  if (c.verdict) head.append(el('span', { className: `verdict verdict-${c.verdict}`, text: VERDICT[c.verdict] }));
  box.append(head);
  if (c.reasoning) box.append(el('p', { className: 'reasoning', text: c.reasoning }));
  if (c.rejected.length) box.append(el('p', { className: 'reasons', text: l10n.t('Rejected before it was tried: {0}', c.rejected.join('; ')) }));
  for (const note of c.notCarriedOver) box.append(el('p', { className: 'notes', text: note }));
  if (c.figures) {
    box.append(figuresTable(round.baseline, c.figures));
    if (c.summary) box.append(el('p', { className: 'summary', text: c.summary }));
    box.append(flipList(l10n.t('Newly passing'), c.newlyPassing), flipList(l10n.t('Newly failing'), c.newlyFailing));
  }
  const diff = el('pre', { className: 'diff' });
  for (const line of c.diff) diff.append(el('span', { className: line.kind, text: `${line.kind === 'add' ? '+ ' : line.kind === 'del' ? '- ' : '  '}${line.text}` }));
  box.append(el('details', {}, el('summary', { text: l10n.t('Prompt diff') }), diff));
  if (c.figures && round.status === 'done' && !round.saved) {
    const save = el('button', { className: c.rank === 1 ? 'primary save' : 'save', text: l10n.t('Save as New Version') });
    save.addEventListener('click', () => {
      save.disabled = true;
      host.post({ type: 'save', round: round.round, index: c.index });
    });
    box.append(save);
  }
  return box;
}

function render(): void {
  app.replaceChildren();
  if (!state) return;
  app.append(el('h1', { text: l10n.t('Improve Prompt: {0}', state.promptName) }));
  for (const round of [...state.rounds].reverse()) {
    const section = el('section', { className: `round status-${round.status}` }, el('h2', { text: l10n.t('Round {0}: version {1}, {2}', round.round, round.version, round.sourceLabel) }));
    if (round.phase) section.append(el('p', { className: 'phase', text: round.phase }));
    if (round.error) section.append(el('p', { className: 'error', text: round.error }));
    if (round.saved) section.append(el('p', { className: 'saved', text: round.saved }));
    if (round.analysis.length) section.append(el('div', { className: 'analysis' }, ...round.analysis.map((m) => el('p', { text: m }))));
    for (const c of round.candidates) section.append(candidateBox(round, c));
    if (round.saved && round === state.rounds[state.rounds.length - 1]) {
      const again = el('button', { className: 'primary again', text: l10n.t('Improve the new version') });
      again.addEventListener('click', () => host.post({ type: 'improveAgain' }));
      section.append(again);
    }
    app.append(section);
  }
}

host.onMessage((message) => {
  if (message.type === 'state') {
    state = message.state;
    host.save(state);
    render();
  }
});
render();
host.ready();
