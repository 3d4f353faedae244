import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { readCacheConfig, tokensBeforeCachePoints } from '../../../src/core/prompt/cacheConfig';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { renderPrompt } from '../../../src/core/prompt/renderPrompt';
import { BedrockProvider, toConverseInput } from '../../../src/core/providers/bedrock';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { StreamEvent } from '../../../src/core/providers/types';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const PROMPTS = path.resolve(__dirname, '../../../../prompts');
const SAMPLES = path.resolve(__dirname, '../../../../samples/media');
const LONG = 'Our refund policy covers returns within thirty days of delivery for unused items. '.repeat(80);

const cached = (frontmatter: string, template: string) => `---\nmodel: bedrock/amazon.nova-lite-v1:0\n${frontmatter}---\n${template}`;

describe('prompt caching: cache points in the rendered request', () => {
  it('{{cachePoint}} becomes a cache point part, and a Converse cachePoint block in system and messages', async () => {
    const rendered = await renderPrompt(cached('', '{{role "system"}}Handbook.{{cachePoint}}\n{{role "user"}}Intro{{cachePoint}} {{q}}'), { q: 'Why?' });
    assert.deepEqual(rendered.messages[0].content, [{ text: 'Handbook.' }, { cachePoint: { type: 'default' } }]);
    assert.deepEqual(rendered.missingInputs, [], 'cachePoint is a helper, not an input');
    const input = toConverseInput({ modelId: 'amazon.nova-lite-v1:0', messages: rendered.messages, config: {} });
    assert.deepEqual(input.system, [{ text: 'Handbook.' }, { cachePoint: { type: 'default' } }]);
    assert.deepEqual(input.messages![0].content, [{ text: 'Intro' }, { cachePoint: { type: 'default' } }, { text: ' Why?' }]);
  });

  it('workbench.cache: system and messages place points after the system prompt and the conversation; tools marks the request', async () => {
    const rendered = await renderPrompt(cached('workbench.cache: [system, messages, tools]\n', '{{role "system"}}Handbook.\n{{role "user"}}{{q}}'), { q: 'Why?' });
    assert.deepEqual(rendered.messages[0].content.at(-1), { cachePoint: { type: 'default' } });
    assert.deepEqual(rendered.messages[1].content.at(-1), { cachePoint: { type: 'default' } });
    assert.equal(rendered.cacheTools, true);
    const input = toConverseInput({
      modelId: 'amazon.nova-lite-v1:0',
      messages: rendered.messages,
      config: {},
      cacheTools: true,
      tools: [],
    });
    // Tool definitions belong to the tools helper's builder; a cache point follows them when there are any.
    if (input.toolConfig?.tools) assert.deepEqual(input.toolConfig.tools.at(-1), { cachePoint: { type: 'default' } });
    assert.deepEqual(readCacheConfig('system').config, { system: true, tools: false, messages: false });
    assert.match(readCacheConfig(['system', 'everything']).problems[0], /“everything” is not one of system, tools, messages/);
  });

  it('counts the tokens before each cache point (what the too-short diagnostic compares)', async () => {
    const rendered = await renderPrompt(cached('', `{{role "system"}}${LONG}{{cachePoint}}\n{{role "user"}}Short{{cachePoint}}`), {});
    const [first, second] = tokensBeforeCachePoints(rendered.messages);
    assert.equal(first, Math.ceil(LONG.length / 4));
    assert.ok(second > first);
  });
});

describe('prompt caching: prices', () => {
  const catalog = new ModelCatalog();
  it('prices cache reads and writes at the model’s cache prices, and says what the cache saved', () => {
    const claude = 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0'; // $1 in, $5 out, $0.10 read, $1.25 write
    assert.equal(catalog.costUsd(claude, 1_000_000, 0), 1);
    assert.ok(Math.abs(catalog.costUsd(claude, 0, 0, { readTokens: 1_000_000, writeTokens: 0 })! - 0.1) < 1e-12);
    assert.ok(Math.abs(catalog.costUsd(claude, 0, 0, { readTokens: 0, writeTokens: 1_000_000 })! - 1.25) < 1e-12);
    assert.ok(Math.abs(catalog.cacheSavingsUsd(claude, { readTokens: 1_000_000, writeTokens: 0 })! - 0.9) < 1e-12);
    assert.ok(Math.abs(catalog.cacheSavingsUsd(claude, { readTokens: 0, writeTokens: 1_000_000 })! + 0.25) < 1e-12, 'a write costs more than plain input');
    // Nova lists no write price: a write costs the input price.
    assert.ok(Math.abs(catalog.costUsd('bedrock/amazon.nova-lite-v1:0', 0, 0, { readTokens: 0, writeTokens: 1_000_000 })! - 0.06) < 1e-12);
  });

  it('promptWorkbench.prices overrides cache prices, alone or with the others', () => {
    const custom = new ModelCatalog(undefined, { 'bedrock/amazon.nova-lite-v1:0': { cacheReadPerMTok: 0.01 } as never, 'amazon.nova-pro-v1:0': { inputPerMTok: 1, outputPerMTok: 4, cacheWritePerMTok: 2 } });
    const lite = custom.pricesOf('bedrock/amazon.nova-lite-v1:0')!;
    assert.equal(lite.cacheReadPerMTokens, 0.01);
    assert.equal(lite.inputPerMTokens, 0.06);
    assert.equal(lite.source, 'settings');
    const pro = custom.pricesOf('bedrock/amazon.nova-pro-v1:0')!;
    assert.deepEqual([pro.inputPerMTokens, pro.cacheReadPerMTokens, pro.cacheWritePerMTokens], [1, 0.2, 2]);
  });

  it('knows each model’s cache minimum', () => {
    assert.equal(catalog.cacheMinTokens('bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0'), 4096);
    assert.equal(catalog.cacheMinTokens('bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0'), 1024);
    assert.equal(catalog.cacheMinTokens('bedrock/amazon.nova-lite-v1:0'), 1000);
    assert.equal(catalog.cacheMinTokens('bedrock/meta.llama3-1-8b-instruct-v1:0'), undefined);
  });
});

