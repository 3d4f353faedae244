// Adaptive concurrency (AIMD): the limiter under a scripted sequence of outcomes, and a dataset
// run against a provider that throttles above a capacity: no case fails, the limit comes down,
// throttled attempts leave no record, and the progress reports concurrency and throttles.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { AdaptiveLimiter, isThrottle } from '../../../src/core/datasets/concurrency';
import { parseDataset } from '../../../src/core/datasets/datasetFile';
import { runDataset, type DatasetProgress } from '../../../src/core/datasets/datasetRunner';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { ModelProvider, StreamEvent } from '../../../src/core/providers/types';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { readRunHistory } from '../../../src/core/runs/runHistory';

describe('adaptive concurrency (AIMD)', () => {
  it('halves on a throttle (never under 1), grows by one after a run of successes, up to its maximum', async () => {
    let clock = 0;
    const l = new AdaptiveLimiter({ initial: 8, max: 10, now: () => clock, sleep: async (ms) => void (clock += ms) });
    const step = async (result: 'ok' | 'throttled' | 'failed') => {
      await l.acquire();
      l.release(result);
      return l.limit;
    };
    assert.equal(await step('throttled'), 4);
    assert.equal(await step('throttled'), 2);
    assert.equal(await step('throttled'), 1);
    assert.equal(await step('throttled'), 1);
    assert.equal(l.throttles, 4);
    assert.equal(await step('ok'), 2, 'one success at limit 1 earns a slot');
    assert.equal(await step('ok'), 2);
    assert.equal(await step('ok'), 3);
    assert.equal(await step('failed'), 3, 'a plain failure changes nothing');
    for (let i = 0; i < 60; i++) await step('ok');
    assert.equal(l.limit, 10, 'capped at max');
  });

  it('never lets more than the limit run at once, and honours Retry-After before the next start', async () => {
    let clock = 0;
    const slept: number[] = [];
    const l = new AdaptiveLimiter({ initial: 2, now: () => clock, sleep: async (ms) => void (slept.push(ms), (clock += ms)) });
    await l.acquire();
    await l.acquire();
    let third = false;
    const pending = l.acquire().then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false, 'the third waits');
    l.release('throttled', 1500); // limit 1, one still in flight: the third still waits
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false);
    l.release('ok');
    await pending;
    assert.deepEqual(slept, [1500], 'waited out Retry-After');
    assert.equal(l.inFlight, 1);
  });

  it('knows a throttle: ThrottlingException, 429, ServiceUnavailable', () => {
    assert.ok(isThrottle({ kind: 'throttled' }));
    assert.ok(isThrottle({ kind: 'unavailable', code: 'ServiceUnavailableException' }));
    assert.ok(isThrottle({ kind: 'unknown', code: 'HTTP 429' }));
    assert.ok(!isThrottle({ kind: 'access-denied', code: 'AccessDeniedException' }));
    assert.ok(!isThrottle(null));
  });

  describe('a dataset run against a provider with a capacity of 2 calls', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-aimd-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    class CapacityProvider implements ModelProvider {
      readonly id = 'cap';
      active = 0;
      throttled = 0;
      async *stream(): AsyncIterable<StreamEvent> {
        this.active++;
        try {
          yield { type: 'start' };
          if (this.active > 2) {
            this.throttled++;
            yield { type: 'error', error: { kind: 'throttled', message: 'slow down', code: 'ThrottlingException', retryAfterMs: 5 }, partial: false };
            return;
          }
          await new Promise((r) => setTimeout(r, 5));
          yield { type: 'text', text: 'ok' };
          yield { type: 'stop', stopReason: 'end_turn' };
        } finally {
          this.active--;
        }
      }
    }

    it('finishes every case (none failed for throttling), comes down from 8, leaves no throttled record', async () => {
      const provider = new CapacityProvider();
      const runner = new PromptRunner({ providers: new ProviderRegistry({ cap: () => provider }), catalog: new ModelCatalog(), workspaceFolder: dir });
      const file = path.join(dir, 'p.prompt');
      fs.writeFileSync(file, '---\nname: p\nmodel: cap/a\n---\n{{role "user"}}Say {{w}}.\n');
      const datasetFile = path.join(dir, 'd.jsonl');
      const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `c${i}`, w: `w${i}` })).join('\n');
      fs.writeFileSync(datasetFile, rows);
      const progress: DatasetProgress[] = [];
      const result = await runDataset({
        runner,
        document: promptDocument(fs.readFileSync(file, 'utf8'), file),
        dataset: parseDataset(rows, datasetFile),
        models: ['cap/a'],
        workspaceFolder: dir,
        concurrency: 8,
        cache: false,
        onProgress: (p) => progress.push(p),
      });
      assert.equal(result.cells.filter((c) => c.status === 'done').length, 30);
      assert.ok(provider.throttled > 0, 'it was throttled');
      const last = progress[progress.length - 1];
      assert.equal(last.done, 30);
      assert.equal(last.throttles, provider.throttled);
      assert.ok(progress.some((p) => (p.concurrency ?? 8) < 8), 'the concurrency came down');
      const { records } = await readRunHistory(path.join(dir, '.prompt-workbench', 'runs'));
      assert.equal(records.length, 30, 'one record per case, none for a throttled attempt');
      assert.ok(records.every((r) => !r.error));
    });
  });
});
