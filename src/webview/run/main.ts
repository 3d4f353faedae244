import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { HostToRunPanel, RunPanelState, RunPanelToHost } from '../../shared/runPanelProtocol';
import { InputsForm, type InputsDraft } from './inputsForm';
import { RunRatingUi } from './runRating';
import { oncePerFrame } from '../shared/frame';
import { connectToHost } from '../shared/host';
import { SourcesView } from '../shared/sources';
import { StreamingMarkdown } from '../shared/streamingMarkdown';
import { AutoMocksSwitch, ConversationView, ReplyBox } from '../shared/conversationView';
import { formatMs, formatTokens, formatTokensPerSecond, formatUsd } from '../../core/format/units';

type Saved = RunPanelState & { draft?: InputsDraft | null };
const host = connectToHost<RunPanelToHost, HostToRunPanel, Saved>();
const post = host.post;

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
const scoreboardButton = el<HTMLButtonElement>('scoreboard');
// The answer streams like a comparison's column: finished blocks are rendered once (../shared/streamingMarkdown.ts).
const answer = new StreamingMarkdown(outputEl);

let state: RunPanelState | null = null;
/** What is typed into the inputs form, kept in the page's state with the host's state. */
let draft: InputsDraft | null = null;
const saveState = () => {
  if (state) host.save({ ...state, draft });
};
const inputsForm = new InputsForm({
  post,
  onDraft: (next) => {
    draft = next;
    saveState();
  },
});
// The rating widget above the answer, once the run is recorded (runRating.ts).
const ratingUi = new RunRatingUi(post, outputEl);
// The documents a `workbench.rag` prompt retrieved, under the answer (../shared/sources.ts).
const sourcesView = new SourcesView(post);
outputEl.after(sourcesView.root);
// Tool calls and earlier turns around the answer, the reply box under it (../shared/conversationView.ts).
const conversationView = new ConversationView(0, post);
outputEl.before(conversationView.before);
outputEl.after(conversationView.after);
const replyBox = new ReplyBox(post, l10n.t('Reply to continue the conversation (Ctrl+Enter)'));
conversationView.after.after(replyBox.root);
const autoMocks = new AutoMocksSwitch(post);
document.querySelector('.toolbar')?.append(autoMocks.root);
/** Something besides the answer's text changed (a snapshot): the whole page is drawn again. */
let pageDirty = true;
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
const scheduleRender = oncePerFrame(render);

/** Draws the answer and the metrics; the rest of the page only after a snapshot. */
function render(): void {
  if (!state) return;
  const s = state;
  const running = s.status === 'streaming' || s.status === 'rendering';
  answer.render(s.output, !running);
  outputEl.dataset.length = String(s.output.length);
  copyButton.disabled = !s.output;
  renderMetrics(s, running);
  if (pageDirty) renderPage(s, running);
  pageDirty = false;
}

function renderPage(s: RunPanelState, running: boolean): void {
  titleEl.textContent = `${s.promptName} · v${s.promptVersion}`;
  modelEl.textContent = s.model;
  statusEl.textContent = STATUS_TEXT[s.status];
  statusEl.dataset.status = s.status;
  outputEl.classList.toggle('partial', s.partial);
  errorEl.hidden = !s.error;
  errorEl.textContent = s.error ? (s.partial ? l10n.t('{0} The partial answer is shown above.', s.error.message) : s.error.message) : '';
  noticeEl.hidden = !s.endpointNotice;
  noticeEl.textContent = s.endpointNotice ?? '';
  stopButton.disabled = !running;
  rerunButton.disabled = running;
  inputsForm.show(s.inputs, s.status === 'needs-inputs', draft);
  ratingUi.render(s);
  conversationView.render(s.status === 'needs-inputs' ? null : s.conversation);
  replyBox.show(s.status === 'done' && Boolean(s.runId) && !s.conversation?.pending);
  autoMocks.show(Boolean(s.usesTools), Boolean(s.autoMocks));
  sourcesView.show(s.status === 'needs-inputs' ? null : s.sources);
  if (running && tickTimer === undefined) {
    tickTimer = window.setInterval(scheduleRender, 100);
  } else if (!running && tickTimer !== undefined) {
    window.clearInterval(tickTimer);
    tickTimer = undefined;
  }
}

function renderMetrics(s: RunPanelState, running: boolean): void {
  const m = s.metrics;
  const latency = running ? Date.now() - s.startedAt : m.latencyMs;
  setMetric('ttft', formatMs(m.ttftMs));
  setMetric('latency', formatMs(latency));
  setMetric('inputTokens', formatTokens(m.inputTokens));
  setMetric('outputTokens', formatTokens(m.outputTokens));
  setMetric('tokensPerSecond', formatTokensPerSecond(m.outputTokens, m.latencyMs != null && m.ttftMs != null ? m.latencyMs - m.ttftMs : null));
  setMetric('cost', formatUsd(m.costUsd));
}

host.onMessage((message) => {
  if (message.type === 'snapshot') {
    if (state?.inputs?.revision !== message.state.inputs?.revision) draft = null;
    state = message.state;
    pageDirty = true;
    saveState();
    scheduleRender();
  } else if (message.type === 'delta') {
    if (!state || state.output.length + message.text.length !== message.length) {
      post({ type: 'resync' });
      return;
    }
    state.output += message.text;
    scheduleRender();
  } else if (message.type === 'setField') {
    inputsForm.setField(message.name, message.value);
  }
});

stopButton.addEventListener('click', () => post({ type: 'stop' }));
scoreboardButton.addEventListener('click', () => post({ type: 'openScoreboard' }));
// With a form, "Run again" runs the prompt's current text with the form's values (the same inputs unless edited).
rerunButton.addEventListener('click', () => (inputsForm.hasForm ? inputsForm.run() : post({ type: 'rerun' })));
copyButton.addEventListener('click', () => {
  if (state) void navigator.clipboard.writeText(state.output);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !stopButton.disabled) post({ type: 'stop' });
});

const saved = host.saved();
if (saved) {
  const { draft: savedDraft, ...savedState } = saved;
  draft = savedDraft ?? null;
  state = savedState;
  render();
}
host.ready();
