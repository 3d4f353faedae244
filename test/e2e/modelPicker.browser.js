// Browser-driven tests of the model picker and the cost guard, as a person uses them: the
// status bar item shows the active model; clicking it opens a picker grouped by provider
// with prices and context windows (including the cross-Region profiles the simulator's
// control plane lists), which says when the open prompt names its own models; from there
// three models go into the comparison shortlist, and the tooltip shows them with the session
// cost. A run over the cost threshold asks first. Run by browser.test.js (which appends these
// TESTS to its own) against the real workbench and the local Bedrock simulator.
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { sleep, assert, waitFor } = require('./lib/wait');

const STATUS_ITEM = '#workbench\\.parts\\.statusbar .statusbar-item[aria-label^="Prompt Workbench model:"]';
const QUICK = '.quick-input-widget';
const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';
const DIALOG = '.monaco-dialog-box';



async function text(locator) {
  return ((await locator.first().textContent({ timeout: 3000 }).catch(() => null)) || '').trim();
}

const quickTitle = (page) => text(page.locator(`${QUICK} .quick-input-title`));

/** The picker row whose label is exactly `label`. */
function row(page, label) {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page.locator(ROWS).filter({ has: page.locator('.label-name', { hasText: exact }) });
}

/** Types into the picker's search box and waits for the row `label` to be listed. */
async function search(page, query, label = query) {
  await page.locator(QUICK_INPUT).fill(query);
  await row(page, label).first().waitFor({ state: 'visible', timeout: 30000 });
  return row(page, label).first();
}

/** Hovers the status bar item and returns the text of the hover that shows its tooltip. */
async function statusTooltip(page, mustContain) {
  await page.locator(STATUS_ITEM).hover();
  return waitFor(`the status bar tooltip to show "${mustContain}"`, async () => {
    const hovers = await page.locator('.workbench-hover, .monaco-hover').allTextContents();
    return hovers.find((h) => h.includes(mustContain));
  });
}

