// Browser-driven tests of the document index (RAG), as a person uses it: Search Documents
// from the palette, typing a question, picking a result, which opens the file with the
// chunk's lines selected; and running the shipped docs-qa prompt (`workbench.rag`), whose
// answer shows its sources, one of which opens the document at those lines. Run by
// browser.test.js (which appends these TESTS to its own) against the real workbench.
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
const QUICK_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';
const RUN_PANEL = 'Run: docs-qa';

/** "Ln 8, Col 24 (245 selected)" from the status bar: the cursor's line and whether text is selected. */
async function editorSelection(page) {
  const item = page.locator('.statusbar-item[id="status.editor.selection"]').first();
  const text = ((await item.textContent({ timeout: 3000 }).catch(() => '')) || '').trim();
  const m = /Ln (\d+), Col \d+(?: \((\d+) selected\))?/.exec(text);
  return m ? { line: Number(m[1]), selectedChars: Number(m[2] || 0), text } : { line: 0, selectedChars: 0, text };
}

/** `docs/rollback-runbook.md:5-8` → {path, startLine, endLine}. */
function parseLocation(text) {
  const m = /([\w./-]+\.\w+):(\d+)(?:[-–](\d+))?/.exec(text);
  return m ? { path: m[1], startLine: Number(m[2]), endLine: Number(m[3] || m[2]) } : undefined;
}

async function expectFileWithLinesSelected(page, location) {
  const base = location.path.split('/').pop();
  await page.locator(`.tabs-container .tab.active[aria-label*="${base}"]`).first().waitFor({ state: 'visible', timeout: 20000 });
  const selection = await waitFor(`lines ${location.startLine}–${location.endLine} of ${base} to be selected`, async () => {
    const s = await editorSelection(page);
    return s.line === location.endLine && s.selectedChars > 0 ? s : undefined;
  }, 15000);
  return selection;
}

