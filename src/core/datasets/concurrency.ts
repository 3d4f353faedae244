/**
 * Concurrency that adapts to throttling (additive increase, multiplicative decrease), one
 * limiter per provider and Region: it starts at the configured concurrency, halves on a
 * throttle (ThrottlingException, HTTP 429, ServiceUnavailable), grows by one after a run of
 * successes back up to the configured concurrency (the ceiling), and waits out a
 * `Retry-After` before it starts the next call. A throttled call is the caller's to retry (datasetRunner does).
 */

export interface LimiterOptions {
  initial: number;
  /** Never above this (default: the initial concurrency: the setting is the ceiling it climbs back to). */
  max?: number;
  /** Successes in a row that earn one more slot (default: the current limit). */
  increaseAfter?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A throttle of the provider: the call may be made again later. */
export function isThrottle(error: { kind?: string; code?: string } | null | undefined): boolean {
  if (!error) return false;
  return error.kind === 'throttled' || error.kind === 'unavailable' || /Throttl|TooManyRequests|ServiceUnavailable|429/.test(error.code ?? '');
}

const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AdaptiveLimiter {
  limit: number;
  inFlight = 0;
  throttles = 0;
  private readonly max: number;
  private successes = 0;
  private throttledInARow = 0;
  private pausedUntil = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private wakeTimer: Promise<void> | undefined;
  private readonly watched = new WeakSet<AbortSignal>();

  constructor(private readonly options: LimiterOptions) {
    this.limit = Math.max(1, Math.floor(options.initial));
    this.max = Math.max(this.limit, options.max ?? this.limit);
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? sleepFor;
  }

  /** Waits for a slot (and for any Retry-After pause); resolves at once when aborted, so the caller can see the abort. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      const wait = this.pausedUntil - this.now();
      if (wait > 0) {
        await (this.wakeTimer ??= this.sleep(wait).finally(() => (this.wakeTimer = undefined)));
        continue;
      }
      if (this.inFlight < this.limit) {
        this.inFlight++;
        return;
      }
      if (signal && !this.watched.has(signal)) {
        // One listener per signal (not one per waiter): an abort wakes every waiter to see it.
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.waiters.splice(0).forEach((wake) => wake()), { once: true });
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Ends a call: `throttled` halves the limit (and pauses for `retryAfterMs`), a success counts toward one more slot. */
  release(result: 'ok' | 'throttled' | 'failed', retryAfterMs?: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (result === 'throttled') {
      this.throttles++;
      this.throttledInARow++;
      this.successes = 0;
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      // Without a Retry-After, back off a little more each time in a row, so a retry never hammers.
      const pause = retryAfterMs && retryAfterMs > 0 ? retryAfterMs : Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (this.throttledInARow - 1));
      this.pausedUntil = Math.max(this.pausedUntil, this.now() + pause);
    } else if (result === 'ok') {
      this.throttledInARow = 0;
      this.successes++;
      if (this.successes >= (this.options.increaseAfter ?? this.limit) && this.limit < this.max) {
        this.limit++;
        this.successes = 0;
      }
    }
    this.wake();
  }

  private wake(): void {
    const free = Math.max(0, this.limit - this.inFlight);
    for (let i = 0; i < free && this.waiters.length; i++) this.waiters.shift()!();
  }
}

/** One limiter per provider and Region (`bedrock us-east-1`), all starting at the same concurrency. */
export class LimiterPool {
  private readonly limiters = new Map<string, AdaptiveLimiter>();
  constructor(private readonly options: LimiterOptions) {}

  get(key: string): AdaptiveLimiter {
    let limiter = this.limiters.get(key);
    if (!limiter) this.limiters.set(key, (limiter = new AdaptiveLimiter(this.options)));
    return limiter;
  }

  /** The current concurrency (summed over providers) and how many throttles were met: the progress line. */
  get status(): { concurrency: number; throttles: number } {
    let concurrency = 0;
    let throttles = 0;
    for (const l of this.limiters.values()) {
      concurrency += l.limit;
      throttles += l.throttles;
    }
    return { concurrency: concurrency || this.options.initial, throttles };
  }
}
