// Browser-driven test of an image input as a person gives one: open prompts/describe-image.prompt,
// Run Prompt (it runs on its default picture), open the inputs form, Choose File… for `photo`,
// pick another picture in VS Code's file dialog, see its thumbnail in the form, run again and see
// the answer describe the picture. Run by browser.test.js (appended to its TESTS).
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const PANEL_TITLE = 'Run: describe-image';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';

const statusOf = (frame) => frame.locator('#status').textContent({ timeout: 2000 }).then((t) => (t || '').trim());

function describeRuns(ws) {
  const runsDir = path.join(ws, '.prompt-workbench', 'runs');
  if (!fs.existsSync(runsDir)) return [];
  return fs
    .readdirSync(runsDir)
    .flatMap((f) => fs.readFileSync(path.join(runsDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))
    .filter((r) => r.prompt.name === 'describe-image');
}

const TESTS = [
  {
    name: 'Media: Choose File… for an image input shows a thumbnail, and the run describes the picture',
    async fn({ page, ws }) {
      fs.copyFileSync(path.join(ws, 'media', 'landscape.png'), path.join(ws, 'media', 'holiday.png'));
      await wb.openFile(page, 'prompts/describe-image.prompt');
      await wb.runCommand(page, 'Prompt Workbench: Run Prompt');
      const frame = await wb.focusWebviewPanel(page, PANEL_TITLE);
      await waitFor('the first run to finish', async () => (await statusOf(frame)) === 'Done', 45000, 200);
      const first = await frame.locator('#output').textContent();
      assert(/I received an image \(png, 318 bytes\)/.test(first), `the answer describes the default picture: ${first.slice(0, 200)}`);

      const panel = frame.locator('#inputs-panel');
      if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
      const field = frame.locator('.field[data-input="photo"]');
      await field.locator('button.pick-file').click();
      // VS Code's own file dialog (the simple dialog in the browser): type the file's path.
      await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout: 20000 });
      const box = page.locator(QUICK_INPUT_BOX);
      await box.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText(path.join(ws, 'media', 'holiday.png'));
      await page.keyboard.press('Enter');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10000 }).catch(async () => {
        await page.keyboard.press('Enter'); // some dialog versions ask for OK once more
        await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10000 });
      });
      await waitFor('the field to hold the chosen path', async () => (await field.locator('input[data-field="photo"]').inputValue()) === 'media/holiday.png', 20000, 200);
      const thumbnail = field.locator('.media-preview img.thumbnail');
      await thumbnail.waitFor({ state: 'visible', timeout: 10000 });
      const src = await thumbnail.getAttribute('src');
      assert(src.startsWith('data:image/png'), `the thumbnail shows the image: ${src.slice(0, 40)}`);
      const width = await thumbnail.evaluate((img) => img.naturalWidth);
      assert(width === 96, `the thumbnail decoded (naturalWidth ${width})`);

      await frame.locator('#run').click();
      // Done again, for a second recorded run, with its answer shown.
      const second = await waitFor('the second run to finish', async () => {
        if (describeRuns(ws).length < 2 || (await statusOf(frame)) !== 'Done') return undefined;
        const text = await frame.locator('#output').textContent();
        return /local Bedrock simulator/.test(text) ? text : undefined;
      }, 45000, 200);
      assert(/I received an image \(png, 318 bytes\)/.test(second), `the answer describes the chosen picture: ${second.slice(0, 200)}`);
      if (!(await panel.evaluate((d) => d.open))) await panel.locator('summary').click();
      await thumbnail.waitFor({ state: 'visible', timeout: 10000 });
      await wb.screenshot(page, 'media-input');
      const runs = describeRuns(ws);
      assert(runs.at(-1).inputs === undefined && /^sha256:/.test(runs.at(-1).inputsHash), 'the record keeps a hash of the inputs, not the picture');
    },
  },
];

module.exports = { TESTS };
