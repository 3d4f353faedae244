// Datasets as files: JSONL and CSV rows become cases with stable ids; a bad line is reported
// with its number and skipped, every other row kept; a CSV without a required column names it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendDatasetRow, caseIdOf, parseDataset, readDataset, resolveDatasetPath } from '../../../src/core/datasets/datasetFile';

describe('Dataset files (JSONL, CSV)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-dataset-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('JSONL: inputs, reference and checks per row; a corrupt line is reported with its number and skipped', () => {
    const text = [
      '{"id":"launch","email":"We decided to launch.","reference":"Launch decided.","checks":[{"contains":"launch"},"validJson"]}',
      '{"email": "broken',
      '',
      '{"email":"Second thread","audience":"manager"}',
      '[1,2]',
      '{"email":"Third","checks":[{"nope":1}]}',
    ].join('\n');
    const ds = parseDataset(text, 'cases.jsonl', { requiredInputs: ['email'] });
    assert.equal(ds.format, 'jsonl');
    assert.deepEqual(ds.cases.map((c) => c.line), [1, 4]);
    const [first, second] = ds.cases;
    assert.equal(first.id, 'launch');
    assert.deepEqual(first.inputs, { email: 'We decided to launch.' });
    assert.equal(first.reference, 'Launch decided.');
    assert.deepEqual(first.checks.map((c) => c.type), ['contains', 'validJson']);
    assert.deepEqual(second.inputs, { email: 'Second thread', audience: 'manager' });
    assert.match(second.id, /^k_[0-9a-f]{12}$/);
    assert.equal(second.id, caseIdOf({ audience: 'manager', email: 'Second thread' }), 'the hash id ignores key order');
    assert.deepEqual(ds.problems.map((p) => p.line), [2, 5, 6]);
    assert.match(ds.problems[0].message, /not valid JSON/);
    assert.match(ds.problems[1].message, /JSON object/);
    assert.match(ds.problems[2].message, /unknown check “nope”/);
  });

  it('JSONL: a row without a required input, and a duplicate case, are skipped and named', () => {
    const ds = parseDataset('{"audience":"x"}\n{"email":"a"}\n{"email":"a"}\n', 'c.jsonl', { requiredInputs: ['email'] });
    assert.equal(ds.cases.length, 1);
    assert.deepEqual(ds.problems.map((p) => [p.line, /“email”/.test(p.message) || /same case id/.test(p.message)]), [[1, true], [3, true]]);
  });

  it('CSV: header row, quoted cells with commas and line breaks, checks as JSON; a bad row is reported with its line and skipped', () => {
    const text = [
      'id,email,reference,checks',
      'a,"Hello, team",Hi,"[{""contains"":""team""}]"',
      'b,"Line one',
      'line two",,',
      'c,too,many,cells,here',
      'd,last,,',
    ].join('\n');
    const ds = parseDataset(text, 'cases.csv', { requiredInputs: ['email'] });
    assert.equal(ds.format, 'csv');
    assert.deepEqual(ds.cases.map((c) => c.id), ['a', 'b', 'd']);
    assert.deepEqual(ds.cases[0].inputs, { email: 'Hello, team' });
    assert.equal(ds.cases[0].reference, 'Hi');
    assert.deepEqual(ds.cases[0].checks, [{ type: 'contains', value: ['team'], ignoreCase: false }]);
    assert.equal(ds.cases[1].inputs.email, 'Line one\nline two');
    assert.equal(ds.cases[1].line, 3, 'a multi-line row is reported at the line it starts on');
    assert.equal(ds.cases[2].line, 6);
    assert.equal(ds.problems.length, 1);
    assert.equal(ds.problems[0].line, 5);
    assert.match(ds.problems[0].message, /cannot be read/);
  });

  it('CSV: a missing column the input schema requires is named; no row of it runs', () => {
    const ds = parseDataset('id,body\n1,Hello\n', 'cases.csv', { requiredInputs: ['email', 'audience'] });
    assert.deepEqual(ds.missingColumns, ['email', 'audience']);
    assert.equal(ds.problems[0].line, 1);
    assert.match(ds.problems[0].message, /missing columns “email”, “audience”, which the prompt's input schema requires/);
  });

  it('resolves workbench.dataset next to the prompt first, then from the workspace', () => {
    fs.mkdirSync(path.join(dir, 'prompts'));
    fs.mkdirSync(path.join(dir, 'datasets'));
    const prompt = path.join(dir, 'prompts', 'p.prompt');
    fs.writeFileSync(path.join(dir, 'datasets', 'a.jsonl'), '');
    assert.equal(resolveDatasetPath('datasets/a.jsonl', prompt, dir), path.join(dir, 'datasets', 'a.jsonl'));
    fs.writeFileSync(path.join(dir, 'prompts', 'local.jsonl'), '');
    assert.equal(resolveDatasetPath('local.jsonl', prompt, dir), path.join(dir, 'prompts', 'local.jsonl'));
    assert.equal(resolveDatasetPath('new.jsonl', prompt, dir), path.join(dir, 'new.jsonl'), 'a file that does not exist yet belongs to the workspace');
  });

  it('Add to Dataset appends one JSONL row (creating the file, mending a missing final newline)', async () => {
    const file = path.join(dir, 'datasets', 'p.jsonl');
    await appendDatasetRow(file, { email: 'First' });
    fs.appendFileSync(file, '{"email":"by hand"}');
    const added = await appendDatasetRow(file, { email: 'Third', audience: 'exec' }, 'The reference');
    assert.equal(added.reference, 'The reference');
    const ds = await readDataset(file);
    assert.deepEqual(ds.problems, []);
    assert.deepEqual(ds.cases.map((c) => c.inputs.email), ['First', 'by hand', 'Third']);
    assert.equal(ds.cases[2].reference, 'The reference');
    assert.equal(ds.cases[2].id, added.id);
    await assert.rejects(appendDatasetRow(path.join(dir, 'x.csv'), { a: 1 }), /JSONL/);
  });
});
