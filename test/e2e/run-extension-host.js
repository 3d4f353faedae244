// Runs the extension-host suite (out/test/integration/index.js) inside code-server's real
// Node extension host: the web workbench takes `extensionDevelopmentPath` and
// `extensionTestsPath` in its `payload` query, reports the extension host's console through
// window.codeAutomationLog and the end through window.codeAutomationExit(code).
//
// As a module: runExtensionHostSuite({serverUrl, folder, …}) → {passed, failed, exitCode, ms}
// From the command line (starts its own code-server on a scratch workspace):
//   node test/e2e/run-extension-host.js [--grep PATTERN]
const fs = require('fs');
const path = require('path');
const util = require('util');

const REPO_ROOT = path.resolve(__dirname, '../..');
const DEFAULT_TESTS = path.join(REPO_ROOT, 'out/test/integration/index.js');
const RESULT_LINE = /INTEGRATION: (\d+) passed, (\d+) failed/;

/**
 * @param {object} o
 * @param {string} o.serverUrl code-server's URL
 * @param {string} o.folder the workspace folder to open
 * @param {string} [o.extensionDevelopmentPath] default: the repo root
 * @param {string} [o.extensionTestsPath] default: out/test/integration/index.js
 * @param {{newPage: () => Promise<import('playwright-core').Page>}} [o.browser] from launchBrowser(); one is launched if missing
 * @param {number} [o.timeoutMs] default 5 minutes
 * @param {(line: string) => void} [o.echo] receives each line of the extension host's log
 * @returns {Promise<{passed: number, failed: number, exitCode: number | null, ms: number, sawResultLine: boolean, log: string[]}>}
 */
async function runExtensionHostSuite(o) {
  const wb = require('./lib/workbench');
  const started = Date.now();
  const testsPath = o.extensionTestsPath || DEFAULT_TESTS;
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: run \`npx tsc -p .\` first`);
  const echo = o.echo || ((line) => console.log(`  │ ${line}`));
  const ownBrowser = !o.browser;
  const browser = o.browser || (await wb.launchBrowser());
  const log = [];
  let result = null;
  let exitCode = null;
  let page;
  try {
    page = await browser.newPage();
    let resolveExit;
    const exited = new Promise((resolve) => (resolveExit = resolve));
    // Both must exist before the workbench loads: it looks them up when it starts.
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      for (const line of formatLogMessage(message).split('\n')) {
        log.push(line);
        const m = RESULT_LINE.exec(line);
        if (m) result = { passed: Number(m[1]), failed: Number(m[2]) };
        if (isSuiteOutput(line)) echo(line);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    page.on('pageerror', (err) => log.push(`[pageerror] ${err.message}`));
    await wb.openWorkbench(page, {
      serverUrl: o.serverUrl,
      folder: o.folder,
      extensionDevelopmentPath: o.extensionDevelopmentPath || REPO_ROOT,
      extensionTestsPath: testsPath,
    });
    const timeoutMs = o.timeoutMs || 5 * 60 * 1000;
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      echo(`the extension-host suite did not finish within ${timeoutMs / 1000} s`);
      if (page) await wb.screenshot(page, 'extension-host-timeout').catch(() => {});
    } else {
      exitCode = typeof outcome === 'number' ? outcome : Number(outcome);
    }
  } finally {
    if (page) await page.close().catch(() => {});
    if (ownBrowser) await browser.close();
  }
  const ms = Date.now() - started;
  const sawResultLine = result !== null;
  let { passed, failed } = result || { passed: 0, failed: 0 };
  // A suite that did not report, exited non-zero or timed out is a failure, never a silent 0.
  if (!sawResultLine || exitCode !== 0) failed = Math.max(failed, 1);
  if (!sawResultLine) {
    echo('no "INTEGRATION: N passed, N failed" line came from the extension host; its last log lines:');
    for (const line of log.slice(-40)) echo(`  ${line}`);
  }
  return { passed, failed, exitCode, ms, sawResultLine, log };
}

/** codeAutomationLog gets console.log's arguments (`["%s%s", "  ", "Suite"]`, an array or its JSON): format them the same way. */
function formatLogMessage(message) {
  if (Array.isArray(message)) return util.format(...message);
  if (typeof message !== 'string') return util.format('%o', message);
  if (message.startsWith('[')) {
    try {
      const args = JSON.parse(message);
      if (Array.isArray(args)) return util.format(...args);
    } catch {
      /* plain text */
    }
  }
  return message;
}

const CHATTER = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^\[driver\]/,
];

/**
 * The extension host's console lines reach codeAutomationLog among the workbench's own
 * log lines; keep mocha's report and errors, drop the workbench's chatter.
 */
function isSuiteOutput(line) {
  if (process.env.PW_VERBOSE) return true;
  return !CHATTER.some((re) => re.test(line));
}

async function main() {
  const { ensureInstalled, startCodeServer } = require('./lib/codeServer');
  const { makeScratchWorkspace } = require('./lib/workspace');
  const { SIMULATOR_AWS_ENV } = require('./lib/simulator');
  const grepAt = process.argv.indexOf('--grep');
  ensureInstalled();
  const ws = makeScratchWorkspace({ label: 'integration' });
  const env = { ...SIMULATOR_AWS_ENV };
  if (grepAt > 0) env.INTEGRATION_GREP = process.argv[grepAt + 1];
  const server = await startCodeServer({ env });
  try {
    const r = await runExtensionHostSuite({ serverUrl: server.url, folder: ws.dir });
    console.log(`${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s, exit ${r.exitCode})`);
    process.exitCode = r.failed > 0 || r.passed === 0 ? 1 : 0;
  } finally {
    await server.stop();
    ws.cleanup();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { runExtensionHostSuite, RESULT_LINE };
