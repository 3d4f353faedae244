import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { runDataset } from '../../../src/core/datasets/datasetRunner';
import * as parsePromptModule from '../../../src/core/prompt/parsePrompt';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { RagHit, RagQuery } from '../../../src/core/rag/types';
import { ComparisonRunner } from '../../../src/core/runs/comparisonRunner';
import { DEFAULT_MODEL, PromptRunner, type PromptRunnerDeps } from '../../../src/core/runs/promptRunner';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';

const PROMPT = `---
name: triage
version: 3
model: echo/echo
config: {maxOutputTokens: 100}
input:
  schema: {ticket: string, tone?: string}
---
{{role "system"}}Be brief{{#if tone}}, {{tone}}{{/if}}.
{{role "user"}}Triage: {{ticket}}
`;

const WITHOUT_MODEL = PROMPT.replace('model: echo/echo\n', '');

/** Counts calls of `parsePromptSource`, the only parser of `.prompt` text, while `body` runs. */
async function countParses(body: () => Promise<void>): Promise<number> {
  const module = parsePromptModule as { parsePromptSource: typeof parsePromptModule.parsePromptSource };
  const real = module.parsePromptSource;
  let count = 0;
  module.parsePromptSource = (...args) => {
    count++;
    return real(...args);
  };
  try {
    await body();
  } finally {
    module.parsePromptSource = real;
  }
  return count;
}

