// Browser-driven tests of what a person sees: the real workbench (code-server) with the
// extension loaded, driven through Chromium like a user would, against the local Bedrock
// simulator. Each test gets a fresh scratch copy of the sample workspace and a fresh page.
//
// As a module: runBrowserTests({serverUrl, simulatorUrl, browser?}) → {passed, failed, results}
// From the command line (starts the simulator and its own code-server):
//   node test/e2e/browser.test.js [--grep PATTERN] [--vsix]
const path = require('path');
const wb = require('./lib/workbench');
const { makeScratchWorkspace } = require('./lib/workspace');

const REPO_ROOT = path.resolve(__dirname, '../..');
const RUN_TITLE = 'Prompt Workbench: Run Prompt';

const PASTED_EMAIL = [
  'From: Priya Raman <priya.raman@northwind-labs.example>',
  'Subject: Launch date',
  '',
  'Hi team, we decided to keep the Orders API v2 launch on November 12.',
  'Marco will post the 3x load test results by Thursday.',
  'Call me on +1 (415) 555-0137 if anything blocks you.',
  'Priya',
].join('\n');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function textOf(locator) {
  return ((await locator.textContent({ timeout: 5000 }).catch(() => null)) || '').trim();
}

/** Polls `#status` in the run panel until it reads one of `wanted`. */
async function waitForStatus(frame, wanted, timeoutMs = 45000) {
  const status = frame.locator('#status');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await textOf(status);
    if (wanted.includes(last)) return last;
    await sleep(200);
  }
  throw new Error(`#status stayed "${last}", expected ${wanted.map((w) => `"${w}"`).join(' or ')} within ${timeoutMs} ms`);
}

/** The number a metric shows (its `.value` child when it has one, without the label). */
async function metricText(frame, name) {
  const metric = frame.locator(`#metrics [data-metric="${name}"]`);
  const value = metric.locator('.value');
  return (await value.count()) ? textOf(value.first()) : textOf(metric);
}

/** Texts of the error notifications the workbench shows now (toasts). */
async function errorToasts(page) {
  return page.$$eval('.notification-toast', (toasts) =>
    toasts
      .filter((t) => t.querySelector('.notification-list-item-icon.codicon-error'))
      .map((t) => (t.querySelector('.notification-list-item-message') || t).textContent.trim())
  );
}

async function assertVisible(locator, what) {
  if (!(await locator.isVisible())) throw new Error(`${what} is not visible`);
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Gives a missing input the way the extension asks for it: an input box (`Value for “name”`,
 * one line) or the run panel's Inputs form (status "Needs inputs", field `#input-<name>`,
 * button `#run`). Returns which of the two it was.
 */
async function provideInput(page, name, value, panelTitle, timeoutMs = 30000) {
  const box = page.locator('.quick-input-widget').filter({ hasText: `“${name}”` });
  const tab = page.locator(`.tabs-container .tab[aria-label^="${panelTitle}"]`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await box.isVisible()) {
      await wb.answerInputBox(page, `“${name}”`, value.replace(/\s*\n\s*/g, ' '));
      return 'input box';
    }
    if (await tab.count()) {
      const frame = await wb.focusWebviewPanel(page, panelTitle);
      if ((await textOf(frame.locator('#status'))) === 'Needs inputs') {
        const field = frame.locator(`#input-${name.replace(/[^\w-]/g, '_')}`);
        await field.click();
        await field.fill(value);
        await frame.locator('#run').click();
        return 'inputs form';
      }
    }
    await sleep(200);
  }
  throw new Error(`the run asked for "${name}" neither with an input box nor in the panel's Inputs form within ${timeoutMs / 1000} s`);
}

/** If the run asks for an input with an input box, answer it; resolves once the panel exists. */
async function answerInputIfAsked(page, name, value, timeoutMs = 5000) {
  const widget = page.locator('.quick-input-widget').filter({ hasText: `“${name}”` });
  if (await widget.waitFor({ state: 'visible', timeout: timeoutMs }).then(() => true, () => false)) {
    await wb.answerInputBox(page, `“${name}”`, value);
  }
}

