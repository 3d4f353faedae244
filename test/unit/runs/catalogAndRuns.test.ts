import * as assert from 'node:assert/strict';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { describeBedrockEndpoint } from '../../../src/core/providers/endpointNotice';
import { parseModelId } from '../../../src/core/providers/modelId';
import type { ModelProvider, ModelRequest, StreamEvent } from '../../../src/core/providers/types';
import { runModel } from '../../../src/core/runs/runModel';
import { hashInputs } from '../../../src/core/runs/runRecord';

/** A scripted provider: yields the given events, one per tick, so timing is observable. */
function scripted(events: StreamEvent[], opts: { throwAfter?: number } = {}): ModelProvider {
  return {
    id: 'scripted',
    async *stream(_req: ModelRequest, signal: AbortSignal) {
      let n = 0;
      for (const e of events) {
        await new Promise((r) => setTimeout(r, 2));
        if (signal.aborted) {
          yield { type: 'error', error: { kind: 'cancelled', message: 'cancelled' }, partial: n > 0 };
          return;
        }
        if (opts.throwAfter !== undefined && n === opts.throwAfter) throw new Error('boom');
        n++;
        yield e;
      }
    },
  };
}

const REQUEST: ModelRequest = { modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }], config: {} };

describe('model ids and the catalog', () => {
  it('a bare id means Bedrock; prefixes are kept', () => {
    assert.deepEqual(parseModelId('amazon.nova-lite-v1:0'), { provider: 'bedrock', modelId: 'amazon.nova-lite-v1:0', qualified: 'bedrock/amazon.nova-lite-v1:0' });
    assert.equal(parseModelId('echo/echo').provider, 'echo');
    assert.equal(parseModelId('bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0').modelId, 'us.anthropic.claude-3-5-haiku-20241022-v1:0');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0';
    assert.deepEqual(parseModelId(arn), { provider: 'bedrock', modelId: arn, qualified: `bedrock/${arn}` });
  });

  it('finds inference profiles by their base model and prices a call', () => {
    const catalog = new ModelCatalog();
    assert.equal(catalog.find('us.anthropic.claude-3-5-haiku-20241022-v1:0')?.name, 'Claude 3.5 Haiku');
    assert.equal(catalog.find('bedrock/eu.amazon.nova-lite-v1:0')?.contextWindow, 300_000);
    // 1,000 in × $0.80/M + 500 out × $4/M
    assert.equal(catalog.costUsd('bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', 1000, 500), 0.0028);
    assert.equal(catalog.costUsd('bedrock/some.custom-model', 10, 10), null);
    assert.equal(catalog.costUsd('bedrock/amazon.nova-lite-v1:0', null, 3), null);
  });

  it('settings override built-in prices', () => {
    const catalog = new ModelCatalog(undefined, { 'bedrock/amazon.nova-lite-v1:0': { inputPerMTok: 1, outputPerMTok: 2 } });
    assert.equal(catalog.costUsd('amazon.nova-lite-v1:0', 1_000_000, 1_000_000), 3);
  });

  it('says when answers come from a local or custom endpoint, and not for AWS', () => {
    assert.match(describeBedrockEndpoint('http://127.0.0.1:4010')!, /local Bedrock-compatible server/);
    assert.match(describeBedrockEndpoint('http://localhost:4010')!, /local/);
    assert.match(describeBedrockEndpoint('https://proxy.example.com')!, /custom Bedrock endpoint/);
    assert.equal(describeBedrockEndpoint('https://bedrock-runtime.us-east-1.amazonaws.com'), null);
    assert.equal(describeBedrockEndpoint(undefined), null);
  });

  it('hashes inputs independently of key order', () => {
    assert.equal(hashInputs({ a: 1, b: { y: 2, x: 1 } }), hashInputs({ b: { x: 1, y: 2 }, a: 1 }));
    assert.notEqual(hashInputs({ a: 1 }), hashInputs({ a: 2 }));
    assert.match(hashInputs({}), /^sha256:[0-9a-f]{64}$/);
  });
});

describe('runModel', () => {
  it('collects text, usage, stop reason and measures time to first token', async () => {
    let t = 0;
    const result = await runModel(
      scripted([{ type: 'start' }, { type: 'text', text: 'Hel' }, { type: 'text', text: 'lo' }, { type: 'usage', inputTokens: 7, outputTokens: 2 }, { type: 'stop', stopReason: 'end_turn' }]),
      REQUEST,
      { signal: new AbortController().signal, now: () => (t += 10), price: (i, o) => (i! + o!) / 1000 },
    );
    assert.equal(result.output, 'Hello');
    assert.equal(result.stopReason, 'end_turn');
    assert.equal(result.error, null);
    // now() is called at start (10), at the first text (20), at the end (30)
    assert.equal(result.metrics.ttftMs, 10);
    assert.equal(result.metrics.latencyMs, 20);
    assert.deepEqual([result.metrics.inputTokens, result.metrics.outputTokens, result.metrics.costUsd], [7, 2, 0.009]);
  });

  it('keeps the partial text when a provider fails halfway, and reports the error', async () => {
    const result = await runModel(
      scripted([{ type: 'text', text: 'part' }, { type: 'error', error: { kind: 'stream-broken', message: 'broke' }, partial: true }]),
      REQUEST,
      { signal: new AbortController().signal },
    );
    assert.equal(result.output, 'part');
    assert.equal(result.error?.kind, 'stream-broken');
    assert.equal(result.partial, true);
  });

  it('a provider that throws becomes an error result, not an exception', async () => {
    const events: StreamEvent[] = [];
    const result = await runModel(scripted([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], { throwAfter: 1 }), REQUEST, {
      signal: new AbortController().signal,
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.output, 'a');
    assert.equal(result.error?.kind, 'unknown');
    assert.match(result.error!.message, /boom/);
    assert.equal(events.at(-1)?.type, 'error');
  });

  it('cancellation stops the stream', async () => {
    const abort = new AbortController();
    const many: StreamEvent[] = Array.from({ length: 100 }, (_, i) => ({ type: 'text', text: `${i} ` }));
    const result = await runModel(scripted(many), REQUEST, {
      signal: abort.signal,
      onEvent: (e) => e.type === 'text' && e.text === '3 ' && abort.abort(),
    });
    assert.equal(result.error?.kind, 'cancelled');
    assert.equal(result.output, '0 1 2 3 ');
  });
});
