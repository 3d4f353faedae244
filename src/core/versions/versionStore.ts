import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { contentHash } from '../prompt/contentHash';
import { appendJsonLine, readJsonl } from '../workspace/jsonl';
import { checkWritable, createExclusive } from '../workspace/guardedFs';
import { WorkbenchPaths } from '../workspace/paths';

export const VERSION_INDEX_SCHEMA = 'prompt-workbench.version/1';

/** Why a snapshot was written: Save New Version, the first run of a version, or a run of edited text of a version. */
export type SnapshotReason = 'saved' | 'ran' | 'edited-without-bump';

/** One line of `.prompt-workbench/versions/<name>/index.jsonl`: when each snapshot file was written. */
export interface VersionIndexRecord {
  schema: typeof VERSION_INDEX_SCHEMA;
  ts: string;
  name: string;
  version: number;
  contentHash: string;
  /** The snapshot's file name inside the prompt's versions folder (`v3.prompt`, `v3~1a2b3c4d.prompt`). */
  file: string;
  reason: SnapshotReason;
  /** The working file the text came from, relative to the workspace folder, when known. */
  source: string | null;
}

/** A snapshot file found on disk. `variantHash` is set for `v<N>~<hash>.prompt` (text of v<N> edited without a bump). */
export interface SnapshotFile {
  version: number;
  variantHash: string | null;
  file: string;
  fileName: string;
}

export type ExclusiveWriteResult = 'created' | 'same' | 'different';

/** A saved version is never overwritten: this is what a caller meets when it would be. */
export class SnapshotConflictError extends Error {
  override readonly name = 'SnapshotConflictError';
  constructor(readonly file: string, readonly version: number) {
    super(
      `${file} already holds other text for version ${version}, and a saved version is never overwritten. ` +
        'Save your text as a new version instead (Prompt Workbench: Save New Version).',
    );
  }
}

const SNAPSHOT_NAME = /^v(\d+)(?:~([0-9a-f]{6,64}))?\.prompt$/;

/**
 * The folder name for a prompt's versions. Prompt names are meant to be simple (`email-summary`),
 * but a name is user text: anything that could leave the folder or trouble a file system becomes `_`.
 */
export function versionFolderName(promptName: string): string {
  const safe = promptName.trim().replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || /^\.+$/.test(safe) ? '_' : safe;
}

export function snapshotFileName(version: number, variantHash?: string | null): string {
  return variantHash ? `v${version}~${variantHash}.prompt` : `v${version}.prompt`;
}

export function parseSnapshotFileName(fileName: string): { version: number; variantHash: string | null } | undefined {
  const match = SNAPSHOT_NAME.exec(fileName);
  if (!match) return undefined;
  const version = Number(match[1]);
  return version >= 1 ? { version, variantHash: match[2] ?? null } : undefined;
}

/**
 * Writes `text` to `file` only if no file is there, and never leaves a half-written file
 * under the final name: the text goes to a temporary file first, which is then hard-linked
 * into place (a link fails when the name exists, atomically). When a file is there already,
 * says whether it holds the same text (by content hash, so a CRLF checkout counts as the same).
 */
export async function writeExclusive(file: string, text: string, root?: string): Promise<ExclusiveWriteResult> {
  // Inside the workspace and never through a link (the guarded file layer); `wx` and link() never follow one either.
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await checkWritable(file, root);
  await createExclusive(temporary, text, root);
  try {
    await fs.promises.link(temporary, file);
    return 'created';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return (await sameText(file, text)) ? 'same' : 'different';
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
    // A file system without hard links: exclusive create still never overwrites.
    try {
      await createExclusive(file, text, root);
      return 'created';
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return (await sameText(file, text)) ? 'same' : 'different';
      throw inner;
    }
  } finally {
    await fs.promises.unlink(temporary).catch(() => undefined);
  }
}

async function sameText(file: string, text: string): Promise<boolean> {
  return contentHash(await fs.promises.readFile(file, 'utf8')) === contentHash(text);
}

