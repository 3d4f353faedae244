/**
 * Tool calls as runs, records and panels see them. Node-free: the webviews import these types
 * (through src/shared) as the host does.
 */

/** A call the model asked for, checked against its tool's definition. */
export interface PendingToolCall {
  ref: string;
  name: string;
  input: unknown;
  /** The model turn (0-based) that asked for it. */
  turn: number;
  /** Whether the prompt offers a tool of that name. */
  known: boolean;
  /** Why the arguments do not match the tool's inputSchema (or why the tool is unknown); absent when they do. */
  problem?: string;
  /** Saved mocks for this tool (`.prompt-workbench/tools/<name>.mocks.json`), the one matching the arguments first. */
  mocks: ToolMockChoice[];
}

/** A saved mock, as offered for a pending call. */
export interface ToolMockChoice {
  /** Its position in the mocks file. */
  index: number;
  /** The arguments it answers (null: any call). */
  input: unknown;
  result: unknown;
  /** Its `input` equals the call's arguments (or is null). */
  matches: boolean;
}

/** Who answered a tool call. */
export type ToolAnsweredBy = 'mock' | 'person' | 'dataset' | 'workbench';

/** How a call was answered. `stop` ends the conversation (the person stopped it). */
export type ToolAnswer = { result: unknown; status?: 'success' | 'error'; answeredBy: ToolAnsweredBy } | { stop: true };

/** One tool call of a run, as recorded (`toolCalls` of the run record). */
export interface ToolCallRecord {
  ref: string;
  name: string;
  input: unknown;
  result: unknown;
  status: 'success' | 'error';
  answeredBy: ToolAnsweredBy;
  turn: number;
  /** The arguments did not match the schema, or the tool is unknown: said, and answered with this sentence. */
  problem?: string;
}

/** One message of a conversation as a record and a panel keep it (the prompt's rendered messages are not repeated). */
export interface ConversationTurn {
  role: 'user' | 'model' | 'tool';
  /** The text of the turn (a model turn's answer, a user's reply). */
  text: string;
  /** A model turn's tool calls, a tool turn's answers. */
  toolCalls?: ToolCallRecord[];
}

/** An earlier turn of a conversation shown above the current answer. */
export interface EarlierTurn {
  /** What the person said to start it (null: the prompt itself). */
  user: string | null;
  answer: string;
  runId: string | null;
  toolCalls: ToolCallRecord[];
}

/** A column's conversation as a panel shows it: tool calls, the call waiting for an answer, earlier turns. */
export interface ColumnConversation {
  /** The turn the column's answer belongs to (0: the prompt itself; 1, 2 … replies). */
  turn: number;
  /** The reply that started this turn (null for the prompt itself). */
  reply: string | null;
  earlier: EarlierTurn[];
  /** This turn's answered tool calls. */
  toolCalls: ToolCallRecord[];
  /** A call waiting for the person's answer. */
  pending: PendingToolCall | null;
  /** Problems that did not stop the run. */
  notices: string[];
}

export const EMPTY_CONVERSATION: Readonly<ColumnConversation> = Object.freeze({ turn: 0, reply: null, earlier: [], toolCalls: [], pending: null, notices: [] });