const TESTS = [
  {
    name: 'Run Prompt from the palette, paste an email as its input, see the streamed answer and metrics',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/email-summary.prompt');
      await wb.runCommand(page, RUN_TITLE);
      const askedWith = await provideInput(page, 'email', PASTED_EMAIL, 'Run: email-summary');
      const frame = await wb.focusWebviewPanel(page, 'Run: email-summary');
      await waitForStatus(frame, ['Done', 'Failed', 'Cancelled']).then((s) =>
        s === 'Done' ? s : frame.locator('#error').textContent().then((e) => Promise.reject(new Error(`run ended "${s}": ${e}`)))
      );
      const output = await textOf(frame.locator('#output'));
      assert(output.includes('local Bedrock simulator'), `#output does not hold the simulator's answer: ${output.slice(0, 300)}`);
      assert(/anthropic\.[\w.:-]+/.test(output), `#output does not name the model: ${output.slice(-200)}`);
      assert(output.includes('Orders API v2') || output.includes('Launch date'), `#output does not reflect the pasted email: ${output.slice(0, 300)}`);
      const ttft = await metricText(frame, 'ttft');
      assert(/\d/.test(ttft), `[data-metric="ttft"] shows no number: "${ttft}"`);
      const latency = await metricText(frame, 'latency');
      assert(/\d/.test(latency), `[data-metric="latency"] shows no number: "${latency}"`);
      const outTokens = await metricText(frame, 'outputTokens');
      const inTokens = await metricText(frame, 'inputTokens');
      assert(/\d/.test(inTokens), `[data-metric="inputTokens"] shows no number: "${inTokens}"`);
      assert(/\d/.test(outTokens), `[data-metric="outputTokens"] shows no number: "${outTokens}"`);
      await assertVisible(frame.locator('#endpoint-notice'), '#endpoint-notice (answers come from the local simulator)');
      assert(!(await frame.locator('#error').isVisible()), '#error is visible after a successful run');
      await wb.screenshot(page, 'run-prompt');
      // The toolbar's Scoreboard button opens the scoreboard (on this panel's prompt).
      await frame.locator('#scoreboard').click();
      await page.locator('.tabs-container .tab[aria-label^="Scoreboard"]').first().waitFor({ state: 'visible', timeout: 30000 });
      const errors = await errorToasts(page);
      assert(errors.length === 0, `the workbench shows error notifications: ${errors.join(' | ')}`);
      return `input via ${askedWith}; ttft ${ttft}, latency ${latency}`;
    },
  },
  {
    name: 'Stop a slow run: the panel says Cancelled and keeps the partial answer',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/slow-stop-demo.prompt');
      await wb.runCommand(page, RUN_TITLE);
      await answerInputIfAsked(page, 'question', 'What could go wrong on launch day?', 3000);
      const frame = await wb.focusWebviewPanel(page, 'Run: slow-stop-demo');
      await waitForStatus(frame, ['Streaming…', 'Streaming...'], 20000);
      // Wait for the first words, so that Stop interrupts a stream in progress.
      const deadline = Date.now() + 20000;
      while (Date.now() < deadline && (await textOf(frame.locator('#output'))).length === 0) await sleep(150);
      const partialBefore = await textOf(frame.locator('#output'));
      assert(partialBefore.length > 0, 'no text streamed in within 20 s');
      await wb.screenshot(page, 'stop-streaming');
      await frame.locator('#stop').click();
      await waitForStatus(frame, ['Cancelled'], 15000);
      const partial = await textOf(frame.locator('#output'));
      assert(partial.length > 0, 'the partial answer was dropped');
      assert(!partial.includes('local Bedrock simulator'), 'the answer ran to its end although Stop was clicked');
      await wb.screenshot(page, 'stop-cancelled');
      const errors = await errorToasts(page);
      assert(errors.length === 0, `the workbench shows error notifications: ${errors.join(' | ')}`);
    },
  },
];

// Prompt versions and the preview (test/e2e/versions.browser.js).
TESTS.push(...require('./versions.browser').TESTS);

// The comparison panel and the Runs view (test/e2e/compare.browser.js).
TESTS.push(...require('./compare.browser').TESTS);

// Rating blind in the comparison panel, and the Scoreboard (test/e2e/ratings.browser.js).
TESTS.push(...require('./ratings.browser').TESTS);

// Run Dataset: the results grid with outputs and check badges, rating a cell (test/e2e/datasets.browser.js).
TESTS.push(...require('./datasets.browser').TESTS);

// The model picker in the status bar and the cost guard (test/e2e/modelPicker.browser.js).
TESTS.push(...require('./modelPicker.browser').TESTS);

// The .prompt language features: squiggles as you type, Problems, completion (test/e2e/language.browser.js).
TESTS.push(...require('./language.browser').TESTS);

// The first start: the walkthrough and the samples.
TESTS.push(...require('./welcome.browser').TESTS);

// Tool calls answered in Run and Compare, and conversations (test/e2e/tools.browser.js).
TESTS.push(...require('./tools.browser').TESTS);

// The document index: Search Documents, and a RAG prompt's sources (test/e2e/rag.browser.js).
TESTS.push(...require('./rag.browser').TESTS);

