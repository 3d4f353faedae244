// Issue 13 at the command line (dist/cli.js), as CI runs it on a pull request from a fork: a
// hostile workspace's planted links and outside paths fail with a clear message and a non-zero
// exit, and nothing outside the workspace is read or written.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostileWorkspace, type HostileWorkspace } from './hostileWorkspace';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
// A prompt whose name is a shell command substitution: written anywhere by a link, it would run.
const PROMPT = '---\nname: "$(touch pwned)"\nversion: 1\nmodel: echo/echo\n---\nSummarize {{notes}}.\n';

interface CliResult { code: number; stdout: string; stderr: string }

function cli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true' } as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('security: the CLI in a hostile workspace', function () {
  this.timeout(30000);
  let h: HostileWorkspace;
  let prompt: string;
  before(() => assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)'));
  beforeEach(() => {
    h = hostileWorkspace();
    prompt = path.join(h.ws, 'summary.prompt');
    fs.writeFileSync(prompt, PROMPT);
  });
  afterEach(() => h.cleanup());

  it('run: a runs folder linked outside is refused, the run exits 4 and nothing outside is written', async () => {
    h.plant('.prompt-workbench/runs', h.outside);
    const r = await cli(['run', prompt, '--var', 'notes=hi', '--workspace', h.ws], h.ws);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /could not append the run record: .*symbolic link/);
    assert.match(r.stdout, /Summarize hi/, 'the answer itself is shown');
    h.outsideUnchanged();
    assert.ok(!fs.existsSync(path.join(h.ws, 'pwned')) && !fs.existsSync(path.join(h.outside, 'pwned')));
  });

  it('compare: a runs file linked to ~/.bashrc is refused with exit 4', async () => {
    const month = new Date().toISOString().slice(0, 7);
    h.plant(`.prompt-workbench/runs/${month}.jsonl`, h.bashrc);
    const r = await cli(['compare', prompt, '--models', 'echo/echo,echo/echo', '--var', 'notes=hi', '--workspace', h.ws], h.ws);
    assert.equal(r.code, 4, r.stderr);
    h.outsideUnchanged();
  });

  it('run --sample: an @path outside the workspace is refused (exit 2) unless --allow-outside names it', async () => {
    const promptName = JSON.parse((await cli(['render', prompt, '--var', 'notes=x', '--json'], h.ws)).stdout).name as string;
    // The samples file of this prompt, whatever its file name becomes.
    const { samplesPath } = await import('../../src/core/prompt/samples');
    const file = samplesPath(h.ws, promptName);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ sets: { steal: { notes: '@../home/credentials' } } }));

    const refused = await cli(['run', prompt, '--sample', 'steal', '--workspace', h.ws, '--no-record'], h.ws);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /--sample steal: Input “notes”: .*outside the workspace folder.*--allow-outside/);
    assert.doesNotMatch(refused.stdout + refused.stderr, /AKIA/);

    const allowed = await cli(['run', prompt, '--sample', 'steal', '--workspace', h.ws, '--no-record', '--allow-outside', h.credentials], h.ws);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /AKIAOUTSIDEDONOTREAD/, 'read once the person allowed that path');
    h.outsideUnchanged();
  });

  it('eval: workbench.dataset pointing outside the workspace is refused with exit 2 and a sentence', async () => {
    const withDataset = (spec: string) => fs.writeFileSync(prompt, PROMPT.replace('model: echo/echo', `model: echo/echo\nworkbench.dataset: ${spec}`));
    withDataset('../home/cases.jsonl');
    const r = await cli(['eval', prompt, '--workspace', h.ws, '--models', 'echo/echo'], h.ws);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /outside the workspace folder/);
    withDataset('../home/bashrc');
    const notDataset = await cli(['eval', prompt, '--workspace', h.ws, '--models', 'echo/echo'], h.ws);
    assert.equal(notDataset.code, 2, notDataset.stderr);
    assert.match(notDataset.stderr, /bashrc is not a dataset file: a dataset is a \.jsonl, \.csv or \.tsv file/);
    h.outsideUnchanged();
  });
});
