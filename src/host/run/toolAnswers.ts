import type { ToolAnswerer } from '../../core/tools/toolLoop';
import type { PendingToolCall, ToolAnswer } from '../../core/tools/types';
import type { ToolPanelMessage } from '../../shared/toolProtocol';

interface Waiting {
  call: PendingToolCall;
  resolve(answer: ToolAnswer): void;
}

/**
 * Tool calls waiting for a person, for the Run and Compare panels: one per column at most
 * (the loop asks for one call at a time). With automatic answers on, a call with a matching
 * mock is answered at once; any other call is shown in its column until the person answers.
 */
export class ToolAnswerDesk {
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    /** Shows a column's waiting call (null: none any more). */
    private readonly show: (column: number, call: PendingToolCall | null) => void,
    private readonly autoMocks: () => boolean,
  ) {}

  /** The answerer of one column's run. */
  answerer(column: number): ToolAnswerer {
    return (call) => {
      const mock = this.autoMocks() ? call.mocks.find((m) => m.matches) : undefined;
      if (mock) return Promise.resolve({ result: mock.result, answeredBy: 'mock' });
      return new Promise<ToolAnswer>((resolve) => {
        this.waiting.get(column)?.resolve({ stop: true });
        this.waiting.set(column, {
          call,
          resolve: (answer) => {
            if (this.waiting.get(column)?.call !== call) return;
            this.waiting.delete(column);
            this.show(column, null);
            resolve(answer);
          },
        });
        this.show(column, call);
      });
    };
  }

  /** Handles a panel's answer; false when no call of that ref is waiting in the column. */
  answer(message: Extract<ToolPanelMessage, { type: 'answerTool' | 'answerToolWithMock' }>): boolean {
    const waiting = this.waiting.get(message.column);
    if (!waiting || waiting.call.ref !== message.ref) return false;
    if (message.type === 'answerToolWithMock') {
      const mock = waiting.call.mocks.find((m) => m.index === message.mockIndex);
      if (!mock) return false;
      waiting.resolve({ result: mock.result, answeredBy: 'mock' });
    } else {
      waiting.resolve({ result: parseTyped(message.text), status: message.asError ? 'error' : 'success', answeredBy: 'person' });
    }
    return true;
  }

  /** Automatic answers were switched on: calls waiting with a matching mock are answered now. */
  answerWaitingFromMocks(): void {
    for (const [column, waiting] of [...this.waiting]) {
      const mock = waiting.call.mocks.find((m) => m.matches);
      if (mock) this.answer({ type: 'answerToolWithMock', column, ref: waiting.call.ref, mockIndex: mock.index });
    }
  }

  /** Stops waiting (the run was stopped, the panel closed). */
  cancel(column?: number): void {
    for (const [key, waiting] of [...this.waiting]) if (column === undefined || key === column) waiting.resolve({ stop: true });
  }
}

/** Typed text as the tool's result: JSON when it is JSON (an object, a list, a number), else the text. */
export function parseTyped(text: string): unknown {
  const trimmed = text.trim();
  if (/^[[{"]/.test(trimmed) || /^-?\d/.test(trimmed) || trimmed === 'true' || trimmed === 'false' || trimmed === 'null') {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // not JSON after all: the text itself
    }
  }
  return text;
}
