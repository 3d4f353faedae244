import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { ScoreboardViewRow } from '../../shared/scoreboardProtocol';
import { formatMs, formatUsd } from '../../core/format/units';

/** The rows table: every cell is text (textContent), nothing from the records is HTML. */

const num = (x: number | null, digits: number) => (x === null ? '—' : x.toFixed(digits));
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

export const COLUMNS: { key: string; label: string; title: string; cell: (r: ScoreboardViewRow) => string }[] = [
  { key: 'version', label: l10n.t('Version'), title: l10n.t('Prompt version'), cell: (r) => `v${r.row.version}` },
  { key: 'model', label: l10n.t('Model'), title: l10n.t('Model id'), cell: (r) => r.row.model },
  { key: 'n', label: 'n', title: l10n.t('Ratings that count for this row (stars, thumbs, pairwise)'), cell: (r) => String(r.row.n) },
  {
    key: 'stars',
    label: l10n.t('Stars'),
    title: l10n.t('Mean stars with its 95% interval (Student t)'),
    cell: (r) => (r.row.stars.mean === null ? '—' : `${num(r.row.stars.mean, 2)}${r.row.stars.lo !== null ? ` [${num(r.row.stars.lo, 2)}–${num(r.row.stars.hi, 2)}]` : ''}`),
  },
  {
    key: 'thumbs',
    label: l10n.t('Thumbs up'),
    title: l10n.t('Share of thumbs up with its 95% Wilson interval'),
    cell: (r) => (r.row.thumbsUp.rate === null ? '—' : `${pct(r.row.thumbsUp.rate)} [${pct(r.row.thumbsUp.lo)}–${pct(r.row.thumbsUp.hi)}]`),
  },
  { key: 'winRate', label: l10n.t('Win rate'), title: l10n.t('Pairwise comparisons won (a tie counts half)'), cell: (r) => pct(r.row.winRate) },
  { key: 'bt', label: l10n.t('BT rank'), title: l10n.t('Bradley–Terry rank among the rows with pairwise data (score: share of strength)'), cell: (r) => (r.btRank === null ? '—' : `#${r.btRank} (${num(r.row.btScore, 2)})`) },
  { key: 'passRate', label: l10n.t('Checks'), title: l10n.t('Share of dataset runs whose checks all passed'), cell: (r) => pct(r.row.passRate) },
  { key: 'p50', label: 'p50', title: l10n.t('Median latency'), cell: (r) => formatMs(r.row.latencyMs.p50) },
  { key: 'p95', label: 'p95', title: l10n.t('95th percentile latency'), cell: (r) => formatMs(r.row.latencyMs.p95) },
  { key: 'ttft', label: l10n.t('TTFT'), title: l10n.t('Median time to first token'), cell: (r) => formatMs(r.row.ttftMs.p50) },
  { key: 'cost', label: l10n.t('$/1k calls'), title: l10n.t('Mean cost of 1,000 calls at the catalog price'), cell: (r) => formatUsd(r.row.costPer1k) },
  { key: 'score', label: l10n.t('Score'), title: l10n.t('Combined score of quality, speed and cost with the weights above (0–1)'), cell: (r) => num(r.combined, 2) },
];

export function renderTable(table: HTMLTableElement, rows: ScoreboardViewRow[], recommended: { model: string; version: number } | null): void {
  let head = table.tHead;
  if (!head) {
    head = table.createTHead();
    const tr = head.insertRow();
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = c.label;
      th.title = c.title;
      tr.append(th);
    }
    const actions = document.createElement('th');
    actions.scope = 'col';
    actions.textContent = l10n.t('Release');
    tr.append(actions);
  }
  const body = table.tBodies[0] ?? table.createTBody();
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.model = r.row.model;
      tr.dataset.version = String(r.row.version);
      if (recommended && recommended.model === r.row.model && recommended.version === r.row.version) tr.classList.add('recommended');
      if (r.paretoCost || r.paretoLatency) tr.classList.add('pareto');
      for (const c of COLUMNS) {
        const td = document.createElement('td');
        td.dataset.col = c.key;
        td.textContent = c.cell(r);
        tr.append(td);
      }
      tr.append(approveCell(r));
      return tr;
    }),
  );
}

/** The row's Approve for Production and Improve Prompt buttons; main.ts listens on the table (data-prompt/-version/-model say which row). */
function approveCell(r: ScoreboardViewRow): HTMLTableCellElement {
  const td = document.createElement('td');
  td.dataset.col = 'actions';
  const rowButton = (className: string, label: string, title: string): HTMLButtonElement => {
    const button = document.createElement('button');
    button.className = className;
    button.type = 'button';
    button.textContent = label;
    button.title = title;
    button.dataset.prompt = r.row.prompt;
    button.dataset.version = String(r.row.version);
    button.dataset.model = r.row.model;
    return button;
  };
  td.append(
    rowButton('approve', l10n.t('Approve…'), l10n.t('Approve for Production: record this version × model × config as a release, with these figures as evidence')),
    rowButton('improve', l10n.t('Improve…'), l10n.t('Improve Prompt: propose rewrites of this prompt and try them on its dataset with this model')),
  );
  return td;
}