const TESTS = [
  {
    name: 'Model picker: pick 3 models for the comparison shortlist from the status bar',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/email-summary.prompt');
      const item = page.locator(STATUS_ITEM);
      await item.waitFor({ state: 'visible', timeout: 30000 });
      assert((await text(item)).includes('Claude Haiku 4.5'), `the status bar shows the active model: "${await text(item)}"`);

      await item.click();
      await page.locator(QUICK).waitFor({ state: 'visible', timeout: 10000 });
      const title = await quickTitle(page);
      assert(/email-summary\.prompt names its own model \(bedrock\/global\.anthropic\.claude-haiku-4-5/.test(title), `the picker says the prompt's own model wins: "${title}"`);
      const listed = await waitFor('the models grouped by provider', async () => {
        const shown = await text(page.locator(`${QUICK} .quick-input-list`));
        return shown.includes('Amazon Bedrock') && shown.includes('Claude 3.5 Haiku') ? shown : undefined;
      });
      assert(/Choose comparison models/.test(listed), `the picker offers the shortlist: "${listed.slice(0, 300)}"`);
      // The simulator's control plane lists cross-Region profiles: the catalog is refreshed, priced from the built-ins.
      const profile = await search(page, 'US Anthropic Claude 3.5 Haiku');
      const profileText = await text(profile);
      assert(profileText.includes('200K context') && profileText.includes('$0.80 / $4.00 per M tokens in/out'), `a model row shows context window and prices: "${profileText}"`);
      // A model the built-in table does not know is priced from the AWS Price List (the simulator's GetProducts), and says so.
      const untabled = await text(await search(page, 'Qwen3 32B'));
      assert(untabled.includes('$0.15') && untabled.includes('AWS Price List'), `a model priced only by the Price List shows that price and its source: "${untabled}"`);

      (await search(page, 'Choose comparison', 'Choose comparison models…')).click();
      await waitFor('the comparison picker', async () => /^Comparison models/.test(await quickTitle(page)));
      const compareTitle = await quickTitle(page);
      assert(compareTitle.includes('email-summary.prompt sets workbench.compare, which it keeps'), `the picker says the prompt's list wins: "${compareTitle}"`);
      assert(compareTitle.includes('1 of up to 3 picked'), `the active model is suggested: "${compareTitle}"`);
      for (const name of ['Amazon Nova Lite', 'Llama 3.1 8B Instruct']) {
        const rowOf = await search(page, name);
        await rowOf.click();
        await waitFor(`${name} to be checked`, async () => (await row(page, name).first().getAttribute('aria-checked')) === 'true');
      }
      await page.locator(QUICK_INPUT).fill('');
      await waitFor('3 picked', async () => (await quickTitle(page)).includes('3 of up to 3 picked'));
      // The list is long (today's lineup): filter it so the suggested model's row is rendered, then read its check.
      await page.locator(QUICK_INPUT).fill('Claude Haiku 4.5');
      const checked = await waitFor('the suggested Claude Haiku 4.5 row', async () => {
        const labels = await page.locator(`${ROWS}[aria-checked="true"] .label-name`).allTextContents();
        return labels.some((c) => c.includes('Claude Haiku 4.5')) ? labels : undefined;
      });
      assert(checked.some((c) => c.includes('Claude Haiku 4.5')), `Claude Haiku 4.5 stays checked: ${JSON.stringify(checked)}`);
      await page.locator(QUICK_INPUT).fill('');
      await waitFor('3 picked', async () => (await quickTitle(page)).includes('3 of up to 3 picked'));
      await wb.screenshot(page, 'model-picker');
      await page.keyboard.press('Enter');
      await page.locator(QUICK).waitFor({ state: 'hidden', timeout: 10000 });

      const tooltip = await statusTooltip(page, 'Comparison shortlist');
      for (const name of ['Claude Haiku 4.5', 'Amazon Nova Lite', 'Llama 3.1 8B Instruct']) {
        assert(tooltip.includes(name), `the tooltip lists ${name} in the shortlist: "${tooltip}"`);
      }
      assert(/This session: \$0 over 0 runs/.test(tooltip), `the tooltip shows the session total: "${tooltip}"`);
      await sleep(500); // the hover fades in
      await wb.screenshot(page, 'model-picker-tooltip');
    },
  },
  {
    name: 'Cost guard: a run over the threshold asks first; Cancel sends nothing, Run Anyway runs and adds to the session total',
    async fn({ page, ws }) {
      fs.writeFileSync(
        path.join(ws, 'prompts', 'cost-check.prompt'),
        ['---', 'name: cost-check', 'model: bedrock/anthropic.claude-opus-4-20250514-v1:0', 'config: {maxOutputTokens: 4000}', '---', 'List three risks of launching on a Friday.', ''].join('\n'),
      );
      await wb.openFile(page, 'prompts/cost-check.prompt');
      const runTitle = 'Prompt Workbench: Run Prompt';
      await wb.runCommand(page, runTitle);
      const dialog = page.locator(DIALOG);
      await dialog.waitFor({ state: 'visible', timeout: 30000 });
      const message = await text(dialog);
      assert(/This run may cost up to about \$0\.30, over your limit of \$0\.10/.test(message), `the dialog gives the estimate and the limit: "${message}"`);
      assert(message.includes('Claude Opus 4'), `the dialog names the model: "${message}"`);
      await wb.screenshot(page, 'cost-guard');
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden', timeout: 10000 });
      await sleep(1500);
      const tabs = await page.locator('.tabs-container .tab[aria-label^="Run: cost-check"]').count();
      assert(tabs === 0, 'Cancel ran nothing: no run panel opened');

      await wb.runCommand(page, runTitle);
      await dialog.waitFor({ state: 'visible', timeout: 30000 });
      await dialog.locator('.monaco-button', { hasText: 'Run Anyway' }).click();
      const frame = await wb.focusWebviewPanel(page, 'Run: cost-check');
      await waitFor('the run to finish', async () => ['Done', 'Failed'].includes(await text(frame.locator('#status'))), 45000);
      const output = await text(frame.locator('#output'));
      assert(output.includes('anthropic.claude-opus-4'), `the run answered: "${output.slice(-200)}"`);
      const tooltip = await statusTooltip(page, 'This session');
      assert(/This session: \$0\.\d+ over 1 runs/.test(tooltip), `the session total counts the run: "${tooltip}"`);
    },
  },
];

module.exports = { TESTS };
