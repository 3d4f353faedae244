// Entry of the extension-host suite: VS Code (desktop through @vscode/test-electron, or
// code-server through test/e2e/run-extension-host.js) loads this file as
// `extensionTestsPath` and awaits run(). It runs every out/test/integration/**/*.test.js
// with mocha and ends with one line `INTEGRATION: N passed, N failed` that the harness parses.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return findTests(p);
      return e.name.endsWith('.test.js') ? [p] : [];
    })
    .sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 30000,
    reporter: 'spec',
    color: false,
    grep: process.env.INTEGRATION_GREP || undefined,
  });
  const files = findTests(__dirname);
  for (const file of files) mocha.addFile(file);

  return new Promise<void>((resolve, reject) => {
    let passed = 0;
    let failed = 0;
    const finish = (error?: Error) => {
      console.log(`INTEGRATION: ${passed} passed, ${failed} failed`);
      if (error) reject(error);
      else if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
      else if (passed === 0) reject(new Error(`no integration test ran (found ${files.length} files under ${__dirname})`));
      else resolve();
    };
    try {
      const runner = mocha.run(() => finish());
      runner.on('pass', () => passed++);
      runner.on('fail', () => failed++);
    } catch (err) {
      failed++;
      console.error(err);
      finish(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
