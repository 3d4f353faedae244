import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { ColumnGuardrail, ColumnStatus, CompareColumnState } from '../../shared/comparePanelProtocol';
import { formatMs, formatTokens, formatUsd } from '../../core/format/units';
import { latencyText, tokensPerSecond } from './format';
import { setAttr, setData, setDisabled, setHidden, setText } from './dom';
import { StreamingMarkdown } from '../shared/streamingMarkdown';
import { ConversationView } from '../shared/conversationView';
import type { ToolPanelMessage } from '../../shared/toolProtocol';

export type ColumnAction = 'stop' | 'retry' | 'copy' | 'insert' | 'openDocument';

/** Status texts shown in `.status`, by status. */
/** "Guardrail gr-abc stepped in on the output: content filter VIOLENCE (HIGH)." in the display language. */
function guardrailText(g: ColumnGuardrail): string {
  const why = g.reasons.length ? g.reasons.join('; ') : l10n.t('no policy named');
  if (g.id === 'local-deny-list') {
    return g.stage === 'input' ? l10n.t('The local deny list held the prompt back: {0}.', why) : l10n.t('The local deny list withheld the answer: {0}.', why);
  }
  if (g.stage === 'input') return l10n.t('Guardrail {0} stepped in on the prompt: {1}.', g.id, why);
  if (g.stage === 'output') return l10n.t('Guardrail {0} stepped in on the answer: {1}.', g.id, why);
  return l10n.t('Guardrail {0} stepped in: {1}.', g.id, why);
}

const STATUS_TEXT: Record<ColumnStatus, string> = {
  streaming: l10n.t('Streaming…'),
  done: l10n.t('Done'),
  failed: l10n.t('Failed'),
  cancelled: l10n.t('Cancelled'),
};

const METRICS: { key: string; label: string; title: string }[] = [
  { key: 'ttft', label: l10n.t('TTFT'), title: l10n.t('Time to first token') },
  { key: 'latency', label: l10n.t('Latency'), title: l10n.t('Total latency') },
  { key: 'tokensPerSecond', label: l10n.t('Tok/s'), title: l10n.t('Output tokens per second, after the first token') },
  { key: 'inputTokens', label: l10n.t('In'), title: l10n.t('Input tokens') },
  { key: 'outputTokens', label: l10n.t('Out'), title: l10n.t('Output tokens') },
  { key: 'cost', label: l10n.t('Cost'), title: l10n.t('Cost in USD at the catalog price') },
];

const ACTIONS: { action: ColumnAction; cls: string; label: string; title: string }[] = [
  { action: 'stop', cls: 'stop', label: l10n.t('Stop'), title: l10n.t('Stop this model (the others go on)') },
  { action: 'retry', cls: 'retry', label: l10n.t('Retry'), title: l10n.t('Run this model again with the same inputs') },
  { action: 'copy', cls: 'copy', label: l10n.t('Copy'), title: l10n.t('Copy this answer') },
  { action: 'insert', cls: 'insert', label: l10n.t('Insert'), title: l10n.t('Insert this answer at the cursor of the last editor') },
  { action: 'openDocument', cls: 'open', label: l10n.t('Open'), title: l10n.t('Open this answer as a Markdown document') },
];

/** One model's column: header (model, status, metrics, actions), error box, answer. */
export class ColumnView {
  readonly root: HTMLElement;
  private readonly modelEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private readonly guardrailEl: HTMLElement;
  readonly outputEl: HTMLElement;
  private readonly metricEls = new Map<string, HTMLElement>();
  private readonly buttons = new Map<ColumnAction, HTMLButtonElement>();
  /** What the output shows now, so an unchanged column is not rendered again. */
  private shown: { length: number; highlighted: boolean; text: string } = { length: -1, highlighted: false, text: '' };
  private readonly markdown: StreamingMarkdown;
  /** Earlier turns above the answer, tool calls under it (../shared/conversationView.ts). */
  private readonly conversation: ConversationView;

