/**
 * A column's conversation, for the Run panel and every Compare column: earlier turns above the
 * answer; under it the tool calls (name, arguments, the schema check, the result and who gave
 * it), the call waiting for an answer (type a result or pick a saved mock), and notices.
 * Model text is rendered through the sanitizing Markdown renderer; everything else as text.
 *
 * Stable DOM for tests: `.conversation-earlier > .turn` (`.turn-user`, `.turn-answer`),
 * `.turn-reply`, `.tool-calls > .tool-call[data-tool][data-status]`, `.tool-pending[data-ref]`
 * with `.tool-args`, `.tool-check`, `select.tool-mock`, `button.tool-use-mock`,
 * `textarea.tool-result`, `input.tool-error`, `button.tool-send`; `.conversation-notices`.
 */
import * as l10n from '@vscode/l10n';
import type { ColumnConversation, PendingToolCall, ToolCallRecord, ToolPanelMessage } from '../../shared/toolProtocol';
import { renderAnswerFragment } from './markdown';

const BY: Record<ToolCallRecord['answeredBy'], string> = {
  mock: l10n.t('answered by a saved mock'),
  person: l10n.t('answered by you'),
  dataset: l10n.t('answered by the dataset case'),
  workbench: l10n.t('answered by Prompt Workbench with the problem'),
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const json = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

function toolCallView(call: ToolCallRecord): HTMLElement {
  const item = el('details', 'tool-call');
  item.dataset.tool = call.name;
  item.dataset.status = call.status;
  const summary = el('summary', 'tool-call-summary');
  summary.append(el('span', 'tool-name', call.name), el('span', 'tool-by', ` · ${BY[call.answeredBy]}`));
  if (call.problem) summary.append(el('span', 'tool-problem', ` · ${call.problem}`));
  item.append(summary, el('div', 'tool-label', l10n.t('Arguments')), el('pre', 'tool-args', json(call.input)), el('div', 'tool-label', call.status === 'error' ? l10n.t('Result (error)') : l10n.t('Result')), el('pre', 'tool-output', json(call.result)));
  return item;
}

export class ConversationView {
  /** Goes above the answer: earlier turns and the reply that started this one. */
  readonly before = el('div', 'conversation-before');
  /** Goes under the answer: tool calls, the waiting call, notices. */
  readonly after = el('div', 'conversation-after');
  private shown = '';
  /** What is typed in the waiting call's box survives redraws of the same call. */
  private typed = new Map<string, string>();

  constructor(
    private readonly column: number,
    private readonly post: (message: ToolPanelMessage) => void,
  ) {}

  render(conversation: ColumnConversation | null | undefined): void {
    const key = JSON.stringify(conversation ?? null);
    if (key === this.shown) return;
    this.shown = key;
    this.before.replaceChildren();
    this.after.replaceChildren();
    if (!conversation) return;
    if (conversation.earlier.length > 0) {
      const list = el('ol', 'conversation-earlier');
      for (const turn of conversation.earlier) {
        const item = el('li', 'turn');
        if (turn.user !== null) item.append(el('div', 'turn-user', turn.user));
        if (turn.toolCalls.length) item.append(this.calls(turn.toolCalls));
        const answer = el('div', 'turn-answer');
        answer.append(renderAnswerFragment(turn.answer));
        item.append(answer);
        list.append(item);
      }
      this.before.append(list);
    }
    if (conversation.reply !== null) this.before.append(el('div', 'turn-user turn-reply', conversation.reply));
    if (conversation.toolCalls.length) this.after.append(this.calls(conversation.toolCalls));
    if (conversation.pending) this.after.append(this.pending(conversation.pending));
    if (conversation.notices.length) {
      const notices = el('ul', 'conversation-notices');
      notices.setAttribute('role', 'status');
      for (const notice of conversation.notices) notices.append(el('li', 'notice', notice));
      this.after.append(notices);
    }
  }

  private calls(calls: ToolCallRecord[]): HTMLElement {
    const list = el('div', 'tool-calls');
    for (const call of calls) list.append(toolCallView(call));
    return list;
  }

  private pending(call: PendingToolCall): HTMLElement {
    const box = el('form', 'tool-pending');
    box.dataset.ref = call.ref;
    box.dataset.tool = call.name;
    box.setAttribute('aria-label', l10n.t('Tool call waiting for an answer'));
    box.append(el('div', 'tool-pending-title', l10n.t('The model calls {0}. Answer it to continue.', call.name)));
    box.append(el('div', 'tool-label', l10n.t('Arguments')), el('pre', 'tool-args', json(call.input)));
    const check = el('div', 'tool-check', call.problem ?? l10n.t('The arguments match the tool\'s inputSchema.'));
    check.dataset.ok = String(!call.problem);
    box.append(check);
    if (call.mocks.length > 0) {
      const row = el('div', 'tool-mock-row');
      const select = el('select', 'tool-mock');
      select.setAttribute('aria-label', l10n.t('Saved mock'));
      for (const mock of call.mocks) {
        const option = document.createElement('option');
        option.value = String(mock.index);
        const input = mock.input === null ? l10n.t('any arguments') : JSON.stringify(mock.input);
        option.textContent = `${mock.matches ? '✓ ' : ''}${input} → ${JSON.stringify(mock.result).slice(0, 80)}`;
        select.append(option);
      }
      const use = el('button', 'tool-use-mock', l10n.t('Answer with this mock'));
      use.type = 'button';
      use.addEventListener('click', () => this.post({ type: 'answerToolWithMock', column: this.column, ref: call.ref, mockIndex: Number(select.value) }));
      row.append(select, use);
      box.append(row);
    }
    const area = el('textarea', 'tool-result');
    area.rows = 3;
    area.placeholder = l10n.t('Type the tool\'s result (text or JSON)');
    area.setAttribute('aria-label', l10n.t('Tool result'));
    area.value = this.typed.get(call.ref) ?? '';
    area.addEventListener('input', () => this.typed.set(call.ref, area.value));
    const failed = el('label', 'tool-error-label');
    const failedBox = el('input', 'tool-error');
    failedBox.type = 'checkbox';
    failed.append(failedBox, document.createTextNode(` ${l10n.t('The tool failed')}`));
    const send = el('button', 'tool-send primary', l10n.t('Send result'));
    send.type = 'submit';
    box.addEventListener('submit', (event) => {
      event.preventDefault();
      this.post({ type: 'answerTool', column: this.column, ref: call.ref, text: area.value, asError: failedBox.checked });
    });
    const actions = el('div', 'tool-send-row');
    actions.append(failed, send);
    box.append(area, actions);
    return box;
  }
}

/** The reply box under a finished answer (Run) or above the columns (Compare: sent to every column). */
export class ReplyBox {
  readonly root = el('form', 'reply-box');
  private readonly area = el('textarea', 'reply-text');
  private readonly send = el('button', 'reply-send primary', l10n.t('Reply'));

  constructor(post: (message: ToolPanelMessage) => void, label: string) {
    this.area.rows = 2;
    this.area.placeholder = label;
    this.area.setAttribute('aria-label', label);
    this.send.type = 'submit';
    this.root.append(this.area, this.send);
    this.root.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.area.value.trim();
      if (!text) return;
      post({ type: 'reply', text });
      this.area.value = '';
    });
    this.area.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.root.requestSubmit();
    });
  }

  /** Shown only when there is a finished answer to reply to. */
  show(enabled: boolean): void {
    this.root.hidden = !enabled;
  }
}

/** The "answer with mocks automatically" switch. */
export class AutoMocksSwitch {
  readonly root = el('label', 'auto-mocks');
  private readonly box = el('input', 'auto-mocks-box');

  constructor(post: (message: ToolPanelMessage) => void) {
    this.box.type = 'checkbox';
    this.box.id = 'auto-mocks';
    this.root.append(this.box, document.createTextNode(` ${l10n.t('Answer tool calls with matching mocks automatically')}`));
    this.box.addEventListener('change', () => post({ type: 'autoMocks', on: this.box.checked }));
  }

  show(visible: boolean, on: boolean): void {
    this.root.hidden = !visible;
    this.box.checked = on;
  }
}
