// Browser-driven tests of the comparison panel and the Runs view, as a person uses them:
// Compare Models from the palette on a prompt whose `model` + `workbench.compare` name three
// models (one answers, one is slow, one is denied), three columns stream with their metrics,
// Stop on the slow one, the error column beside two good ones, the word diff, the keyboard,
// Re-run and Esc, the Runs view, and the panel coming back after a reload. Run by
// browser.test.js (which appends these TESTS to its own) against the real workbench.
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const COMPARE_TITLE = 'Prompt Workbench: Compare Models';
const PANEL_TITLE = 'Compare: compare-demo';



async function text(locator) {
  return ((await locator.textContent({ timeout: 3000 }).catch(() => null)) || '').trim();
}

const column = (frame, index) => frame.locator(`section.column[data-column="${index}"]`);

/** The columns as the webview shows them: model, status, metrics and output length. */
async function columnsShown(frame) {
  return frame.locator('section.column').evaluateAll((sections) =>
    sections.map((s) => {
      const metric = (name) => (s.querySelector(`[data-metric="${name}"] .value`)?.textContent || '').trim();
      const error = s.querySelector('.error');
      return {
        model: s.dataset.model,
        status: s.dataset.status,
        statusText: (s.querySelector('.status')?.textContent || '').trim(),
        ttft: metric('ttft'),
        latency: metric('latency'),
        tokensPerSecond: metric('tokensPerSecond'),
        inputTokens: metric('inputTokens'),
        outputTokens: metric('outputTokens'),
        cost: metric('cost'),
        error: error && !error.hidden ? error.textContent.trim() : '',
        outputLength: Number(s.querySelector('.output')?.dataset.length || 0),
        outputText: (s.querySelector('.output')?.textContent || '').trim(),
      };
    }),
  );
}

async function startComparison(page) {
  await wb.openFile(page, 'prompts/compare-demo.prompt');
  await wb.runCommand(page, COMPARE_TITLE);
  const frame = await wb.focusWebviewPanel(page, PANEL_TITLE);
  // Three columns want the width: give the panel's editor group the whole window, as a person
  // would. Only the screenshots need it; F1 sometimes does not reach the workbench while a
  // webview has the focus, so a failure here is not the test's.
  await page.locator(`.tabs-container .tab[aria-label^="${PANEL_TITLE}"]`).first().click();
  // Bounded tightly: the slow model streams for about a minute, and the checks below must see it streaming.
  await wb.runCommand(page, 'View: Toggle Maximize Editor Group', { timeoutMs: 5000 }).catch(() => wb.closeQuickInput(page));
  await waitFor('three columns', async () => (await frame.locator('section.column').count()) === 3);
  return frame;
}

