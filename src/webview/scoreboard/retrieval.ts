/**
 * The Scoreboard's retrieval section: every evaluation of the document index on the team's own
 * questions (hit@1, hit@k, MRR by embedder and mode), newest first, and a button that runs one.
 * Values are set with textContent only.
 */
import { l10n } from '../shared/l10nSetup';
import type { RetrievalSection } from '../../shared/scoreboardProtocol';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export function renderRetrieval(container: HTMLElement, section: RetrievalSection | undefined): void {
  container.hidden = !section;
  if (!section) return;
  const table = container.querySelector('table') as HTMLTableElement;
  const note = container.querySelector('.retrieval-note') as HTMLElement;
  note.textContent = section.evals.length
    ? l10n.t('Questions: {0}. Each evaluation asks every question in three modes; a hit is an answering file in the top k.', section.questionsFile)
    : section.questionsExist
      ? l10n.t('No evaluation yet: Evaluate Retrieval asks the questions in {0}.', section.questionsFile)
      : l10n.t('Write questions to {0} (one JSON line each: {1}) to measure retrieval on your own documents.', section.questionsFile, '{"question": "…", "files": ["docs/answer.md"]}');
  const head = document.createElement('thead');
  const headRow = head.insertRow();
  for (const label of [l10n.t('When'), l10n.t('Embedder'), l10n.t('Mode'), l10n.t('Questions'), 'hit@1', 'hit@k', 'MRR']) {
    const th = document.createElement('th');
    th.textContent = label;
    headRow.append(th);
  }
  const body = document.createElement('tbody');
  for (const e of section.evals) {
    const tr = body.insertRow();
    tr.dataset.mode = e.mode;
    tr.dataset.embedder = e.embedder;
    const cells: [string, string][] = [
      ['ts', new Date(e.ts).toLocaleString()],
      ['embedder', e.embedder],
      ['mode', e.mode],
      ['questions', String(e.questions)],
      ['hitAt1', pct(e.hitAt1)],
      ['hitAtK', `${pct(e.hitAtK)} (k=${e.k})`],
      ['mrr', e.mrr.toFixed(3)],
    ];
    for (const [col, text] of cells) {
      const td = tr.insertCell();
      td.dataset.col = col;
      td.textContent = text;
    }
  }
  table.replaceChildren(head, body);
  table.hidden = section.evals.length === 0;
}
