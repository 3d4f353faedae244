/**
 * What the Run and Compare panels send about tool calls and conversations: one set of messages,
 * in both panels' protocols (runPanelProtocol.ts, comparePanelProtocol.ts). `column` is 0 in Run.
 */
export type ToolPanelMessage =
  /** Answer the waiting call with typed text (sent as JSON when it parses as JSON); `asError` marks a failed tool. */
  | { type: 'answerTool'; column: number; ref: string; text: string; asError?: boolean }
  /** Answer the waiting call with a saved mock (its index in the mocks file). */
  | { type: 'answerToolWithMock'; column: number; ref: string; mockIndex: number }
  /** Answer calls from matching mocks without asking (a call without a matching mock is still asked). */
  | { type: 'autoMocks'; on: boolean }
  /** Send the next user turn: in Run to its answer, in Compare to every finished column at once. */
  | { type: 'reply'; text: string };

export type { ColumnConversation, PendingToolCall, ToolCallRecord } from '../core/tools/types';
