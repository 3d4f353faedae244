// Browser-driven test of the .prompt language features as a person meets them: New Prompt
// from the palette, typing into the new file until it is wrong, the red squiggle under the
// mistake, its message on hover and in the Problems panel, and completion inside {{ }}.
// Run by browser.test.js (which appends these TESTS to its own) against the real workbench.
const wb = require('./lib/workbench');
const { sleep, assert, waitFor: waitUntil } = require('./lib/wait');


const waitFor = (what, fn, timeoutMs = 20000) => waitUntil(what, fn, timeoutMs, 200);

const EDITOR = '.editor-group-container.active .monaco-editor';

/** Puts the cursor at the end of a 1-based line with Go to Line (Ctrl+G). */
async function goToLineEnd(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  await page.keyboard.press('End');
}

/** The rows of the Problems panel, as text. */
async function problemRows(page) {
  return page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((row) => (row.textContent || '').replace(/\s+/g, ' ').trim()));
}

const TESTS = [
  {
    name: 'New Prompt, then type mistakes into it: red squiggles, the message on hover and in Problems, completion in {{ }}',
    async fn({ page }) {
      await wb.runCommand(page, 'Prompt Workbench: New Prompt');
      await wb.answerInputBox(page, 'Name of the prompt', 'typed-mistakes');
      await page.locator('.tabs-container .tab.active[aria-label*="typed-mistakes.prompt"]').waitFor({ state: 'visible', timeout: 20000 });
      const lines = page.locator(`${EDITOR} .view-lines`).first();
      await waitFor('the template in the editor', async () => /role "system"/.test((await lines.innerText()).replace(/\u00a0/g, ' ')));
      // The description placeholder is selected: typing replaces it.
      await waitFor('the description to be selected', async () => /selected/.test((await page.locator('#status\\.editor\\.selection').textContent({ timeout: 2000 })) || ''));
      await page.keyboard.type('Triage a support ticket', { delay: 10 });

      // A clean new prompt: no squiggle at all.
      await sleep(1500);
      assert((await page.locator(`${EDITOR} .squiggly-error, ${EDITOR} .squiggly-warning`).count()) === 0, 'the new prompt already has squiggles');

      // Line 7 is `  temperature: 0.2`: make it 5, which no model accepts.
      await goToLineEnd(page, 7);
      for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('5', { delay: 20 });
      // At the end of the file, open a block and never close it.
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('{{#if audience}}For you: ');
      await page.keyboard.press('Escape');

      const squiggles = page.locator(`${EDITOR} .squiggly-error`);
      // Monaco draws only the lines in view: the one under the block just typed is (both are in Problems below).
      await waitFor('a red squiggle under the unclosed block', async () => (await squiggles.count()) >= 1);

      // The message shows where the mistake is: hover the squiggle under the block just typed
      // (the temperature line has scrolled up under the sticky frontmatter by now).
      await page.locator(`${EDITOR} .view-line`).filter({ hasText: '#if audience' }).first().hover({ position: { x: 30, y: 8 } });
      const hover = page.locator('.monaco-hover').filter({ visible: true }).first();
      const hoverText = await waitFor('the hover over the squiggle', async () => {
        const text = (await hover.textContent({ timeout: 2000 })) || '';
        return /unclosed \{\{#if\}\} block/.test(text) ? text : undefined;
      });
      assert(/opened on line 25/.test(hoverText), `the hover names the line: ${hoverText.slice(0, 200)}`);
      await wb.screenshot(page, 'prompt-diagnostics');
      await page.mouse.move(0, 0);

      await wb.runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)').catch(() => page.keyboard.press('Control+Shift+M'));
      const rows = await waitFor('both problems in the Problems panel', async () => {
        const found = await problemRows(page);
        return found.some((row) => /temperature must be from 0 to 1/.test(row)) && found.some((row) => /unclosed \{\{#if\}\} block/.test(row)) ? found : undefined;
      });
      const temperature = rows.find((row) => /temperature must be from 0 to 1/.test(row));
      assert(/found 5/.test(temperature), `the problem names the value: ${temperature}`);
      await wb.screenshot(page, 'prompt-problems');

      // Completion inside {{ }} offers the prompt's inputs.
      await page.locator(`${EDITOR} .view-lines`).first().click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText(' {{');
      await page.keyboard.type('au', { delay: 30 });
      const suggestion = page.locator('.suggest-widget .monaco-list-row').filter({ hasText: 'audience' }).first();
      await waitFor('the suggestion "audience"', async () => suggestion.isVisible());
      await wb.screenshot(page, 'prompt-completion');
      return `Problems panel: ${rows.length} rows (the file and its problems)`;
    },
  },
];

module.exports = { TESTS };
