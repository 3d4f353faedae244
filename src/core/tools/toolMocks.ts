/**
 * Saved answers to tool calls: `.prompt-workbench/tools/<name>.mocks.json`,
 * `{"schema":"prompt-workbench.tool-mocks/1","mocks":[{"input":{…}|null,"result":"text"|{…}}]}`.
 * The first mock whose `input` equals the call's arguments answers it; `input: null` matches any call.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { readOwnText } from '../workspace/guardedFs';
import { toolsDir } from './toolDefinitions';
import type { ToolMockChoice } from './types';

export const TOOL_MOCKS_SCHEMA = 'prompt-workbench.tool-mocks/1';

export interface ToolMock {
  input: unknown;
  result: unknown;
}

/** Equality of JSON values, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => sameJson(item, (b as unknown[])[i]));
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  return ak.length === bk.length && ak.every((key) => Object.prototype.hasOwnProperty.call(b, key) && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** Reads the mocks of a tool; a file that is missing gives none, one that is broken gives a problem. */
export async function readToolMocks(workspaceFolder: string, name: string): Promise<{ mocks: ToolMock[]; problem?: string }> {
  const file = path.join(toolsDir(workspaceFolder), `${name}.mocks.json`);
  let text: string;
  try {
    text = await readOwnText(file, workspaceFolder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { mocks: [] };
    return { mocks: [], problem: (err as Error).message };
  }
  try {
    const json = JSON.parse(text) as { mocks?: unknown };
    const list = Array.isArray(json) ? json : json.mocks;
    if (!Array.isArray(list)) return { mocks: [], problem: l10n.t('{0} has no "mocks" list.', path.basename(file)) };
    const mocks = list
      .filter((m): m is { input?: unknown; result?: unknown } => Boolean(m) && typeof m === 'object')
      .map((m) => ({ input: m.input ?? null, result: m.result ?? '' }));
    return { mocks };
  } catch (err) {
    return { mocks: [], problem: l10n.t('{0} is not JSON: {1}', path.basename(file), (err as Error).message) };
  }
}

/** The mocks offered for a call: each marked when it matches, the matching ones first, in file order. */
export function mockChoices(mocks: readonly ToolMock[], input: unknown): ToolMockChoice[] {
  const choices = mocks.map((mock, index) => ({ index, input: mock.input, result: mock.result, matches: mock.input === null || sameJson(mock.input, input) }));
  return choices.sort((a, b) => Number(b.matches) - Number(a.matches) || a.index - b.index);
}

/** The mock that answers a call: the first, in file order, whose `input` equals the arguments or is null. */
export function matchMock(mocks: readonly ToolMock[], input: unknown): ToolMock | undefined {
  return mocks.find((m) => m.input === null || sameJson(m.input, input));
}
