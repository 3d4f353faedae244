// Browser-driven test of Summarize Email as a person uses it: run the command from the
// palette with nothing selected, paste a thread into the panel's paste box, see the summary
// with the masked details restored for display and the facts of what was sent, then open a
// related workspace document from its link. Run by browser.test.js (which appends these TESTS).
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const COMMAND_TITLE = 'Prompt Workbench: Summarize Email';
const PANEL_TITLE = 'Email Summary';

const THREAD = `We decided that Ann Lee owns the rollout; write to ann.lee@example.org with questions about the launch checklist.
Bo Chen will call +1 415 555 0199 to confirm the rollback runbook review by Friday, as agreed.

From: Ann Lee <ann.lee@example.org>
Sent: Monday, March 3, 2025 9:00 AM
To: Bo Chen <bo.chen@example.org>
Subject: Launch checklist and rollback runbook

Bo, the launch checklist in docs/launch-checklist.md needs an owner, and the rollback runbook in docs/rollback-runbook.md needs a review before we decide on the feature flag order. Can we agree on both this week?

Thanks,
Ann`;

async function text(locator) {
  return ((await locator.textContent({ timeout: 3000 }).catch(() => null)) || '').trim();
}

const TESTS = [
  {
    name: 'Summarize Email: paste a thread, see the summary with masked details restored, open a related document',
    async fn({ page }) {
      await wb.runCommand(page, 'View: Close All Editors').catch(() => wb.closeQuickInput(page));
      await wb.runCommand(page, COMMAND_TITLE);
      const frame = await wb.focusWebviewPanel(page, PANEL_TITLE);
      const paste = frame.locator('#paste');
      await paste.waitFor({ state: 'visible', timeout: 30000 });
      await paste.fill(THREAD);
      await frame.locator('#summarize').click();
      await waitFor('the summary', async () => (await frame.locator('#status').getAttribute('data-status').catch(() => null)) === 'done', 90000);

      const summary = await text(frame.locator('#summary'));
      assert(/ann\.lee@example\.org/.test(summary), `the summary shows the address restored: ${summary.slice(0, 400)}`);
      assert(!/\[(EMAIL|NAME|PHONE)_\d+\]/.test(summary), `no placeholder is left in what the person sees: ${summary.slice(0, 400)}`);
      const fact = async (name) => text(frame.locator(`[data-fact="${name}"] .value`));
      assert((await fact('messages')) === '2', `two messages: "${await fact('messages')}"`);
      assert(/^\d+ \(.*email.*\)$/.test(await fact('redactions')), `the masked details are counted by kind: "${await fact('redactions')}"`);
      assert(/^\d[\d,]* of \d/.test(await fact('tokensSaved')), `tokens saved: "${await fact('tokensSaved')}"`);
      assert((await paste.inputValue()) === THREAD, 'the paste box keeps the pasted thread');

      const links = frame.locator('#related a[data-index]');
      await waitFor('related documents', async () => (await links.count()) > 0, 10000);
      const label = await text(links.first());
      assert(/^docs\/.+\.md:\d+–\d+$/.test(label), `a related document with its lines: "${label}"`);
      await wb.screenshot(page, 'email-summary');

      // A thumbs-up is recorded (appendRating, linked to the run) and shown as pressed.
      await frame.locator('#thumbs-up').click();
      await waitFor('the thumbs-up to be recorded', async () => (await frame.locator('#thumbs-up').getAttribute('aria-pressed')) === 'true', 10000);
      await frame.locator('#stars [data-stars="4"]').click();
      await waitFor('four stars to be recorded', async () => (await frame.locator('#stars [data-stars="4"]').getAttribute('aria-checked')) === 'true', 10000);

      await links.first().click();
      const file = label.split(':')[0].split('/').pop();
      await page.locator(`.tabs-container .tab.active[aria-label*="${file}"]`).first().waitFor({ state: 'visible', timeout: 30000 });

      // "Compare across models" runs the same prompt and inputs in the Compare panel.
      const again = await wb.focusWebviewPanel(page, PANEL_TITLE);
      await again.locator('#compare').click();
      await page.locator('.tabs-container .tab[aria-label^="Compare: email-summary"]').first().waitFor({ state: 'visible', timeout: 30000 });
    },
  },
];

module.exports = { TESTS };
