// The response cache: what changes the key (and what does not), LRU eviction under the size
// bound, a corrupt entry never served and rewritten, an unwritable folder turning it off with
// one warning, and runModel serving from it / filling it only with whole answers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson, ResponseCache, responseCacheKey, type CachedAnswer } from '../../../src/core/cache/responseCache';
import type { ModelProvider, ModelRequest, StreamEvent } from '../../../src/core/providers/types';
import { runModel } from '../../../src/core/runs/runModel';

const BASE: ModelRequest = {
  modelId: 'amazon.nova-lite-v1:0',
  messages: [
    { role: 'system', content: [{ text: 'Be brief.' }] },
    { role: 'user', content: [{ text: 'Say hello.' }] },
  ],
  config: { temperature: 0.2, maxOutputTokens: 300 },
};
const key = (request: ModelRequest, provider = 'bedrock', extra?: unknown) => responseCacheKey({ provider, request, extra });

const answer = (runId: string, text = 'Hello.'): CachedAnswer => ({
  answer: text,
  stopReason: 'end_turn',
  usage: { inputTokens: 10, outputTokens: 3 },
  metrics: { ttftMs: 100, latencyMs: 400, inputTokens: 10, outputTokens: 3, costUsd: 0.001 },
  runId,
});

describe('response cache: keys', () => {
  it('every field that changes the answer changes the key', () => {
    const k = key(BASE);
    const variants: ModelRequest[] = [
      { ...BASE, modelId: 'amazon.nova-pro-v1:0' },
      { ...BASE, messages: [BASE.messages[0], { role: 'user', content: [{ text: 'Say hello!' }] }] },
      { ...BASE, messages: [{ role: 'system', content: [{ text: 'Be long.' }] }, BASE.messages[1]] },
      { ...BASE, messages: [BASE.messages[1]] },
      { ...BASE, config: { ...BASE.config, temperature: 0.3 } },
      { ...BASE, config: { ...BASE.config, maxOutputTokens: 301 } },
      { ...BASE, config: { ...BASE.config, stopSequences: ['END'] } },
      { ...BASE, guardrail: { id: 'gr-1', version: '1' } },
      { ...BASE, guardrail: { id: 'gr-1', version: '2' } },
      { ...BASE, tools: [{ name: 'lookup', description: 'Looks up', inputSchema: { type: 'object' } }] },
      { ...BASE, toolChoice: 'any' },
      { ...BASE, messages: [...BASE.messages, { role: 'user', content: [{ media: { url: 'data:image/png;base64,AA==' } }] }] },
    ];
    const keys = new Set([k, ...variants.map((v) => key(v))]);
    assert.equal(keys.size, variants.length + 1, 'each variant has a key of its own');
    assert.notEqual(key(BASE, 'openai'), k, 'the provider');
    assert.notEqual(key(BASE, 'bedrock', { deny: [[/secret/i, 'on']] }), k, 'the local deny-list');
    assert.notEqual(key(BASE, 'bedrock', { deny: [[/secret/i, 'on']] }), key(BASE, 'bedrock', { deny: [[/secret/, 'on']] }), 'a pattern flag');
  });

  it('fields that do not change the answer do not change the key', () => {
    const k = key(BASE);
    const reordered: ModelRequest = { config: { maxOutputTokens: 300, temperature: 0.2 }, messages: BASE.messages, modelId: BASE.modelId };
    assert.equal(key(reordered), k, 'key order');
    assert.equal(key({ ...BASE, guardrail: undefined, tools: undefined }), k, 'absent optional fields');
    assert.equal(key(JSON.parse(JSON.stringify(BASE)) as ModelRequest), k, 'a copy');
    assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: undefined } }), '{"a":{"d":2},"b":1}');
  });
});

