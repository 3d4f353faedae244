// The dotprompt format's own test cases, run through the project's render path.
// Runs the compiled tests in out/test/conformance; compiling (tsc -p .) happens before this.
const path = require('path');
const { findTests, runMocha } = require('./mocha-runner');

const root = path.resolve(__dirname, '..');
const files = findTests(path.join(root, 'out', 'test', 'conformance'), '.test.js');
if (files.length === 0) {
  console.error('No compiled conformance tests in out/test/conformance: run `npx tsc -p .` first.');
}
runMocha(files).then(({ passed, failed }) => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