describe('prepare() and run(): one pipeline for every caller', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-prepare-'));
    fs.mkdirSync(path.join(dir, 'prompts'));
    file = path.join(dir, 'prompts', 'triage.prompt');
    fs.writeFileSync(file, PROMPT);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runner = (deps: Partial<PromptRunnerDeps> = {}) => new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), workspaceFolder: dir, ...deps });
  const signal = () => new AbortController().signal;

  it('parses the .prompt text exactly once for a run: prepare, run, record', async () => {
    const r = runner();
    let recordFile: string | undefined;
    const parses = await countParses(async () => {
      const prepared = await r.prepare(promptDocument(PROMPT, file), { ticket: 'printer on fire' });
      recordFile = (await r.run(prepared, { signal: signal() })).recordFile;
    });
    assert.equal(parses, 1);
    assert.ok(recordFile, 'the run was recorded');
  });

  it('parses once for a comparison of three models', async () => {
    const r = runner();
    let runs = 0;
    const parses = await countParses(async () => {
      const prepared = await r.prepare(promptDocument(PROMPT, file), { ticket: 't' });
      runs = (await new ComparisonRunner({ runner: r, prepared, models: ['echo/echo', 'echo/a', 'echo/b'] }).run()).runs.length;
    });
    assert.equal(runs, 3);
    assert.equal(parses, 1);
  });

  it('parses once for a whole dataset run (every case on every model)', async () => {
    fs.mkdirSync(path.join(dir, 'datasets'));
    const cases = [1, 2, 3].map((n) => ({ id: `c${n}`, line: n, inputs: { ticket: `ticket ${n}` }, checks: [] }));
    let cells = 0;
    const parses = await countParses(async () => {
      const result = await runDataset({ runner: runner(), document: promptDocument(PROMPT, file), dataset: { file: path.join(dir, 'datasets', 'd.jsonl'), cases, problems: [], missingColumns: [] } as never, models: ['echo/echo', 'echo/x'] });
      cells = result.cells.filter((c) => c.status === 'done').length;
    });
    assert.equal(cells, 6);
    assert.equal(parses, 1);
  });

  it('gives the prompt identity, rendered messages, config and inputs; the outcome carries the identity', async () => {
    const r = runner();
    const prepared = await r.prepare(promptDocument(PROMPT, file), { ticket: 'printer on fire', tone: 'calm' });
    assert.deepEqual({ ...prepared.prompt, contentHash: '' }, { name: 'triage', version: 3, contentHash: '', path: 'prompts/triage.prompt' });
    assert.match(prepared.prompt.contentHash, /^[0-9a-f]{8}$/);
    assert.deepEqual(prepared.messages.map((m) => m.role), ['system', 'user']);
    assert.match(JSON.stringify(prepared.messages), /Be brief, calm\..*Triage: printer on fire/);
    assert.deepEqual(prepared.config, { maxOutputTokens: 100 });
    assert.deepEqual(prepared.inputs, { ticket: 'printer on fire', tone: 'calm' });
    const outcome = await r.run(prepared, { signal: signal() });
    assert.deepEqual(outcome.prompt, { name: 'triage', version: 3, contentHash: prepared.prompt.contentHash });
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.deepEqual(records[0].prompt, prepared.prompt);
  });

  it('names the required inputs that have no value (optional ones are not missing)', async () => {
    const prepared = await runner().prepare(promptDocument(PROMPT, file), {});
    assert.deepEqual(prepared.missingInputs, ['ticket']);
    assert.deepEqual((await runner().prepare(promptDocument(PROMPT, file), { ticket: 'x' })).missingInputs, []);
  });

  it('resolves the model in order: the caller’s, the prompt’s own, the picked (runner default) model, the built-in default', async () => {
    const picked = runner({ defaultModel: 'echo/picked' });
    assert.equal((await picked.prepare(promptDocument(PROMPT, file), { ticket: 'x' }, { model: 'echo/override' })).model, 'echo/override');
    assert.equal((await picked.prepare(promptDocument(PROMPT, file), { ticket: 'x' })).model, 'echo/echo');
    assert.equal((await picked.prepare(promptDocument(WITHOUT_MODEL, file), { ticket: 'x' })).model, 'echo/picked');
    assert.equal((await runner().prepare(promptDocument(WITHOUT_MODEL, file), { ticket: 'x' })).model, DEFAULT_MODEL);
    // A bare id is Amazon Bedrock's.
    assert.equal((await picked.prepare(promptDocument(PROMPT, file), { ticket: 'x' }, { model: 'amazon.nova-lite-v1:0' })).model, 'bedrock/amazon.nova-lite-v1:0');
    // run() uses the prepared model unless a column names its own.
    const prepared = await picked.prepare(promptDocument(WITHOUT_MODEL, file), { ticket: 'x' });
    assert.equal((await picked.run(prepared, { signal: signal() })).model, 'echo/picked');
    assert.equal((await picked.run(prepared, { signal: signal(), model: 'echo/column' })).model, 'echo/column');
  });

  it('retrieves for workbench.rag once, with the inputs, and records what was retrieved', async () => {
    const queries: RagQuery[] = [];
    const hit = { id: 'k1', path: 'docs/a.md', startLine: 1, endLine: 4, score: 0.9, text: 'Reboot the printer.' } as RagHit;
    const r = runner({ retrieve: async (q) => (queries.push(q), [hit]) });
    const rag = PROMPT.replace('---\n{{role', 'workbench.rag: {query: "{{ticket}}", topK: 1}\n---\n{{#each context}}[{{path}}:{{lines}}] {{text}}{{/each}}\n{{role');
    let recorded: RunRecord | undefined;
    const parses = await countParses(async () => {
      const prepared = await r.prepare(promptDocument(rag, file), { ticket: 'printer' });
      assert.match(JSON.stringify(prepared.messages), /\[docs\/a\.md:1-4\] Reboot the printer\./);
      assert.equal(prepared.ragQuery, 'printer');
      const outcome = await r.run(prepared, { signal: signal() });
      recorded = (await readJsonl<RunRecord>(outcome.recordFile!)).records[0];
    });
    assert.equal(parses, 1);
    assert.deepEqual(queries.map((q) => q.text), ['printer']);
    assert.deepEqual(recorded?.retrieved, [{ id: 'k1', path: 'docs/a.md', startLine: 1, endLine: 4, score: 0.9 }]);
  });

  it('estimates the cost on the resolved model, and per model for a comparison', async () => {
    const prices = { 'echo/echo': { inputPerMTok: 1_000_000, outputPerMTok: 2_000_000 } };
    const r = runner({ catalog: new ModelCatalog(undefined, prices) });
    const prepared = await r.prepare(promptDocument(PROMPT, file), { ticket: 'printer on fire' });
    assert.equal(prepared.cost.model, 'echo/echo');
    assert.equal(prepared.cost.outputTokens, 100, 'maxOutputTokens bounds the answer');
    assert.ok(prepared.cost.inputTokens > 0);
    assert.equal(prepared.cost.usd, prepared.cost.inputTokens * 1 + 100 * 2);
    const [priced, unpriced] = r.estimate(prepared, ['echo/echo', 'echo/other']);
    assert.deepEqual(priced, prepared.cost);
    assert.equal(unpriced.usd, null);
  });

  it('streams text, reports the time to first token once, and returns the outcome', async () => {
    const r = runner();
    const prepared = await r.prepare(promptDocument(PROMPT, file), { ticket: 'x' });
    const firstTokens: number[] = [];
    let text = '';
    const outcome = await r.run(prepared, { signal: signal(), onFirstToken: (ms) => firstTokens.push(ms), onEvent: (e) => void (e.type === 'text' && (text += e.text)) });
    assert.equal(firstTokens.length, 1);
    assert.equal(firstTokens[0], outcome.metrics.ttftMs);
    assert.equal(text, outcome.output);
  });
});