describe('prompt caching and media through the real SDK and the local simulator', () => {
  let server: BedrockServer;
  let workspace: string;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 1 });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cache-'));
    fs.mkdirSync(path.join(workspace, 'media'));
    for (const f of ['landscape.png', 'refund-policy.pdf']) fs.copyFileSync(path.join(SAMPLES, f), path.join(workspace, 'media', f));
  });
  after(async () => {
    await server.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const runnerFor = (provider: BedrockProvider) => new PromptRunner({ providers: new ProviderRegistry({ bedrock: () => provider }), catalog: new ModelCatalog(), workspaceFolder: workspace });

  it('cached-support.prompt twice: the first call writes the cache, the second reads it, costs less and records it', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const provider = new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
      try {
        const runner = runnerFor(provider);
        const file = path.join(workspace, 'cached-support.prompt');
        fs.copyFileSync(path.join(PROMPTS, 'cached-support.prompt'), file);
        const document = promptDocument(fs.readFileSync(file, 'utf8'), file);
        const prepared = await runner.prepare(document, {});
        const first = await runner.run(prepared, { signal: new AbortController().signal });
        const second = await runner.run(prepared, { signal: new AbortController().signal });
        assert.equal(first.error, undefined, JSON.stringify(first.error));
        assert.ok(first.metrics.cacheWriteInputTokens! > 1000, `write: ${JSON.stringify(first.metrics)}`);
        assert.equal(first.metrics.cacheReadInputTokens, undefined);
        assert.equal(second.metrics.cacheReadInputTokens, first.metrics.cacheWriteInputTokens);
        assert.ok(second.metrics.costUsd! < first.metrics.costUsd!, `${second.metrics.costUsd} < ${first.metrics.costUsd}`);
        assert.ok(second.metrics.cacheSavingsUsd! > 0);
        const body = server.requests.at(-1)!.body as { system: unknown[] };
        assert.deepEqual(body.system.at(-1), { cachePoint: { type: 'default' } });
        const records = (await readJsonl<RunRecord>(first.recordFile!)).records;
        assert.deepEqual(records.at(-1)!.usage, { cacheReadInputTokens: second.metrics.cacheReadInputTokens, cacheWriteInputTokens: 0 });
        assert.equal(records.at(-1)!.metrics.cacheReadInputTokens, second.metrics.cacheReadInputTokens);
      } finally {
        provider.dispose();
      }
    }));

  it('an image and a PDF reach the model as blocks it describes; a model without image input is refused before the call', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const provider = new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
      try {
        const runner = runnerFor(provider);
        const image = path.join(workspace, 'describe-image.prompt');
        fs.copyFileSync(path.join(PROMPTS, 'describe-image.prompt'), image);
        const prepared = await runner.prepare(promptDocument(fs.readFileSync(image, 'utf8'), image), { photo: 'media/landscape.png' });
        assert.equal(prepared.inputs.photo, 'media/landscape.png', 'the record keeps the path, not the bytes');
        const outcome = await runner.run(prepared, { signal: new AbortController().signal });
        assert.match(outcome.output, /I received an image \(png, 318 bytes\)/);
        const requests = server.requests.length;
        const refused = await runner.run(prepared, { signal: new AbortController().signal, model: 'bedrock/meta.llama3-1-8b-instruct-v1:0' });
        assert.match(refused.error?.message ?? '', /does not take images/);
        assert.equal(server.requests.length, requests, 'nothing was sent');

        const pdf = path.join(workspace, 'pdf-question.prompt');
        fs.copyFileSync(path.join(PROMPTS, 'pdf-question.prompt'), pdf);
        const asked = await runner.run(await runner.prepare(promptDocument(fs.readFileSync(pdf, 'utf8'), pdf), {}), { signal: new AbortController().signal });
        assert.match(asked.output, /a document “refund-policy” \(pdf, \d+ bytes\) that begins: .*Customers may return unused items within 30 days/);
      } finally {
        provider.dispose();
      }
    }));

  it('the simulator refuses what Bedrock refuses: bytes that are not the format they claim', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const provider = new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
      try {
        const fake = `data:image/png;base64,${Buffer.from('GIF89a not a png').toString('base64')}`;
        const events: StreamEvent[] = [];
        for await (const event of provider.stream({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text: 'Hi' }, { media: { url: fake } }] }], config: {} }, new AbortController().signal)) events.push(event);
        const last = events.at(-1);
        assert.equal(last?.type, 'error');
        assert.match((last as Extract<StreamEvent, { type: 'error' }>).error.message, /not png/);
      } finally {
        provider.dispose();
      }
    }));
});
