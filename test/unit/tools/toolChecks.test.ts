import * as assert from 'node:assert/strict';
import { parseCheckSpecs } from '../../../src/core/datasets/checkSpecs';
import { evaluateChecks } from '../../../src/core/datasets/checks';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { semanticDiagnostics } from '../../../src/core/prompt/language/semanticChecks';
import type { ToolCallRecord } from '../../../src/core/tools/types';

const call = (name: string, input: unknown, turn: number): ToolCallRecord => ({ ref: `r${turn}${name}`, name, input, result: 'ok', status: 'success', answeredBy: 'mock', turn });
const calls = [call('lookup_order', { id: 'A1' }, 0), call('get_weather', { city: 'Lisbon' }, 0), call('refund_order', { id: 'A1', amount: 5 }, 1)];

describe('Tool checks (dataset checks on tool calls)', () => {
  it('toolCalled, toolNotCalled, toolArgs (schema and equality), toolOrder, with scope', async () => {
    const { checks, problems } = parseCheckSpecs([
      { toolCalled: 'refund_order' },
      { toolNotCalled: 'delete_account' },
      { toolArgs: { tool: 'get_weather', equals: { city: 'Lisbon' } } },
      { toolArgs: { tool: 'refund_order', schema: { type: 'object', properties: { amount: { type: 'number', maximum: 3 } } } } },
      { toolOrder: ['lookup_order', 'refund_order'] },
      { toolOrder: ['refund_order', 'lookup_order'] },
      { toolCalled: { tool: 'get_weather', scope: 'lastTurn' } },
    ]);
    assert.deepEqual(problems, []);
    const outcomes = await evaluateChecks(checks, { output: '', metrics: { latencyMs: 1, costUsd: null }, inputs: {}, model: 'm', toolCalls: calls });
    assert.deepEqual(outcomes.map((o) => [o.check, o.pass]), [
      ['toolCalled', true],
      ['toolNotCalled', true],
      ['toolArgs', true],
      ['toolArgs', false],
      ['toolOrder', true],
      ['toolOrder', false],
      ['toolCalled', false],
    ]);
    assert.match(outcomes[3].detail, /refund_order was called with .*amount/);
    assert.match(outcomes[6].detail, /get_weather was not called \(calls: refund_order\)/);
  });

  it('a malformed tool check is a problem, the others kept', () => {
    const { checks, problems } = parseCheckSpecs([{ toolArgs: { tool: 'x' } }, { toolOrder: 'x' }, { toolCalled: 'ok' }]);
    assert.deepEqual(checks.map((c) => c.type), ['toolCalled']);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /toolArgs needs a schema or the values to equal/);
    assert.match(problems[1], /toolOrder takes a list of tool names/);
  });
});

describe('Tool diagnostics in .prompt files', () => {
  const context = { catalog: new ModelCatalog(), providers: ['bedrock'], toolFiles: ['lookup_order'] };
  it('an invalid inputSchema is an error, a tool without a definition a warning, a bad toolChoice an error', () => {
    const text = `---
model: bedrock/amazon.nova-lite-v1:0
tools: [get_weather, lookup_order, get_wether2]
workbench.tools:
  get_weather:
    description: Weather
    inputSchema: {type: string}
workbench.toolChoice: send_email
---
Hi`;
    const found = semanticDiagnostics(text, context).filter((d) => d.code.startsWith('tool'));
    assert.deepEqual(found.map((d) => [d.code, d.severity, d.range.startLine]), [
      ['tool-invalid', 'error', 5],
      ['tool-unknown', 'warning', 2],
      ['tool-choice-invalid', 'error', 7],
    ]);
    assert.match(found[1].message, /tool "get_wether2" has no definition.*did you mean "get_weather"/);
  });
});
