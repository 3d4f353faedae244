import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (time-sortable, 26 characters) with a short prefix saying what it names:
 * `r_` a run, `c_` a comparison, `g_` a rating. Sorting ids sorts by time, which keeps
 * JSONL files readable and merges in git stable.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i] % 32];
  return `${prefix}_${time}${rand}`;
}