/** The `.prompt-workbench/versions/` folder of one workspace: immutable snapshots of prompt versions. */
export class VersionStore {
  readonly paths: WorkbenchPaths;

  constructor(workspaceFolder: string, private readonly now: () => Date = () => new Date()) {
    this.paths = new WorkbenchPaths(workspaceFolder);
  }

  get root(): string {
    return path.join(this.paths.root, 'versions');
  }

  folder(promptName: string): string {
    return path.join(this.root, versionFolderName(promptName));
  }

  snapshotPath(promptName: string, version: number, variantHash?: string | null): string {
    return path.join(this.folder(promptName), snapshotFileName(version, variantHash));
  }

  indexPath(promptName: string): string {
    return path.join(this.folder(promptName), 'index.jsonl');
  }

  /** The text saved for a version, or undefined when none is. */
  async read(promptName: string, version: number, variantHash?: string | null): Promise<string | undefined> {
    try {
      return await fs.promises.readFile(this.snapshotPath(promptName, version, variantHash), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Saves `text` as `v<version>.prompt`. Saving the same text again is a no-op; saving other
   * text for a version that is saved throws `SnapshotConflictError`.
   */
  async save(promptName: string, version: number, text: string, reason: SnapshotReason, source: string | null): Promise<{ file: string; created: boolean }> {
    const file = this.snapshotPath(promptName, version);
    const result = await writeExclusive(file, text);
    if (result === 'different') throw new SnapshotConflictError(file, version);
    if (result === 'created') await this.appendIndex(promptName, version, text, path.basename(file), reason, source);
    return { file, created: result === 'created' };
  }

  /**
   * Keeps the text a run of a version used, so that every result stays tied to text one can
   * read again: the first text of a version becomes `v<N>.prompt`; text of the same version
   * edited without a bump is kept beside it as `v<N>~<hash>.prompt`. Never overwrites.
   */
  async keepRanText(promptName: string, version: number, text: string, source: string | null): Promise<{ file: string; created: boolean; variant: boolean }> {
    const file = this.snapshotPath(promptName, version);
    const result = await writeExclusive(file, text);
    if (result === 'created') await this.appendIndex(promptName, version, text, path.basename(file), 'ran', source);
    if (result !== 'different') return { file, created: result === 'created', variant: false };
    const hash = contentHash(text);
    const variant = this.snapshotPath(promptName, version, hash);
    const variantResult = await writeExclusive(variant, text);
    if (variantResult === 'created') await this.appendIndex(promptName, version, text, path.basename(variant), 'edited-without-bump', source);
    return { file: variant, created: variantResult === 'created', variant: true };
  }

  /** Every snapshot file of a prompt, by version (variants after their version's own file). */
  async list(promptName: string): Promise<SnapshotFile[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.folder(promptName));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const snapshots: SnapshotFile[] = [];
    for (const fileName of names) {
      const parsed = parseSnapshotFileName(fileName);
      if (parsed) snapshots.push({ ...parsed, fileName, file: path.join(this.folder(promptName), fileName) });
    }
    return snapshots.sort((a, b) => a.version - b.version || (a.variantHash ?? '').localeCompare(b.variantHash ?? ''));
  }

  /** The folder names under `versions/` (one per prompt that has snapshots). */
  async promptFolders(): Promise<string[]> {
    try {
      const entries = await fs.promises.readdir(this.root, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async readIndex(promptName: string): Promise<VersionIndexRecord[]> {
    const { records } = await readJsonl<VersionIndexRecord>(this.indexPath(promptName), (value) =>
      value && typeof value === 'object' && (value as { schema?: unknown }).schema === VERSION_INDEX_SCHEMA ? undefined : 'not a version index record',
    );
    return records;
  }

  private async appendIndex(promptName: string, version: number, text: string, file: string, reason: SnapshotReason, source: string | null): Promise<void> {
    const record: VersionIndexRecord = {
      schema: VERSION_INDEX_SCHEMA,
      ts: this.now().toISOString(),
      name: promptName,
      version,
      contentHash: contentHash(text),
      file,
      reason,
      source,
    };
    await appendJsonLine(this.indexPath(promptName), record);
  }
}
