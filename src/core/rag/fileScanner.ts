/**
 * Which files of a workspace the index holds: the include globs, minus the exclude globs,
 * `.gitignore` files (each applying to its own folder and below, like git), and always
 * `.git/`, `node_modules/` and `.prompt-workbench/`. Binaries (a NUL byte) and files over
 * maxFileBytes are skipped when read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

export const DEFAULT_INCLUDE = ['**/*.md', '**/*.markdown', '**/*.mdx', '**/*.txt', '**/*.rst', '**/*.adoc', '**/*.asciidoc', '**/*.html', '**/*.htm'];
export const ALWAYS_SKIPPED_DIRS = new Set(['.git', 'node_modules', '.prompt-workbench']);
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024;

export interface ScannedFile {
  /** Workspace-relative, '/' separators. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** Workspace-relative '/' path of `p` (absolute or relative), or undefined when it is outside the root. */
export function relativePath(root: string, p: string): string | undefined {
  const rel = path.relative(root, path.resolve(root, p));
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

export class FileFilter {
  private readonly included: (p: string) => boolean;
  private readonly excluded: (p: string) => boolean;
  /** Folder ('' = root) → its .gitignore rules, or null when it has none. */
  private readonly gitignores = new Map<string, Ignore | null>();

  constructor(private readonly root: string, include: string[], exclude: string[]) {
    this.included = picomatch(include.length ? include : DEFAULT_INCLUDE, { dot: true });
    this.excluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  }

  private gitignoreOf(dir: string): Ignore | null {
    let rules = this.gitignores.get(dir);
    if (rules !== undefined) return rules;
    rules = null;
    try {
      rules = ignore().add(fs.readFileSync(path.join(this.root, dir, '.gitignore'), 'utf8'));
    } catch {
      // No .gitignore here (or unreadable): nothing to apply.
    }
    this.gitignores.set(dir, rules);
    return rules;
  }

  /** True when a .gitignore of an ancestor folder ignores `rel` (a folder when `isDir`). */
  private gitIgnored(rel: string, isDir: boolean): boolean {
    const parts = rel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const rules = this.gitignoreOf(dir);
      if (!rules) continue;
      const sub = parts.slice(i).join('/') + (isDir ? '/' : '');
      if (rules.ignores(sub)) return true;
    }
    return false;
  }

  dirSkipped(rel: string): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    return ALWAYS_SKIPPED_DIRS.has(name) || this.excluded(rel) || this.excluded(`${rel}/`) || this.gitIgnored(rel, true);
  }

  /** Whether a file (workspace-relative) belongs in the index, checking every folder above it too. */
  accepts(rel: string): boolean {
    if (!this.included(rel) || this.excluded(rel)) return false;
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.dirSkippedCached(parts.slice(0, i).join('/'))) return false;
    return !this.gitIgnored(rel, false);
  }

  private readonly dirCache = new Map<string, boolean>();
  private dirSkippedCached(rel: string): boolean {
    let skipped = this.dirCache.get(rel);
    if (skipped === undefined) this.dirCache.set(rel, (skipped = this.dirSkipped(rel)));
    return skipped;
  }

  /** Every accepted file under the root, with size and mtime (no contents read). */
  scan(onFile?: (count: number) => void): ScannedFile[] {
    const out: ScannedFile[] = [];
    const walk = (dirRel: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dirRel ? path.join(this.root, dirRel) : this.root, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!this.dirSkippedCached(rel)) walk(rel);
        } else if (e.isFile() && this.included(rel) && !this.excluded(rel) && !this.gitIgnored(rel, false)) {
          try {
            const st = fs.statSync(path.join(this.root, rel));
            out.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs });
            onFile?.(out.length);
          } catch {
            // Vanished between readdir and stat: not there, not indexed.
          }
        }
      }
    };
    walk('');
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  }
}

/**
 * The file's stats when neither it nor any folder between `root` and it is a symbolic link
 * (the scan never follows links; a file event must not either), else undefined.
 */
export function statWithoutLinks(root: string, rel: string): fs.Stats | undefined {
  let current = root;
  let stat: fs.Stats | undefined;
  for (const part of rel.split('/')) {
    current = path.join(current, part);
    try {
      stat = fs.lstatSync(current);
    } catch {
      return undefined;
    }
    if (stat.isSymbolicLink()) return undefined;
  }
  return stat;
}

/** The file's text, or why it is skipped (too large, binary). */
export function readDocument(root: string, rel: string, maxFileBytes: number): { text: string } | { skipped: string } {
  const full = path.join(root, rel);
  const st = fs.statSync(full);
  if (st.size > maxFileBytes) return { skipped: `larger than ${maxFileBytes} bytes` };
  const buf = fs.readFileSync(full);
  if (buf.subarray(0, 8192).includes(0)) return { skipped: 'binary' };
  return { text: buf.toString('utf8').replace(/^\uFEFF/, '') };
}