const TESTS = [
  {
    name: 'Compare Models: three columns stream with metrics; stop the slow one, the error column stays beside two good ones',
    async fn({ page }) {
      const frame = await startComparison(page);
      const models = await frame.locator('section.column').evaluateAll((s) => s.map((x) => x.dataset.model));
      assert(
        JSON.stringify(models) === JSON.stringify(['bedrock/amazon.nova-lite-v1:0', 'bedrock/anthropic.sim-slower-v1:0', 'bedrock/anthropic.sim-denied-v1:0']),
        `the columns are the prompt's model and its workbench.compare list: ${JSON.stringify(models)}`,
      );
      // The slow model streams while the fast one finishes and the denied one fails.
      const during = await waitFor('nova Done, sim-slow streaming with text, sim-denied Failed', async () => {
        const c = await columnsShown(frame);
        return c[0].status === 'done' && c[1].status === 'streaming' && c[1].outputLength > 0 && c[2].status === 'failed' ? c : undefined;
      });
      assert(during[1].statusText === 'Streaming…', `the slow column says Streaming…: "${during[1].statusText}"`);
      assert(/\d/.test(during[1].latency), `the streaming column's latency ticks: "${during[1].latency}"`);
      await wb.screenshot(page, 'comparison-streaming');
      const c0 = during[0];
      for (const key of ['ttft', 'latency', 'tokensPerSecond', 'inputTokens', 'outputTokens', 'cost']) {
        assert(/\d/.test(c0[key]), `the finished column shows ${key}: "${c0[key]}"`);
      }
      assert(c0.outputText.includes('amazon.nova-lite-v1:0'), `the first column holds nova's answer: ${c0.outputText.slice(-200)}`);
      assert(/access/i.test(during[2].error), `the denied column shows its error: "${during[2].error}"`);

      // Stop the slow one: it says Cancelled and keeps what arrived.
      await column(frame, 1).locator('button.stop').click();
      const after = await waitFor('the slow column to say Cancelled', async () => {
        const c = await columnsShown(frame);
        return c[1].status === 'cancelled' ? c : undefined;
      });
      assert(after[1].statusText === 'Cancelled', `"${after[1].statusText}"`);
      // While streaming, finished Markdown blocks are rendered once and kept: the text shown then
      // must be the start of the whole answer rendered at the end, nothing doubled or lost.
      const squash = (t) => t.replace(/\s+/g, ' ').trim();
      const streamedPart = squash(during[1].outputText).slice(0, -20);
      assert(squash(after[1].outputText).startsWith(streamedPart), `the streamed rendering matches the final one:\n${squash(during[1].outputText)}\n---\n${squash(after[1].outputText)}`);
      assert(after[1].outputLength > 0, 'the partial answer is kept');
      assert(!after[1].outputText.includes('local Bedrock simulator'), 'the slow answer did not run to its end');
      assert(after[0].status === 'done' && after[2].status === 'failed', `the other columns are unchanged: ${after.map((c) => c.status)}`);
      assert(/access/i.test(after[2].error), 'the error stays in its column');
      assert(await column(frame, 1).locator('button.retry').isEnabled(), 'a stopped column can be retried');
      assert(!(await column(frame, 0).locator('button.stop').isEnabled()), 'a finished column has nothing to stop');
      const summary = await text(frame.locator('#summary'));
      assert(/1 done/.test(summary) && /1 failed/.test(summary) && /1 stopped/.test(summary), `#summary: "${summary}"`);
      await wb.screenshot(page, 'comparison');

      // The word diff between the first two columns.
      await frame.locator('#diff-toggle').click();
      await waitFor('the word diff', async () => (await frame.locator('#diff').isVisible()) && (await frame.locator('#diff-output ins, #diff-output del').count()) > 0);
      const diffTitle = await text(frame.locator('#diff h2'));
      assert(/only in the first/.test(diffTitle), `the diff says what it counts: "${diffTitle}"`);
      await wb.screenshot(page, 'comparison-diff');

      // Keyboard: arrow keys move between columns.
      await column(frame, 0).focus();
      await page.keyboard.press('ArrowRight');
      const focused = await frame.locator('body').evaluate(() => document.activeElement && document.activeElement.getAttribute('data-column'));
      assert(focused === '1', `ArrowRight moves to the second column (focus is on column ${focused})`);

      // The toolbar's Scoreboard button opens the scoreboard (on this comparison's prompt).
      await frame.locator('#open-scoreboard').click();
      await page.locator('.tabs-container .tab[aria-label^="Scoreboard"]').first().waitFor({ state: 'visible', timeout: 30000 });
    },
  },
  {
    name: 'Comparison: Stop all, Re-run with the same inputs, Esc stops every model, the Runs view lists both, the panel survives a reload',
    async fn({ page }) {
      const frame = await startComparison(page);
      await waitFor('the first comparison to settle but the slow model', async () => {
        const c = await columnsShown(frame);
        return c[0].status === 'done' && c[2].status === 'failed' && c[1].status === 'streaming';
      });
      await frame.locator('#stop-all').click();
      await waitFor('Stop all to stop the slow column', async () => (await columnsShown(frame))[1].status === 'cancelled');
      const firstId = await frame.locator('#title').getAttribute('title');

      await frame.locator('#rerun').click();
      await waitFor('a new comparison in the same panel, the fast model done, the slow one streaming', async () => {
        const id = await frame.locator('#title').getAttribute('title');
        const c = await columnsShown(frame);
        return id !== firstId && c[0].status === 'done' && c[1].status === 'streaming';
      });
      await column(frame, 0).focus();
      await page.keyboard.press('Escape');
      const stopped = await waitFor('Esc to stop the streaming models', async () => {
        const c = await columnsShown(frame);
        return c.every((x) => x.status !== 'streaming') ? c : undefined;
      });
      assert(stopped[1].status === 'cancelled', `Esc stopped the slow model: ${stopped.map((c) => c.status)}`);

      // The Runs view (activity bar → Prompt Workbench) lists both comparisons of compare-demo.
      await wb.runCommand(page, 'Prompt Workbench: Refresh Runs');
      await page.locator('.activitybar [aria-label^="Prompt Workbench"]').first().click();
      const rows = page.locator('.pane-body .monaco-list-row').filter({ hasText: 'compare-demo v1' });
      await waitFor('two comparisons in the Runs view', async () => (await rows.count()) === 2);
      await wb.screenshot(page, 'runs-view');

      // Reload the window: VS Code restores the panel and it shows the prompt's last comparison from the records.
      const secondId = await frame.locator('#title').getAttribute('title');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60000 });
      const restored = await wb.focusWebviewPanel(page, PANEL_TITLE, { timeoutMs: 60000 });
      let seen = '';
      const shown = await waitFor('the restored comparison', async () => {
        const c = await columnsShown(restored);
        const id = await restored.locator('#title').getAttribute('title', { timeout: 2000 });
        seen = `${c.length} columns, title "${id}" (expected "${secondId}")`;
        return c.length === 3 && id === secondId ? c : undefined;
      }, 60000).catch((err) => Promise.reject(new Error(`${err.message}: saw ${seen}`)));
      assert(shown[0].status === 'done' && shown[1].status === 'cancelled' && shown[2].status === 'failed', `restored statuses: ${shown.map((c) => c.status)}`);
      assert(shown[0].outputLength > 0 && /\d/.test(shown[0].latency), 'the restored columns keep their answers and metrics');
      assert(await restored.locator('#rerun').isEnabled(), 'a restored comparison can be run again');
      assert(!(await column(restored, 1).locator('button.retry').isEnabled()), 'columns of a recorded comparison are not retried one by one');
      await wb.screenshot(page, 'comparison-restored');
    },
  },
];

module.exports = { TESTS };
