import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeInputFields, inputValuesFromForm } from '../../../src/core/prompt/inputFields';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { deleteSampleSet, InputFileError, readSampleSets, resolveInputFiles, samplesPath, saveSampleSet, SAMPLES_SCHEMA } from '../../../src/core/prompt/samples';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { EchoProvider } from '../../../src/core/providers/echo';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { contentHash } from '../../../src/core/prompt/contentHash';

describe('samples: saved input sets', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-samples-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves, reads, replaces and deletes named sets in .prompt-workbench/samples/<name>.json, keeping other fields', async () => {
    const file = samplesPath(dir, 'email-summary');
    assert.equal(path.relative(dir, file), path.join('.prompt-workbench', 'samples', 'email-summary.json'));
    assert.deepEqual(await readSampleSets(file), { sets: {}, problem: null });
    await saveSampleSet(file, 'launch', { email: '@emails/launch-thread.txt', audience: 'manager' });
    await saveSampleSet(file, 'short', { email: 'Hi' });
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(onDisk.schema, SAMPLES_SCHEMA);
    onDisk.note = 'kept';
    fs.writeFileSync(file, JSON.stringify(onDisk));
    await saveSampleSet(file, 'short', { email: 'Hello' });
    await deleteSampleSet(file, 'launch');
    const after = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(after.note, 'kept');
    assert.deepEqual((await readSampleSets(file)).sets, { short: { email: 'Hello' } });
  });

  it('never overwrites a file it cannot read', async () => {
    const file = samplesPath(dir, 'p');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"sets": {"a": ');
    const read = await readSampleSets(file);
    assert.match(read.problem!, /not valid JSON/);
    await assert.rejects(saveSampleSet(file, 'b', { x: 1 }), /left as it is/);
    assert.equal(fs.readFileSync(file, 'utf8'), '{"sets": {"a": ');
  });

  it('@path values read the file relative to the workspace; @@ stands for a literal @; a missing file names the input', async () => {
    fs.mkdirSync(path.join(dir, 'emails'));
    fs.writeFileSync(path.join(dir, 'emails', 't.txt'), 'the thread');
    assert.deepEqual(await resolveInputFiles({ email: '@emails/t.txt', handle: '@@priya', n: 3 }, dir), { email: 'the thread', handle: '@priya', n: 3 });
    await assert.rejects(resolveInputFiles({ email: '@emails/none.txt' }, dir), (err: Error) => err instanceof InputFileError && /Input “email”: cannot read .*none\.txt \(no such file\)/.test(err.message));
  });
});

describe('samples: the inputs form', () => {
  it('one field per schema property: required, descriptions, enums, defaults, text areas for long text', async () => {
    const parsed = parsePromptSource(`---
input:
  schema:
    email: string, the thread to summarize
    audience?: string
    tone?(enum): [formal, casual]
    bullets?: integer
    tags?(array): string
  default: {audience: engineer}
---
{{email}} {{audience}}
`);
    const fields = await describeInputFields(parsed);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    assert.deepEqual(fields.map((f) => f.name), ['email', 'audience', 'tone', 'bullets', 'tags']);
    assert.deepEqual([byName.email.required, byName.email.multiline, byName.email.description], [true, true, 'the thread to summarize']);
    assert.deepEqual([byName.audience.required, byName.audience.multiline, byName.audience.defaultText], [false, false, 'engineer']);
    assert.deepEqual(byName.tone.choices, ['formal', 'casual']);
    assert.equal(byName.bullets.type, 'integer');
    assert.equal(byName.tags.type, 'json');
    const values = inputValuesFromForm(fields, { email: 'Hi', audience: '', bullets: '5', tags: '["a"]', extra: 'kept' });
    assert.deepEqual(values, { email: 'Hi', bullets: 5, tags: ['a'], extra: 'kept' });
    assert.throws(() => inputValuesFromForm(fields, { bullets: '2.5' }), /“bullets” must be a whole number/);
    assert.throws(() => inputValuesFromForm(fields, { tags: '[' }), /“tags” must be JSON/);
    assert.deepEqual(inputValuesFromForm(fields, { email: '@emails/t.txt' }), { email: '@emails/t.txt' }, '@path is read later');
  });

  it('without a schema, the template variables are the fields', async () => {
    const fields = await describeInputFields(parsePromptSource('---\ninput:\n  default: {who: Ada}\n---\nHello {{who}} and {{other}}\n'));
    assert.deepEqual(fields.map((f) => [f.name, f.required, f.defaultText]), [['who', false, 'Ada'], ['other', true, null]]);
  });
});

describe('versions: a run keeps the text it ran', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-runkeep-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('PromptRunner.run saves v<N>.prompt at the first run and keeps an edited text beside it', async () => {
    const runner = new PromptRunner({ providers: new ProviderRegistry({ echo: () => new EchoProvider() }), catalog: new ModelCatalog(), workspaceFolder: dir });
    const source = '---\nname: greet\nversion: 2\nmodel: echo/echo\n---\nHello {{who}}\n';
    const run = async (text: string) => {
      const rendered = await runner.prepare(promptDocument(text, path.join(dir, 'greet.prompt')), { who: 'Ada' });
      const outcome = await runner.run(rendered, { signal: new AbortController().signal });
      assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
    };
    await run(source);
    await run(source);
    const folder = path.join(dir, '.prompt-workbench', 'versions', 'greet');
    assert.equal(fs.readFileSync(path.join(folder, 'v2.prompt'), 'utf8'), source);
    const edited = source.replace('Hello', 'Hi');
    await run(edited);
    assert.equal(fs.readFileSync(path.join(folder, 'v2.prompt'), 'utf8'), source, 'v2 is never overwritten');
    assert.equal(fs.readFileSync(path.join(folder, `v2~${contentHash(edited)}.prompt`), 'utf8'), edited);
  });
});
