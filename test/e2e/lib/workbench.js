// Drives the real VS Code workbench (served by code-server) with playwright-core and
// Debian's chromium. playwright-core lives in test/e2e/node_modules and is required lazily,
// so this file can be loaded before ensureInstalled() has run.
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');
const CHROMIUM = process.env.PW_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function playwright() {
  return require('playwright-core');
}

/**
 * Chromium with a fresh profile (Playwright gives every launch() a new temporary
 * user-data-dir and removes it on close).
 * @returns {Promise<{browser: import('playwright-core').Browser, newPage: () => Promise<import('playwright-core').Page>, close: () => Promise<void>}>}
 */
async function launchBrowser({ headless = process.env.PW_HEADED !== '1', viewport = { width: 1440, height: 900 } } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set PW_CHROMIUM)`);
  }
  const browser = await playwright().chromium.launch({
    executablePath: CHROMIUM,
    headless,
    args: CHROMIUM_ARGS,
    timeout: 60000,
  });
  const contexts = [];
  return {
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
    },
  };
}

/** `vscode-remote://HOST:PORT/abs/path` for a path on the code-server machine. */
function remoteUri(serverUrl, absPath) {
  const { host } = new URL(serverUrl);
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${host}${p}`;
}

/** The workbench URL: `?folder=…&payload=[["extensionDevelopmentPath", …], …]`. */
function workbenchUrl({ serverUrl, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const base = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(serverUrl, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(serverUrl, extensionTestsPath)]);
  if (payload.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${base}${query.length ? `?${query.join('&')}` : ''}`;
}

/** Loads the workbench and waits until it is drawn. */
async function openWorkbench(page, opts) {
  const url = workbenchUrl(opts);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: opts.timeoutMs || 60000 });
  if (!opts.extensionTestsPath) {
    // The status bar shows up once the remote connection and the window are ready.
    await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60000 });
  }
  return url;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
const QUICK_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';

async function closeQuickInput(page) {
  if (await page.locator(QUICK_INPUT).isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

/** Labels of the rows the quick pick lists now. */
async function quickPickLabels(page) {
  return page.$$eval(QUICK_ROWS, (rows) =>
    rows.map((r) => {
      const label = r.querySelector('.label-name') || r.querySelector('.monaco-highlighted-label');
      return (label ? label.textContent : r.getAttribute('aria-label') || '').trim();
    })
  );
}

/**
 * Runs a command from the palette by its title (`Category: Title`). Extension commands
 * appear a few seconds after the workbench, so it retries until the command is listed.
 */
async function runCommand(page, title, { timeoutMs = 60000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastLabels = [];
  while (Date.now() < deadline) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`>${title}`);
    // Give the list a moment to filter.
    const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      lastLabels = await quickPickLabels(page);
      const index = lastLabels.findIndex((l) => l === title);
      if (index >= 0) {
        const row = page.locator(QUICK_ROWS).nth(index);
        await row.click();
        await page.locator(QUICK_INPUT_BOX).waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
        return;
      }
      await sleep(150);
    }
    await sleep(500);
  }
  await closeQuickInput(page);
  throw new Error(`command "${title}" did not appear in the palette within ${timeoutMs} ms (last list: ${JSON.stringify(lastLabels)})`);
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
async function openFile(page, relPath, { timeoutMs = 30000 } = {}) {
  const base = path.basename(relPath);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await closeQuickInput(page);
    await page.keyboard.press('Control+P');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(relPath);
    const t0 = Date.now();
    while (Date.now() - t0 < 3000) {
      const labels = await quickPickLabels(page);
      const index = labels.findIndex((l) => l === base);
      if (index >= 0) {
        await page.locator(QUICK_ROWS).nth(index).click();
        await activeTab(page, base).waitFor({ state: 'visible', timeout: 10000 });
        // Let the editor take focus.
        await page.locator('.editor-group-container.active .monaco-editor').first().waitFor({ state: 'visible', timeout: 10000 });
        return;
      }
      await sleep(150);
    }
    // File search may not be indexed yet: try again.
    await sleep(500);
  }
  await closeQuickInput(page);
  throw new Error(`could not open ${relPath} with Quick Open within ${timeoutMs} ms`);
}

function activeTab(page, label) {
  return page.locator(`.tabs-container .tab.active[aria-label*="${label.replace(/"/g, '\\"')}"]`).first();
}

/** Waits for an input box (showInputBox) whose prompt contains `promptText`, types `value`, Enter. */
async function answerInputBox(page, promptText, value, { timeoutMs = 30000 } = {}) {
  const widget = page.locator(QUICK_INPUT).filter({ hasText: promptText });
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  const input = page.locator(QUICK_INPUT_BOX);
  await input.click();
  // insertText behaves like a paste: one input event with the whole text.
  await page.keyboard.insertText(value);
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10000 });
}

/**
 * The content frame of the visible webview (two iframes deep: `iframe.webview.ready` →
 * `#active-frame`). With several webview panels open, call focusWebviewPanel(page, title)
 * first (or instead): only the webview of the active editor tab is visible.
 * @returns {import('playwright-core').FrameLocator}
 */
function webviewFrame(page) {
  const outer = page.locator('iframe.webview.ready').filter({ visible: true }).first();
  return outer.contentFrame().locator('iframe#active-frame').contentFrame();
}

/** Brings the editor tab whose label starts with `title` to the front and waits for its webview. */
async function focusWebviewPanel(page, title, { timeoutMs = 30000 } = {}) {
  const tab = page.locator(`.tabs-container .tab[aria-label^="${title.replace(/"/g, '\\"')}"]`).first();
  await tab.waitFor({ state: 'visible', timeout: timeoutMs });
  if (!(await tab.evaluate((el) => el.classList.contains('active')))) await tab.click();
  await page.locator('iframe.webview.ready').filter({ visible: true }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  return webviewFrame(page);
}

async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, name.endsWith('.png') ? name : `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

module.exports = {
  launchBrowser,
  openWorkbench,
  workbenchUrl,
  remoteUri,
  runCommand,
  openFile,
  answerInputBox,
  webviewFrame,
  focusWebviewPanel,
  closeQuickInput,
  quickPickLabels,
  screenshot,
  SCREENSHOT_DIR,
  CHROMIUM_ARGS,
};
