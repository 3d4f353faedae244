import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentHash } from '../../../src/core/prompt/contentHash';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface CliResult { code: number; stdout: string; stderr: string }

function cli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const PROMPT = `---
name: greet
version: 3
model: echo/echo
config: {temperature: 0.4}
input:
  schema: {who: string, place: string, tone?: string, note?: string}
  default: {tone: warm}
---
{{role "system"}}{{> header}}
{{role "user"}}Hello {{who}} from {{place}} ({{tone}}). {{note}}
`;

type Message = { role: string; content: { text: string }[] };
const textOf = (doc: { messages: Message[] }, role: string) => doc.messages.filter((m) => m.role === role).map((m) => m.content.map((c) => c.text).join('')).join('');

describe('CLI render: inputs, sample sets and partials (dist/cli.js)', function () {
  this.timeout(30000);
  let dir: string;
  let prompt: string;

  before(() => assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)'));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-render-'));
    prompt = path.join(dir, 'prompts', 'greet.prompt');
    fs.mkdirSync(path.dirname(prompt), { recursive: true });
    fs.writeFileSync(prompt, PROMPT);
    fs.writeFileSync(path.join(dir, 'prompts', '_header.prompt'), 'You are {{> voice}}.');
    fs.writeFileSync(path.join(dir, 'prompts', 'voice.prompt'), 'a friendly greeter');
    fs.writeFileSync(path.join(dir, 'note.txt'), 'Bring an umbrella.');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--vars file.json, --var overriding it and --var k=@file, partials found in the prompt’s own folder', async () => {
    fs.writeFileSync(path.join(dir, 'vars.json'), JSON.stringify({ who: 'Ada', place: 'London', tone: 'dry' }));
    // Run from another folder: partials are found next to the prompt, not in the working directory.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-render-cwd-'));
    try {
      const r = await cli(['render', prompt, '--vars', path.join(dir, 'vars.json'), '--var', 'place=Paris', '--var', `note=@${path.join(dir, 'note.txt')}`, '--json'], elsewhere);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.name, 'greet');
      assert.equal(doc.version, 3);
      assert.equal(doc.contentHash, contentHash(PROMPT));
      assert.equal(doc.model, 'echo/echo');
      assert.deepEqual(doc.config, { temperature: 0.4 });
      assert.equal(textOf(doc, 'system'), 'You are a friendly greeter.\n', 'the partial and the partial it includes');
      assert.equal(textOf(doc, 'user'), 'Hello Ada from Paris (dry). Bring an umbrella.');
      assert.equal(doc.missingInputs, undefined);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('names missing required inputs: in render’s output, and run stops before calling a model', async () => {
    const rendered = await cli(['render', prompt, '--var', 'who=Ada', '--json'], dir);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.deepEqual(JSON.parse(rendered.stdout).missingInputs, ['place']);
    const ran = await cli(['run', prompt, '--var', 'who=Ada', '--model', 'echo/echo', '--workspace', dir, '--json'], dir);
    assert.equal(ran.code, 2);
    assert.match(ran.stderr, /Missing input values: place\./);
    assert.equal(ran.stdout, '');
    assert.ok(!fs.existsSync(path.join(dir, '.prompt-workbench', 'runs')), 'nothing was run or recorded');
  });

  it('--sample SET starts from a saved sample set (its @path read from the workspace); --var overrides it', async () => {
    const samples = path.join(dir, '.prompt-workbench', 'samples', 'greet.json');
    fs.mkdirSync(path.dirname(samples), { recursive: true });
    fs.writeFileSync(samples, JSON.stringify({ schema: 'prompt-workbench.samples/1', sets: { trip: { who: 'Grace', place: 'Oslo', note: '@note.txt' } } }));
    const r = await cli(['render', 'prompts/greet.prompt', '--sample', 'trip', '--var', 'who=Linus', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(textOf(JSON.parse(r.stdout), 'user'), 'Hello Linus from Oslo (warm). Bring an umbrella.');
    const unknown = await cli(['render', 'prompts/greet.prompt', '--sample', 'nope'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--sample nope: no such set in .*greet\.json \(sets: trip\)/);
  });

  it('a partial that is not there is named, with where it was looked for, and exit 2', async () => {
    fs.rmSync(path.join(dir, 'prompts', 'voice.prompt'));
    const r = await cli(['render', prompt, '--var', 'who=Ada', '--var', 'place=Rome'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /partial \{\{> voice\}\} not found; looked for _voice\.prompt or voice\.prompt in /);
  });

  it('a run keeps the text of the version it ran under .prompt-workbench/versions/', async () => {
    const r = await cli(['run', prompt, '--var', 'who=Ada', '--var', 'place=Rome', '--model', 'echo/echo', '--workspace', dir, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dir, '.prompt-workbench', 'versions', 'greet', 'v3.prompt'), 'utf8'), PROMPT);
  });
});
