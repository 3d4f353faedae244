// Browser-driven test of Improve Prompt as a person does it: open the sample
// prompts/support-reply.prompt (its dataset fails `contains: next step`), run Improve Prompt from
// the palette, pick Bedrock's prompt optimizer, watch the analysis and the candidate stream into
// the panel, see it win on the scripted cases beside the current version, open a flipped case,
// then Save as New Version and find version 2 in the file with its changelog and parent.
// Screenshots: improve-panel.png, improve-saved.png. Run by browser.test.js (appended to its TESTS).
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';
const PANEL_TITLE = 'Improve: support-reply';

const TESTS = [
  {
    name: 'Improve Prompt: Bedrock optimizer on the sample, the candidate wins on the cases, Save as New Version writes v2',
    async fn({ page, ws }) {
      const file = path.join(ws, 'prompts', 'support-reply.prompt');
      const original = fs.readFileSync(file, 'utf8');
      try {
        await wb.openFile(page, 'prompts/support-reply.prompt');
        await wb.runCommand(page, 'Prompt Workbench: Improve Prompt');
        const source = page.locator(ROWS).filter({ hasText: "Bedrock's prompt optimizer" }).first();
        await source.waitFor({ state: 'visible', timeout: 20000 });
        await source.click();
        const frame = await wb.focusWebviewPanel(page, PANEL_TITLE);
        await page.locator(`.tabs-container .tab[aria-label^="${PANEL_TITLE}"]`).first().click();
        await wb.runCommand(page, 'View: Toggle Maximize Editor Group', { timeoutMs: 5000 }).catch(() => wb.closeQuickInput(page));
        const candidate = frame.locator('section.candidate[data-index="1"]');
        await waitFor('the candidate to be scored', async () => (await candidate.locator('.verdict').count()) > 0 && (await frame.locator('button.save').count()) > 0, 120000);
        const analysis = await frame.locator('.analysis').textContent();
        assert(/not how to end the reply/.test(analysis), `the optimizer's analysis is shown: ${analysis}`);
        const verdict = (await candidate.locator('.verdict').textContent()).trim();
        assert(verdict === 'Better', `the candidate wins: ${verdict}`);
        const cells = await candidate.locator('table.figures tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent.trim())));
        assert(/^0% /.test(cells[0][0]) && /^100% /.test(cells[1][0]), `pass rates side by side: ${JSON.stringify(cells)}`);
        const flip = candidate.locator('details.flip').first();
        await flip.locator('summary').click();
        const after = await flip.locator('.answers pre').nth(1).textContent();
        assert(/next step/.test(after), `the candidate's answer is one click away: ${after.slice(0, 120)}`);
        await wb.screenshot(page, 'improve-panel');
        assert(fs.readFileSync(file, 'utf8') === original, 'nothing is written before Save as New Version');

        await candidate.locator('button.save').click();
        await waitFor('the saved notice', async () => (await frame.locator('.saved').count()) > 0, 30000);
        const saved = await waitFor('version 2 in the file', async () => {
          const text = fs.readFileSync(file, 'utf8');
          return /^version: 2$/m.test(text) ? text : undefined;
        });
        assert(/^workbench\.parent: 1$/m.test(saved) && /^workbench\.changelog: "Improve Prompt: Bedrock's prompt optimizer: /m.test(saved), `changelog and parent: ${saved.slice(0, 600)}`);
        await wb.screenshot(page, 'improve-saved');

        // The Scoreboard row's Improve… button starts the next round on that prompt's file.
        await wb.runCommand(page, 'Prompt Workbench: Open Scoreboard');
        const board = await wb.focusWebviewPanel(page, 'Scoreboard');
        const improve = board.locator('table#rows tbody tr td[data-col="actions"] button.improve[data-prompt="support-reply"]').first();
        await waitFor('a support-reply row with its Improve button', async () => (await improve.count()) > 0 || undefined, 60000);
        await improve.click();
        await page.locator('.quick-input-widget').filter({ hasText: 'Improve Prompt: where the proposals come from' }).waitFor({ state: 'visible', timeout: 30000 });
        await wb.closeQuickInput(page);
      } finally {
        fs.writeFileSync(file, original);
      }
    },
  },
];

module.exports = { TESTS };
