/**
 * The one guarded file layer: everything Prompt Workbench writes or reads on the user's behalf
 * inside a workspace goes through here. A cloned repository is untrusted input, so:
 *
 * - a write must land inside its workspace folder, and no part of the path below that folder
 *   may be a symbolic link (checked with `lstat`, and appends open with `O_NOFOLLOW`);
 * - a read of a path a workspace file names (`@file` sample values, `workbench.dataset`) must
 *   resolve, symbolic links followed, inside the folder, unless the caller allows that exact
 *   outside path (the CLI's `--allow-outside PATH`, or a person who said yes in the editor);
 * - an append first repairs a torn last line, so one broken record never swallows the next.
 *
 * Each refusal is a {@link GuardedPathError} with a sentence naming the file and what to do.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder Prompt Workbench keeps its records in; its parent is the workspace folder. */
export const WORKBENCH_DIR = '.prompt-workbench';

export type GuardedPathReason = 'outside' | 'symlink' | 'not-a-file';

/** A write or read the guard refused: `message` says which file, why, and what to do. */
export class GuardedPathError extends Error {
  override readonly name = 'GuardedPathError';
  constructor(
    readonly file: string,
    readonly reason: GuardedPathReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The workspace folder a Prompt Workbench file belongs to: the folder that holds the nearest
 * `.prompt-workbench` on the path, else undefined (the caller then names the root).
 */
export function workspaceRootOf(file: string): string | undefined {
  // Read from the path as given: `<ws>/.prompt-workbench/../../x` belongs to <ws> (and is outside it).
  const parts = path.isAbsolute(file) ? file.split(/[\\/]/) : path.resolve(file).split(/[\\/]/);
  const at = parts.lastIndexOf(WORKBENCH_DIR);
  if (at <= 0) return undefined;
  return path.resolve(parts.slice(0, at).join(path.sep) || path.sep);
}

/** Whether `file` is `root` or below it, by path text (no file system access). */
export function isInside(root: string, file: string): boolean {
  const relative = path.relative(path.resolve(root), path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Refuses to write `file` unless it lies inside `root` (default: the folder holding its
 * `.prompt-workbench`, else its own folder) and no existing part of the path below `root`
 * is a symbolic link; an existing `file` must be a regular file.
 */
export async function checkWritable(file: string, root?: string): Promise<void> {
  const target = path.resolve(file);
  const base = path.resolve(root ?? workspaceRootOf(file) ?? path.dirname(target));
  if (!isInside(base, target) || target === base) {
    throw new GuardedPathError(target, 'outside', `${target} is outside the workspace folder ${base}, and Prompt Workbench writes only inside it, so nothing was written.`);
  }
  let current = base;
  const segments = path.relative(base, target).split(path.sep);
  for (let i = 0; i < segments.length; i++) {
    current = path.join(current, segments[i]);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // the rest is created by us
      throw err;
    }
    if (stat.isSymbolicLink()) {
      throw new GuardedPathError(
        current,
        'symlink',
        `${current} is a symbolic link, and Prompt Workbench does not write through links (a cloned repository could point it at any file of yours). Nothing was written to ${target}; delete the link and try again.`,
      );
    }
    const last = i === segments.length - 1;
    if (last ? !stat.isFile() : !stat.isDirectory()) {
      throw new GuardedPathError(current, 'not-a-file', `${current} is not a ${last ? 'regular file' : 'folder'}, so nothing was written to ${target}. Move it away and try again.`);
    }
  }
}

/** Creates the folders of `file` below `root` after checking that none of them is a link. */
async function prepare(file: string, root = workspaceRootOf(file)): Promise<string> {
  const target = path.resolve(file);
  await checkWritable(target, root);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  // A link planted between the check and mkdir would be caught here: check once more.
  await checkWritable(target, root);
  return target;
}

const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * Appends `text` (one or more whole lines, ending in `\n`) to `file` with a single write on a
 * file opened for append without following links. A file whose last line was torn (no final
 * newline) gets a newline first, so the torn line stays one bad line and the new one parses.
 */
export async function appendLines(file: string, text: string, root?: string): Promise<void> {
  const target = await prepare(file, root);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(target, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | NO_FOLLOW, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new GuardedPathError(target, 'symlink', `${target} is a symbolic link, and Prompt Workbench does not write through links. Nothing was written; delete the link and try again.`);
    }
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new GuardedPathError(target, 'not-a-file', `${target} is not a regular file, so nothing was written. Move it away and try again.`);
    let prefix = '';
    if (stat.size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, stat.size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.write(prefix + text);
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `data`: written to a new temporary file beside it (exclusive create,
 * which never follows a link) and renamed into place, so a reader never sees half a file.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, root?: string): Promise<number> {
  const target = await prepare(file, root);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await fs.promises.writeFile(temporary, data, { flag: 'wx' });
  try {
    await fs.promises.rename(temporary, target);
  } catch (err) {
    await fs.promises.unlink(temporary).catch(() => undefined);
    throw err;
  }
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** Creates `file` with `text` only if nothing is there (exclusive create: a planted link makes it fail). */
export async function createExclusive(file: string, text: string, root?: string): Promise<void> {
  const target = await prepare(file, root);
  await fs.promises.writeFile(target, text, { encoding: 'utf8', flag: 'wx' });
}

/** Creates a folder (and its parents) inside `root`, refusing links on the way. */
export async function makeFolder(dir: string, root?: string): Promise<void> {
  const target = path.resolve(dir);
  const base = path.resolve(root ?? workspaceRootOf(dir) ?? path.dirname(target));
  await checkWritable(path.join(target, '.probe'), base);
  await fs.promises.mkdir(target, { recursive: true });
}

/** Removes a file inside `root` (never through a link); a missing file is fine. */
export async function removeFile(file: string, root = workspaceRootOf(file)): Promise<void> {
  const target = path.resolve(file);
  await checkWritable(target, root).catch((err) => {
    // Removing a planted link itself is harmless (unlink never follows it), anything else is refused.
    if (!(err instanceof GuardedPathError && err.reason === 'symlink' && err.file === target)) throw err;
  });
  await fs.promises.rm(target, { force: true });
}

/**
 * Reads one of Prompt Workbench's own files (`.prompt-workbench/…`): like a write, never through a
 * symbolic link, so a planted link cannot make the extension read (and show) a file of yours.
 * A missing file rejects with ENOENT as usual.
 */
export async function readOwnText(file: string, root = workspaceRootOf(file)): Promise<string> {
  const target = path.resolve(file);
  await checkWritable(target, root);
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(target, fs.constants.O_RDONLY | NO_FOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new GuardedPathError(target, 'symlink', `${target} is a symbolic link, and Prompt Workbench does not read its own files through links. Delete the link.`);
    throw err;
  }
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Where reads of workspace-named paths may go besides the workspace folder. */
export interface ReadPolicy {
  /** The workspace folder; reads resolve (links followed) inside it. */
  root: string;
  /** Outside paths the person allowed: a file, or a folder and everything below it (`--allow-outside PATH`). */
  allowOutside?: readonly string[];
  /** Asked in the editor for a path outside; true reads it (once). */
  confirmOutside?: (file: string) => Promise<boolean>;
}

/**
 * The real path of a file a workspace file names, when reading it is allowed: inside the
 * workspace folder (links resolved), or allowed by the policy. Otherwise a GuardedPathError
 * that says how to allow it.
 */
export async function resolveReadable(file: string, policy: ReadPolicy): Promise<string> {
  const target = path.resolve(policy.root, file);
  const real = await fs.promises.realpath(target).catch(() => target);
  const realRoot = await fs.promises.realpath(policy.root).catch(() => path.resolve(policy.root));
  if (isInside(realRoot, real)) return real;
  for (const allowed of policy.allowOutside ?? []) {
    const realAllowed = await fs.promises.realpath(allowed).catch(() => path.resolve(allowed));
    if (isInside(realAllowed, real)) return real;
  }
  if (policy.confirmOutside && (await policy.confirmOutside(real))) return real;
  throw new GuardedPathError(
    real,
    'outside',
    `${file} is outside the workspace folder ${policy.root}${real !== target ? ` (it leads to ${real})` : ''}, so it was not read. Copy the file into the workspace, or allow it explicitly (the command line takes --allow-outside ${real}).`,
  );
}

/** Reads a workspace-named text file under the read policy (see resolveReadable). */
export async function readTextContained(file: string, policy: ReadPolicy): Promise<string> {
  return fs.promises.readFile(await resolveReadable(file, policy), 'utf8');
}

/**
 * Reads a workspace-named binary file (an image, a PDF) under the read policy. Past `maxBytes`
 * it reads nothing and rejects with `code: 'ETOOBIG'` and the file's `size`.
 */
export async function readBytesContained(file: string, policy: ReadPolicy, maxBytes = Infinity): Promise<Uint8Array> {
  const real = await resolveReadable(file, policy);
  const stat = await fs.promises.stat(real);
  if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a file`), { code: 'EISDIR' });
  if (stat.size > maxBytes) throw Object.assign(new Error(`${file} is ${stat.size} bytes`), { code: 'ETOOBIG', size: stat.size });
  return new Uint8Array(await fs.promises.readFile(real));
}
