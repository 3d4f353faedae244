// The display language switched to Simplified Chinese, the way VS Code stores it (`locale` in
// argv.json, read by the server on each page load; see lib/languagePack.js): the palette shows the
// extension's commands in Chinese (package.nls.zh-cn.json) and its panels speak Chinese
// (l10n/bundle.l10n.zh-cn.json, webviews included). The expected texts are read from the
// translation files, so the test follows the translations. Restores English afterwards.
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { useDisplayLanguage } = require('./lib/languagePack');
const { assert, waitFor } = require('./lib/wait');

const ROOT = path.resolve(__dirname, '../..');
const CJK = /[\u4e00-\u9fff]/;

function zhManifest() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.zh-cn.json'), 'utf8'));
}

async function paletteLabels(page, filter) {
  await wb.closeQuickInput(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${filter}`);
  await page.waitForTimeout(800);
  const labels = await wb.quickPickLabels(page);
  await wb.closeQuickInput(page);
  return labels;
}

const TESTS = [
  {
    name: 'Display language 中文 (zh-cn): the palette lists the commands in Chinese and the run panel speaks Chinese',
    async fn({ page, userDataDir, extensionsDir }) {
      assert(userDataDir && extensionsDir, 'the runner passes the server’s user data and extensions folders');
      const zh = zhManifest();
      const category = zh['command.category'];
      const compareTitle = `${category}: ${zh['command.compareModels.title']}`;
      const runTitle = `${category}: ${zh['command.runPrompt.title']}`;
      assert(CJK.test(compareTitle) && CJK.test(runTitle), `the translations are Chinese: ${compareTitle} / ${runTitle}`);
      const restoreEnglish = useDisplayLanguage({ userDataDir, extensionsDir }, 'zh-cn');
      try {
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60000 });

        // Run Prompt and Compare Models are offered with a .prompt file open.
        await wb.openFile(page, 'prompts/email-summary.prompt');
        await waitFor('the extension’s commands in Chinese', async () => (await paletteLabels(page, compareTitle)).includes(compareTitle), 60000);
        assert((await paletteLabels(page, runTitle)).includes(runTitle), `the palette lists "${runTitle}"`);
        const labels = await paletteLabels(page, category);
        assert(labels.filter((l) => l.startsWith(`${category}:`)).every((l) => CJK.test(l) || /Prompt Workbench: [A-Z]{2,}/.test(l)), `every command title is translated: ${JSON.stringify(labels)}`);
        await page.keyboard.press('F1');
        await page.locator('.quick-input-widget .quick-input-box input').fill(`>${category}`);
        await page.waitForTimeout(800);
        await wb.screenshot(page, 'l10n-zh-cn-palette');
        await wb.closeQuickInput(page);

        await wb.runCommand(page, runTitle);
        const tab = page.locator('.tabs-container .tab').filter({ hasText: 'email-summary' }).last();
        await tab.waitFor({ state: 'visible', timeout: 30000 });
        const frame = wb.webviewFrame(page);
        const body = await waitFor('the run panel in Chinese', async () => {
          const text = (await frame.locator('body').textContent({ timeout: 2000 }).catch(() => '')) || '';
          return CJK.test(text) ? text : undefined;
        }, 30000);
        assert(CJK.test(body), 'the run panel webview shows Chinese text');
        // The panel's own buttons, from the host's markup and the webview's code, in the translations' words.
        const zhBundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8'));
        const buttons = (await frame.locator('button').allTextContents()).map((t) => t.trim());
        for (const english of ['Stop', 'Run again', 'Copy']) {
          assert(buttons.includes(zhBundle[english]), `the "${english}" button reads "${zhBundle[english]}" (buttons: ${JSON.stringify(buttons.slice(0, 12))})`);
        }
        assert(!buttons.includes('Run again') && !buttons.includes('Stop'), 'no English button is left');
        await wb.screenshot(page, 'l10n-zh-cn-run-panel');
      } finally {
        restoreEnglish();
      }
    },
  },
];

module.exports = { TESTS };
