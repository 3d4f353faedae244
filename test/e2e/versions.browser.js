// Browser-driven tests of prompt versions and the preview, as a person uses them: Save New
// Version from the palette (answering the changelog box), Compare with Previous Version in
// VS Code's diff editor, the Prompt Versions view, and Preview Rendered Prompt. Run by
// browser.test.js (which appends these TESTS to its own) against the real workbench.
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor: waitUntil } = require('./lib/wait');


const waitFor = (what, fn, timeoutMs = 20000) => waitUntil(what, fn, timeoutMs, 200);

/** The text of one side of the visible diff editor (`original` or `modified`). */
async function diffSideText(page, side) {
  return page
    .locator(`.monaco-diff-editor .editor.${side} .view-lines`)
    .first()
    .evaluate((el) => el.innerText.replace(/\u00a0/g, ' '));
}

const TESTS = [
  {
    name: 'Save New Version from the palette, then Compare with Previous Version shows v1 and v2 side by side',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/email-summary.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Save New Version');
      await wb.answerInputBox(page, 'What changes in the new version', 'Ask for owners and due dates on action items');
      // The file is bumped and saved: its editor shows version 2.
      await waitFor('the editor to show version: 2', async () => {
        const text = await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
        return /version:\s2/.test(text.replace(/\u00a0/g, ' '));
      });
      await wb.runCommand(page, 'Prompt Workbench: Compare with Previous Version');
      const tab = page.locator('.tabs-container .tab.active[aria-label*="email-summary: v1 ↔ v2"]');
      await tab.waitFor({ state: 'visible', timeout: 20000 });
      await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 20000 });
      const original = await waitFor('the left side to show v1', async () => {
        const text = await diffSideText(page, 'original');
        return /version:\s1/.test(text) ? text : undefined;
      });
      const modified = await waitFor('the right side to show v2', async () => {
        const text = await diffSideText(page, 'modified');
        return /version:\s2/.test(text) ? text : undefined;
      });
      assert(!/workbench\.parent/.test(original), 'v1 has no parent line');
      assert(/workbench\.parent:\s1/.test(modified), `v2 names its parent: ${modified.slice(0, 400)}`);
      assert(/workbench\.changelog:\sAsk for owners and due dates on action items/.test(modified), 'v2 carries the changelog');
      // Lines the diff marks as changed: the version, the changelog and the added parent line.
      const changed = await page.locator('.monaco-diff-editor .editor.modified .line-insert, .monaco-diff-editor .editor.modified .char-insert').count();
      assert(changed > 0, 'the diff editor marks no change');
      await wb.screenshot(page, 'version-diff');

      await wb.runCommand(page, 'Prompt Workbench: Show Versions');
      const view = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /Prompt Versions/i }) });
      const rows = view.locator('.monaco-list-row');
      await waitFor('the Prompt Versions view to list v2 and v1 of email-summary', async () => {
        const labels = await rows.allInnerTexts();
        const text = labels.join(' | ');
        return /email-summary/.test(text) && /v2/.test(text) && /v1/.test(text) && /Ask for owners/.test(text) ? text : undefined;
      });
      await wb.screenshot(page, 'versions-view');
    },
  },
  {
    name: 'Preview Rendered Prompt shows the messages by role; the run panel names a missing input, saves a sample set and runs it',
    async fn({ page, ws }) {
      await wb.openFile(page, 'prompts/email-summary.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Preview Rendered Prompt');
      const frame = await wb.focusWebviewPanel(page, 'Preview: email-summary');
      await frame.locator('.message[data-role="system"]').first().waitFor({ state: 'visible', timeout: 20000 });
      const system = await frame.locator('.message[data-role="system"] pre').first().innerText();
      assert(system.includes('busy engineer'), `the system prompt is rendered with the default audience: ${system.slice(0, 200)}`);
      const model = await frame.locator('#model').innerText();
      assert(/claude-haiku-4-5/.test(model), `#model: ${model}`);
      const config = await frame.locator('#config').innerText();
      assert(/"temperature":0.2/.test(config), `#config: ${config}`);
      const missing = await frame.locator('#missing').innerText();
      assert(/email/.test(missing), `the missing input is named: ${missing}`);
      await wb.screenshot(page, 'preview');

      // Run Prompt without the required input: the run panel's form names it and nothing is sent.
      await wb.runCommand(page, 'Prompt Workbench: Run Prompt');
      const run = await wb.focusWebviewPanel(page, 'Run: email-summary');
      await waitFor('the run panel to say "Needs inputs"', async () => (await run.locator('#status').innerText()) === 'Needs inputs');
      const message = await run.locator('#inputs-message').innerText();
      assert(/“email”.*nothing was sent/.test(message), `#inputs-message: ${message}`);
      assert(await run.locator('.field.missing #input-email').isVisible(), 'the email field is marked missing');
      assert((await run.locator('#output').innerText()).trim() === '', 'no answer: nothing was sent');
      await wb.screenshot(page, 'run-inputs-form');

      // Fill the form from a file, keep it as a sample set, and run it from the form.
      await run.locator('#input-email').fill('@emails/launch-thread.txt');
      await run.locator('#save-set').click();
      await wb.answerInputBox(page, 'A name for these inputs', 'launch thread');
      const samples = path.join(ws, '.prompt-workbench', 'samples', 'email-summary.json');
      const saved = await waitFor('the sample set file', async () => (fs.existsSync(samples) ? JSON.parse(fs.readFileSync(samples, 'utf8')) : undefined));
      assert(saved.sets['launch thread'].email === '@emails/launch-thread.txt', `saved: ${JSON.stringify(saved)}`);
      const panel = await wb.focusWebviewPanel(page, 'Run: email-summary');
      await waitFor('the set to be picked in the panel', async () => (await panel.locator('#sample-set').inputValue()) === 'launch thread');
      if (!(await panel.locator('#run').isVisible())) await panel.locator('#inputs-panel > summary').click();
      await panel.locator('#run').click();
      await waitFor('the run to finish', async () => (await panel.locator('#status').innerText()) === 'Done', 45000);
      const output = await panel.locator('#output').innerText();
      assert(/Orders API v2|launch/i.test(output), `the answer reflects the thread read from the file: ${output.slice(0, 300)}`);
    },
  },
];

module.exports = { TESTS };
