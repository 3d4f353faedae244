/**
 * Checks of the tool calls a run made: `toolCalled`, `toolNotCalled`, `toolArgs` (a JSON Schema
 * or values the arguments must equal) and `toolOrder`, each over the whole conversation (default)
 * or its last turn (`scope: lastTurn`, the calls of the last model turn that made any).
 *
 *     checks:
 *       - toolCalled: get_weather
 *       - toolNotCalled: {tool: delete_account}
 *       - toolArgs: {tool: get_weather, equals: {city: Lisbon}}
 *       - toolArgs: {tool: get_weather, schema: {type: object, required: [city]}}
 *       - toolOrder: [lookup_order, refund_order]
 */
import * as l10n from '@vscode/l10n';
import { sameJson } from '../tools/toolMocks';
import type { ToolCallRecord } from '../tools/types';
import { schemaProblems } from '../util/jsonSchema';

export type ToolCheckScope = 'conversation' | 'lastTurn';

export type ToolCheckSpec =
  | { type: 'toolCalled' | 'toolNotCalled'; tool: string; scope: ToolCheckScope; name?: string }
  | { type: 'toolArgs'; tool: string; schema?: Record<string, unknown>; equals?: unknown; scope: ToolCheckScope; name?: string }
  | { type: 'toolOrder'; tools: string[]; scope: ToolCheckScope; name?: string };

export const TOOL_CHECK_TYPES = ['toolCalled', 'toolNotCalled', 'toolArgs', 'toolOrder'] as const;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => !!v && typeof v === 'object' && !Array.isArray(v);

/** Reads a tool check from its type and body (the full or the shorthand form); a string is the problem. */
export function parseToolCheck(type: string, value: unknown): ToolCheckSpec | string {
  const body: Raw = isObject(value) ? value : type === 'toolOrder' ? { tools: value } : { tool: value };
  const scope: ToolCheckScope = body.scope === 'lastTurn' ? 'lastTurn' : 'conversation';
  if (body.scope !== undefined && body.scope !== 'lastTurn' && body.scope !== 'conversation') return l10n.t('{0}: scope is conversation or lastTurn', type);
  const name = typeof body.name === 'string' && body.name.trim() ? { name: body.name.trim() } : {};
  if (type === 'toolOrder') {
    const tools = body.tools;
    if (!Array.isArray(tools) || tools.length === 0 || !tools.every((t) => typeof t === 'string')) return l10n.t('toolOrder takes a list of tool names');
    return { type, tools: tools as string[], scope, ...name };
  }
  if (typeof body.tool !== 'string' || !body.tool) return l10n.t('{0} needs a tool name', type);
  if (type === 'toolArgs') {
    if (body.schema === undefined && body.equals === undefined) return l10n.t('toolArgs needs a schema or the values to equal (equals)');
    if (body.schema !== undefined && !isObject(body.schema)) return l10n.t('toolArgs: schema must be a JSON Schema object');
    return { type, tool: body.tool, scope, ...(body.schema ? { schema: body.schema as Record<string, unknown> } : {}), ...(body.equals !== undefined ? { equals: body.equals } : {}), ...name };
  }
  if (type === 'toolCalled' || type === 'toolNotCalled') return { type, tool: body.tool, scope, ...name };
  return l10n.t('unknown check “{0}”', type);
}

/** The calls a check looks at: all of them, or those of the last model turn that made calls. */
export function callsInScope(calls: readonly ToolCallRecord[], scope: ToolCheckScope): ToolCallRecord[] {
  if (scope === 'conversation' || calls.length === 0) return [...calls];
  const last = Math.max(...calls.map((c) => c.turn));
  return calls.filter((c) => c.turn === last);
}

/** One tool check's verdict on a run's calls. */
export function evaluateToolCheck(spec: ToolCheckSpec, calls: readonly ToolCallRecord[]): { pass: boolean; detail: string } {
  const scoped = callsInScope(calls, spec.scope);
  const names = scoped.map((c) => c.name);
  switch (spec.type) {
    case 'toolCalled': {
      const n = names.filter((name) => name === spec.tool).length;
      return n > 0 ? { pass: true, detail: l10n.t('{0} was called {1} time(s)', spec.tool, n) } : { pass: false, detail: l10n.t('{0} was not called (calls: {1})', spec.tool, names.join(', ') || l10n.t('none')) };
    }
    case 'toolNotCalled': {
      const n = names.filter((name) => name === spec.tool).length;
      return n === 0 ? { pass: true, detail: l10n.t('{0} was not called', spec.tool) } : { pass: false, detail: l10n.t('{0} was called {1} time(s)', spec.tool, n) };
    }
    case 'toolArgs': {
      const mine = scoped.filter((c) => c.name === spec.tool);
      if (mine.length === 0) return { pass: false, detail: l10n.t('{0} was not called', spec.tool) };
      for (const call of mine) {
        const problem = spec.schema ? schemaProblems(spec.schema, call.input) : undefined;
        if (problem) return { pass: false, detail: l10n.t('{0} was called with {1}: {2}', spec.tool, JSON.stringify(call.input), problem) };
        if (spec.equals !== undefined && !sameJson(spec.equals, call.input)) return { pass: false, detail: l10n.t('{0} was called with {1}, not {2}', spec.tool, JSON.stringify(call.input), JSON.stringify(spec.equals)) };
      }
      return { pass: true, detail: l10n.t('every call of {0} had the expected arguments', spec.tool) };
    }
    case 'toolOrder': {
      // The tools must appear in this order (other calls may come between).
      let at = 0;
      for (const name of names) if (name === spec.tools[at]) at++;
      return at === spec.tools.length
        ? { pass: true, detail: l10n.t('called in order: {0}', spec.tools.join(' → ')) }
        : { pass: false, detail: l10n.t('expected {0} in order; the calls were {1}', spec.tools.join(' → '), names.join(' → ') || l10n.t('none')) };
    }
  }
}
