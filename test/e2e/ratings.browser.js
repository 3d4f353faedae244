// Browser-driven test of rating as a person does it: Compare Models on three models in blind
// mode (the `promptWorkbench.ratings.blind` setting), the columns shown as Model A/B/C; rate
// them with the keyboard (focus, 4; →, 2) and a click (5 stars); the names are revealed;
// then the Scoreboard shows rows and charts that reflect those ratings, and follows a rating
// appended to ratings.jsonl from outside. Run by browser.test.js (appended to its TESTS).
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const MISTRAL = 'bedrock/mistral.mistral-small-2402-v1:0';
const PANEL_TITLE = 'Compare: rating-demo';

const PROMPT = `---
name: rating-demo
version: 1
description: Test fixture. Three models that all answer, to be rated blind.
model: ${NOVA}
config: {temperature: 0.2, maxOutputTokens: 80}
input:
  schema: {thread: string}
  default:
    thread: "Subject: Pool size\\n\\nWe decided to raise the connection pool from 50 to 80. Marco reruns the load test by Thursday."
workbench.compare: [${LLAMA}, ${MISTRAL}]
---
{{role "system"}}Summarize the thread: decisions and action items with owners.
{{role "user"}}{{thread}}
`;

/** What each column shows: its model header, status, and the overall stars its widget says. */
async function columnsShown(frame) {
  return frame.locator('section.column').evaluateAll((sections) =>
    sections.map((s) => ({
      model: (s.querySelector('.model')?.textContent || '').trim(),
      status: s.dataset.status,
      stars: Number(s.querySelector('.rating-stars[data-criterion="overall"]')?.dataset.value || 0),
    })),
  );
}

