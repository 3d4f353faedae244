// Browser-driven test of a dataset run as a person does it: open prompts/dataset-demo.prompt
// (workbench.dataset: datasets/emails.jsonl), Run Dataset from the palette, watch the grid fill
// (cases × models) with outputs and check badges, a summary row of pass rates; hover-free
// check details are in the badges' titles; rate one cell with a click on its stars and see
// the rating in .prompt-workbench/ratings.jsonl. Run by browser.test.js (appended to its TESTS).
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const PANEL_TITLE = 'Dataset: dataset-demo';

/** The grid as the webview shows it: one entry per cell. */
async function cellsShown(frame) {
  return frame.locator('tr.case td.cell').evaluateAll((cells) =>
    cells.map((td) => ({
      caseId: td.closest('tr').dataset.case,
      model: td.dataset.model,
      status: td.dataset.status,
      outputText: (td.querySelector('.output')?.textContent || '').trim(),
      checks: [...td.querySelectorAll('.check')].map((b) => ({ check: b.dataset.check, pass: b.dataset.pass === 'true', title: b.title })),
      stars: Number(td.querySelector('.stars')?.dataset.value || 0),
    })),
  );
}

function readRatings(ws) {
  const file = path.join(ws, '.prompt-workbench', 'ratings.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : [];
}

const TESTS = [
  {
    name: 'Datasets: Run Dataset from the palette fills the grid with outputs and check badges; rate one cell',
    async fn({ page, ws }) {
      await wb.openFile(page, 'prompts/dataset-demo.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Run Dataset');
      const frame = await wb.focusWebviewPanel(page, PANEL_TITLE);
      await page.locator(`.tabs-container .tab[aria-label^="${PANEL_TITLE}"]`).first().click();
      await wb.runCommand(page, 'View: Toggle Maximize Editor Group', { timeoutMs: 5000 }).catch(() => wb.closeQuickInput(page));
      await waitFor('the dataset run to finish', async () => (await frame.locator('#progress').getAttribute('data-status', { timeout: 2000 })) === 'done', 90000);
      const cells = await cellsShown(frame);
      assert(cells.length === 8, `4 cases × 2 models: ${cells.length} cells`);
      assert(JSON.stringify([...new Set(cells.map((c) => c.model))]) === JSON.stringify([NOVA, LLAMA]), `columns: ${[...new Set(cells.map((c) => c.model))]}`);
      for (const c of cells) {
        assert(c.status === 'done', `${c.caseId} on ${c.model}: ${c.status}`);
        assert(c.checks.length >= 3, `${c.caseId} on ${c.model} shows its check badges: ${JSON.stringify(c.checks)}`);
      }
      const refund = cells.find((c) => c.caseId === 'refund-policy' && c.model === NOVA);
      const failing = refund.checks.find((c) => c.check === 'contains');
      assert(failing && !failing.pass && /missing “refund approved”/.test(failing.title), `the failing badge says why in its title: ${JSON.stringify(failing)}`);
      const passRates = await frame.locator('#summary td.pass-rate').evaluateAll((tds) => tds.map((td) => [td.dataset.model, td.dataset.passRate, td.textContent.trim()]));
      assert(passRates.length === 2 && passRates.every(([, rate, text]) => rate === '0.75' && /75% \(3\/4\)/.test(text)), `summary row: ${JSON.stringify(passRates)}`);

      // Open one answer (collapsed by default): sanitized Markdown from the model.
      const cell = frame.locator(`tr.case[data-case="launch-date"] td.cell[data-model="${NOVA}"]`);
      await cell.locator('details.answer summary').click();
      await waitFor('the answer to open', async () => (await cell.locator('.output h3').count()) > 0);
      const answer = await cell.locator('.output').textContent();
      assert(answer.includes('amazon.nova-lite-v1:0'), `the cell holds nova's answer: ${answer.slice(-120)}`);

      // Rate that cell 4 stars.
      await cell.locator('.stars button.star[data-value="4"]').click();
      await waitFor('the cell to show 4 stars', async () => (await cell.locator('.stars').getAttribute('data-value')) === '4');
      await wb.screenshot(page, 'dataset-grid');
      const ratings = await waitFor('a rating line', async () => {
        const r = readRatings(ws);
        return r.length ? r : undefined;
      });
      const [rating] = ratings;
      assert(rating.kind === 'stars' && rating.value === 4 && rating.model === NOVA && rating.prompt.name === 'dataset-demo', `recorded: ${JSON.stringify(rating)}`);
      const runs = fs.readdirSync(path.join(ws, '.prompt-workbench', 'runs')).flatMap((f) =>
        fs.readFileSync(path.join(ws, '.prompt-workbench', 'runs', f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)),
      );
      const rated = runs.find((r) => r.id === rating.runId);
      assert(rated && rated.datasetCaseId === 'launch-date', `the rating names the cell's run: ${JSON.stringify(rated && { id: rated.id, datasetCaseId: rated.datasetCaseId })}`);
    },
  },
];

module.exports = { TESTS };
