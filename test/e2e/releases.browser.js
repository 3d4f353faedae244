// Browser-driven test of releases as a person does it: the Scoreboard row's Approve… button asks
// for a note and appends a release; the Releases view lists it as approved; Open Lineage shows
// the version's chain, runs, ratings and the release. Run by browser.test.js (appended to its TESTS).
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const PROMPT = `---
name: release-demo
version: 2
model: ${NOVA}
config: {temperature: 0.2}
workbench.parent: 1
workbench.changelog: Ask for owners
---
{{role "system"}}Summarize with owners.
{{role "user"}}{{email}}
`;
const V1 = PROMPT.replace('version: 2', 'version: 1').replace('workbench.parent: 1\nworkbench.changelog: Ask for owners\n', '').replace('Summarize with owners.', 'Summarize.');

function seed(ws) {
  const dir = path.join(ws, '.prompt-workbench');
  fs.mkdirSync(path.join(dir, 'runs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'versions', 'release-demo'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'prompts', 'release-demo.prompt'), PROMPT);
  fs.writeFileSync(path.join(dir, 'versions', 'release-demo', 'v1.prompt'), V1);
  const runs = [];
  const ratings = [];
  for (let i = 0; i < 4; i++) {
    const id = `r_01JRELEASEDEMO00000000000${i}`;
    runs.push({ schema: 'prompt-workbench.run/1', id, ts: `2026-12-0${i + 1}T10:00:00.000Z`, comparisonId: null, prompt: { name: 'release-demo', version: 2, contentHash: 'h', path: 'prompts/release-demo.prompt' }, model: NOVA, config: {}, inputsHash: 'sha256:x', output: 'ok', stopReason: 'end_turn', metrics: { ttftMs: 100, latencyMs: 900 + i * 50, inputTokens: 50, outputTokens: 20, costUsd: 0.0001 }, error: null, partial: false, datasetCaseId: null });
    ratings.push({ schema: 'prompt-workbench.rating/1', id: `g_01JRELEASEDEMO00000000000${i}`, ts: `2026-12-0${i + 1}T10:01:00.000Z`, rater: i % 2 ? 'ana' : 'bo', runId: id, prompt: { name: 'release-demo', version: 2, contentHash: 'h' }, model: NOVA, kind: 'stars', criterion: 'overall', value: 4 + (i % 2), comment: '', tags: [], blind: null, supersedes: null });
  }
  fs.writeFileSync(path.join(dir, 'runs', '2026-12.jsonl'), runs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'ratings.jsonl'), ratings.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

const releasesOf = (ws) => {
  const file = path.join(ws, '.prompt-workbench', 'releases.jsonl');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : [];
};

const TESTS = [
  {
    name: 'Releases: approve a Scoreboard row for production with a note, the Releases view lists it, its lineage shows chain, ratings and release',
    async fn({ page, ws }) {
      seed(ws);
      await wb.runCommand(page, 'Prompt Workbench: Open Scoreboard');
      const board = await wb.focusWebviewPanel(page, 'Scoreboard');
      const approve = board.locator(`table#rows tbody tr[data-model="${NOVA}"][data-version="2"] td[data-col="actions"] button.approve`);
      await waitFor('the release-demo v2 row with its Approve button', async () => (await approve.count()) === 1 || undefined);
      await approve.click();
      const notePrompt = 'A note for the release: why this version, model and config';
      await page.locator('.quick-input-widget').filter({ hasText: notePrompt }).waitFor({ state: 'visible', timeout: 30000 });
      await page.locator('.quick-input-widget .quick-input-box input').fill('Best stars per dollar; owners named');
      await wb.screenshot(page, 'release-approve');
      await page.keyboard.press('Enter');
      const lines = await waitFor('the release line in releases.jsonl', async () => (releasesOf(ws).length === 1 ? releasesOf(ws) : undefined));
      const release = lines[0];
      assert(release.kind === 'release' && release.prompt.name === 'release-demo' && release.prompt.version === 2 && release.model === NOVA, `the row's version and model: ${JSON.stringify(release)}`);
      assert(release.note === 'Best stars per dollar; owners named', `the note typed: ${release.note}`);
      assert(release.evidence.ratings === 4 && release.evidence.runs === 4 && Array.isArray(release.evidence.starsInterval), `evidence from the row: ${JSON.stringify(release.evidence)}`);

      await wb.runCommand(page, 'Prompt Workbench: Focus on Releases View');
      const view = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /Releases/i }) });
      const row = view.locator('.monaco-list-row').filter({ hasText: 'v2 · bedrock/amazon.nova-lite-v1:0' });
      await waitFor('the Releases view to list the approved release', async () => ((await row.count()) === 1 && /approved/.test((await row.textContent()) || '')) || undefined);
      await wb.screenshot(page, 'releases-view');

      // One webview at a time: the lineage panel's frame is then the visible one.
      await wb.runCommand(page, 'View: Close All Editors');
      await row.click();
      const lineage = await wb.focusWebviewPanel(page, 'Lineage: release-demo v2');
      await waitFor('the lineage chain v2 → v1 with its diff', async () => (await lineage.locator('#chain .version').count()) === 2 || undefined);
      assert((await lineage.locator('#chain .version[data-version="2"] .diff .add').count()) >= 1, 'the diff from v1 shows an added line');
      const raters = await lineage.locator('#ratings li').allTextContents();
      assert(raters.some((t) => t.startsWith('ana: 2')) && raters.some((t) => t.startsWith('bo: 2')), `ratings by rater: ${raters}`);
      const shown = await lineage.locator(`#releases li[data-release="${release.id}"]`).textContent();
      assert(/approved/.test(shown || ''), `the release in the lineage: ${shown}`);
      await wb.screenshot(page, 'lineage');
    },
  },
];

module.exports = { TESTS };
