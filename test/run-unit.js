// Unit tests: plain Node, no VS Code. Builds first (esbuild: the CLI tests run dist/cli.js;
// tsc -p . into out/) unless --no-compile. `--grep PATTERN` runs a subset.
const path = require('path');
const { runSuite } = require('./mocha-runner');

const root = path.resolve(__dirname, '..');
const grepIndex = process.argv.indexOf('--grep');
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// test/security/: the hostile-workspace suite (issue 13), unit and CLI, runs with the unit layer.
runSuite({ name: 'unit', dirs: [path.join(root, 'out/test/unit'), path.join(root, 'out/test/security')], bundle: true, grep: grepIndex > 0 ? process.argv[grepIndex + 1] : undefined });
