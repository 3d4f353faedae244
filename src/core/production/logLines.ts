/**
 * Lines of invocation-log files read as streams (never a whole file in memory): gzip is
 * recognised by its magic bytes (S3 log objects are `.json.gz`), a line longer than the limit
 * is reported and skipped without being decoded, and a line that is not JSON (a torn last
 * line, a corrupt one) is reported and skipped; every other line is kept.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

export const DEFAULT_MAX_LOG_LINE_BYTES = 8 * 1024 * 1024;

export interface LogLineProblem {
  /** The file, S3 object or log group the line came from. */
  source: string;
  /** 1-based line (or event) number; 0 for the source as a whole. */
  line: number;
  message: string;
}

/** Un-gzips a stream when it starts with the gzip magic bytes; passes it through otherwise. */
async function* maybeGunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  const rest = (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value);
  })();
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    yield* Readable.from(rest).pipe(createGunzip()) as AsyncIterable<Buffer>;
  } else {
    yield* rest;
  }
}

/**
 * The JSON values of a stream's lines, with their line numbers; problems (torn, too long, not
 * JSON) go to `onProblem` and the reading goes on.
 */
export async function* jsonLines(
  source: string,
  chunks: AsyncIterable<Uint8Array>,
  onProblem: (problem: LogLineProblem) => void,
  maxLineBytes = DEFAULT_MAX_LOG_LINE_BYTES,
): AsyncGenerator<{ value: unknown; line: number }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let line = 0;
  const finish = (bytes: Buffer | undefined): { value: unknown; line: number } | undefined => {
    line++;
    if (tooLong) {
      onProblem({ source, line, message: `longer than ${maxLineBytes} bytes; skipped` });
      return undefined;
    }
    const text = (bytes ?? Buffer.alloc(0)).toString('utf8').trim();
    if (!text) return undefined;
    try {
      return { value: JSON.parse(text) as unknown, line };
    } catch {
      onProblem({ source, line, message: `not a whole JSON record (torn or corrupt): ${text.slice(0, 60)}…; skipped` });
      return undefined;
    }
  };
  for await (const chunk of maybeGunzip(chunks)) {
    let at = 0;
    for (let nl = chunk.indexOf(0x0a, at); nl >= 0; nl = chunk.indexOf(0x0a, at)) {
      const piece = chunk.subarray(at, nl);
      const whole = tooLong ? undefined : pending.length ? Buffer.concat([...pending, piece]) : piece;
      if (!tooLong && pendingBytes + piece.length > maxLineBytes) tooLong = true;
      const out = finish(whole);
      if (out) yield out;
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      at = nl + 1;
    }
    const tail = chunk.subarray(at);
    if (!tooLong) {
      pendingBytes += tail.length;
      if (pendingBytes > maxLineBytes) {
        tooLong = true;
        pending = [];
      } else if (tail.length) pending.push(Buffer.from(tail));
    }
  }
  if (pending.length || tooLong) {
    const out = finish(pending.length ? Buffer.concat(pending) : undefined);
    if (out) yield out;
  }
}
