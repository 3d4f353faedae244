import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newId } from '../../../src/core/workspace/ids';
import { appendJsonLine, parseJsonl, readJsonl } from '../../../src/core/workspace/jsonl';
import { WorkbenchPaths } from '../../../src/core/workspace/paths';

describe('workspace files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-ws-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ids are 26-character ULIDs with a prefix, sortable by time', () => {
    const a = newId('r', 1_700_000_000_000);
    const b = newId('r', 1_700_000_000_001);
    assert.match(a, /^r_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(a.slice(0, 12) < b.slice(0, 12));
    assert.notEqual(newId('r'), newId('r'));
  });

  it('runs go to runs/YYYY-MM.jsonl by UTC month, paths relative with forward slashes', () => {
    const paths = new WorkbenchPaths(dir);
    assert.equal(paths.runsFile(new Date('2026-11-30T23:59:00Z')), path.join(dir, '.prompt-workbench', 'runs', '2026-11.jsonl'));
    assert.equal(paths.relative(path.join(dir, 'prompts', 'a.prompt')), 'prompts/a.prompt');
  });

  it('a corrupt line is reported with its number and skipped; every other line is kept', () => {
    const text = '{"a":1}\n{"a":2\n\n{"a":3}\nnot json\n{"a":4}';
    const { records, problems } = parseJsonl<{ a: number }>(text);
    assert.deepEqual(records.map((r) => r.a), [1, 3, 4]);
    assert.deepEqual(problems.map((p) => p.line), [2, 5]);
    assert.match(problems[0].message, /not valid JSON/);
  });

  it('a validator can refuse a line without losing the others', () => {
    const { records, problems } = parseJsonl('{"schema":"x"}\n{"schema":"prompt-workbench.run/1"}', (v) =>
      (v as { schema: string }).schema.startsWith('prompt-workbench.') ? undefined : 'unknown schema',
    );
    assert.equal(records.length, 1);
    assert.deepEqual(problems, [{ line: 1, message: 'unknown schema' }]);
  });

  it('a missing file reads as empty', async () => {
    assert.deepEqual(await readJsonl(path.join(dir, 'none.jsonl')), { records: [], problems: [] });
  });

  it('appends create folders and never rewrite earlier lines', async () => {
    const file = path.join(dir, 'deep', 'er', 'x.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'garbage that must stay\n');
    await appendJsonLine(file, { n: 1 });
    await appendJsonLine(file, { n: 2 });
    assert.equal(fs.readFileSync(file, 'utf8'), 'garbage that must stay\n{"n":1}\n{"n":2}\n');
  });

  it('two processes appending 500 lines each at once leave 1,000 whole lines', async function () {
    this.timeout(20000);
    const file = path.join(dir, 'concurrent.jsonl');
    const jsonl = require.resolve('../../../src/core/workspace/jsonl');
    const script = `const {appendJsonLine}=require(${JSON.stringify(jsonl)});
      (async()=>{for(let i=0;i<500;i++) await appendJsonLine(process.argv[1],{who:process.argv[2],i,pad:'x'.repeat(3000)});})();`;
    const runOne = (who: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', script, file, who], { stdio: 'inherit' });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
      });
    await Promise.all([runOne('a'), runOne('b')]);
    const { records, problems } = parseJsonl<{ who: string; i: number }>(fs.readFileSync(file, 'utf8'));
    assert.equal(problems.length, 0);
    assert.equal(records.length, 1000);
    assert.equal(records.filter((r) => r.who === 'a').length, 500);
  });
});
