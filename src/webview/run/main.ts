import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import type { HostToRunPanel, RunPanelState, RunPanelToHost } from '../../shared/runPanelProtocol';
import { InputsForm, type InputsDraft } from './inputsForm';
import { RunRatingUi } from './runRating';
import { SourcesView } from '../shared/sources';
import { formatMs, formatTokens, formatTokensPerSecond, formatUsd } from '../../core/format/units';

interface VsCodeApi {
  postMessage(message: RunPanelToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
// Model output is untrusted: markdown-it with raw HTML off, then DOMPurify on what it made.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false });

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusEl = el('status');
const outputEl = el('output');
const errorEl = el('error');
const noticeEl = el('endpoint-notice');
const titleEl = el('title');
const modelEl = el('model');
const stopButton = el<HTMLButtonElement>('stop');
const rerunButton = el<HTMLButtonElement>('rerun');
const copyButton = el<HTMLButtonElement>('copy');

let state: RunPanelState | null = null;
/** What is typed into the inputs form, kept in the page's state with the host's state. */
let draft: InputsDraft | null = null;
const saveState = () => vscode.setState({ ...state, draft });
const inputsForm = new InputsForm({
  post: (message) => vscode.postMessage(message),
  onDraft: (next) => {
    draft = next;
    saveState();
  },
});
// The rating widget above the answer, once the run is recorded (runRating.ts).
const ratingUi = new RunRatingUi((message) => vscode.postMessage(message), outputEl);
// The documents a `workbench.rag` prompt retrieved, under the answer (../shared/sources.ts).
const sourcesView = new SourcesView((message) => vscode.postMessage(message));
outputEl.after(sourcesView.root);
let renderScheduled = false;
let tickTimer: number | undefined;

const STATUS_TEXT: Record<RunPanelState['status'], string> = {
  rendering: l10n.t('Preparing…'),
  streaming: l10n.t('Streaming…'),
  done: l10n.t('Done'),
  failed: l10n.t('Failed'),
  cancelled: l10n.t('Cancelled'),
  'needs-inputs': l10n.t('Needs inputs'),
};

function setMetric(name: string, text: string): void {
  const node = document.querySelector(`[data-metric="${name}"] .value`);
  if (node) node.textContent = text;
}

/** Renders at most once per animation frame, however fast deltas arrive. */
function scheduleRender(): void {
  if (renderScheduled) return;
  renderScheduled = true;
  requestAnimationFrame(() => {
    renderScheduled = false;
    render();
  });
}

function render(): void {
  if (!state) return;
  const s = state;
  titleEl.textContent = `${s.promptName} · v${s.promptVersion}`;
  modelEl.textContent = s.model;
  statusEl.textContent = STATUS_TEXT[s.status];
  statusEl.dataset.status = s.status;
  outputEl.innerHTML = DOMPurify.sanitize(markdown.render(s.output));
  outputEl.classList.toggle('partial', s.partial);
  errorEl.hidden = !s.error;
  errorEl.textContent = s.error ? (s.partial ? l10n.t('{0} The partial answer is shown above.', s.error.message) : s.error.message) : '';
  noticeEl.hidden = !s.endpointNotice;
  noticeEl.textContent = s.endpointNotice ?? '';
  const running = s.status === 'streaming' || s.status === 'rendering';
  stopButton.disabled = !running;
  rerunButton.disabled = running;
  copyButton.disabled = !s.output;
  inputsForm.show(s.inputs, s.status === 'needs-inputs', draft);
  ratingUi.render(s);
  sourcesView.show(s.status === 'needs-inputs' ? null : s.sources);
  const m = s.metrics;
  const latency = running ? Date.now() - s.startedAt : m.latencyMs;
  setMetric('ttft', formatMs(m.ttftMs));
  setMetric('latency', formatMs(latency));
  setMetric('inputTokens', formatTokens(m.inputTokens));
  setMetric('outputTokens', formatTokens(m.outputTokens));
  setMetric('tokensPerSecond', formatTokensPerSecond(m.outputTokens, m.latencyMs != null && m.ttftMs != null ? m.latencyMs - m.ttftMs : null));
  setMetric('cost', formatUsd(m.costUsd));
  if (running && tickTimer === undefined) {
    tickTimer = window.setInterval(scheduleRender, 100);
  } else if (!running && tickTimer !== undefined) {
    window.clearInterval(tickTimer);
    tickTimer = undefined;
  }
}

window.addEventListener('message', (event: MessageEvent<HostToRunPanel>) => {
  const message = event.data;
  if (message.type === 'snapshot') {
    if (state?.inputs?.revision !== message.state.inputs?.revision) draft = null;
    state = message.state;
    saveState();
    scheduleRender();
  } else if (message.type === 'delta') {
    if (!state || state.output.length + message.text.length !== message.length) {
      vscode.postMessage({ type: 'resync' });
      return;
    }
    state.output += message.text;
    scheduleRender();
  } else if (message.type === 'setField') {
    inputsForm.setField(message.name, message.value);
  }
});

stopButton.addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
// With a form, "Run again" runs the prompt's current text with the form's values (the same inputs unless edited).
rerunButton.addEventListener('click', () => (inputsForm.hasForm ? inputsForm.run() : vscode.postMessage({ type: 'rerun' })));
copyButton.addEventListener('click', () => {
  if (state) void navigator.clipboard.writeText(state.output);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !stopButton.disabled) vscode.postMessage({ type: 'stop' });
});

const saved = vscode.getState() as (RunPanelState & { draft?: InputsDraft | null }) | null;
if (saved) {
  const { draft: savedDraft, ...savedState } = saved;
  draft = savedDraft ?? null;
  state = savedState;
  render();
}
vscode.postMessage({ type: 'ready' });
