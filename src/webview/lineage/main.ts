import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { HostToLineage, LineageSnapshot, LineageToHost } from '../../shared/lineageProtocol';
import { connectToHost } from '../shared/host';

const host = connectToHost<LineageToHost, HostToLineage, LineageSnapshot>();

/** An element with text only: nothing from the records is ever HTML. */
function make<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function list(id: string, items: HTMLElement[], empty: string): void {
  const ul = document.getElementById(id)!;
  ul.replaceChildren(...(items.length ? items : [make('li', empty, 'empty')]));
}

function render(s: LineageSnapshot): void {
  document.getElementById('title')!.textContent = l10n.t('Lineage of {0} v{1}', s.prompt, s.version);
  const chain = document.getElementById('chain')!;
  chain.replaceChildren(
    ...s.chain.map((v) => {
      const section = make('section', undefined, 'version');
      section.dataset.version = String(v.version);
      const head = make('h3');
      const link = make('a', `v${v.version}`);
      link.href = '#';
      link.addEventListener('click', (e) => {
        e.preventDefault();
        host.post({ type: 'openVersion', version: v.version });
      });
      head.append(link, make('span', ` · ${v.contentHash}${v.savedAt ? ` · ${v.savedAt.slice(0, 16).replace('T', ' ')}` : ''}${v.parent !== null ? ` · ${l10n.t('parent v{0}', v.parent)}` : ''}`, 'meta'));
      section.append(head);
      if (v.changelog) section.append(make('p', v.changelog, 'changelog'));
      if (v.diff.length) {
        const pre = make('pre', undefined, 'diff');
        for (const line of v.diff) pre.append(make('div', `${line.kind === 'add' ? '+' : line.kind === 'remove' ? '-' : line.kind === 'gap' ? '' : ' '}${line.text}`, line.kind));
        section.append(pre);
      } else if (v.parent === null) {
        section.append(make('p', l10n.t('The first version kept.'), 'meta'));
      }
      return section;
    }),
  );
  list('datasets', s.datasetRuns.map((d) => make('li', `${d.id} · ${d.dataset} · ${l10n.t('{0} cases', d.cases)} · ${d.models.join(', ')} · ${d.ts.slice(0, 10)}`)), l10n.t('No dataset runs of this version.'));
  list('runs', s.runs.byModel.map((r) => make('li', `${r.model}: ${r.runs}`)), l10n.t('No runs of this version.'));
  list('ratings', s.ratings.byRater.map((r) => make('li', `${r.rater}: ${r.ratings}`)), l10n.t('No ratings of this version.'));
  list(
    'releases',
    s.releases.map((r) => {
      const li = make('li', `${r.id} · ${r.model} · ${r.state} · ${r.by} ${r.ts.slice(0, 10)}: ${r.note}${r.publishedAs ? ` · ${l10n.t('published as {0}', r.publishedAs)}` : ''}`);
      li.dataset.release = r.id;
      return li;
    }),
    l10n.t('No releases of this version.'),
  );
  document.getElementById('runs-total')!.textContent = String(s.runs.total);
  document.getElementById('ratings-total')!.textContent = String(s.ratings.total);
  const problems = document.getElementById('problems')!;
  problems.hidden = s.problems.length === 0;
  problems.textContent = s.problems.join('\n');
}

host.onMessage((m) => {
  if (m.type === 'snapshot') {
    host.save(m.state);
    render(m.state);
  }
});
const saved = host.saved();
if (saved) render(saved);
host.ready();
