import * as assert from 'node:assert/strict';
import { DeltaBatcher, type BatcherClock } from '../../../src/core/runs/deltaBatcher';

/** A clock the test moves by hand; timers fire when it passes their time. */
class ManualClock implements BatcherClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

describe('DeltaBatcher: streamed text coalesced per column', () => {
  function setup() {
    const clock = new ManualClock();
    const batches: { at: number; batch: [number, string][] }[] = [];
    const batcher = new DeltaBatcher<number>((b) => batches.push({ at: clock.t, batch: [...b] }), 16, clock);
    return { clock, batches, batcher };
  }

  it('sends the first text at once, then at most one batch per interval, each column concatenated', () => {
    const { clock, batches, batcher } = setup();
    batcher.push(0, 'Hel');
    assert.deepEqual(batches, [{ at: 0, batch: [[0, 'Hel']] }], 'a lone token is not delayed');
    clock.advance(2);
    batcher.push(0, 'lo');
    batcher.push(1, 'Bon');
    clock.advance(3);
    batcher.push(0, ' world');
    batcher.push(1, 'jour');
    assert.equal(batches.length, 1, 'nothing more before the interval is over');
    clock.advance(11);
    assert.deepEqual(batches[1], { at: 16, batch: [[0, 'lo world'], [1, 'Bonjour']] });
    clock.advance(100);
    assert.equal(batches.length, 2, 'no empty batches');
  });

  it('600 tokens a second (6 columns × 100/s) become about 60 messages, each column in order', () => {
    const { clock, batches, batcher } = setup();
    const sent = new Map<number, string>();
    for (let ms = 0; ms < 1000; ms++) {
      if (ms % 10 === 0) {
        for (let column = 0; column < 6; column++) {
          const token = `t${ms}c${column} `;
          sent.set(column, (sent.get(column) ?? '') + token);
          batcher.push(column, token);
        }
      }
      clock.advance(1);
    }
    batcher.flush();
    assert.ok(batches.length >= 55 && batches.length <= 66, `${batches.length} batches`);
    const received = new Map<number, string>();
    for (const { batch } of batches) for (const [column, text] of batch) received.set(column, (received.get(column) ?? '') + text);
    assert.deepEqual(received, sent);
    const gaps = batches.slice(1).map((b, i) => b.at - batches[i].at);
    assert.ok(Math.max(...gaps) <= 20, `no batch waits much longer than the interval (max gap ${Math.max(...gaps)} ms)`);
  });

  it('flush() sends what is pending now; discard() drops a column a whole state replaced', () => {
    const { clock, batches, batcher } = setup();
    batcher.push(0, 'a');
    batcher.push(0, 'b');
    batcher.push(1, 'x');
    batcher.discard(0);
    batcher.flush();
    assert.deepEqual(batches.map((b) => b.batch), [[[0, 'a']], [[1, 'x']]]);
    assert.equal(clock.pending, 0, 'flush cancels the timer');
    batcher.push(2, 'y');
    batcher.dispose();
    clock.advance(50);
    assert.equal(batches.length, 2, 'nothing after dispose');
  });
});
