// The scoreboard's readers survive what a workspace can hold: a folder where a file should be,
// a file where the runs folder should be, a FIFO, a missing file, a torn line, a file larger
// than V8's longest string; each problem is reported (path, line, why) and every other record
// kept. Also: every folder of a multi-root workspace counts, and the panel's default prompt is
// the one most recently rated or run.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScoreboardDataReader } from '../../../src/core/ratings/scoreboardCache';
import { readScoreboardData } from '../../../src/core/ratings/scoreboardData';
import { scoreboardFacets } from '../../../src/core/ratings/scoreboardView';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonlStream } from '../../../src/core/workspace/jsonlStream';

const run = (id: string, prompt: string, ts: string): RunRecord =>
  ({
    schema: 'prompt-workbench.run/1', id, ts, comparisonId: null, prompt: { name: prompt, version: 1, contentHash: 'h', path: null }, model: 'bedrock/m', config: {},
    inputsHash: 'x', output: 'o', stopReason: 'end_turn', metrics: { ttftMs: 10, latencyMs: 100, inputTokens: 1, outputTokens: 1, costUsd: 0.001 },
    error: null, partial: false, datasetCaseId: null,
  }) as RunRecord;
const rating = (id: string, prompt: string, ts: string, value = 4) => ({
  schema: 'prompt-workbench.rating/1', id, ts, rater: null, runId: null, prompt: { name: prompt, version: 1, contentHash: 'h' }, model: 'bedrock/m',
  kind: 'stars', criterion: 'overall', value, comment: '', tags: [], blind: null, supersedes: null,
});
const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r) + '\n').join('');

