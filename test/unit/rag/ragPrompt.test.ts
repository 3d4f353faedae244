import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { describeInputFields } from '../../../src/core/prompt/inputFields';
import { promptCompletions } from '../../../src/core/prompt/language/completions';
import { semanticDiagnostics } from '../../../src/core/prompt/language/semanticChecks';
import { ragContext, ragQueryFor, ragQueryText, readRagConfig, retrievedRefs } from '../../../src/core/prompt/ragConfig';
import type { RagHit, RagQuery } from '../../../src/core/rag/types';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';

const HITS: RagHit[] = [
  { id: 'docs/rollback-runbook.md#2', path: 'docs/rollback-runbook.md', startLine: 12, endLine: 30, heading: 'Rollback > Steps', text: 'Flip the feature flag orders_v2 off.', score: 0.8234567 },
  { id: 'docs/rate-limits.md#0', path: 'docs/rate-limits.md', startLine: 1, endLine: 1, text: 'Default limit: 50 requests per second.', score: 0.41 },
];

const RAG_PROMPT = `---
name: docs-qa
model: echo/echo
input:
  schema: {question: string}
workbench.rag: {topK: 2, query: "rollback: {{question}}", folders: [docs], fileTypes: [".md"]}
---
{{role "user"}}Sources:
{{#each context}}[{{path}}:{{lines}}] {{text}}
{{/each}}
Question: {{question}}
`;

describe('workbench.rag config (ragConfig.ts)', () => {
  it('reads every key and normalizes folders and file types', () => {
    const { config, problems } = readRagConfig({ topK: 3, query: '{{q}}', minScore: 0.2, folders: ['./docs/'], fileTypes: ['.MD', '*.txt'] });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, { topK: 3, query: '{{q}}', minScore: 0.2, folders: ['docs'], fileTypes: ['md', 'txt'] });
  });

  it('has no config without workbench.rag, a default one for `true`', () => {
    assert.equal(readRagConfig(undefined).config, undefined);
    assert.deepEqual(readRagConfig(true).config, { topK: 4 });
  });

  it('names unknown keys and wrong types, keeping the valid parts', () => {
    const { config, problems } = readRagConfig({ topk: 3, topK: 2.5, query: 7, folders: 'docs', minScore: 0.1 });
    assert.deepEqual(problems.map((p) => p.key), ['topk', 'topK', 'query', 'folders']);
    assert.match(problems[0].message, /not a setting/);
    assert.match(problems[1].message, /whole number/);
    assert.deepEqual(config, { topK: 4, minScore: 0.1 });
    assert.match(readRagConfig('yes').problems[0].message, /must be a mapping/);
    assert.match(readRagConfig({ query: '{{#if x}}' }).problems[0].message, /workbench\.rag\.query/);
  });

  it('renders the query template over the inputs; without one joins every input value', () => {
    assert.equal(ragQueryText({ topK: 4, query: 'about {{topic}} & {{who}}' }, { topic: 'rollback <now>', who: 'ops' }), 'about rollback <now> & ops');
    assert.equal(ragQueryText({ topK: 4 }, { a: 'first', b: '', c: { x: 1 } }), 'first\n{"x":1}');
    const query = ragQueryFor({ topK: 2, query: '{{q}}', folders: ['docs'] }, { q: 'limits' });
    assert.deepEqual(query, { text: 'limits', topK: 2, folders: ['docs'] });
    assert.equal(ragQueryFor({ topK: 2, query: '{{q}}' }, {}), undefined, 'nothing to search for before the inputs are given');
  });

  it('exposes hits as the template context and as run-record references', () => {
    const [first, second] = ragContext(HITS);
    assert.deepEqual(first, { text: HITS[0].text, path: 'docs/rollback-runbook.md', lines: '12-30', startLine: 12, endLine: 30, score: 0.8235, heading: 'Rollback > Steps', location: 'docs/rollback-runbook.md' });
    assert.equal(second.lines, '1');
    assert.equal(second.heading, '');
    assert.deepEqual(retrievedRefs(HITS)[0], { id: 'docs/rollback-runbook.md#2', path: 'docs/rollback-runbook.md', startLine: 12, endLine: 30, score: 0.8235 });
  });
});

