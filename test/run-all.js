// `npm test`: every layer, one command, one verdict.
//
//   package      node scripts/package.js (production build + .vsix), before the dev build
//   build        node esbuild.js
//   compile      tsc -p .  (type errors fail the run; the emitted JS is still used)
//   unit         node test/run-unit.js --no-compile
//   conformance  node test/run-conformance.js --no-compile
//   e2e install  code-server + playwright-core into test/e2e (skipped when present)
//   integration  the extension-host suite inside code-server's real extension host
//   browser      what a person sees, driven through Chromium, against the extension installed
//                from the .vsix (code-server --install-extension), so a packaging mistake fails
//
// The Bedrock simulator and ONE code-server are started once for the browser layers; each
// layer gets its own scratch copy of the sample workspace. Prints each layer's counts and
// time, then exactly `N passed, N failed` (sums), and exits non-zero on any failure; a
// layer that could not run at all counts as one failure, never as a silent 0.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
process.chdir(ROOT);
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const COUNT_LINE = /^(\d+) passed, (\d+) failed\b/;
const layers = [];
const cleanups = [];
const children = new Set();
const t0 = Date.now();

function banner(name) {
  console.log(`\n━━ ${name} ${'━'.repeat(Math.max(3, 70 - name.length))}`);
}

function fmt(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs a command, echoing its output; resolves with the exit code and the output. */
function exec(cmd, args, { timeoutMs = 10 * 60 * 1000, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child.pid);
    let out = '';
    const onData = (stream) => (d) => {
      out += d;
      stream.write(d);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    const timer = setTimeout(() => {
      out += `\n[run-all] ${cmd} ${args.join(' ')} timed out after ${fmt(timeoutMs)}: killed\n`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, out: `${out}\n${err.message}` });
    });
    child.on('close', (code, signal) => {
      children.delete(child.pid);
      clearTimeout(timer);
      resolve({ code: code === null ? (signal ? 128 : 1) : code, out });
    });
  });
}

function record(name, passed, failed, ms, note = '', isStep = false) {
  layers.push({ name, passed, failed, ms, note, isStep });
  const counts = isStep ? (failed ? 'FAILED' : 'ok') : `${passed} passed, ${failed} failed`;
  console.log(`[run-all] ${name}: ${counts} (${fmt(ms)})${note ? ` ${note}` : ''}`);
}

/** A step that is not a test layer (build, compile, install): counts nothing, or one failure. */
function recordStep(name, ok, ms, note = '') {
  record(name, 0, ok ? 0 : 1, ms, note, true);
}

/** A build step. */
async function step(name, cmd, args) {
  banner(name);
  const started = Date.now();
  const { code } = await exec(cmd, args);
  recordStep(name, code === 0, Date.now() - started, code === 0 ? '' : `(exit ${code})`);
  return code === 0;
}

/** A test layer run as a child process that ends with `N passed, N failed`. */
async function countedLayer(name, script, args = []) {
  banner(name);
  const started = Date.now();
  if (!fs.existsSync(path.join(ROOT, script))) {
    record(name, 0, 1, 0, `(did not run: ${script} is missing)`);
    return;
  }
  const { code, out } = await exec(process.execPath, [script, ...args]);
  const counts = out
    .split('\n')
    .map((l) => COUNT_LINE.exec(l.trim()))
    .filter(Boolean)
    .pop();
  let passed = counts ? Number(counts[1]) : 0;
  let failed = counts ? Number(counts[2]) : 0;
  let note = '';
  if (!counts) {
    failed = Math.max(failed, 1);
    note = `(no "N passed, N failed" line; exit ${code})`;
  } else if (code !== 0 && failed === 0) {
    failed = 1;
    note = `(exit ${code})`;
  } else if (passed === 0 && failed === 0) {
    failed = 1;
    note = '(ran no tests)';
  }
  record(name, passed, failed, Date.now() - started, note);
}

