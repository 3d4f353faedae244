export interface BatcherClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Coalesces streamed text per key (a comparison column) and hands it over at most once per
 * interval: six models at 100 tokens/s become about 60 messages a second instead of 600.
 * The first text after a quiet spell goes out at once, so batching adds no delay to a
 * lone token; later ones wait at most `intervalMs`.
 */
export class DeltaBatcher<K> {
  private pending = new Map<K, string>();
  private timer: unknown = undefined;
  private lastFlush = -Infinity;

  constructor(
    private readonly deliver: (batch: Map<K, string>) => void,
    private readonly intervalMs = 16,
    private readonly clock: BatcherClock = SYSTEM_CLOCK,
  ) {}

  push(key: K, text: string): void {
    if (!text) return;
    this.pending.set(key, (this.pending.get(key) ?? '') + text);
    if (this.timer !== undefined) return;
    const wait = this.lastFlush + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  /** Delivers whatever is pending now (before a message that must follow it). */
  flush(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    this.lastFlush = this.clock.now();
    this.deliver(batch);
  }

  /** Forgets what is pending for a key (or every key): a whole snapshot replaces it. */
  discard(key?: K): void {
    if (key === undefined) this.pending.clear();
    else this.pending.delete(key);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
