// Unit tests: plain Node, no VS Code. Compiles with tsc first unless --no-compile.
const { execFileSync } = require('child_process');
const path = require('path');
const { findTests, runMocha } = require('./mocha-runner');

const root = path.resolve(__dirname, '..');
if (!process.argv.includes('--no-compile')) {
  // The CLI tests run the built dist/cli.js, so build as well as type-check.
  execFileSync(process.execPath, [path.join(root, 'esbuild.js')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root], { stdio: 'inherit', cwd: root });
}
const grepIndex = process.argv.indexOf('--grep');
const grep = grepIndex > 0 ? process.argv[grepIndex + 1] : undefined;
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// test/security/: the hostile-workspace suite (issue 13), unit and CLI, runs with the unit layer.
runMocha([...findTests(path.join(root, 'out/test/unit'), '.test.js'), ...findTests(path.join(root, 'out/test/security'), '.test.js')], { grep }).then(({ passed, failed }) => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
