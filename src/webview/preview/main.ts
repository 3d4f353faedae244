import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { HostToPreview, PreviewState, PreviewToHost } from '../../shared/previewProtocol';
import { connectToHost } from '../shared/host';

const host = connectToHost<PreviewToHost, HostToPreview, PreviewState>();
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const setSelect = el<HTMLSelectElement>('sample-set');

/** Text only, never HTML: the preview shows exactly what would be sent. */
function render(state: PreviewState): void {
  el('title').textContent = `${state.promptName}${state.promptVersion !== null ? ` · v${state.promptVersion}` : ''}`;
  el('hash').textContent = state.contentHash ? l10n.t('content hash {0}', state.contentHash) : '';
  el('model').textContent = state.model ?? '—';
  el('config').textContent = Object.keys(state.config).length ? JSON.stringify(state.config) : l10n.t('(none)');
  el('inputs-from').textContent = state.inputsFrom;
  setSelect.replaceChildren(new Option(l10n.t('(defaults only)'), ''), ...state.sampleSets.map((name) => new Option(name, name)));
  setSelect.value = state.selectedSet ?? '';
  setSelect.disabled = state.sampleSets.length === 0;

  const missing = el('missing');
  const notes = [];
  if (state.missingInputs.length) notes.push(l10n.t('Missing inputs, shown empty here (a run would ask for them first): {0}', state.missingInputs.join(', ')));
  if (state.inputsProblem) notes.push(state.inputsProblem);
  missing.hidden = notes.length === 0;
  missing.textContent = notes.join('\n');
  const error = el('error');
  error.hidden = !state.error;
  error.textContent = state.error ? (state.messages.length ? l10n.t('{0}\nThe messages below are from the last version that rendered.', state.error) : state.error) : '';

  const messages = el('messages');
  messages.classList.toggle('stale', !!state.error);
  messages.replaceChildren(
    ...state.messages.map((message, index) => {
      const section = document.createElement('section');
      section.className = `message role-${message.role.replace(/[^\w-]/g, '')}`;
      section.dataset.role = message.role;
      const heading = document.createElement('h2');
      heading.textContent = message.role === 'system' ? l10n.t('system prompt') : message.role;
      const position = document.createElement('span');
      position.className = 'position';
      position.textContent = `#${index + 1}`;
      heading.append(' ', position);
      section.append(heading);
      for (const part of message.parts) {
        const body = document.createElement(part.kind === 'text' ? 'pre' : 'p');
        body.className = `part part-${part.kind}`;
        body.textContent = part.kind === 'media' ? l10n.t('[media] {0}', part.text) : part.text;
        section.append(body);
      }
      return section;
    }),
  );
}

host.onMessage((message) => {
  if (message.type === 'snapshot') {
    host.save(message.state);
    render(message.state);
  }
});
setSelect.addEventListener('change', () => host.post({ type: 'selectSet', name: setSelect.value || null }));

const saved = host.saved();
if (saved) render(saved);
host.ready();
