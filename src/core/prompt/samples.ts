import * as fs from 'node:fs';
import * as path from 'node:path';
import { versionFolderName } from '../versions/versionStore';
import { checkWritable, GuardedPathError, readOwnText, readTextContained, writeFileAtomic, type ReadPolicy } from '../workspace/guardedFs';

/**
 * Saved input sets of a prompt, `.prompt-workbench/samples/<name>.json`:
 *
 * ```json
 * {
 *   "schema": "prompt-workbench.samples/1",
 *   "sets": {
 *     "launch thread": { "email": "@emails/launch-thread.txt", "audience": "manager" },
 *     "short": { "email": "Hi team, …" }
 *   }
 * }
 * ```
 * A value `@path` is read from that file (relative to the workspace folder) when the prompt
 * runs, so a set can point at a long email without copying it; `@@…` stands for text that
 * itself starts with `@`. Other top-level fields are kept as they are when a set is saved.
 */
export const SAMPLES_SCHEMA = 'prompt-workbench.samples/1';

export type InputValues = Record<string, unknown>;

export interface SampleSets {
  sets: Record<string, InputValues>;
  /** Why the file could not be read (it is then left alone); null when it was read or is absent. */
  problem: string | null;
}

export function samplesPath(workspaceFolder: string, promptName: string): string {
  return path.join(workspaceFolder, '.prompt-workbench', 'samples', `${versionFolderName(promptName)}.json`);
}

export async function readSampleSets(file: string): Promise<SampleSets> {
  const read = await readFileObject(file);
  if ('problem' in read) return { sets: {}, problem: read.missing ? null : read.problem };
  const sets: Record<string, InputValues> = {};
  const raw = read.value.sets;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, values] of Object.entries(raw as Record<string, unknown>)) {
      if (values && typeof values === 'object' && !Array.isArray(values)) sets[name] = values as InputValues;
    }
  }
  return { sets, problem: null };
}

/** Adds or replaces one set, keeping the others and any other field of the file. */
export async function saveSampleSet(file: string, setName: string, values: InputValues): Promise<void> {
  const name = setName.trim();
  if (!name) throw new Error('Give the sample set a name.');
  await updateFile(file, (sets) => {
    sets[name] = values;
  });
}

export async function deleteSampleSet(file: string, setName: string): Promise<void> {
  await updateFile(file, (sets) => {
    delete sets[setName];
  });
}

async function updateFile(file: string, change: (sets: Record<string, unknown>) => void): Promise<void> {
  await checkWritable(file); // a planted link is refused before anything is read or written
  const read = await readFileObject(file);
  if ('problem' in read && !read.missing) {
    throw new Error(`${file} could not be read (${read.problem}), so it was left as it is. Fix or remove it, then save the set again.`);
  }
  const document: Record<string, unknown> = 'value' in read ? read.value : {};
  const sets = document.sets && typeof document.sets === 'object' && !Array.isArray(document.sets) ? { ...(document.sets as Record<string, unknown>) } : {};
  change(sets);
  const next = { schema: SAMPLES_SCHEMA, ...document, sets };
  // Written beside and renamed into place (a reader never sees half a file), never through a link.
  await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
}

async function readFileObject(file: string): Promise<{ value: Record<string, unknown> } | { problem: string; missing: boolean }> {
  let text: string;
  try {
    text = await readOwnText(file); // never through a planted link
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problem: 'no such file', missing: true };
    return { problem: (err as Error).message, missing: false };
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { problem: 'expected a JSON object with "sets"', missing: false };
    return { value: value as Record<string, unknown> };
  } catch (err) {
    return { problem: `not valid JSON: ${(err as Error).message}`, missing: false };
  }
}

/** An `@path` input whose file cannot be read: names the input and the path. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(readonly input: string, readonly file: string, reason: string, refused = false) {
    super(refused ? `Input “${input}”: ${reason}` : `Input “${input}”: cannot read ${file} (${reason}). Give a path relative to the workspace folder after @, or @@ for text that starts with @.`);
  }
}

const BINARY_MEDIA = /\.(png|jpe?g|gif|webp|pdf|docx|xlsx)$/i;

/**
 * Replaces each `@path` value by the text of that file (relative to `baseDir`); `@@x` becomes `@x`.
 * The values come from workspace files (sample sets), so a path must resolve inside `baseDir`
 * (links followed) unless `outside` allows it: `allowOutside` paths, or `confirmOutside` asked.
 */
export async function resolveInputFiles(values: InputValues, baseDir: string | undefined, outside: Omit<ReadPolicy, 'root'> = {}): Promise<InputValues> {
  const resolved: InputValues = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || !value.startsWith('@')) {
      resolved[name] = value;
    } else if (value.startsWith('@@')) {
      resolved[name] = value.slice(1);
    } else if (BINARY_MEDIA.test(value.trim())) {
      // An image or PDF is never text: it stays a path for a media input to read as bytes (mediaInputs.ts).
      resolved[name] = value;
    } else {
      const target = value.slice(1).trim();
      const file = path.isAbsolute(target) || !baseDir ? target : path.join(baseDir, target);
      try {
        resolved[name] = baseDir ? await readTextContained(file, { root: baseDir, ...outside }) : await fs.promises.readFile(file, 'utf8');
      } catch (err) {
        if (err instanceof GuardedPathError) throw new InputFileError(name, file, err.message, true);
        const code = (err as NodeJS.ErrnoException).code;
        throw new InputFileError(name, file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message);
      }
    }
  }
  return resolved;
}
