// Scratch copies of the sample workspace (the extension's shipped samples/ — documents, an email
// thread, datasets — plus the shipped prompts/), so that runs (and their records under
// .prompt-workbench/) never touch the repo and two test layers never see each other's files.
// Test workspaces also get the test fixtures of test/fixtures/sample-workspace (prompts on the
// simulator's special models); the demo's workspace (makeDemoWorkspace) does not: it shows only
// what a user gets from Open Sample Prompts.
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/sample-workspace');
const SHIPPED_PROMPTS = path.join(REPO_ROOT, 'prompts');
/** What Open Sample Prompts copies into a workspace besides prompts/: docs/, emails/, datasets/. */
const SHIPPED_SAMPLES = path.join(REPO_ROOT, 'samples');

/** The local simulator's judge model (test/support/bedrockAnswers.ts answers it with a verdict). */
const SIMULATOR_JUDGE = 'bedrock/anthropic.sim-judge-v1:0';

/**
 * Copies the sample workspace to a new temporary folder, adds the extension's shipped
 * prompts (prompts/*.prompt of the repo, the same files, not copies kept by hand) and writes
 * `.vscode/settings.json`.
 * - `fixtures` (default true): adds test/fixtures/sample-workspace (compare-demo, slow-stop-demo,
 *   dataset-demo: simulator-only models, for the tests);
 * - `simulator` (default true): answers come from the local simulator, so its judge model judges
 *   the `llmJudge` checks that name no model (`promptWorkbench.datasets.judgeModel`);
 * - `userDataDir`: the server's user data folder, where machine-scoped settings are written.
 * @param {{label?: string, endpointUrl?: string, region?: string, settings?: Record<string, unknown>, parent?: string, fixtures?: boolean, simulator?: boolean, userDataDir?: string}} [o]
 * @returns {{dir: string, cleanup: () => void}}
 */
function makeScratchWorkspace(o = {}) {
  const parent = o.parent || os.tmpdir();
  const dir = fs.mkdtempSync(path.join(parent, `pw-ws-${o.label || 'sample'}-`));
  fs.cpSync(SHIPPED_SAMPLES, dir, { recursive: true });
  if (o.fixtures !== false) fs.cpSync(FIXTURE, dir, { recursive: true });
  const promptsDir = path.join(dir, 'prompts');
  fs.mkdirSync(promptsDir, { recursive: true });
  if (fs.existsSync(SHIPPED_PROMPTS)) {
    for (const name of fs.readdirSync(SHIPPED_PROMPTS)) {
      if (name.endsWith('.prompt')) fs.copyFileSync(path.join(SHIPPED_PROMPTS, name), path.join(promptsDir, name));
    }
  }
  // The walkthrough opens on a first start; tests that do not look at it keep it out of the way.
  const settings = { 'promptWorkbench.welcome.showOnFirstStart': false, ...(o.simulator !== false ? { 'promptWorkbench.datasets.judgeModel': SIMULATOR_JUDGE } : {}), ...(o.settings || {}) };
  if (o.endpointUrl) settings['promptWorkbench.bedrock.endpointUrl'] = o.endpointUrl;
  if (o.region || o.endpointUrl) settings['promptWorkbench.bedrock.region'] = o.region || 'us-east-1';
  // Machine-scoped settings (endpoints, the default model…) count only in user settings: with the
  // server's user data folder they go there, as a person would set them.
  if (o.userDataDir) {
    // The user settings and the server's own (remote machine) settings, where the extension host
    // reads machine-scoped settings without waiting for the browser's user settings.
    const machineKeys = machineScopedSettings().filter((key) => key in settings);
    for (const file of [path.join(o.userDataDir, 'User', 'settings.json'), path.join(o.userDataDir, 'Machine', 'settings.json')]) {
      const current = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
      for (const key of machineKeys) current[key] = settings[key];
      // Rewritten only when it changes, and atomically: a window starting meanwhile must never read a
      // half-written (empty) file and come up without the endpoint.
      const text = `${JSON.stringify(current, null, 2)}\n`;
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(`${file}.tmp`, text);
        fs.renameSync(`${file}.tmp`, file);
      }
    }
    for (const key of machineKeys) delete settings[key];
  }
  if (Object.keys(settings).length) {
    fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.vscode/settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  }
  return {
    dir,
    cleanup() {
      if (!process.env.PW_KEEP_SCRATCH) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The workspace of `npm run demo`: the shipped samples and prompts only (models that exist on
 * Amazon Bedrock), no test fixtures, the walkthrough on the first start.
 * @param {{endpointUrl?: string, simulator: boolean, parent?: string, userDataDir?: string}} o
 */
function makeDemoWorkspace(o) {
  return makeScratchWorkspace({ label: 'demo', endpointUrl: o.endpointUrl, parent: o.parent, userDataDir: o.userDataDir, fixtures: false, simulator: o.simulator, settings: { 'promptWorkbench.welcome.showOnFirstStart': true } });
}

/** The settings package.json declares `machine` (or `application`) scoped: never read from a workspace. */
function machineScopedSettings() {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const properties = [].concat(manifest.contributes.configuration).reduce((all, c) => ({ ...all, ...c.properties }), {});
  return Object.keys(properties).filter((k) => properties[k].scope === 'machine' || properties[k].scope === 'application');
}

module.exports = { makeScratchWorkspace, makeDemoWorkspace, FIXTURE, SHIPPED_PROMPTS, SHIPPED_SAMPLES, SIMULATOR_JUDGE };