describe('PromptRunner retrieval hook (fake retriever)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-'));
    fs.mkdirSync(path.join(dir, 'prompts'));
    file = path.join(dir, 'prompts', 'docs-qa.prompt');
    fs.writeFileSync(file, RAG_PROMPT);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('retrieves with the rendered query, renders the chunks as context and records them with the run', async () => {
    const queries: RagQuery[] = [];
    const runner = new PromptRunner({
      providers: new ProviderRegistry(),
      catalog: new ModelCatalog(),
      workspaceFolder: dir,
      retrieve: async (query) => {
        queries.push(query);
        return HITS;
      },
    });
    const rendered = await runner.prepare(promptDocument(RAG_PROMPT, file), { question: 'how do I roll back?' });
    assert.deepEqual(queries, [{ text: 'rollback: how do I roll back?', topK: 2, folders: ['docs'], fileTypes: ['md'] }]);
    const text = JSON.stringify(rendered.messages);
    assert.match(text, /\[docs\/rollback-runbook\.md:12-30\] Flip the feature flag orders_v2 off\./);
    assert.match(text, /\[docs\/rate-limits\.md:1\] Default limit/);
    assert.deepEqual(rendered.missingInputs, []);
    assert.equal(rendered.retrieved?.length, 2);

    const outcome = await runner.run(rendered, { signal: new AbortController().signal });
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.deepEqual(records[0].retrieved, retrievedRefs(HITS));
    assert.equal(records[0].inputs, undefined);
  });

  it('does not search before the inputs are given, and reports them missing', async () => {
    let calls = 0;
    const runner = new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), retrieve: async () => (calls++, HITS) });
    const withoutQuery = RAG_PROMPT.replace('query: "rollback: {{question}}", ', '');
    const rendered = await runner.prepare(promptDocument(withoutQuery, file), {});
    assert.equal(calls, 0);
    assert.deepEqual(rendered.missingInputs, ['question']);
    assert.deepEqual(rendered.retrieved, []);
  });

  it('turns a failing retriever into an error that says what failed', async () => {
    const runner = new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), retrieve: async () => Promise.reject(new Error('index is locked')) });
    await assert.rejects(runner.prepare(promptDocument(RAG_PROMPT, file), { question: 'q' }), /workbench\.rag could not search the workspace's documents: index is locked/);
  });

  it('leaves prompts without workbench.rag as they were (no retrieval, no `retrieved` field)', async () => {
    let calls = 0;
    const runner = new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), workspaceFolder: dir, retrieve: async () => (calls++, HITS) });
    const plain = `---\nmodel: echo/echo\n---\nHello {{who}}\n`;
    const rendered = await runner.prepare(promptDocument(plain, file), { who: 'Ada' });
    const outcome = await runner.run(rendered, { signal: new AbortController().signal });
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    assert.equal(calls, 0);
    assert.equal('retrieved' in records[0], false);
  });
});

describe('workbench.rag in the language service', () => {
  const context = { catalog: new ModelCatalog() };

  it('does not flag `context` as undeclared, nor ask for it in the inputs form', async () => {
    const codes = semanticDiagnostics(RAG_PROMPT, context).map((d) => `${d.code}:${d.message}`);
    assert.deepEqual(codes.filter((c) => c.includes('context') || c.startsWith('rag-')), []);
    const withoutSchema = RAG_PROMPT.replace('input:\n  schema: {question: string}\n', '');
    const fields = await describeInputFields(parsePromptSource(withoutSchema));
    assert.deepEqual(fields.map((f) => f.name), ['question']);
  });

  it('flags unknown keys (with a suggestion) and wrong types at their place', () => {
    const text = RAG_PROMPT.replace('{topK: 2, query: "rollback: {{question}}", folders: [docs], fileTypes: [".md"]}', '{topk: 2, minScore: high}');
    const found = semanticDiagnostics(text, context).filter((d) => d.code.startsWith('rag-'));
    assert.equal(found.length, 2);
    const [unknown, wrong] = found;
    assert.equal(unknown.code, 'rag-unknown-key');
    assert.match(unknown.message, /did you mean "topK"/);
    const line = text.split('\n').findIndex((l) => l.startsWith('workbench.rag'));
    assert.equal(unknown.range.startLine, line);
    assert.equal(text.split('\n')[line].slice(unknown.range.startCol, unknown.range.endCol), 'topk');
    assert.equal(wrong.code, 'rag-invalid');
    assert.equal(wrong.severity, 'error');
    assert.match(wrong.message, /minScore must be a number/);
  });

  it('completes the keys inside workbench.rag', () => {
    const text = `---\nworkbench.rag: {topK: 4, }\n---\nhi\n`;
    const col = 'workbench.rag: {topK: 4, '.length;
    const labels = promptCompletions(text, { line: 1, col }, context).map((c) => c.label);
    assert.deepEqual(labels, ['topK', 'query', 'minScore', 'folders', 'fileTypes', 'knowledgeBaseId', 'numberOfResults', 'searchType', 'filter']);
  });
});

describe('CLI run with workbench.rag (dist/cli.js, the in-process index)', function () {
  this.timeout(60000);
  const ROOT = path.resolve(__dirname, '../../../..');
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-cli-'));
    fs.cpSync(path.join(ROOT, 'samples'), dir, { recursive: true });
    fs.cpSync(path.join(ROOT, 'test/fixtures/sample-workspace'), dir, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'prompts/docs-qa.prompt'), path.join(dir, 'prompts/docs-qa.prompt'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('builds the index with the offline embedder on first use (saying so on stderr), renders the chunks and records them', async () => {
    const args = ['run', 'prompts/docs-qa.prompt', '--model', 'echo/echo', '--var', 'question=How do we turn off the orders-v2 feature flag?', '--json'];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /no document index yet; building one with the offline embedder/);
    assert.ok(fs.existsSync(path.join(dir, '.prompt-workbench/index/manifest.json')), 'the index is kept in the workspace');
    const output = JSON.parse(first.stdout) as { runs: { runId: string; output: string }[] };
    assert.match(output.runs[0].output, /--- \[docs\/rollback-runbook\.md:\d+-\d+\][^\n]*\n[^]*orders-v2/, 'the echoed prompt holds the runbook chunk under its path and lines');
    const runsDir = path.join(dir, '.prompt-workbench/runs');
    const records = fs.readdirSync(runsDir).flatMap((f) => fs.readFileSync(path.join(runsDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunRecord));
    const record = records.find((r) => r.id === output.runs[0].runId);
    assert.ok(record?.retrieved?.some((c) => c.path === 'docs/rollback-runbook.md'), JSON.stringify(record?.retrieved));

    const second = await cli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /building one/, 'the second run uses the index as it is');
  });
});