describe('response cache: files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cache-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores and answers; git-ignored; counts hits and misses; clears', async () => {
    const cache = new ResponseCache({ workspaceFolder: dir });
    const k = key(BASE);
    assert.equal(await cache.get(k), undefined);
    await cache.put(k, answer('r_1'));
    assert.deepEqual(await cache.get(k), answer('r_1'));
    assert.equal(cache.tally.hits, 1);
    assert.equal(cache.tally.misses, 1);
    assert.equal(cache.tally.hitRate, 0.5);
    assert.match(fs.readFileSync(path.join(dir, '.prompt-workbench', 'cache', '.gitignore'), 'utf8'), /^\*$/m);
    const stats = await cache.stats();
    assert.equal(stats.entries, 1);
    assert.ok(stats.bytes > 100);
    assert.equal(await cache.clear(), 1);
    assert.equal(await cache.get(k), undefined);
  });

  it('a corrupt entry is ignored (never served) and rewritten by the next answer', async () => {
    const cache = new ResponseCache({ workspaceFolder: dir });
    const k = key(BASE);
    await cache.put(k, answer('r_1'));
    const file = path.join(cache.dir, `${k}.json`);
    for (const bad of ['{"format":"prompt-workbench.cache-entry/1","key":"', '', JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), key: 'another' })]) {
      fs.writeFileSync(file, bad);
      assert.equal(await cache.get(k), undefined, `not served: ${bad.slice(0, 30)}`);
    }
    await cache.put(k, answer('r_2'));
    assert.equal((await cache.get(k))?.runId, 'r_2');
  });

  it('evicts the least recently used entries past the size bound', async () => {
    const filling = new ResponseCache({ workspaceFolder: dir });
    const keys = Array.from({ length: 12 }, (_, i) => key({ ...BASE, modelId: `m${i}` }));
    const cache = new ResponseCache({ workspaceFolder: dir, maxBytes: 4000 });
    for (let i = 0; i < keys.length; i++) {
      await filling.put(keys[i], answer(`r_${i}`, 'x'.repeat(200)));
      // Distinct times, oldest first; entry 0 is then used again, so it is the most recent.
      const t = new Date(Date.now() - (100 - i) * 1000);
      fs.utimesSync(path.join(cache.dir, `${keys[i]}.json`), t, t);
    }
    fs.utimesSync(path.join(cache.dir, `${keys[0]}.json`), new Date(), new Date());
    await cache.trim();
    const stats = await cache.stats();
    assert.ok(stats.bytes <= 4000 * 0.9, `${stats.bytes} bytes left`);
    assert.ok(stats.entries < 12 && stats.entries > 0);
    const left = fs.readdirSync(cache.dir).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
    assert.ok(left.includes(keys[0]), 'the recently used one stays');
    assert.ok(left.includes(keys[11]), 'the newest stays');
    assert.ok(!left.includes(keys[1]), 'the least recently used went');
    // Writing through a bounded cache keeps it under its bound by itself.
    for (let i = 0; i < 30; i++) await cache.put(key({ ...BASE, modelId: `n${i}` }), answer(`r_n${i}`, 'y'.repeat(200)));
    assert.ok((await cache.stats()).bytes <= 4000);
  });

  it('a folder that cannot be written turns caching off with one warning; runs go on', async () => {
    fs.mkdirSync(path.join(dir, '.prompt-workbench'));
    fs.symlinkSync(os.tmpdir(), path.join(dir, '.prompt-workbench', 'cache'));
    const warnings: string[] = [];
    const cache = new ResponseCache({ workspaceFolder: dir, onWarning: (m) => warnings.push(m) });
    await cache.put(key(BASE), answer('r_1'));
    await cache.put(key(BASE), answer('r_2'));
    assert.equal(await cache.get(key(BASE)), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /response cache is off/);
    assert.equal(cache.enabled, false);
  });
});

describe('response cache: runModel', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cache-run-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function scripted(events: StreamEvent[]): ModelProvider & { calls: number } {
    return {
      id: 'bedrock',
      calls: 0,
      async *stream() {
        this.calls++;
        for (const e of events) yield e;
      },
    };
  }
  const ok: StreamEvent[] = [{ type: 'start' }, { type: 'text', text: 'Hi there.' }, { type: 'usage', inputTokens: 5, outputTokens: 2 }, { type: 'stop', stopReason: 'end_turn' }];

  it('the second identical call is answered from the cache with the original metrics and run id', async () => {
    const store = new ResponseCache({ workspaceFolder: dir });
    const provider = scripted(ok);
    const signal = new AbortController().signal;
    const first = await runModel(provider, BASE, { signal, cache: { store, runId: 'r_first' }, price: () => 0.5 });
    assert.equal(first.cachedFrom, undefined);
    const events: StreamEvent[] = [];
    const second = await runModel(provider, BASE, { signal, cache: { store, runId: 'r_second' }, onEvent: (e) => events.push(e), price: () => 0.5 });
    assert.equal(provider.calls, 1, 'no second call');
    assert.equal(second.cachedFrom, 'r_first');
    assert.equal(second.output, 'Hi there.');
    assert.equal(second.stopReason, 'end_turn');
    assert.deepEqual(second.metrics, first.metrics);
    assert.deepEqual(events.map((e) => e.type), ['start', 'text', 'usage', 'stop']);
    await runModel(provider, { ...BASE, config: { temperature: 1 } }, { signal, cache: { store, runId: 'r_third' } });
    assert.equal(provider.calls, 2, 'another request is another call');
  });

  it('never keeps an error, a partial answer, a guardrail block or a cancelled call', async () => {
    const store = new ResponseCache({ workspaceFolder: dir });
    const cases: StreamEvent[][] = [
      [{ type: 'start' }, { type: 'error', error: { kind: 'throttled', message: 'slow down' }, partial: false }],
      [{ type: 'start' }, { type: 'text', text: 'Half' }, { type: 'error', error: { kind: 'stream-broken', message: 'cut' }, partial: true }],
      [{ type: 'start' }, { type: 'text', text: 'Blocked.' }, { type: 'stop', stopReason: 'guardrail_intervened', guardrail: { intervened: true, reasons: ['x'] } }],
    ];
    for (const events of cases) {
      const provider = scripted(events);
      await runModel(provider, BASE, { signal: new AbortController().signal, cache: { store, runId: 'r' } });
      await runModel(provider, BASE, { signal: new AbortController().signal, cache: { store, runId: 'r' } });
      assert.equal(provider.calls, 2, `${events.map((e) => e.type).join(',')} was not cached`);
    }
    const aborted = new AbortController();
    const provider = scripted(ok);
    aborted.abort();
    await runModel(provider, BASE, { signal: aborted.signal, cache: { store, runId: 'r' } });
    assert.equal((await store.stats()).entries, 0);
  });
});
