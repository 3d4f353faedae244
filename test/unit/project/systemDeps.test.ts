// scripts/system-deps.sh, the one check of the Debian packages behind `.ci/run`, `npm test` and
// `npm run demo`: a missing package stops with what is missing and the apt-get line; as root
// with apt-get it installs (dry run here: PW_SYSDEPS_DRY_RUN) and says so.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../../..', 'scripts', 'system-deps.sh');
const IS_ROOT = process.getuid?.() === 0;

/** A PATH holding only the named commands (symlinks to the real ones that exist). */
function pathWith(dir: string, commands: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const c of commands) {
    const real = spawnSync('bash', ['-c', `command -v ${c}`], { encoding: 'utf8' }).stdout.trim();
    if (real) fs.symlinkSync(real, path.join(dir, c));
  }
  return dir;
}

function check(purpose: string, env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync('/bin/bash', [SCRIPT, purpose], { env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('scripts/system-deps.sh (system packages for the demo and the tests)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-sysdeps-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops with the missing packages and the apt-get line to run (no chromium, no rg)', () => {
    const PATH = pathWith(path.join(dir, 'bin'), ['id', 'make', 'g++', 'python3']);
    const test = check('test', { PATH, PW_CHROMIUM: path.join(dir, 'no-chromium'), PW_SYSDEPS_NO_INSTALL: '1' });
    assert.equal(test.status, 1, test.out);
    assert.match(test.out, /cannot go on: test needs Debian packages/);
    assert.match(test.out, /- chromium: .*no-chromium not found/);
    assert.match(test.out, /- ripgrep: rg not found/);
    assert.match(test.out, /apt-get install -y chromium ripgrep/);
    // The demo does not drive a browser of its own: only ripgrep is missing for it.
    const demo = check('demo', { PATH, PW_CHROMIUM: path.join(dir, 'no-chromium'), PW_SYSDEPS_NO_INSTALL: '1' });
    assert.equal(demo.status, 1, demo.out);
    assert.doesNotMatch(demo.out, /chromium/);
    assert.match(demo.out, /apt-get install -y ripgrep$/m);
  });

  it('as root with apt-get it installs what is missing and says so; nothing missing, nothing printed', () => {
    const PATH = pathWith(path.join(dir, 'bin'), ['id', 'make', 'g++', 'python3', 'apt-get']);
    const r = check('test', { PATH, PW_CHROMIUM: path.join(dir, 'no-chromium'), PW_SYSDEPS_DRY_RUN: '1' });
    if (IS_ROOT) {
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /running as root with apt-get: installing them \(apt-get install -y chromium ripgrep\)/);
      assert.match(r.out, /dry run: apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium ripgrep/);
    } else {
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /apt-get install -y chromium ripgrep/);
    }
    // Everything there (a fake chromium and rg): silent success.
    fs.writeFileSync(path.join(dir, 'chromium'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'bin', 'rg'), '#!/bin/sh\n', { mode: 0o755 });
    const ok = check('test', { PATH, PW_CHROMIUM: path.join(dir, 'chromium'), PW_SYSDEPS_NO_INSTALL: '1' });
    assert.deepEqual([ok.status, ok.out], [0, '']);
  });
});
