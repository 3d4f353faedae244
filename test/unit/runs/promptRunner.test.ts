import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';

const PROMPT = `---
name: greet
version: 2
model: echo/echo
config: {temperature: 0.3}
input:
  schema: {who: string}
---
{{role "system"}}Be brief.
{{role "user"}}Say hello to {{who}}.
`;

describe('PromptRunner (echo provider, real files)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-run-'));
    fs.mkdirSync(path.join(dir, 'prompts'));
    file = path.join(dir, 'prompts', 'greet.prompt');
    fs.writeFileSync(file, PROMPT);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runner = (storeInputs = false) =>
    new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), workspaceFolder: dir, storeInputs });

  it('renders, runs, and appends one run record with the prompt version and content hash', async () => {
    const r = runner();
    const rendered = await r.prepare(promptDocument(PROMPT, file), { who: 'Ada' });
    const outcome = await r.run(rendered, { signal: new AbortController().signal });
    assert.equal(outcome.model, 'echo/echo');
    assert.match(outcome.output, /\*\*system\*\*\n\nBe brief\./);
    assert.match(outcome.output, /Say hello to Ada\./);
    assert.ok(outcome.recordFile);
    const { records, problems } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.equal(problems.length, 0);
    assert.equal(records.length, 1);
    const rec = records[0];
    assert.equal(rec.schema, 'prompt-workbench.run/1');
    assert.equal(rec.id, outcome.runId);
    assert.deepEqual({ ...rec.prompt, contentHash: undefined }, { name: 'greet', version: 2, contentHash: undefined, path: 'prompts/greet.prompt' });
    assert.match(rec.prompt.contentHash, /^[0-9a-f]{8}$/);
    assert.equal(rec.prompt.contentHash, rendered.contentHash);
    assert.deepEqual(rec.config, { temperature: 0.3 });
    assert.match(rec.inputsHash, /^sha256:/);
    assert.equal(rec.inputs, undefined, 'inputs are kept out unless the setting asks for them');
    assert.equal(rec.output, outcome.output);
    assert.equal(rec.error, null);
  });

  it('keeps inputs in the record only when asked to', async () => {
    const r = runner(true);
    const rendered = await r.prepare(promptDocument(PROMPT, file), { who: 'Grace' });
    const outcome = await r.run(rendered, { signal: new AbortController().signal });
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.deepEqual(records[0].inputs, { who: 'Grace' });
  });

  it('names missing inputs before anything is sent', async () => {
    const rendered = await runner().prepare(promptDocument(PROMPT, file), {});
    assert.deepEqual(rendered.missingInputs, ['who']);
  });

  it('an unknown provider is an error in the outcome and the record, not an exception', async () => {
    const r = runner();
    const rendered = await r.prepare(promptDocument(PROMPT, file), { who: 'x' });
    const outcome = await r.run(rendered, { model: 'nosuch/model', signal: new AbortController().signal });
    assert.equal(outcome.error?.kind, 'validation');
    assert.match(outcome.error!.message, /No provider is called “nosuch”/);
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.equal(records[0].error?.kind, 'validation');
  });
});
