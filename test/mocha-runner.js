// Runs compiled mocha test files in this process and ends with one line `N passed, N failed`.
// Used by test/run-unit.js and test/run-conformance.js; the extension-host suite has its own
// entry (test/integration/index.ts) because it runs inside VS Code.
const { spawnSync } = require('child_process');
const Mocha = require('mocha');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function findTests(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findTests(path.join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [path.join(dir, e.name)] : []))
    .sort();
}

/** @returns {Promise<{passed:number, failed:number}>} */
function runMocha(files, { timeout = 20000, grep } = {}) {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout, color: false, grep });
  files.forEach((f) => mocha.addFile(f));
  return new Promise((resolve) => {
    let passed = 0;
    let failed = 0;
    const runner = mocha.run(() => resolve({ passed, failed }));
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
  });
}

/**
 * Builds what the tests run (unless `--no-compile`, which `npm test` passes after its own
 * build): esbuild when `bundle` (the CLI tests run dist/cli.js), then `tsc -p .` into out/.
 * Type errors are printed and make the run fail, but the emitted JS still runs.
 * @returns {boolean} false when the type check failed
 */
function compileUnlessAsked({ bundle = false } = {}) {
  if (process.argv.includes('--no-compile')) return true;
  if (bundle) {
    const built = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { stdio: 'inherit', cwd: ROOT });
    if (built.status !== 0) throw new Error(`node esbuild.js failed (exit ${built.status})`);
  }
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', ROOT], { stdio: 'inherit', cwd: ROOT });
  if (tsc.status !== 0) console.error(`tsc -p . reported type errors (exit ${tsc.status}): the run fails, the emitted tests still run.`);
  return tsc.status === 0;
}

/**
 * The whole runner: compile, find `dir`'s compiled tests, run them, print `N passed, N failed`.
 * Finding no test file, or running no test, fails loudly: a silent "0 passed" hides a build
 * that never happened.
 */
function runSuite({ name, dir, dirs, bundle = false, grep }) {
  let compiled;
  try {
    compiled = compileUnlessAsked({ bundle });
  } catch (err) {
    console.error(`${name}: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  const folders = dirs ?? [dir];
  const files = folders.flatMap((d) => findTests(d, '.test.js'));
  if (files.length === 0) {
    console.error(`${name}: no compiled test files in ${folders.map((d) => path.relative(ROOT, d)).join(', ')} (did \`tsc -p .\` emit them?)`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  runMocha(files, { grep }).then(({ passed, failed }) => {
    if (passed + failed === 0) console.error(`${name}: ${files.length} test files, but no test ran${grep ? ` (nothing matches --grep ${grep})` : ''}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || passed === 0 || !compiled ? 1 : 0;
  });
}

module.exports = { findTests, runMocha, runSuite };