function readRatings(ws) {
  const file = path.join(ws, '.prompt-workbench', 'ratings.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : [];
}

const TESTS = [
  {
    name: 'Ratings: three models rated blind with keys and clicks, names revealed, the Scoreboard shows the ratings with its charts',
    settings: { 'promptWorkbench.ratings.blind': true },
    async fn({ page, ws }) {
      fs.writeFileSync(path.join(ws, 'prompts', 'rating-demo.prompt'), PROMPT);
      await wb.openFile(page, 'prompts/rating-demo.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Compare Models');
      const frame = await wb.focusWebviewPanel(page, PANEL_TITLE);
      await page.locator(`.tabs-container .tab[aria-label^="${PANEL_TITLE}"]`).first().click();
      await wb.runCommand(page, 'View: Toggle Maximize Editor Group', { timeoutMs: 5000 }).catch(() => wb.closeQuickInput(page));
      const blind = await waitFor('three finished columns shown blind', async () => {
        const c = await columnsShown(frame);
        return c.length === 3 && c.every((x) => x.status === 'done') ? c : undefined;
      }, 60000);
      assert(JSON.stringify(blind.map((c) => c.model)) === JSON.stringify(['Model A', 'Model B', 'Model C']), `names hidden: ${JSON.stringify(blind.map((c) => c.model))}`);
      assert((await frame.locator('#blind-toggle').getAttribute('aria-pressed')) === 'true', 'the Blind toggle is on (from the setting)');
      const costs = await frame.locator('section.column [data-metric="cost"] .value').allTextContents();
      assert(costs.every((t) => t.trim() === '—'), `costs hidden while blind: ${JSON.stringify(costs)}`);
      assert(await frame.locator('#reveal').isVisible(), 'Reveal is offered');
      const answers = (await frame.locator('section.column .output').allTextContents()).join('\n');
      for (const m of [NOVA, LLAMA, MISTRAL]) assert(!answers.includes(m.slice('bedrock/'.length)), `${m} is masked in the answers while blind`);

      // Column A with the keyboard: focus it, press 4.
      const column = (i) => frame.locator(`section.column[data-column="${i}"]`);
      await column(0).focus();
      await page.keyboard.press('4');
      await waitFor('4 stars on A', async () => (await columnsShown(frame))[0].stars === 4);
      const announced = (await frame.locator('#rating-announce').textContent()) || '';
      assert(/A: 4 stars/.test(announced), `the key press is announced: "${announced}"`);
      // → moves to B, 2 rates it.
      await page.keyboard.press('ArrowRight');
      const focused = await frame.locator('body').evaluate(() => document.activeElement && document.activeElement.getAttribute('data-column'));
      assert(focused === '1', `ArrowRight moves to B (focus on ${focused})`);
      await page.keyboard.press('2');
      await waitFor('2 stars on B', async () => (await columnsShown(frame))[1].stars === 2);
      // Still hidden with one answer unrated.
      assert((await columnsShown(frame))[2].model === 'Model C', 'C stays hidden until rated');
      // C with a click on its fifth star, and a thumb.
      await column(2).locator('.rating-stars[data-criterion="overall"] button.star[data-value="5"]').click();
      const revealed = await waitFor('the names revealed once all three are rated', async () => {
        const c = await columnsShown(frame);
        return c.every((x) => x.model.startsWith('bedrock/')) && c[2].stars === 5 ? c : undefined;
      });
      assert(JSON.stringify(revealed.map((c) => c.model).sort()) === JSON.stringify([LLAMA, MISTRAL, NOVA].sort()), `each model once: ${JSON.stringify(revealed.map((c) => c.model))}`);
      assert(!(await frame.locator('#reveal').isVisible()), 'nothing left to reveal');
      await column(2).locator('button.thumb[data-value="up"]').click();
      await waitFor('the thumb pressed', async () => (await column(2).locator('button.thumb[data-value="up"]').getAttribute('aria-pressed')) === 'true');
      await wb.screenshot(page, 'compare-blind-rated');

      const ratings = readRatings(ws);
      const stars = ratings.filter((r) => r.kind === 'stars');
      assert(stars.length === 3, `three star ratings recorded: ${ratings.length} lines`);
      assert(JSON.stringify(stars.map((r) => r.blind)) === JSON.stringify([{ shownAs: 'A', position: 0 }, { shownAs: 'B', position: 1 }, { shownAs: 'C', position: 2 }]), `shown positions recorded: ${JSON.stringify(stars.map((r) => r.blind))}`);
      for (const [i, r] of stars.entries()) assert(r.model === revealed[i].model, `the rating of ${'ABC'[i]} names the model revealed there (${r.model} vs ${revealed[i].model})`);
      const byModel = Object.fromEntries(stars.map((r) => [r.model, r.value]));

      // The Scoreboard: one row per model with the stars given, and the charts drawn.
      await wb.runCommand(page, 'View: Toggle Maximize Editor Group', { timeoutMs: 5000 }).catch(() => wb.closeQuickInput(page));
      await wb.runCommand(page, 'Prompt Workbench: Open Scoreboard');
      let board = await wb.focusWebviewPanel(page, 'Scoreboard');
      // The whole window for the scoreboard and its charts (for the screenshot; a failure here is not the test's).
      await page.locator('.tabs-container .tab[aria-label^="Scoreboard"]').first().click();
      await wb.runCommand(page, 'View: Toggle Maximize Editor Group', { timeoutMs: 5000 }).catch(() => wb.closeQuickInput(page));
      board = await wb.focusWebviewPanel(page, 'Scoreboard');
      const rowsShown = () =>
        board.locator('table#rows tbody tr').evaluateAll((trs) =>
          trs.map((tr) => ({ model: tr.dataset.model, n: (tr.querySelector('td[data-col="n"]')?.textContent || '').trim(), stars: (tr.querySelector('td[data-col="stars"]')?.textContent || '').trim() })),
        );
      const rows = await waitFor('three scoreboard rows', async () => {
        const r = await rowsShown();
        return r.length === 3 ? r : undefined;
      });
      for (const r of rows) assert(r.stars.startsWith(`${byModel[r.model]}.00`), `${r.model}: stars "${r.stars}" match the rating ${byModel[r.model]}`);
      const recommendation = (await board.locator('#recommendation').textContent()) || '';
      const best = Object.entries(byModel).sort((a, b) => b[1] - a[1])[0][0];
      assert(recommendation.includes(best), `the best rated model is recommended: "${recommendation}"`);
      assert(await board.locator('#too-few').isVisible(), 'one rating each is too few to tell them apart, and the panel says so');
      const points = await waitFor('points on the charts', async () => Number(await board.locator('body').getAttribute('data-chart-points')) || undefined);
      assert(points >= 3, `charts have points: ${points}`);
      const size = await board.locator('#chart-cost').evaluate((c) => [c.width, c.height]);
      assert(size[0] > 100 && size[1] > 100, `the cost chart is drawn: ${size}`);
      await board.locator('#chart-time').scrollIntoViewIfNeeded();
      await board.locator('table#rows').scrollIntoViewIfNeeded();
      await wb.screenshot(page, 'scoreboard');

      // Another window (or a git pull) appends a rating: the panel follows.
      const llama = stars.find((r) => r.model === LLAMA);
      const llamaN = Number(rows.find((r) => r.model === LLAMA).n);
      fs.appendFileSync(path.join(ws, '.prompt-workbench', 'ratings.jsonl'), JSON.stringify({ ...llama, id: 'g_01JEXTERNAL0000000000000000', rater: 'someone-else', value: 1, blind: null, supersedes: null }) + '\n');
      await waitFor('the llama row to count the appended rating', async () => (await rowsShown()).find((r) => r.model === LLAMA)?.n === String(llamaN + 1));
    },
  },
];

module.exports = { TESTS };