// Summarize Email: paste a thread, the summary with details restored, a related document (test/e2e/email.browser.js).
TESTS.push(...require('./email.browser').TESTS);

// An image input: Choose File…, the thumbnail, the answer (test/e2e/media.browser.js).
TESTS.push(...require('./media.browser').TESTS);
// Improve Prompt: the optimizer's candidate wins on the sample's cases, Save as New Version (test/e2e/improve.browser.js).
TESTS.push(...require('./improve.browser').TESTS);

// The display language switched to Simplified Chinese (last: it changes the server's locale, then restores it).
TESTS.push(...require('./l10n.browser').TESTS);

// Approve for Production from the Scoreboard, the Releases view, the Lineage panel (test/e2e/releases.browser.js).
TESTS.push(...require('./releases.browser').TESTS);

/**
 * @param {{serverUrl: string, simulatorUrl: string, browser?: object, grep?: string, installed?: boolean, userDataDir?: string, extensionsDir?: string, log?: (s: string) => void}} o
 * @returns {Promise<{passed: number, failed: number, results: {name: string, ok: boolean, ms: number, error?: string}[]}>}
 */
async function runBrowserTests(o) {
  const log = o.log || ((s) => console.log(s));
  const ownBrowser = !o.browser;
  const browser = o.browser || (await wb.launchBrowser());
  const results = [];
  try {
    let index = 0;
    for (const test of TESTS) {
      index++;
      if (o.grep && !test.name.includes(o.grep)) continue;
      const started = Date.now();
      const ws = makeScratchWorkspace({ label: `browser-${index}`, endpointUrl: o.simulatorUrl, settings: test.settings, userDataDir: o.userDataDir });
      const page = await browser.newPage();
      const consoleErrors = [];
      page.on('pageerror', (err) => consoleErrors.push(err.message));
      try {
        // installed: the extension comes from the .vsix installed in code-server, not from this folder.
        await wb.openWorkbench(page, { serverUrl: o.serverUrl, folder: ws.dir, extensionDevelopmentPath: o.installed ? undefined : REPO_ROOT });
        const note = await withTimeout(test.fn({ page, ws: ws.dir, simulatorUrl: o.simulatorUrl, serverUrl: o.serverUrl, userDataDir: o.userDataDir, extensionsDir: o.extensionsDir, installed: Boolean(o.installed) }), test.timeoutMs ?? 120000, test.name);
        results.push({ name: test.name, ok: true, ms: Date.now() - started });
        log(`  ✔ ${test.name} (${((Date.now() - started) / 1000).toFixed(1)} s${note ? `; ${note}` : ''})`);
      } catch (err) {
        const shot = await wb.screenshot(page, `failure-browser-${index}`).catch(() => null);
        results.push({ name: test.name, ok: false, ms: Date.now() - started, error: err.message });
        log(`  ✘ ${test.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        log(`    ${String(err.stack || err).split('\n').join('\n    ')}`);
        if (shot) log(`    screenshot: ${path.relative(REPO_ROOT, shot)}`);
        if (consoleErrors.length) log(`    page errors: ${consoleErrors.slice(0, 5).join(' | ')}`);
      } finally {
        await page.close().catch(() => {});
        ws.cleanup();
      }
    }
  } finally {
    if (ownBrowser) await browser.close();
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`"${what}" took longer than ${ms / 1000} s`)), ms))),
  ]);
}

async function main() {
  const { ensureInstalled, startCodeServer } = require('./lib/codeServer');
  const { startSimulator, SIMULATOR_AWS_ENV } = require('./lib/simulator');
  const grepAt = process.argv.indexOf('--grep');
  // --vsix: against the extension installed from `npm run package`'s .vsix (as `npm test` runs it).
  const vsix = process.argv.includes('--vsix') ? require('../../scripts/package').vsixPath : undefined;
  if (vsix && !require('fs').existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  ensureInstalled();
  const sim = await startSimulator({ quiet: true });
  const { buildTestLanguagePack } = require('./lib/languagePack');
  const server = await startCodeServer({ env: SIMULATOR_AWS_ENV, installVsix: [vsix, buildTestLanguagePack()].filter(Boolean) }).catch(async (e) => {
    await sim.stop();
    throw e;
  });
  try {
    const r = await runBrowserTests({ serverUrl: server.url, simulatorUrl: sim.url, grep: grepAt > 0 ? process.argv[grepAt + 1] : undefined, installed: Boolean(vsix), userDataDir: server.userDataDir, extensionsDir: server.extensionsDir });
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exitCode = r.failed > 0 || r.passed === 0 ? 1 : 0;
  } finally {
    await server.stop();
    await sim.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { runBrowserTests, TESTS };