const TESTS = [
  {
    name: 'Search Documents: type a question, pick a result, the document opens with those lines selected',
    async fn({ page }) {
      await wb.runCommand(page, 'Prompt Workbench: Search Documents');
      const input = page.locator(QUICK_INPUT_BOX);
      await input.waitFor({ state: 'visible', timeout: 10000 });
      // Typed key by key, as a person types: the search runs once typing pauses.
      await input.pressSequentially('how do we roll back the orders-v2 launch', { delay: 20 });
      // The first search builds the index of the workspace (offline embedder) before it answers.
      const labels = await waitFor('results from docs/rollback-runbook.md', async () => {
        const shown = await wb.quickPickLabels(page);
        return shown.some((l) => l.startsWith('docs/rollback-runbook.md:')) ? shown : undefined;
      }, 60000);
      assert(labels.every((l) => /^[\w./-]+:\d+(-\d+)?$/.test(l)), `every result names its file and lines: ${JSON.stringify(labels)}`);
      const rows = page.locator(QUICK_ROWS);
      const index = labels.findIndex((l) => l.startsWith('docs/rollback-runbook.md:'));
      const rowText = (await rows.nth(index).innerText()).replace(/\s+/g, ' ');
      assert(/\d\.\d\d/.test(rowText), `the result shows its score: ${rowText}`);
      assert(/feature flag|snapshot|rollback|roll back/i.test(rowText), `the result previews the chunk's text: ${rowText}`);
      await wb.screenshot(page, 'rag-search');
      const location = parseLocation(labels[index]);
      await rows.nth(index).click();
      const selection = await expectFileWithLinesSelected(page, location);
      assert(selection.selectedChars > 20, `the chunk's text is selected: ${selection.text}`);
    },
  },
  {
    name: 'docs-qa.prompt (workbench.rag): the answer shows its sources; clicking one opens the document at those lines',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/docs-qa.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Run Prompt');
      let panel = await wb.focusWebviewPanel(page, RUN_PANEL);
      await waitFor('the run panel to ask for the question', async () => (await panel.locator('#status').innerText()) === 'Needs inputs');
      await panel.locator('#input-question').fill('What do we do first to roll back the orders-v2 launch?');
      await panel.locator('#run').click();
      panel = await wb.focusWebviewPanel(page, RUN_PANEL);
      await waitFor('the run to finish', async () => (await panel.locator('#status').innerText()) === 'Done', 60000);
      const sources = panel.locator('.sources button.source');
      await waitFor('the sources under the answer', async () => (await sources.count()) > 0);
      assert(await panel.locator('.sources').isVisible(), 'the sources are shown');
      const texts = await sources.allInnerTexts();
      assert(texts.length <= 4, `at most topK (4) sources: ${JSON.stringify(texts)}`);
      assert(texts.every((t) => /^docs\/[\w.-]+\.md:\d+(–\d+)? \(\d\.\d\d\)$/.test(t) || /^[\w./-]+:\d+(–\d+)? \(\d\.\d\d\)$/.test(t)), `each source is path:lines (score): ${JSON.stringify(texts)}`);
      assert(texts.some((t) => t.startsWith('docs/rollback-runbook.md:')), `the runbook is a source: ${JSON.stringify(texts)}`);
      assert((await panel.locator('.sources .source-label').innerText()).trim() === 'Sources:', 'labelled "Sources:"');
      await wb.screenshot(page, 'rag-sources');

      const chosen = sources.filter({ hasText: 'docs/rollback-runbook.md:' }).first();
      const location = { path: await chosen.getAttribute('data-path'), startLine: Number(await chosen.getAttribute('data-start-line')), endLine: Number(await chosen.getAttribute('data-end-line')) };
      await chosen.click();
      const selection = await expectFileWithLinesSelected(page, location);
      assert(selection.selectedChars > 20, `the source's lines are selected: ${selection.text}`);
    },
  },
  {
    name: 'Compare Models on docs-qa.prompt: every column shows the sources; clicking one opens the document at those lines',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/docs-qa.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Compare Models');
      await wb.answerInputBox(page, '“question”', 'How do we turn off the orders-v2 feature flag?');
      const frame = await wb.focusWebviewPanel(page, 'Compare: docs-qa');
      const columns = frame.locator('section.column');
      await waitFor('every column done', async () => {
        const statuses = await columns.evaluateAll((all) => all.map((c) => c.dataset.status));
        return statuses.length > 0 && statuses.every((s) => s === 'done');
      }, 60000);
      const perColumn = await columns.evaluateAll((all) => all.map((c) => [...c.querySelectorAll('.sources button.source')].map((b) => b.textContent)));
      assert(perColumn.every((list) => list.length > 0 && JSON.stringify(list) === JSON.stringify(perColumn[0])), `each column lists the same sources: ${JSON.stringify(perColumn)}`);
      assert(perColumn[0].some((t) => t.startsWith('docs/rollback-runbook.md:')), `the runbook is a source: ${JSON.stringify(perColumn[0])}`);
      const chosen = columns.last().locator('.sources button.source').filter({ hasText: 'docs/rollback-runbook.md:' }).first();
      const location = { path: await chosen.getAttribute('data-path'), startLine: Number(await chosen.getAttribute('data-start-line')), endLine: Number(await chosen.getAttribute('data-end-line')) };
      await chosen.click();
      await expectFileWithLinesSelected(page, location);
    },
  },
  {
    name: 'Changing the embedder asks to rebuild the document index; Rebuild re-embeds it with Titan v2 through Bedrock',
    settings: { 'promptWorkbench.rag.titanDimensions': 256 },
    async fn({ page, ws }) {
      const manifest = path.join(ws, '.prompt-workbench', 'index', 'manifest.json');
      const embedderOnDisk = () => {
        try {
          return JSON.parse(fs.readFileSync(manifest, 'utf8')).embedder;
        } catch {
          return undefined;
        }
      };
      await wb.runCommand(page, 'Prompt Workbench: Rebuild Index');
      await waitFor('an offline index on disk', async () => /^offline/.test(embedderOnDisk() || ''), 60000);
      await waitFor('the status bar to count the chunks', async () => /\d+ chunks/.test(await page.locator('.statusbar').innerText()));

      // As a person edits settings.json: the new embedder is only used once the index is rebuilt with it.
      const settingsFile = path.join(ws, '.vscode', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'promptWorkbench.rag.embedder': 'bedrock-titan' }, null, 2));
      const question = page.locator('.notification-toast').filter({ hasText: 'Rebuild the document index with Amazon Titan Text Embeddings v2 (256 dimensions)?' });
      await question.waitFor({ state: 'visible', timeout: 30000 });
      assert(/^offline/.test(embedderOnDisk() || ''), 'nothing is re-embedded before the answer');
      await question.locator('.monaco-button', { hasText: /^Rebuild$/ }).click();
      await waitFor('the index rebuilt with Titan v2 at 256 dimensions', async () => embedderOnDisk() === 'bedrock:amazon.titan-embed-text-v2:0@256', 60000);

      await wb.runCommand(page, 'Prompt Workbench: Search Documents');
      await page.locator(QUICK_INPUT_BOX).pressSequentially('rate limit per tenant', { delay: 20 });
      const labels = await waitFor('results from the Titan index', async () => {
        const shown = await wb.quickPickLabels(page);
        return shown.some((l) => l.startsWith('docs/')) ? shown : undefined;
      }, 30000);
      assert(labels.some((l) => l.startsWith('docs/rate-limits.md:')), `the rate limits document is found: ${JSON.stringify(labels)}`);
      await wb.closeQuickInput(page);
    },
  },
];

module.exports = { TESTS };
