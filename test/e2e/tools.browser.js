// Browser-driven tests of tool calls and conversations, as a person uses them: Run Prompt on
// the shipped weather-outfit prompt, the model's call of get_weather shown with its arguments
// and schema check, answered by hand, the answer continued from the typed result, then a reply;
// Compare Models on the same prompt, both columns' calls answered by the "mocks automatically"
// switch, and one reply sent to both columns at once. Run by browser.test.js against the real
// workbench and the local Bedrock simulator (its scripted tool model: test/support/sim/tools.ts).
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const RUN_TITLE = 'Prompt Workbench: Run Prompt';
const COMPARE_TITLE = 'Prompt Workbench: Compare Models';

async function text(locator) {
  return ((await locator.first().textContent({ timeout: 3000 }).catch(() => null)) || '').trim();
}

const TESTS = [
  {
    name: 'Run: a tool call is shown with its arguments and schema check, answered by hand, and the answer continues; then a reply',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/weather-outfit.prompt');
      await wb.runCommand(page, RUN_TITLE);
      const frame = await wb.focusWebviewPanel(page, 'Run: weather-outfit');
      const pending = frame.locator('.tool-pending[data-tool="get_weather"]');
      await waitFor('the get_weather call waits for an answer', async () => (await pending.count()) === 1, 45000);
      const args = await text(pending.locator('.tool-args'));
      assert(/"city":\s*"Lisbon"/.test(args), `the call's arguments are shown: ${args}`);
      assert((await pending.locator('.tool-check').getAttribute('data-ok')) === 'true', 'the schema check passes');
      const mocks = await pending.locator('select.tool-mock option').count();
      assert(mocks === 3, `the saved mocks are offered: ${mocks}`);
      await pending.locator('textarea.tool-result').fill('{"tempC": 31, "sky": "hot sun"}');
      await wb.screenshot(page, 'tool-call-pending');
      await pending.locator('button.tool-send').click();
      await waitFor('the run is Done', async () => (await text(frame.locator('#status'))) === 'Done', 45000);
      const output = await text(frame.locator('#output'));
      assert(output.includes('hot sun'), `the answer continues from the typed result: ${output.slice(0, 300)}`);
      const call = frame.locator('.tool-call[data-tool="get_weather"]');
      assert((await call.count()) === 1, 'the answered call is listed under the answer');
      assert((await text(call.locator('.tool-by'))).includes('you'), 'it says who answered');
      await wb.screenshot(page, 'tool-call');
      // The conversation goes on: a reply box under the finished answer.
      await frame.locator('.reply-box textarea.reply-text').fill('And tomorrow?');
      await frame.locator('.reply-box button.reply-send').click();
      await waitFor('the reply is shown and answered', async () => (await text(frame.locator('.turn-reply'))).includes('And tomorrow?') && (await text(frame.locator('#status'))) === 'Done' && (await text(frame.locator('#output'))).includes('And tomorrow?'), 45000);
      const earlier = await text(frame.locator('.conversation-earlier .turn-answer'));
      assert(earlier.includes('hot sun'), `the first answer stays above as an earlier turn: ${earlier.slice(0, 200)}`);
      return `arguments ${args.replace(/\s+/g, ' ')}`;
    },
  },
  {
    name: 'Compare: tool calls answered by the mocks switch in both columns, then one reply continues both conversations',
    async fn({ page }) {
      await wb.openFile(page, 'prompts/weather-outfit.prompt');
      await wb.runCommand(page, COMPARE_TITLE);
      const frame = await wb.focusWebviewPanel(page, 'Compare: weather-outfit');
      await waitFor('two columns, each with a waiting call', async () => (await frame.locator('section.column .tool-pending').count()) === 2, 45000);
      // A click (not check()): the host's state decides the switch, and answers the waiting calls.
      await frame.locator('#auto-mocks').click();
      await waitFor('both columns Done', async () => (await frame.locator('section.column[data-status="done"]').count()) === 2, 45000);
      for (const index of [0, 1]) {
        const column = frame.locator(`section.column[data-column="${index}"]`);
        const by = await text(column.locator('.tool-call .tool-by'));
        assert(by.includes('mock'), `column ${index} was answered by a mock: ${by}`);
        assert((await text(column.locator('.output'))).includes('sunny'), `column ${index} answered from the Lisbon mock`);
      }
      await frame.locator('.reply-box textarea.reply-text').fill('Thanks! Is an umbrella needed?');
      await frame.locator('.reply-box button.reply-send').click();
      await waitFor('both columns answered the reply', async () => {
        const replies = await frame.locator('section.column .turn-reply').count();
        const done = await frame.locator('section.column[data-status="done"]').count();
        const outputs = await frame.locator('section.column .output').allTextContents();
        return replies === 2 && done === 2 && outputs.every((o) => o.includes('umbrella'));
      }, 45000);
      const earlier = await frame.locator('section.column .conversation-earlier .turn').count();
      assert(earlier === 2, `each column keeps its first turn above: ${earlier}`);
      await wb.screenshot(page, 'conversation-compare');
    },
  },
];

module.exports = { TESTS };
