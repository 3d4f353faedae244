import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const THREAD = path.join(ROOT, 'test', 'fixtures', 'emails', 'outlook-thread.txt');

function cli(args: string[], cwd: string, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('CLI email parse / summarize (dist/cli.js)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-email-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('email parse --json prints exactly {messages:[{from, to, date, subject, body}], redactions, text}', async () => {
    const r = await cli(['email', 'parse', THREAD, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['messages', 'redactions', 'text']);
    assert.equal(doc.messages.length, 3);
    for (const m of doc.messages) assert.deepEqual(Object.keys(m), ['from', 'to', 'date', 'subject', 'body']);
    assert.deepEqual(doc.redactions, []);
    assert.match(doc.text, /helen\.park@contoso\.example/);
  });

  it('email parse - --redact reads standard input and lists {kind, placeholder} without the values', async () => {
    const r = await cli(['email', 'parse', '-', '--redact', '--json'], dir, fs.readFileSync(THREAD, 'utf8'));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.redactions.length >= 8);
    for (const red of doc.redactions) assert.deepEqual(Object.keys(red), ['kind', 'placeholder']);
    assert.ok(doc.redactions.some((x: { kind: string }) => x.kind === 'card') && doc.redactions.some((x: { kind: string }) => x.kind === 'iban'));
    for (const secret of ['helen.park@contoso.example', 'Helen Park', '4111 1111 1111 1111', 'DE89 3704']) assert.ok(!r.stdout.includes(secret), secret);
    assert.equal(doc.messages[0].from, '[NAME_1] <[EMAIL_1]>');
  });

  it('bad input: an empty file and a binary file exit 2 with a message, never a stack', async () => {
    fs.writeFileSync(path.join(dir, 'empty.txt'), '');
    fs.writeFileSync(path.join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]));
    for (const [file, message] of [['empty.txt', /nothing to summarize/i], ['image.png', /binary/]] as const) {
      const r = await cli(['email', 'parse', file, '--json'], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
    }
  });

  it('email summarize shows the answer with details restored, while the run record keeps placeholders only', async () => {
    const r = await cli(['email', 'summarize', THREAD, '--model', 'echo/echo', '--no-related', '--json', '--workspace', dir], dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.messages, 3);
    assert.equal(doc.runs.length, 1);
    assert.match(doc.runs[0].output, /helen\.park@contoso\.example/, 'restored for the person at the terminal');
    const runsDir = path.join(dir, '.prompt-workbench', 'runs');
    const recorded = fs.readdirSync(runsDir).map((f) => fs.readFileSync(path.join(runsDir, f), 'utf8')).join('');
    assert.match(recorded, /\[EMAIL_1\]/);
    for (const secret of ['helen.park@contoso.example', 'Helen Park', '4111 1111 1111 1111']) assert.ok(!recorded.includes(secret), secret);
  });
});
