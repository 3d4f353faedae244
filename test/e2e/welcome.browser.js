// The first start, as a new user sees it: the "Get Started with Prompt Workbench" walkthrough
// opens by itself, its steps' buttons run the real commands, and in a workspace without any
// .prompt file "Open Sample Prompts" offers the samples, copies them (never overwriting a
// file) and opens the email summary prompt. Run by browser.test.js.
const fs = require('fs');
const path = require('path');
const wb = require('./lib/workbench');
const { assert, waitFor } = require('./lib/wait');

const WALKTHROUGH_TITLE = 'Get Started with Prompt Workbench';

const TESTS = [
  {
    name: 'First start: the walkthrough opens by itself; in a workspace without prompts its "Open Sample Prompts" step adds the samples',
    // This workspace, unlike the others, lets the walkthrough open on the first start.
    settings: { 'promptWorkbench.welcome.showOnFirstStart': true },
    async fn({ page, ws }) {
      const walkthrough = page.locator('.gettingStartedContainer').filter({ hasText: WALKTHROUGH_TITLE });
      await walkthrough.first().waitFor({ state: 'visible', timeout: 60000 });
      const steps = await page.locator('.gettingStartedContainer .getting-started-step .step-title').allTextContents();
      for (const step of ['Connect to Amazon Bedrock', 'Run a first comparison', 'Open the scoreboard', 'Index the workspace documents', 'Summarize an email thread']) {
        assert(steps.some((s) => s.includes(step)), `the walkthrough has the step "${step}" (steps: ${JSON.stringify(steps)})`);
      }
      await wb.screenshot(page, 'walkthrough');

      // Make this a workspace without prompts, then take the samples step.
      const promptsDir = path.join(ws, 'prompts');
      for (const f of fs.readdirSync(promptsDir)) fs.rmSync(path.join(promptsDir, f), { force: true });
      fs.rmSync(path.join(ws, 'docs'), { recursive: true, force: true });
      // The email thread stays, edited: the samples must not overwrite it.
      const thread = path.join(ws, 'emails', 'launch-thread.txt');
      fs.writeFileSync(thread, 'my own edits\n');
      await page.locator('.gettingStartedContainer .getting-started-step').filter({ hasText: 'Open the sample prompts' }).first().click();
      const button = page.locator('.gettingStartedContainer .getting-started-step.expanded').getByRole('button', { name: 'Open Sample Prompts' });
      await button.first().click({ timeout: 15000 });
      const offer = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'has no .prompt files yet' });
      await offer.first().waitFor({ state: 'visible', timeout: 30000 });
      await offer.first().getByRole('button', { name: 'Add Samples' }).click();
      await waitFor('the email summary prompt to open', async () => (await page.locator('.tabs-container .tab.active[aria-label*="email-summary.prompt"]').count()) > 0, 30000);
      assert(fs.existsSync(path.join(promptsDir, 'email-summary.prompt')), 'prompts/email-summary.prompt was added to the workspace');
      const added = fs.readdirSync(promptsDir).filter((f) => f.endsWith('.prompt'));
      assert(added.length >= 4, `the sample prompts were added: ${added.join(', ')}`);
      assert(fs.existsSync(path.join(ws, 'docs', 'rollback-runbook.md')), 'the sample documents were added');
      assert(fs.readFileSync(thread, 'utf8') === 'my own edits\n', 'a file that was already there is left as it is');
      const told = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'already there' });
      await told.first().waitFor({ state: 'visible', timeout: 15000 });
      await wb.screenshot(page, 'walkthrough-samples');
    },
  },
];

module.exports = { TESTS };
