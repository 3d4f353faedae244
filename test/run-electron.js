// `npm run test:electron`: the same extension-host suite as `npm test`'s integration layer
// (out/test/integration/index.js), on desktop VS Code through @vscode/test-electron.
// It downloads VS Code from update.code.visualstudio.com into .vscode-test/ on first use,
// which these offline machines cannot do: then it stops with a clear message (`npm test`
// runs the suite on code-server instead). Options:
//   VSCODE_TEST_VERSION=1.100.3 (default; "stable" for the newest), INTEGRATION_GREP=pattern
// Desktop VS Code needs a display: on a headless Linux machine run it under `xvfb-run -a`.
const { execFileSync } = require('child_process');
const dns = require('dns');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const VERSION = process.env.VSCODE_TEST_VERSION || '1.100.3';
const CACHE = path.join(ROOT, '.vscode-test');

function canReach(host) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    dns.lookup(host, (err) => {
      clearTimeout(timer);
      resolve(!err);
    });
  });
}

function alreadyDownloaded() {
  return fs.existsSync(CACHE) && fs.readdirSync(CACHE).some((d) => d.startsWith('vscode-'));
}

async function main() {
  if (!alreadyDownloaded() && !(await canReach('update.code.visualstudio.com'))) {
    console.error(
      [
        '[test:electron] cannot download VS Code: update.code.visualstudio.com is unreachable from this machine',
        '  (and nothing is cached in .vscode-test/). This layer needs a machine with internet access.',
        '  Offline, the same suite runs on code-server\'s real extension host: `npm test` (or',
        '  `node test/e2e/run-extension-host.js` for that layer alone).',
      ].join('\n')
    );
    process.exit(2);
  }

  execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    console.error('[test:electron] tsc reported errors; running the suite with what it emitted.');
  }

  const { runTests } = require('@vscode/test-electron');
  const { makeScratchWorkspace } = require('./e2e/lib/workspace');
  const ws = makeScratchWorkspace({ label: 'electron' });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-electron-user-'));
  try {
    const code = await runTests({
      version: VERSION,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
      launchArgs: [ws.dir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userDataDir}`],
      extensionTestsEnv: {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...(process.env.INTEGRATION_GREP ? { INTEGRATION_GREP: process.env.INTEGRATION_GREP } : {}),
      },
    });
    process.exitCode = code;
  } catch (err) {
    const message = String(err && err.message ? err.message : err);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|download/i.test(message)) {
      console.error(`[test:electron] could not download VS Code ${VERSION}: ${message}\n  Offline, run \`npm test\` (code-server) instead.`);
    } else {
      console.error(`[test:electron] the extension-host suite failed: ${message}`);
    }
    process.exitCode = 1;
  } finally {
    ws.cleanup();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
