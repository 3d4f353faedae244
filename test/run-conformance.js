// The dotprompt format's own test cases, run through the project's render path. Compiles
// (tsc -p . into out/) first unless --no-compile, then runs out/test/conformance.
const path = require('path');
const { runSuite } = require('./mocha-runner');

const root = path.resolve(__dirname, '..');
runSuite({ name: 'conformance', dir: path.join(root, 'out', 'test', 'conformance') });