  constructor(index: number, onAction: (action: ColumnAction, column: number) => void, post: (message: ToolPanelMessage) => void) {
    const root = (this.root = document.createElement('section'));
    root.className = 'column';
    root.dataset.column = String(index);
    root.tabIndex = 0;
    root.setAttribute('aria-labelledby', `column-${index}-model`);

    const header = document.createElement('header');
    header.className = 'column-header';
    const titleRow = document.createElement('div');
    titleRow.className = 'column-title';
    this.modelEl = document.createElement('h2');
    this.modelEl.className = 'model';
    this.modelEl.id = `column-${index}-model`;
    this.statusEl = document.createElement('span');
    this.statusEl.className = 'status';
    this.statusEl.setAttribute('role', 'status');
    titleRow.append(this.modelEl, this.statusEl);

    const metrics = document.createElement('ul');
    metrics.className = 'metrics';
    metrics.setAttribute('aria-label', l10n.t('Metrics'));
    for (const m of METRICS) {
      const li = document.createElement('li');
      li.dataset.metric = m.key;
      li.title = m.title;
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = m.label;
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = '—';
      li.append(label, value);
      metrics.append(li);
      this.metricEls.set(m.key, value);
    }

    const actions = document.createElement('div');
    actions.className = 'column-actions';
    actions.setAttribute('role', 'toolbar');
    actions.setAttribute('aria-label', l10n.t('Answer actions'));
    for (const a of ACTIONS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = a.cls;
      button.textContent = a.label;
      button.title = a.title;
      button.addEventListener('click', () => onAction(a.action, Number(root.dataset.column)));
      actions.append(button);
      this.buttons.set(a.action, button);
    }
    header.append(titleRow, metrics, actions);

    this.errorEl = document.createElement('div');
    this.errorEl.className = 'error';
    this.errorEl.setAttribute('role', 'alert');
    this.errorEl.hidden = true;

    this.guardrailEl = document.createElement('div');
    this.guardrailEl.className = 'guardrail';
    this.guardrailEl.setAttribute('role', 'status');
    this.guardrailEl.hidden = true;

    this.outputEl = document.createElement('div');
    this.outputEl.className = 'output';
    this.outputEl.dataset.length = '0';
    this.outputEl.setAttribute('aria-live', 'off');

    this.conversation = new ConversationView(index, post);
    root.append(header, this.errorEl, this.guardrailEl, this.conversation.before, this.outputEl, this.conversation.after);
    this.markdown = new StreamingMarkdown(this.outputEl);
  }

  /**
   * Header, status, metrics and buttons. Runs for every changed column every frame, so it
   * writes only what differs: an equal text or attribute written again still makes the
   * browser lay out and repaint it.
   */
  renderMeta(c: CompareColumnState, live: boolean, now: number): void {
    const root = this.root;
    setData(root, 'model', c.model);
    setData(root, 'status', c.status);
    setAttr(root, 'aria-busy', String(c.status === 'streaming'));
    setText(this.modelEl, c.model);
    setAttr(this.modelEl, 'title', c.model);
    setText(this.statusEl, STATUS_TEXT[c.status]);
    setData(this.statusEl, 'status', c.status);
    this.setMetric('ttft', formatMs(c.metrics.ttftMs));
    this.setMetric('latency', latencyText(c, now));
    this.setMetric('tokensPerSecond', tokensPerSecond(c));
    this.setMetric('inputTokens', formatTokens(c.metrics.inputTokens));
    this.setMetric('outputTokens', formatTokens(c.metrics.outputTokens));
    this.setMetric('cost', formatUsd(c.metrics.costUsd));
    const streaming = c.status === 'streaming';
    setDisabled(this.buttons.get('stop')!, !live || !streaming);
    setDisabled(this.buttons.get('retry')!, !live || streaming);
    for (const a of ['copy', 'insert', 'openDocument'] as const) setDisabled(this.buttons.get(a)!, c.output.length === 0);
    const error = c.error ? (c.partial ? l10n.t('{0} The partial answer is shown below.', c.error.message) : c.error.message) : '';
    setHidden(this.errorEl, !c.error);
    setText(this.errorEl, error);
    setHidden(this.guardrailEl, !c.guardrail);
    setText(this.guardrailEl, c.guardrail ? guardrailText(c.guardrail) : '');
    if (this.outputEl.classList.contains('partial') !== c.partial) this.outputEl.classList.toggle('partial', c.partial);
    this.conversation.render(c.conversation);
  }

  /** True when the answer needs rendering again (text grew, or it finished and gets highlighted). */
  needsOutput(c: CompareColumnState): boolean {
    const highlight = c.status !== 'streaming';
    return this.shown.length !== c.output.length || this.shown.highlighted !== highlight || this.shown.text !== c.output;
  }

  renderOutput(c: CompareColumnState): void {
    const highlight = c.status !== 'streaming';
    this.markdown.render(c.output, highlight);
    this.outputEl.dataset.length = String(c.output.length);
    this.shown = { length: c.output.length, highlighted: highlight, text: c.output };
  }

  private setMetric(key: string, text: string): void {
    setText(this.metricEls.get(key)!, text);
  }
}
