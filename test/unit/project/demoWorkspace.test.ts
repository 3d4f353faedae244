// `npm run demo`'s workspace shows the shipped samples only, on models that exist on Amazon
// Bedrock, and still has something to try for every feature; the test workspaces keep the
// fixtures (compare-demo, slow-stop-demo, dataset-demo) and the simulator's judge.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workspaces = require(path.join(ROOT, 'test/e2e/lib/workspace.js')) as {
  makeScratchWorkspace(o?: Record<string, unknown>): { dir: string; cleanup(): void };
  makeDemoWorkspace(o: Record<string, unknown>): { dir: string; cleanup(): void };
  SIMULATOR_JUDGE: string;
};

const FIXTURES = ['compare-demo.prompt', 'slow-stop-demo.prompt', 'dataset-demo.prompt'];

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === '.vscode' ? [] : filesUnder(path.join(dir, e.name))) : [path.join(dir, e.name)]));
}

describe('demo workspace (npm run demo) vs test workspaces', () => {
  it('the demo has no test fixture and no simulator-only model id in any prompt or dataset', () => {
    const ws = workspaces.makeDemoWorkspace({ simulator: false });
    try {
      const prompts = fs.readdirSync(path.join(ws.dir, 'prompts'));
      for (const f of FIXTURES) assert.ok(!prompts.includes(f), `${f} is in the demo`);
      for (const file of filesUnder(ws.dir)) {
        const text = fs.readFileSync(file, 'utf8');
        assert.doesNotMatch(text, /\bsim-[a-z-]+-v\d/, `${path.relative(ws.dir, file)} names a simulator-only model`);
        assert.doesNotMatch(text, /Test fixture/, `${path.relative(ws.dir, file)} is a test fixture`);
      }
      const settings = JSON.parse(fs.readFileSync(path.join(ws.dir, '.vscode/settings.json'), 'utf8'));
      assert.equal(settings['promptWorkbench.datasets.judgeModel'], undefined, 'on Amazon Bedrock the judge is the user\'s model');
      assert.equal(settings['promptWorkbench.welcome.showOnFirstStart'], true);
    } finally {
      ws.cleanup();
    }
  });

  it('the demo still has something for every feature: run, compare, dataset with checks, retrieval, an email thread', () => {
    const ws = workspaces.makeDemoWorkspace({ simulator: true, endpointUrl: 'http://127.0.0.1:9' });
    try {
      const prompts = fs.readdirSync(path.join(ws.dir, 'prompts')).map((f) => fs.readFileSync(path.join(ws.dir, 'prompts', f), 'utf8'));
      assert.ok(prompts.some((p) => /^workbench\.compare: \[.+, .+\]/m.test(p)), 'a prompt that compares two models or more');
      const withDataset = prompts.find((p) => /^workbench\.dataset: /m.test(p));
      assert.ok(withDataset, 'a prompt with a dataset');
      const dataset = /^workbench\.dataset: (.+)$/m.exec(withDataset)![1].trim();
      const cases = fs.readFileSync(path.join(ws.dir, dataset), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(cases.some((c) => c.checks?.some((k: Record<string, unknown>) => 'llmJudge' in k)), 'an LLM-judge check');
      assert.ok(prompts.some((p) => /^workbench\.rag: /m.test(p)), 'a retrieval prompt');
      assert.ok(fs.readdirSync(path.join(ws.dir, 'docs')).length >= 3, 'documents to retrieve from');
      assert.ok(fs.existsSync(path.join(ws.dir, 'emails/launch-thread.txt')), 'an email thread');
      // With the simulator answering, its judge judges the checks that name no model.
      const settings = JSON.parse(fs.readFileSync(path.join(ws.dir, '.vscode/settings.json'), 'utf8'));
      assert.equal(settings['promptWorkbench.datasets.judgeModel'], workspaces.SIMULATOR_JUDGE);
      assert.equal(settings['promptWorkbench.bedrock.endpointUrl'], 'http://127.0.0.1:9');
    } finally {
      ws.cleanup();
    }
  });

  it('a test workspace keeps the fixtures and the simulator judge', () => {
    const ws = workspaces.makeScratchWorkspace({ label: 'unit' });
    try {
      const prompts = fs.readdirSync(path.join(ws.dir, 'prompts'));
      for (const f of FIXTURES) assert.ok(prompts.includes(f), `${f} is missing from the test workspace`);
      assert.ok(prompts.includes('email-summary.prompt'));
      const settings = JSON.parse(fs.readFileSync(path.join(ws.dir, '.vscode/settings.json'), 'utf8'));
      assert.equal(settings['promptWorkbench.datasets.judgeModel'], workspaces.SIMULATOR_JUDGE);
    } finally {
      ws.cleanup();
    }
  });
});
