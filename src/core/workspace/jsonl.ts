import { appendLines, GuardedPathError, readOwnText } from './guardedFs';

/**
 * Appends one record as one line with a single `write` on a file opened for append, so
 * that two windows or a CLI run writing at once never interleave within a line. Goes through
 * the guarded file layer: inside the workspace folder (`root`, by default the folder holding
 * `.prompt-workbench`), never through a symbolic link, and a torn last line is ended first.
 */
export async function appendJsonLine(file: string, record: unknown, root?: string): Promise<void> {
  await appendLines(file, JSON.stringify(record) + '\n', root);
}

export interface JsonlProblem {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface JsonlContent<T> {
  records: T[];
  problems: JsonlProblem[];
}

/**
 * Reads every whole line that parses; a line that does not is reported with its number and
 * skipped, and every other line is kept. Never rewrites the file.
 */
export function parseJsonl<T = unknown>(text: string, validate?: (value: unknown) => string | undefined): JsonlContent<T> {
  const records: T[] = [];
  const problems: JsonlProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line: i + 1, message: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    const invalid = validate?.(value);
    if (invalid) {
      problems.push({ line: i + 1, message: invalid });
      continue;
    }
    records.push(value as T);
  }
  return { records, problems };
}

export async function readJsonl<T = unknown>(file: string, validate?: (value: unknown) => string | undefined): Promise<JsonlContent<T>> {
  let text: string;
  try {
    text = await readOwnText(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    // A planted link (or a folder in the file's place) is reported, not followed: nothing else of the file is there to keep.
    if (err instanceof GuardedPathError) return { records: [], problems: [{ line: 0, message: err.message }] };
    throw err;
  }
  return parseJsonl<T>(text, validate);
}
