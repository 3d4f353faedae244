// Fine-tuning export: the outputs rated best for a prompt, rebuilt from the exact prompt text
// each run used, in Amazon Bedrock's conversational format (bedrock-conversation-2024); runs
// recorded without inputs are counted and explained, not exported. Core and `export-finetune`.
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { exportFineTuning, toBedrockConversation } from '../../../src/core/datasets/fineTuneExport';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { appendRating } from '../../../src/core/ratings/ratingsStore';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { WorkbenchPaths } from '../../../src/core/workspace/paths';

const CLI = path.resolve(__dirname, '../../../..', 'dist', 'cli.js');
const PROMPT = `---
name: greet
version: 2
model: echo/echo
input:
  schema: {who: string}
---
{{role "system"}}Be brief.
{{role "user"}}Say hello to {{who}}.
`;

describe('Fine-tuning export (Bedrock conversation JSONL)', function () {
  this.timeout(30000);
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-finetune-'));
    file = path.join(dir, 'greet.prompt');
    fs.writeFileSync(file, PROMPT);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function runAndRate(who: string, storeInputs: boolean, rating: { stars?: 1 | 2 | 3 | 4 | 5; thumbs?: 'up' | 'down' }) {
    const runner = new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), workspaceFolder: dir, storeInputs });
    const rendered = await runner.prepare(promptDocument(PROMPT, file), { who });
    const outcome = await runner.run(rendered, { signal: new AbortController().signal });
    const ratings = new WorkbenchPaths(dir).ratingsFile;
    const base = { runId: outcome.runId, prompt: { name: 'greet', version: 2, contentHash: rendered.contentHash }, model: outcome.model };
    if (rating.stars) await appendRating(ratings, { ...base, kind: 'stars', value: rating.stars });
    if (rating.thumbs) await appendRating(ratings, { ...base, kind: 'thumbs', value: rating.thumbs });
    return outcome;
  }

  it('exports runs rated at or above the minimum (thumbs up counts), skipping those stored without inputs', async () => {
    const ada = await runAndRate('Ada', true, { stars: 5 });
    await runAndRate('Bob', true, { stars: 3 });
    const cy = await runAndRate('Cy', true, { thumbs: 'up' });
    await runAndRate('Di', false, { stars: 4 });
    await runAndRate('Ed', true, { thumbs: 'down' });
    const result = await exportFineTuning({ workspaceFolder: dir, prompt: 'greet', minStars: 4 });
    assert.equal(result.qualified, 3);
    assert.deepEqual(result.skipped, { noInputs: 1, noPromptText: 0, unusable: 0 });
    assert.equal(result.examples.length, 2);
    assert.deepEqual(result.examples[0], {
      schemaVersion: 'bedrock-conversation-2024',
      system: [{ text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ text: 'Say hello to Ada.' }] },
        { role: 'assistant', content: [{ text: ada.output }] },
      ],
    });
    assert.equal(result.examples[1].messages[1].content[0].text, cy.output);
    const at3 = await exportFineTuning({ workspaceFolder: dir, prompt: 'greet', minStars: 3 });
    assert.equal(at3.examples.length, 3);
  });

  it('turns a conversation into alternating user/assistant turns that open with the user and end with the answer', () => {
    const conv = toBedrockConversation(
      [
        { role: 'system', content: [{ text: 'S1' }] },
        { role: 'user', content: [{ text: 'U1' }] },
        { role: 'user', content: [{ text: 'U2' }] },
        { role: 'model', content: [{ text: 'A1' }] },
        { role: 'user', content: [{ text: 'U3' }] },
      ],
      'ANSWER',
    );
    assert.deepEqual(conv.messages.map((m) => [m.role, m.content[0].text]), [['user', 'U1\n\nU2'], ['assistant', 'A1'], ['user', 'U3'], ['assistant', 'ANSWER']]);
    const onlySystem = toBedrockConversation([{ role: 'system', content: [{ text: 'Do it' }] }], 'Done');
    assert.equal(onlySystem.system, undefined);
    assert.deepEqual(onlySystem.messages.map((m) => m.role), ['user', 'assistant']);
  });

  it('export-finetune writes JSONL to --out, explains runs without inputs, and exits 1 when nothing qualifies', async () => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    await runAndRate('Ada', true, { stars: 4 });
    await runAndRate('Di', false, { stars: 5 });
    const out = path.join(dir, 'train.jsonl');
    const r = spawnSync(process.execPath, [CLI, 'export-finetune', '--prompt', 'greet', '--out', out, '--workspace', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].schemaVersion, 'bedrock-conversation-2024');
    assert.match(r.stderr, /1 skipped: recorded without their inputs.*promptWorkbench\.runs\.storeInputs/);
    const none = spawnSync(process.execPath, [CLI, 'export-finetune', '--prompt', 'greet', '--min-stars', '5', '--workspace', dir], { encoding: 'utf8' });
    assert.equal(none.status, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /nothing to export/);
    const usage = spawnSync(process.execPath, [CLI, 'export-finetune', '--workspace', dir], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--prompt NAME/);
  });
});
