import * as fs from 'node:fs';

/** One line (or the whole file) that could not be read: which file, which 1-based line (0: the file itself), why. */
export interface JsonlStreamProblem {
  file: string;
  line: number;
  message: string;
}

export interface JsonlStreamOptions {
  /** Checks a parsed value; returns why it is not a record, or undefined when it is. */
  validate?: (value: unknown) => string | undefined;
  /** Byte offset to start at: must be the start of a line (the `end` of an earlier read). */
  from?: number;
  /** Lines before `from` (so line numbers continue). */
  linesBefore?: number;
  /** A line longer than this is reported and skipped without being decoded (default 16 MiB). */
  maxLineBytes?: number;
  /**
   * Whether an unfinished last line is a problem (default true). A reader that comes back
   * after the next append (the panel) says false: a write in progress is not an error.
   */
  reportUnfinished?: boolean;
  /**
   * Looks at a line's raw bytes before it is decoded: true skips it unparsed (counted, not
   * reported). For a pass that needs only some lines (the scoreboard's supersede pass).
   */
  skipRaw?: (line: Buffer) => boolean;
}

export interface JsonlStreamResult {
  /** Byte offset just after the last line ending read: where the next read of an appended file starts. */
  end: number;
  /** Lines up to `end`. */
  lines: number;
  /** The file's size when it was opened (0 when missing or not a file). */
  size: number;
  /** The bytes after `end`: a last line with no line end yet (a write in progress, or a torn file). */
  pendingBytes: number;
  /** Whether a file is there at all: false when missing, a directory or not a regular file. */
  isFile: boolean;
  problems: JsonlStreamProblem[];
}

const NEWLINE = 0x0a;
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSONL file line by line as a stream (never the whole file as one string, so a
 * file larger than V8's string limit or than memory reads fine), handing each valid record to
 * `onRecord`. Nothing makes it fail whole: a missing file reads as empty; a directory or a
 * non-regular file (a FIFO would block a plain read) is one problem; a line that is not JSON,
 * does not validate or is too long is a problem with its line number, and the next line is
 * read. A last line without its line end is reported and left out of `end`, so an
 * incremental reader reads it again once whole (unless it parses: an editor may drop the
 * final newline).
 */
export async function readJsonlStream<T>(file: string, onRecord: (record: T, line: number) => void, options: JsonlStreamOptions = {}): Promise<JsonlStreamResult> {
  const from = options.from ?? 0;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const problems: JsonlStreamProblem[] = [];
  let lines = options.linesBefore ?? 0;
  const empty = (isFile: boolean): JsonlStreamResult => ({ end: from, lines, size: 0, pendingBytes: 0, isFile, problems });
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return empty(false);
    problems.push({ file, line: 0, message: code === 'ENOTDIR' ? 'a folder on its path is a file' : `cannot be read (${(err as Error).message})` });
    return empty(false);
  }
  if (!stat.isFile()) {
    problems.push({ file, line: 0, message: stat.isDirectory() ? 'is a folder, not a file: skipped' : 'is not a regular file: skipped' });
    return empty(false);
  }
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  let end = from;
  const size = stat.size;
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    /** Pieces of the line being read when it spans chunks; `skipping` once it is too long. */
    let pieces: Buffer[] = [];
    let pieceBytes = 0;
    let skipping = false;
    let position = from;
    const skipRaw = options.skipRaw;
    const handleLine = (bytes: Buffer) => {
      lines++;
      if (skipRaw?.(bytes)) return;
      let text = bytes.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (!text.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        problems.push({ file, line: lines, message: `not valid JSON (${(err as Error).message})` });
        return;
      }
      const invalid = options.validate?.(value);
      if (invalid) problems.push({ file, line: lines, message: invalid });
      else onRecord(value as T, lines);
    };
    const tooLong = () => {
      lines++;
      problems.push({ file, line: lines, message: `a line longer than ${Math.round(maxLine / 1024 / 1024)} MiB: skipped` });
    };
    // Only what was there when opened: lines appended meanwhile are the next read's.
    while (position < size) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - position), position);
      if (bytesRead === 0) break;
      let start = 0;
      while (start < bytesRead) {
        const nl = chunk.indexOf(NEWLINE, start);
        const stop = nl < 0 || nl >= bytesRead ? bytesRead : nl;
        if (!skipping) {
          if (pieceBytes + (stop - start) > maxLine) {
            skipping = true;
            pieces = [];
            pieceBytes = 0;
          } else if (nl >= 0 && nl < bytesRead && !pieces.length) {
            handleLine(chunk.subarray(start, stop));
          } else {
            pieces.push(Buffer.from(chunk.subarray(start, stop)));
            pieceBytes += stop - start;
            if (nl >= 0 && nl < bytesRead) {
              handleLine(Buffer.concat(pieces, pieceBytes));
              pieces = [];
              pieceBytes = 0;
            }
          }
        }
        if (nl < 0 || nl >= bytesRead) break;
        if (skipping) {
          tooLong();
          skipping = false;
        }
        start = nl + 1;
        end = position + start;
      }
      position += bytesRead;
    }
    if (size - end > 0) {
      if (skipping) {
        problems.push({ file, line: lines + 1, message: `a last line longer than ${Math.round(maxLine / 1024 / 1024)} MiB, with no line end: skipped` });
      } else {
        const text = Buffer.concat(pieces, pieceBytes).toString('utf8').trim();
        let value: unknown;
        let parsed = false;
        try {
          value = JSON.parse(text);
          parsed = true;
        } catch {
          // reported below
        }
        if (!text) {
          // only blanks after the last line end
        } else if (parsed && !options.validate?.(value)) {
          // Whole (an editor dropped the final newline): counted, and not read again.
          lines++;
          end = size;
          onRecord(value as T, lines);
        } else if (options.reportUnfinished !== false) {
          problems.push({ file, line: lines + 1, message: 'the last line is incomplete (no line end): skipped' });
        }
      }
    }
    return { end, lines, size, pendingBytes: size - end, isFile: true, problems };
  } finally {
    await handle.close();
  }
}
