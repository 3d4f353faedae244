// Unit tests: plain Node, no VS Code. Builds first (esbuild: the CLI tests run dist/cli.js;
// tsc -p . into out/) unless --no-compile. `--grep PATTERN` runs a subset.
const path = require('path');
const { runSuite } = require('./mocha-runner');

const root = path.resolve(__dirname, '..');
const grepIndex = process.argv.indexOf('--grep');
process.env.AWS_EC2_METADATA_DISABLED = 'true';
runSuite({ name: 'unit', dir: path.join(root, 'out/test/unit'), bundle: true, grep: grepIndex > 0 ? process.argv[grepIndex + 1] : undefined });
