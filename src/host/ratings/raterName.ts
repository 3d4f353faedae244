import { execFile } from 'node:child_process';
import * as os from 'node:os';

const cache = new Map<string, Promise<string | null>>();

/**
 * Who rates: git's `user.name` for the workspace folder (what the commits that carry the
 * ratings will say), else the OS user name. Asked once per folder; a missing git is no error.
 */
export function raterName(folder: string): Promise<string | null> {
  let found = cache.get(folder);
  if (!found) {
    found = new Promise<string | null>((resolve) => {
      execFile('git', ['config', 'user.name'], { cwd: folder, timeout: 3000, windowsHide: true }, (err, stdout) => {
        const name = !err && typeof stdout === 'string' ? stdout.trim() : '';
        if (name) return resolve(name);
        try {
          resolve(os.userInfo().username || null);
        } catch {
          resolve(null);
        }
      });
    });
    cache.set(folder, found);
  }
  return found;
}
