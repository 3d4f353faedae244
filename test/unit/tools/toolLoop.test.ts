/**
 * The tool loop inside PromptRunner.run, through the real AWS SDK against the local Bedrock
 * simulator's scripted tool-using model (test/support/sim/tools.ts), with real files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { BedrockProvider } from '../../../src/core/providers/bedrock';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import type { PendingToolCall } from '../../../src/core/tools/types';
import { readJsonl } from '../../../src/core/workspace/jsonl';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { withAwsEnv } from '../../support/awsEnv';

const MODEL = 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0';
const prompt = (extra = '', question = 'What is the weather in Paris?') => `---
name: weather
model: ${MODEL}
tools: [get_weather]
${extra}
---
{{role "system"}}You answer weather questions with the get_weather tool.
{{role "user"}}${question}
`;
const INLINE = `workbench.tools:
  get_weather:
    description: Current weather in a city
    inputSchema: {type: object, properties: {city: {type: string}}, required: [city]}`;

interface SentMessage {
  role: string;
  content: Array<{ text?: string; toolUse?: { name: string; input: unknown }; toolResult?: { content: Array<{ text?: string; json?: unknown }>; status?: string } }>;
}

describe('Tool loop (PromptRunner.run, AWS SDK, simulator)', function () {
  this.timeout(20000);
  let server: BedrockServer;
  let dir: string;
  before(async () => (server = await startBedrockServer({ firstTokenDelayMs: 1, tokenDelayMs: 0 })));
  after(async () => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-tools-'));
    fs.mkdirSync(path.join(dir, '.prompt-workbench', 'tools'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'prompts'));
    server.requests.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const mocks = (list: unknown[]) => fs.writeFileSync(path.join(dir, '.prompt-workbench', 'tools', 'get_weather.mocks.json'), JSON.stringify({ schema: 'prompt-workbench.tool-mocks/1', mocks: list }));
  const runner = () =>
    new PromptRunner({ providers: new ProviderRegistry({ bedrock: () => new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 }) }), catalog: new ModelCatalog(), workspaceFolder: dir });
  async function run(source: string, options: { answerTool?: (call: PendingToolCall) => Promise<never> | Promise<import('../../../src/core/tools/types').ToolAnswer> } = {}) {
    const file = path.join(dir, 'prompts', 'weather.prompt');
    fs.writeFileSync(file, source);
    const r = runner();
    const prepared = await r.prepare(promptDocument(source, file), {});
    return withAwsEnv({ AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' }, () => r.run(prepared, { signal: new AbortController().signal, ...options }).then((outcome) => ({ outcome, prepared, runner: r })));
  }
  const sent = (index: number) => (server.requests.filter((q) => q.path.includes('/converse'))[index].body as { messages: SentMessage[]; toolConfig?: unknown }).messages;

  it('answers a call from the matching mock, sends the result back, and records the whole exchange', async () => {
    mocks([{ input: { city: 'Berlin' }, result: 'rain' }, { input: { city: 'Paris' }, result: { tempC: 18, sky: 'sunny' } }]);
    const { outcome } = await run(prompt(INLINE));
    assert.equal(outcome.error, undefined, outcome.error?.message);
    assert.deepEqual(outcome.toolCalls?.map((c) => ({ name: c.name, input: c.input, result: c.result, by: c.answeredBy })), [{ name: 'get_weather', input: { city: 'Paris' }, result: { tempC: 18, sky: 'sunny' }, by: 'mock' }]);
    assert.match(outcome.output, /Let me call get_weather\.\n\nFrom the tool result: \{"tempC":18,"sky":"sunny"\}/);
    assert.match(outcome.lastTurnText ?? '', /^From the tool result/);
    const second = sent(1);
    assert.deepEqual(second.at(-1)?.content[0].toolResult?.content, [{ json: { tempC: 18, sky: 'sunny' } }], 'the mock result went back as a toolResult');
    assert.ok((outcome.metrics.inputTokens ?? 0) > 0 && (outcome.metrics.outputTokens ?? 0) > 0);
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.equal(records[0].toolCalls?.[0].name, 'get_weather');
    assert.deepEqual(records[0].turns?.map((t) => t.role), ['model', 'tool', 'model']);
  });

  it('reads a definition from .prompt-workbench/tools/<name>.json and a catch-all mock (input null)', async () => {
    fs.writeFileSync(path.join(dir, '.prompt-workbench', 'tools', 'get_weather.json'), JSON.stringify({ description: 'Weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }));
    mocks([{ input: null, result: 'always cloudy' }]);
    const { outcome } = await run(prompt());
    assert.equal(outcome.toolCalls?.[0].result, 'always cloudy');
    assert.match(outcome.output, /From the tool result: always cloudy/);
  });

  it('bad arguments: said in a notice, the model gets the sentence as an error result, and the run goes on', async () => {
    mocks([{ input: null, result: 'never used' }]);
    const { outcome } = await run(prompt(INLINE, 'Weather please, bad args'));
    assert.equal(outcome.error, undefined);
    assert.match(outcome.notices?.join(' ') ?? '', /arguments for "get_weather" do not match its inputSchema/);
    assert.equal(outcome.toolCalls?.[0].status, 'error');
    assert.equal(sent(1).at(-1)?.content[0].toolResult?.status, 'error');
    assert.match(outcome.output, /The tool reported a problem/);
  });

  it('an unknown tool: a notice naming it, the rest kept', async () => {
    const { outcome } = await run(prompt(INLINE, 'Call an unknown tool for Paris'));
    assert.match(outcome.notices?.join(' ') ?? '', /tool called "no_such_tool", which this prompt does not offer \(get_weather\)/);
    assert.match(outcome.output, /The tool reported a problem/);
  });

  it('no mock matches: the run fails with a sentence naming the mocks file', async () => {
    mocks([{ input: { city: 'Berlin' }, result: 'rain' }]);
    const { outcome } = await run(prompt(INLINE));
    assert.equal(outcome.error?.kind, 'validation');
    assert.match(outcome.error?.message ?? '', /No mock answers the call of "get_weather".*get_weather\.mocks\.json/);
    assert.match(outcome.output, /Let me call get_weather/, 'what arrived is kept');
  });

  it('the turn limit stops the conversation with a notice', async () => {
    mocks([{ input: null, result: 'x' }]);
    const { outcome } = await run(prompt(`${INLINE}\nworkbench.maxTurns: 1`));
    assert.match(outcome.notices?.join(' ') ?? '', /Stopped after 1 model turns/);
    assert.equal(server.requests.filter((q) => q.path.includes('/converse')).length, 1);
  });

  it('a person answers through answerTool, seeing the call checked and the mocks offered', async () => {
    mocks([{ input: { city: 'Paris' }, result: 'mocked' }]);
    let seen: PendingToolCall | undefined;
    const { outcome } = await run(prompt(INLINE), { answerTool: async (call) => ((seen = call), { result: 'typed by hand: 21C', answeredBy: 'person' }) });
    assert.equal(seen?.name, 'get_weather');
    assert.equal(seen?.problem, undefined);
    assert.deepEqual(seen?.mocks.map((m) => m.matches), [true]);
    assert.equal(outcome.toolCalls?.[0].answeredBy, 'person');
    assert.match(outcome.output, /typed by hand: 21C/);
  });

  it('a reply continues the conversation with its history and records its turn', async () => {
    mocks([{ input: null, result: 'sunny' }]);
    const { outcome, prepared, runner: r } = await run(prompt(INLINE));
    const next = r.reply(prepared, outcome, 'Thanks! And tomorrow?');
    const second = await withAwsEnv({ AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' }, () => r.run(next, { signal: new AbortController().signal }));
    assert.equal(second.error, undefined, second.error?.message);
    const messages = sent(2);
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user']);
    assert.equal(messages.at(-1)?.content.at(-1)?.text, 'Thanks! And tomorrow?');
    assert.match(second.output, /You said: Thanks! And tomorrow\?/);
    assert.equal(second.turn, 1);
    assert.equal(second.conversationId, outcome.runId);
    const { records } = await readJsonl<RunRecord>(second.recordFile!);
    const record = records.find((x) => x.id === second.runId)!;
    assert.deepEqual(record.conversation, { id: outcome.runId, turn: 1 });
    assert.equal(record.turns?.[0].text, 'Thanks! And tomorrow?');
  });

  it('an invalid inputSchema or a tool without a definition: a notice, and the call goes without it', async () => {
    const source = prompt(`workbench.tools:\n  get_weather:\n    inputSchema: {type: object, properties: {city: {type: 12}}}`, 'Hello there');
    const { outcome, prepared } = await run(source);
    assert.equal(prepared.tools?.tools.length, 0);
    assert.match(outcome.notices?.join(' ') ?? '', /Tool "get_weather": the JSON Schema is not valid/);
    assert.equal(outcome.error, undefined);
    assert.equal((server.requests[0].body as { toolConfig?: unknown }).toolConfig, undefined);
  });
});
