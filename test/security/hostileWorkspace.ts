// A hostile workspace for the security suite: a workspace folder a stranger could have written,
// next to an "outside" folder standing for the rest of the person's disk (a ~/.bashrc, a
// ~/.aws/credentials). Every attack is judged by the outside files: unchanged, and never read.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface HostileWorkspace {
  /** The workspace folder (the cloned repository). */
  ws: string;
  /** Stands for the rest of the disk. */
  outside: string;
  /** `outside/bashrc`: what a planted link points writes at. */
  bashrc: string;
  /** `outside/credentials`: what a planted path tries to read. */
  credentials: string;
  /** Plants a symbolic link at `ws/<rel>` pointing at `target`. */
  plant(rel: string, target: string): string;
  /** Asserts that no outside file changed and no new file appeared there. */
  outsideUnchanged(): void;
  cleanup(): void;
}

export const BASHRC = '# the user\'s shell start-up file\nexport PATH=/usr/bin\n';
export const CREDENTIALS = '[default]\naws_access_key_id = AKIAOUTSIDEDONOTREAD\naws_secret_access_key = outside-secret-never-read\n';

export function hostileWorkspace(): HostileWorkspace {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-hostile-')));
  const ws = path.join(base, 'repo');
  const outside = path.join(base, 'home');
  fs.mkdirSync(ws);
  fs.mkdirSync(outside);
  const bashrc = path.join(outside, 'bashrc');
  const credentials = path.join(outside, 'credentials');
  fs.writeFileSync(bashrc, BASHRC);
  fs.writeFileSync(credentials, CREDENTIALS);
  const snapshot = () =>
    fs
      .readdirSync(outside, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const file = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
        return `${path.relative(outside, file)}:${fs.readFileSync(file, 'utf8')}`;
      })
      .sort();
  const before = snapshot();
  return {
    ws,
    outside,
    bashrc,
    credentials,
    plant(rel, target) {
      const at = path.join(ws, rel);
      fs.mkdirSync(path.dirname(at), { recursive: true });
      fs.symlinkSync(target, at);
      return at;
    },
    outsideUnchanged() {
      const after = snapshot();
      if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`files outside the workspace changed:\n${after.join('\n')}`);
    },
    cleanup() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