describe('scoreboard readers: streamed, each problem reported, the rest kept', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-readers-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const collect = async (file: string, options = {}) => {
    const records: unknown[] = [];
    const result = await readJsonlStream(file, (r) => records.push(r), options);
    return { records, ...result };
  };

  it('a missing file reads as empty, with no problem', async () => {
    const r = await collect(path.join(dir, 'nope.jsonl'));
    assert.deepEqual([r.records, r.problems, r.isFile], [[], [], false]);
  });

  it('a directory and a FIFO are one problem each, never read (a FIFO would block)', async () => {
    const folder = path.join(dir, 'ratings.jsonl');
    fs.mkdirSync(folder);
    const asFolder = await collect(folder);
    assert.deepEqual(asFolder.problems.map((p) => [p.file, p.line, p.message]), [[folder, 0, 'is a folder, not a file: skipped']]);
    const fifo = path.join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    const asFifo = await collect(fifo);
    assert.deepEqual(asFifo.problems.map((p) => p.message), ['is not a regular file: skipped']);
    assert.deepEqual(asFifo.records, []);
  });

  it('a torn line in the middle is reported with its number; an unfinished last line too, and left out of `end`', async () => {
    const file = path.join(dir, 'ratings.jsonl');
    const head = jsonl({ a: 1 }) + '{"a": 2, "torn\n' + jsonl({ a: 3 });
    fs.writeFileSync(file, head + '{"a": 4');
    const r = await collect(file);
    assert.deepEqual(r.records, [{ a: 1 }, { a: 3 }]);
    assert.deepEqual(r.problems.map((p) => p.line), [2, 4]);
    assert.match(r.problems[0].message, /not valid JSON/);
    assert.match(r.problems[1].message, /last line is incomplete/);
    assert.equal(r.end, Buffer.byteLength(head), 'the next read starts at the unfinished line');
    const quiet = await collect(file, { reportUnfinished: false });
    assert.deepEqual(quiet.problems.map((p) => p.line), [2], 'a reader that comes back does not call a write in progress a problem');
    fs.appendFileSync(file, '}\n');
    const rest = await collect(file, { from: r.end, linesBefore: r.lines });
    assert.deepEqual([rest.records, rest.problems, rest.lines], [[{ a: 4 }], [], 4], 'read from the offset with line numbers that continue');
  });

  it('lines split across read chunks and CRLF line ends read whole', async () => {
    const file = path.join(dir, 'big.jsonl');
    const long = { text: 'x'.repeat(3 * 1024 * 1024) };
    fs.writeFileSync(file, JSON.stringify({ a: 1 }) + '\r\n' + JSON.stringify(long) + '\n' + JSON.stringify({ a: 2 }) + '\n');
    const r = await collect(file);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records.length, 3);
    assert.equal((r.records[1] as typeof long).text.length, long.text.length);
  });

  it('many lines per chunk, decoded a chunk at a time: multi-byte characters, CRLF, blank and bad lines across chunk ends keep their records, numbers and byte offset', async () => {
    const file = path.join(dir, 'many.jsonl');
    const lines: string[] = [];
    const expected: unknown[] = [];
    for (let i = 0; i < 40000; i++) {
      if (i % 997 === 0) lines.push('   ');
      else if (i % 1499 === 0) lines.push('{not json');
      else {
        const record = { i, text: `${'é'.repeat(i % 7)}🙂${'ü'.repeat(i % 13)} ${'x'.repeat(i % 50)}` };
        expected.push(record);
        lines.push(JSON.stringify(record) + (i % 5 === 0 ? '\r' : ''));
      }
    }
    const text = lines.join('\n') + '\n' + '{"unfinished":';
    fs.writeFileSync(file, text);
    assert.ok(Buffer.byteLength(text) > 2.5 * 1024 * 1024, 'several read chunks');
    const r = await collect(file, { reportUnfinished: false });
    assert.deepEqual(r.records, expected);
    assert.deepEqual(r.problems.map((p) => p.line), lines.flatMap((l, i) => (l === '{not json' ? [i + 1] : [])));
    assert.equal(r.lines, lines.length);
    assert.equal(r.end, Buffer.byteLength(text) - Buffer.byteLength('{"unfinished":'));
    // From that offset on, as an incremental reader goes on: the unfinished line only.
    const more = await collect(file, { from: r.end, linesBefore: r.lines });
    assert.deepEqual([more.records.length, more.problems.map((p) => p.line)], [0, [lines.length + 1]]);
  });

  it(`a file larger than V8's longest string (${bufferConstants.MAX_STRING_LENGTH} characters) streams: the huge line is reported, the lines around it kept`, async function () {
    this.timeout(20000);
    const file = path.join(dir, 'ratings.jsonl');
    // Sparse: a record, a hole of zero bytes past the string limit (one "line"), then a record.
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, jsonl(rating('g_1', 'p', '2026-11-01T00:00:00.000Z')));
    fs.writeSync(fd, '\n' + jsonl(rating('g_2', 'p', '2026-11-02T00:00:00.000Z')), bufferConstants.MAX_STRING_LENGTH + 1024);
    fs.closeSync(fd);
    assert.ok(fs.statSync(file).size > bufferConstants.MAX_STRING_LENGTH, 'more bytes than a string can hold: readFile(…, "utf8") throws "Invalid string length" on it');
    const r = await collect(file);
    assert.deepEqual(r.records.map((x) => (x as { id: string }).id), ['g_1', 'g_2']);
    assert.deepEqual(r.problems.map((p) => p.line), [2]);
    assert.match(r.problems[0].message, /longer than 16 MiB/);
    const workspace = path.join(dir, 'ws');
    fs.mkdirSync(path.join(workspace, '.prompt-workbench'), { recursive: true });
    fs.renameSync(file, path.join(workspace, '.prompt-workbench', 'ratings.jsonl'));
    const board = await readScoreboardData(workspace);
    assert.deepEqual(board.ratings.map((x) => x.id), ['g_1', 'g_2']);
    assert.deepEqual(board.problems.map((p) => [path.basename(p.file), p.line]), [['ratings.jsonl', 2]]);
  });

  it('ratings.jsonl a folder and runs a file: both reported, and the other folder of a multi-root workspace still counts', async () => {
    const broken = path.join(dir, 'broken');
    const good = path.join(dir, 'good');
    fs.mkdirSync(path.join(broken, '.prompt-workbench', 'ratings.jsonl'), { recursive: true });
    fs.writeFileSync(path.join(broken, '.prompt-workbench', 'runs'), 'not a folder');
    fs.mkdirSync(path.join(good, '.prompt-workbench', 'runs'), { recursive: true });
    fs.writeFileSync(path.join(good, '.prompt-workbench', 'runs', '2026-11.jsonl'), jsonl(run('r_1', 'p', '2026-11-01T00:00:00.000Z')));
    fs.writeFileSync(path.join(good, '.prompt-workbench', 'ratings.jsonl'), jsonl(rating('g_1', 'p', '2026-11-01T00:00:00.000Z')));
    const data = await new ScoreboardDataReader([broken, good]).read();
    assert.deepEqual([data.runs.map((r) => r.id), data.ratings.map((r) => r.id)], [['r_1'], ['g_1']]);
    const problems = data.problems.map((p) => [path.relative(dir, p.file), p.line, p.message]);
    assert.deepEqual(problems, [
      [path.join('broken', '.prompt-workbench', 'runs'), 0, 'is a file, not a folder of run records: skipped'],
      [path.join('broken', '.prompt-workbench', 'ratings.jsonl'), 0, 'is a folder, not a file: skipped'],
    ]);
  });

  it('every folder of a multi-root workspace counts, and an append to either is read incrementally', async () => {
    const one = path.join(dir, 'one');
    const two = path.join(dir, 'two');
    for (const f of [one, two]) fs.mkdirSync(path.join(f, '.prompt-workbench'), { recursive: true });
    fs.writeFileSync(path.join(one, '.prompt-workbench', 'ratings.jsonl'), jsonl(rating('g_1', 'a', '2026-11-01T00:00:00.000Z')));
    fs.writeFileSync(path.join(two, '.prompt-workbench', 'ratings.jsonl'), jsonl(rating('g_2', 'b', '2026-11-02T00:00:00.000Z')));
    const reader = new ScoreboardDataReader([one, two]);
    assert.deepEqual((await reader.read()).ratings.map((r) => r.id), ['g_1', 'g_2']);
    fs.appendFileSync(path.join(two, '.prompt-workbench', 'ratings.jsonl'), jsonl(rating('g_3', 'b', '2026-11-03T00:00:00.000Z')));
    assert.deepEqual((await reader.read()).ratings.map((r) => r.id), ['g_1', 'g_2', 'g_3']);
  });
});

