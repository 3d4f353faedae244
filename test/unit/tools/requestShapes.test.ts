/**
 * Tool requests as each API wants them, checked against the SDKs' own types: a shape that
 * drifts from `ConverseStreamCommandInput` or OpenAI's `ChatCompletionCreateParamsStreaming`
 * fails to compile, and the values are asserted here.
 */
import * as assert from 'node:assert/strict';
import type { ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { toConverseInput } from '../../../src/core/providers/bedrock';
import { toChatCompletionBody } from '../../../src/core/providers/openaiCompatible';
import type { ChatMessage, ModelRequest } from '../../../src/core/providers/types';

const weather = { name: 'get_weather', description: 'Weather in a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const exchange: ChatMessage[] = [
  { role: 'system', content: [{ text: 'Be brief.' }] },
  { role: 'user', content: [{ text: 'Weather in Paris?' }] },
  { role: 'model', content: [{ text: 'Let me check.' }, { toolRequest: { ref: 'call_1', name: 'get_weather', input: { city: 'Paris' } } }] },
  { role: 'tool', content: [{ toolResponse: { ref: 'call_1', name: 'get_weather', output: { tempC: 18 }, status: 'success' } }] },
];

describe('Tool request shapes', () => {
  it('Converse: toolConfig with toolSpec/inputSchema.json, toolChoice, toolUse and toolResult blocks', () => {
    const request: ModelRequest = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', messages: exchange, config: {}, tools: [weather], toolChoice: { tool: 'get_weather' } };
    const input: ConverseStreamCommandInput = toConverseInput(request);
    assert.deepEqual(input.toolConfig, {
      tools: [{ toolSpec: { name: 'get_weather', description: 'Weather in a city', inputSchema: { json: weather.inputSchema } } }],
      toolChoice: { tool: { name: 'get_weather' } },
    });
    assert.deepEqual(input.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(input.messages?.[1], { role: 'assistant', content: [{ text: 'Let me check.' }, { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } }] });
    assert.deepEqual(input.messages?.[2], { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ json: { tempC: 18 } }], status: 'success' } }] });
    assert.deepEqual(toConverseInput({ ...request, toolChoice: 'any' }).toolConfig?.toolChoice, { any: {} });
    assert.deepEqual(toConverseInput({ ...request, toolChoice: 'auto' }).toolConfig?.toolChoice, { auto: {} });
    assert.equal(toConverseInput({ ...request, tools: undefined }).toolConfig, undefined, 'no tools, no toolConfig');
  });

  it('Converse: a text tool result travels as text', () => {
    const messages: ChatMessage[] = [...exchange.slice(0, 3), { role: 'tool', content: [{ toolResponse: { ref: 'call_1', name: 'get_weather', output: 'sunny', status: 'error' } }] }];
    const input = toConverseInput({ modelId: 'm', messages, config: {}, tools: [weather] });
    assert.deepEqual(input.messages?.[2].content, [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'sunny' }], status: 'error' } }]);
  });

  it('OpenAI-compatible: tools as functions, tool_choice, assistant tool_calls and tool messages', () => {
    const request: ModelRequest = { modelId: 'llama3.2', messages: exchange, config: {}, tools: [weather], toolChoice: 'any' };
    const body = toChatCompletionBody(request, { acceptsTopK: false, includeUsage: false }) as unknown as ChatCompletionCreateParamsStreaming;
    assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weather.inputSchema } }]);
    assert.equal(body.tool_choice, 'required');
    // Typed against OpenAI's own message union: the compiler checks each shape.
    const expected: ChatCompletionCreateParamsStreaming['messages'] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"tempC":18}' },
    ];
    assert.deepEqual(body.messages, expected);
    const forced = toChatCompletionBody({ ...request, toolChoice: { tool: 'get_weather' } }, { acceptsTopK: false, includeUsage: false }) as unknown as ChatCompletionCreateParamsStreaming;
    assert.deepEqual(forced.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    assert.equal(toChatCompletionBody({ ...request, tools: undefined }, { acceptsTopK: false, includeUsage: false }).tools, undefined);
  });
});
