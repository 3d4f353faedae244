// Runs compiled mocha test files in this process and ends with one line `N passed, N failed`.
// Used by test/run-unit.js and test/run-conformance.js; the extension-host suite has its own
// entry (test/integration/index.ts) because it runs inside VS Code.
const Mocha = require('mocha');
const fs = require('fs');
const path = require('path');

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

module.exports = { findTests, runMocha };