describe('scoreboard: the prompt it opens on', () => {
  it('with nothing chosen, the prompt most recently rated or run (not the alphabetically first)', () => {
    const runs = [run('r_1', 'compare-demo', '2026-11-01T00:00:00.000Z'), run('r_2', 'email-summary', '2026-11-03T00:00:00.000Z')];
    const ratings = [rating('g_1', 'compare-demo', '2026-11-02T00:00:00.000Z'), rating('g_2', 'email-summary', '2026-11-04T00:00:00.000Z')];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.equal(scoreboardFacets(runs, ratings as any).latestPrompt, 'email-summary');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.equal(scoreboardFacets([...runs, run('r_3', 'zeta', '2026-11-05T00:00:00.000Z')], ratings as any).latestPrompt, 'zeta', 'a run counts too');
    assert.equal(scoreboardFacets([], []).latestPrompt, null);
  });
});

describe('scoreboard streamed (the CLI) = computed from the records in memory (the panel)', () => {
  it('the same rows, supersedes, pairwise sides on other versions, checks and failed runs included, across two folders', async () => {
    const { computeScoreboard } = await import('../../../src/core/ratings/scoreboard');
    const { streamScoreboard } = await import('../../../src/core/ratings/scoreboardStream');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-stream-'));
    try {
      let seed = 7;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
      const all = { runs: [] as RunRecord[], ratings: [] as unknown[] };
      for (const [f, folder] of ['one', 'two'].entries()) {
        const root = path.join(dir, folder, '.prompt-workbench');
        fs.mkdirSync(path.join(root, 'runs'), { recursive: true });
        const runs: RunRecord[] = [];
        for (let i = 0; i < 400; i++) {
          const r = run(`r_${f}_${i}`, pick(['p', 'q']), `2026-1${1 - (i % 2)}-01T00:00:00.000Z`);
          r.prompt.version = 1 + Math.floor(rand() * 3);
          r.model = pick(['m1', 'm2', 'm3']);
          r.metrics = { ...r.metrics, latencyMs: Math.round(rand() * 1000), ttftMs: Math.round(rand() * 100), costUsd: rand() / 1000 };
          if (rand() < 0.05) r.error = { kind: 'throttled', message: 'x' } as RunRecord['error'];
          if (rand() < 0.2) (r as RunRecord & { checks: unknown }).checks = [{ pass: rand() < 0.5 }];
          runs.push(r);
        }
        // Month files in date order, as the recorder appends them.
        const months = new Map<string, RunRecord[]>();
        for (const r of runs) months.set(r.ts.slice(0, 7), [...(months.get(r.ts.slice(0, 7)) ?? []), r]);
        for (const [month, list] of [...months].sort()) {
          fs.writeFileSync(path.join(root, 'runs', `${month}.jsonl`), jsonl(...list));
          all.runs.push(...list);
        }
        const ratings: unknown[] = [];
        for (let i = 0; i < 600; i++) {
          const a = pick(runs);
          const base = { ...rating(`g_${f}_${i}`, a.prompt.name, '2026-11-05T00:00:00.000Z'), runId: a.id, model: a.model, criterion: rand() < 0.8 ? 'overall' : 'accuracy' };
          base.prompt.version = a.prompt.version;
          if (i > 5 && rand() < 0.1) (base as { supersedes: string | null }).supersedes = `g_${f}_${i - 1 - Math.floor(rand() * 5)}`;
          const k = rand();
          if (k < 0.5) ratings.push({ ...base, value: 1 + Math.floor(rand() * 5) });
          else if (k < 0.7) ratings.push({ ...base, kind: 'thumbs', value: rand() < 0.6 ? 'up' : 'down' });
          else {
            const b = pick(runs.filter((r) => r.prompt.name === a.prompt.name));
            ratings.push({ ...base, kind: 'pairwise', model: null, value: pick(['A', 'B', 'tie']), pair: { A: { runId: a.id, model: a.model }, B: { runId: b.id, model: b.model } } });
          }
        }
        fs.writeFileSync(path.join(root, 'ratings.jsonl'), jsonl(...ratings) + '{"torn\n');
        all.ratings.push(...ratings);
      }
      const folders = [path.join(dir, 'one'), path.join(dir, 'two')];
      for (const options of [{}, { criterion: 'accuracy' }, { prompt: 'q' }]) {
        const streamed = await streamScoreboard(folders, options);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const computed = computeScoreboard({ runs: all.runs, ratings: all.ratings as any, ...options });
        assert.ok(computed.rows.length > 5 && computed.rows.some((r) => r.btScore !== null) && computed.rows.some((r) => r.passRate !== null), 'the data exercises every column');
        assert.deepEqual(streamed.rows, computed.rows, `same rows for ${JSON.stringify(options)}`);
        assert.deepEqual(streamed.problems.map((p) => [path.basename(path.dirname(path.dirname(p.file))), p.line]), [['one', 601], ['two', 601]], 'the torn line of each folder');
        const inMemory = await readScoreboardData(folders);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        assert.deepEqual(computeScoreboard({ runs: inMemory.runs, ratings: inMemory.ratings, ...options }).rows, computed.rows, 'and the panel reader reads the same records');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