async function e2eLayers(buildOk, vsix) {
  const { ensureInstalled, startCodeServer } = require('./e2e/lib/codeServer');

  banner('e2e install');
  let started = Date.now();
  try {
    const r = ensureInstalled();
    recordStep('e2e install', true, Date.now() - started, r.installed ? '(installed code-server + playwright-core)' : '(already installed)');
  } catch (err) {
    console.error(err.message);
    recordStep('e2e install', false, Date.now() - started);
    record('integration', 0, 1, 0, '(did not run: no code-server)');
    record('browser', 0, 1, 0, '(did not run: no code-server)');
    return;
  }
  if (!buildOk) {
    record('integration', 0, 1, 0, '(did not run: the build failed)');
    record('browser', 0, 1, 0, '(did not run: the build failed)');
    return;
  }

  const { startSimulator, SIMULATOR_AWS_ENV } = require('./e2e/lib/simulator');
  const { launchBrowser } = require('./e2e/lib/workbench');
  const { makeScratchWorkspace } = require('./e2e/lib/workspace');
  const { runExtensionHostSuite } = require('./e2e/run-extension-host');
  const { runBrowserTests } = require('./e2e/browser.test');

  banner('e2e setup');
  started = Date.now();
  let sim;
  let server;
  let browser;
  try {
    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    sim = await startSimulator({ quiet: true, logFile: path.join(ROOT, 'test-results/bedrock-simulator.log') });
    cleanups.push(() => sim.stop());
    console.log(`[run-all] Bedrock simulator at ${sim.url}`);
    // The extension's .vsix, and an empty zh-cn language pack so the browser suite can switch the display language.
    const { buildTestLanguagePack } = require('./e2e/lib/languagePack');
    server = await startCodeServer({ env: SIMULATOR_AWS_ENV, installVsix: [vsix, buildTestLanguagePack()].filter(Boolean) });
    cleanups.push(() => server.stop());
    console.log(`[run-all] code-server at ${server.url} (log ${server.logFile})`);
    browser = await launchBrowser();
    cleanups.push(() => browser.close());
    recordStep('e2e setup', true, Date.now() - started, '(simulator, code-server, chromium)');
  } catch (err) {
    console.error(`[run-all] e2e setup failed: ${err.stack || err}`);
    recordStep('e2e setup', false, Date.now() - started);
    record('integration', 0, 1, 0, '(did not run: e2e setup failed)');
    record('browser', 0, 1, 0, '(did not run: e2e setup failed)');
    return;
  }

  banner('integration (extension host in code-server)');
  started = Date.now();
  let ws = makeScratchWorkspace({ label: 'integration', endpointUrl: sim.url });
  try {
    const r = await runExtensionHostSuite({ serverUrl: server.url, folder: ws.dir, browser });
    record('integration', r.passed, r.failed, Date.now() - started, r.exitCode === 0 ? '' : `(exit ${r.exitCode})`);
  } catch (err) {
    console.error(err.stack || err);
    record('integration', 0, 1, Date.now() - started, '(did not run)');
  } finally {
    ws.cleanup();
  }

  banner('browser (workbench driven through Chromium, extension installed from the .vsix)');
  started = Date.now();
  if (!vsix) {
    record('browser', 0, 1, 0, '(did not run: no .vsix to install, the package step failed)');
    return;
  }
  try {
    const r = await runBrowserTests({ serverUrl: server.url, simulatorUrl: sim.url, browser, installed: true, userDataDir: server.userDataDir, extensionsDir: server.extensionsDir });
    record('browser', r.passed, r.failed, Date.now() - started);
  } catch (err) {
    console.error(err.stack || err);
    record('browser', 0, 1, Date.now() - started, '(did not run)');
  }
  if (layers.some((l) => l.failed > 0)) {
    const tail = server.logTail(30);
    if (/error/i.test(tail)) console.log(`[run-all] code-server log (last lines):\n${tail}`);
  }
}

async function cleanup() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`[run-all] cleanup: ${err.message}`);
    }
  }
  cleanups.length = 0;
}

async function main() {
  // chromium, libkrb5-dev, ripgrep, build tools: as root with apt they are installed (saying so),
  // otherwise the run stops here with the apt-get line instead of failing later in a layer.
  if (!require('../scripts/systemDeps').ensureSystemPackages('test')) {
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  // The .vsix first (a production build of dist/), then the development build over it: the
  // integration suite runs from this folder, the browser suite from the installed package.
  const packageOk = await step('package (.vsix)', process.execPath, ['scripts/package.js']);
  const buildOk = await step('build', process.execPath, ['esbuild.js']);
  const tscOk = await step('compile', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.']);
  if (!tscOk && !fs.existsSync(path.join(ROOT, 'out'))) console.error('[run-all] tsc emitted nothing: the test layers will not run');
  await countedLayer('unit', 'test/run-unit.js', ['--no-compile']);
  await countedLayer('conformance', 'test/run-conformance.js', ['--no-compile']);
  try {
    await e2eLayers(buildOk && fs.existsSync(path.join(ROOT, 'out/test/integration/index.js')), packageOk ? require('../scripts/package').vsixPath : undefined);
  } finally {
    await cleanup();
  }

  const passed = layers.reduce((s, l) => s + l.passed, 0);
  const failed = layers.reduce((s, l) => s + l.failed, 0);
  banner('summary');
  const w = Math.max(...layers.map((l) => l.name.length));
  for (const l of layers) {
    const counts = l.isStep ? (l.failed ? 'FAILED'.padEnd(22) : 'ok'.padEnd(22)) : `${String(l.passed).padStart(4)} passed ${String(l.failed).padStart(3)} failed`;
    console.log(`  ${l.failed ? '✘' : '✔'} ${l.name.padEnd(w)}  ${counts}  ${fmt(l.ms).padStart(8)}${l.note ? `  ${l.note}` : ''}`);
  }
  console.log(`  total time ${fmt(Date.now() - t0)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    console.error(`\n[run-all] ${sig}: stopping`);
    for (const pid of children) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    cleanup().finally(() => process.exit(130));
  });
}

main().catch(async (err) => {
  console.error(err.stack || err);
  await cleanup();
  console.log('0 passed, 1 failed');
  process.exit(1);
});
