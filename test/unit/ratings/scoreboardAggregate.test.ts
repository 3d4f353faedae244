// The scoreboard's persisted aggregate: after any sequence of appends (supersedes, pairwise
// sides whose runs come later, checks, failed runs, other criteria) read incrementally, in the
// same process or in a new one from the file on disk, the board equals the one computed from
// every record at once; a corrupt, stale or foreign aggregate file is ignored and rebuilt; the
// file is written atomically, never through a symbolic link, and kept out of git.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeScoreboard } from '../../../src/core/ratings/scoreboard';
import { aggregateFile, ScoreboardAggregateReader } from '../../../src/core/ratings/scoreboardAggregateReader';
import { ScoreboardDataReader } from '../../../src/core/ratings/scoreboardCache';
import { readScoreboardData } from '../../../src/core/ratings/scoreboardData';
import { buildScoreboardSnapshot } from '../../../src/host/scoreboard/scoreboardModel';
import { scoreboardFacets, scoreOverTime } from '../../../src/core/ratings/scoreboardView';
import type { ScoreboardRow } from '../../../src/core/ratings/types';
import type { RunRecord } from '../../../src/core/runs/runRecord';

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r) + '\n').join('');

/** Equal up to float summation order (costs summed in another order, Bradley–Terry iterated from another start). */
function assertSameRows(actual: ScoreboardRow[], expected: ScoreboardRow[], message: string): void {
  const close = (a: unknown, b: unknown, at: string): void => {
    if (typeof a === 'number' && typeof b === 'number') {
      assert.ok(Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(b)), `${message}: ${at} ${a} ≠ ${b}`);
    } else if (a && b && typeof a === 'object' && typeof b === 'object') {
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${message}: ${at}`);
      for (const k of Object.keys(b)) close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    } else assert.equal(a, b, `${message}: ${at}`);
  };
  assert.equal(actual.length, expected.length, `${message}: row count`);
  close(actual, expected, 'rows');
}

describe('scoreboard aggregate: incremental = from scratch, kept on disk', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-aggregate-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];

  /** Appends random runs and ratings to the folders; returns nothing, the files are the truth. */
  function appendRound(folders: string[], round: number, state: { runIds: string[][]; ratingIds: string[][]; nextRun: number; nextRating: number }) {
    for (const [f, folder] of folders.entries()) {
      const root = path.join(folder, '.prompt-workbench');
      fs.mkdirSync(path.join(root, 'runs'), { recursive: true });
      const runs: RunRecord[] = [];
      for (let i = 0; i < 30 + Math.floor(rand() * 40); i++) {
        const id = `r_${state.nextRun++}`;
        // Appends to an older month too, after a newer month was read.
        const month = pick(['2026-10', '2026-11', round > 2 ? '2026-12' : '2026-11']);
        const run = {
          schema: 'prompt-workbench.run/1', id, ts: `${month}-01T00:00:00.000Z`, comparisonId: null,
          prompt: { name: pick(['p', 'q']), version: 1 + Math.floor(rand() * 3), contentHash: 'h', path: null }, model: pick(['m1', 'm2', 'm3']), config: {},
          inputsHash: 'x', output: 'o', stopReason: 'end_turn',
          metrics: { ttftMs: Math.round(rand() * 100), latencyMs: Math.round(rand() * 1000), inputTokens: 1, outputTokens: 1, costUsd: rand() / 1000 },
          error: rand() < 0.05 ? { kind: 'throttled', message: 'x' } : null, partial: false, datasetCaseId: null,
          ...(rand() < 0.2 ? { checks: [{ pass: rand() < 0.5 }] } : {}),
        } as unknown as RunRecord;
        runs.push(run);
        state.runIds[f].push(id);
      }
      for (const run of runs) fs.appendFileSync(path.join(root, 'runs', `${run.ts.slice(0, 7)}.jsonl`), jsonl(run));
      const ratings: unknown[] = [];
      for (let i = 0; i < 40 + Math.floor(rand() * 40); i++) {
        const id = `g_${state.nextRating++}`;
        const runId = pick(state.runIds[f]);
        const base = {
          schema: 'prompt-workbench.rating/1', id, ts: '2026-11-05T00:00:00.000Z', rater: null, runId,
          prompt: { name: pick(['p', 'q']), version: 1 + Math.floor(rand() * 3), contentHash: 'h' }, model: pick(['m1', 'm2', 'm3']),
          criterion: rand() < 0.85 ? 'overall' : 'accuracy', comment: '', tags: [], blind: null,
          // Edits: of this round's or an earlier round's rating, now and then of the other folder's.
          // Now and then an id not written yet: a later line of an earlier folder's file still counts
          // (it comes after in the reading order), an earlier line of a later file's does not.
          supersedes: rand() < 0.15 && state.ratingIds[f].length ? pick(rand() < 0.1 ? state.ratingIds[1 - f] ?? state.ratingIds[f] : state.ratingIds[f]) ?? null : rand() < 0.05 ? `g_${state.nextRating + 1 + Math.floor(rand() * 60)}` : null,
        };
        const k = rand();
        if (k < 0.45) ratings.push({ ...base, kind: 'stars', value: 1 + Math.floor(rand() * 5) });
        else if (k < 0.65) ratings.push({ ...base, kind: 'thumbs', value: rand() < 0.6 ? 'up' : 'down' });
        else {
          // Now and then a side names a run that is only appended in a later round.
          const later = `r_${state.nextRun + Math.floor(rand() * 20)}`;
          ratings.push({
            ...base, kind: 'pairwise', model: null, value: pick(['A', 'B', 'tie']),
            pair: { A: { runId: pick(state.runIds[f]), model: rand() < 0.8 ? pick(['m1', 'm2']) : null }, B: { runId: rand() < 0.1 ? later : pick(state.runIds[f]), model: pick(['m2', 'm3']) } },
          });
        }
        state.ratingIds[f].push(id);
      }
      fs.appendFileSync(path.join(root, 'ratings.jsonl'), jsonl(...ratings));
    }
  }

  async function fromScratch(folders: string[], options: { criterion?: string; prompt?: string } = {}) {
    const data = await readScoreboardData(folders);
    return computeScoreboard({ runs: data.runs, ratings: data.ratings, ...options }).rows;
  }

  for (const folderCount of [1, 2]) {
    it(`${folderCount} folder(s): randomized appends with supersedes, pairwise and checks give the board computed from scratch, in one process and in a new one each time`, async () => {
      const folders = Array.from({ length: folderCount }, (_, i) => path.join(dir, `f${i}`));
      const state = { runIds: folders.map(() => [] as string[]), ratingIds: folders.map(() => [] as string[]), nextRun: 0, nextRating: 0 };
      const kept = new ScoreboardAggregateReader(folders);
      const accuracy = new ScoreboardAggregateReader(folders, { criterion: 'accuracy' });
      let superseded = 0;
      for (let round = 0; round < 6; round++) {
        appendRound(folders, round, state);
        const expected = await fromScratch(folders);
        assert.ok(expected.length >= 6 && expected.some((r) => r.btScore !== null) && expected.some((r) => r.passRate !== null), 'the data exercises every column');
        const sameProcess = await kept.update();
        assert.equal(sameProcess.mode, round === 0 ? 'rebuilt' : 'appended');
        assertSameRows(kept.aggregate.finish(), expected, `round ${round}, same process`);
        // A new process: starts from the file on disk, reads only the appended lines (none here).
        const fresh = new ScoreboardAggregateReader(folders);
        const again = await fresh.update();
        assert.deepEqual([again.mode, again.changed], ['appended', false], `round ${round}: read from the stored aggregate`);
        assertSameRows(fresh.aggregate.finish(), expected, `round ${round}, new process`);
        assertSameRows(fresh.aggregate.finish('q'), await fromScratch(folders, { prompt: 'q' }), `round ${round}, one prompt`);
        const ratings = (await readScoreboardData(folders)).ratings;
        assertSameRows(fresh.aggregate.scoreOverTime('p') as never, scoreOverTime(ratings, 'p') as never, `round ${round}, scores over time from disk`);
        await accuracy.update();
        assertSameRows(accuracy.aggregate.finish(), await fromScratch(folders, { criterion: 'accuracy' }), `round ${round}, another criterion`);
        superseded = kept.aggregate.supersededIn.size;
      }
      assert.ok(superseded > 5, 'edits happened');
      // Appends read by a new process from the stored offsets.
      appendRound(folders, 6, state);
      const next = new ScoreboardAggregateReader(folders);
      const update = await next.update();
      assert.deepEqual([update.mode, update.changed], ['appended', true]);
      assertSameRows(next.aggregate.finish(), await fromScratch(folders), 'appended in a new process');
      assert.equal(update.counts.ratings, state.nextRating);
      assert.equal(update.counts.runs, state.nextRun);
      // Stored ids are read back only when needed: one plain rating appended (none needed), saved,
      // then an edit of a rating from the first round (the stored contributions needed).
      const ratingsFile = path.join(folders[0], '.prompt-workbench', 'ratings.jsonl');
      const lines = fs.readFileSync(ratingsFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
      const starsLine = lines.find((l) => l.kind === 'stars' && l.criterion === 'overall');
      fs.appendFileSync(ratingsFile, jsonl({ ...starsLine, id: 'g_plain', supersedes: null, value: 5 }));
      assert.equal((await new ScoreboardAggregateReader(folders).update()).mode, 'appended');
      assertSameRows(new ScoreboardAggregateReader(folders).aggregate.finish(), [], 'nothing before an update');
      fs.appendFileSync(ratingsFile, jsonl({ ...starsLine, id: 'g_edit', supersedes: starsLine.id, value: 1 }, { ...starsLine, id: 'g_edit2', supersedes: 'g_plain', value: 2 }));
      const edited = new ScoreboardAggregateReader(folders);
      assert.equal((await edited.update()).mode, 'appended');
      assertSameRows(edited.aggregate.finish(), await fromScratch(folders), 'edits of stored and of appended ratings');
      const reread = new ScoreboardAggregateReader(folders);
      await reread.update();
      assertSameRows(reread.aggregate.finish(), await fromScratch(folders), 'and read back');
    });
  }

  it("the panel's reader keeps an aggregate in step with each append (and rebuilds it after a rewrite): the same board as from scratch", async () => {
    const folders = [path.join(dir, 'a'), path.join(dir, 'b')];
    const state = { runIds: folders.map(() => [] as string[]), ratingIds: folders.map(() => [] as string[]), nextRun: 0, nextRating: 0 };
    const reader = new ScoreboardDataReader(folders);
    let previous: unknown;
    for (let round = 0; round < 5; round++) {
      appendRound(folders, round, state);
      if (round === 3) {
        // A rewrite (the file shorter than what was read): read whole, the aggregate built again.
        const ratings = path.join(folders[0], '.prompt-workbench', 'ratings.jsonl');
        const lines = fs.readFileSync(ratings, 'utf8').trimEnd().split('\n');
        fs.writeFileSync(ratings, lines.slice(0, 20).join('\n') + '\n');
      }
      const data = await reader.read();
      assert.ok(data.aggregate, 'the reader hands its aggregate over');
      if (round > 0) assert.equal(data.aggregate === previous, round !== 3, 'appends update the same aggregate; a rewrite builds a new one');
      previous = data.aggregate;
      for (const prompt of [undefined, 'p']) {
        assertSameRows(data.aggregate.finish(prompt), computeScoreboard({ runs: data.runs, ratings: data.ratings, prompt }).rows, `round ${round} ${prompt ?? ''}`);
      }
      const snapshot = buildScoreboardSnapshot(data, { prompt: 'q' }, () => undefined);
      assertSameRows(snapshot.rows.map((r) => r.row), computeScoreboard({ runs: data.runs, ratings: data.ratings, prompt: 'q' }).rows, `round ${round}: the panel's rows`);
      const overTime = scoreOverTime(data.ratings, 'q');
      assert.ok(overTime.length > 0);
      assertSameRows(snapshot.overTime as never, overTime as never, `round ${round}: scores over time`);
      // Equal times may name another latest prompt (the appended line counts as the later one).
      const { latestPrompt: _a, ...facets } = data.facets!;
      const { latestPrompt: _b, ...expectedFacets } = scoreboardFacets(data.runs, data.ratings);
      assert.deepEqual(facets, expectedFacets, `round ${round}: facets`);
    }
  });

  it('the panel after a window reload: board, facets and totals from the stored aggregate, no record read again; an appended rating is read alone', async () => {
    const folders = [path.join(dir, 'a'), path.join(dir, 'b')];
    const state = { runIds: folders.map(() => [] as string[]), ratingIds: folders.map(() => [] as string[]), nextRun: 0, nextRating: 0 };
    for (let round = 0; round < 3; round++) appendRound(folders, round, state);
    const filters = { prompt: 'q' };
    const first = new ScoreboardDataReader(folders);
    const firstData = await first.read(filters);
    assert.deepEqual([firstData.runs.length, firstData.ratings.length], [0, 0], 'no records kept in memory without narrowing filters');
    await first.saved();
    assert.ok(fs.existsSync(aggregateFile(folders[0])), 'the aggregate is written after the board is shown');

    const all = await readScoreboardData(folders);
    const expectedRows = computeScoreboard({ runs: all.runs, ratings: all.ratings, prompt: 'q' }).rows;
    const { latestPrompt: _l, ...expectedFacets } = scoreboardFacets(all.runs, all.ratings);
    // Proof that no line is parsed again: the first run line overwritten in place (same length,
    // the end of the file untouched) would be a reported problem if it were read.
    const runFile = path.join(folders[0], '.prompt-workbench', 'runs', fs.readdirSync(path.join(folders[0], '.prompt-workbench', 'runs')).sort()[0]);
    const text = fs.readFileSync(runFile, 'utf8');
    const firstLine = text.indexOf('\n');
    fs.writeFileSync(runFile, '#'.repeat(firstLine) + text.slice(firstLine));

    // A reloaded window: a new reader.
    const reloaded = new ScoreboardDataReader(folders);
    const data = await reloaded.read(filters);
    assert.equal(data.problems.length, 0, 'nothing read again');
    assert.deepEqual(data.counts, { runs: state.nextRun, ratings: state.nextRating });
    const { latestPrompt: _m, ...facets } = data.facets!;
    assert.deepEqual(facets, expectedFacets, 'facets from the stored aggregate');
    const snapshot = buildScoreboardSnapshot(data, filters, () => undefined);
    assertSameRows(snapshot.rows.map((r) => r.row), expectedRows, 'the board from the stored aggregate');
    assert.deepEqual(snapshot.totals, { runs: state.nextRun, ratings: state.nextRating });
    assertSameRows(snapshot.overTime as never, scoreOverTime(all.ratings, 'q') as never, 'scores over time');

    // One rating appended while the panel is open: counted in the next read, the board as from scratch.
    fs.writeFileSync(runFile, text);
    const ratingsFile = path.join(folders[1], '.prompt-workbench', 'ratings.jsonl');
    const starsLine = fs.readFileSync(ratingsFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).find((l) => l.kind === 'stars' && l.criterion === 'overall');
    fs.appendFileSync(ratingsFile, jsonl({ ...starsLine, id: 'g_live', supersedes: null, prompt: { ...starsLine.prompt, name: 'q' }, value: 5, rater: 'carol' }));
    const after = await reloaded.read(filters);
    assert.equal(after.counts!.ratings, state.nextRating + 1);
    assert.ok(after.facets!.raters.includes('carol'), 'facets take the appended line');
    const now = await readScoreboardData(folders);
    assertSameRows(buildScoreboardSnapshot(after, filters, () => undefined).rows.map((r) => r.row), computeScoreboard({ runs: now.runs, ratings: now.ratings, prompt: 'q' }).rows, 'the appended rating counts');
    // A narrowing filter reads the records (and narrows them).
    const narrowed = await reloaded.read({ prompt: 'q', raters: ['carol'] });
    assert.equal(narrowed.ratings.length, state.nextRating + 1);
    const board = buildScoreboardSnapshot(narrowed, { prompt: 'q', raters: ['carol'] }, () => undefined);
    assert.equal(board.rows.reduce((n, r) => n + r.row.n, 0), 1, "only carol's rating");
    await reloaded.saved();
  });

  it('a corrupt, stale or foreign aggregate file is ignored and rebuilt; a rewritten records file is read whole', async () => {
    const folders = [path.join(dir, 'w')];
    const state = { runIds: [[]] as string[][], ratingIds: [[]] as string[][], nextRun: 0, nextRating: 0 };
    appendRound(folders, 0, state);
    const first = await new ScoreboardAggregateReader(folders).update();
    assert.equal(first.mode, 'rebuilt');
    const cache = aggregateFile(folders[0]);
    const good = fs.readFileSync(cache, 'utf8');
    const expected = await fromScratch(folders);
    const check = async (label: string, mode: string) => {
      const reader = new ScoreboardAggregateReader(folders);
      assert.equal((await reader.update()).mode, mode, label);
      assertSameRows(reader.aggregate.finish(), await fromScratch(folders), label);
    };
    for (const [label, text] of [
      ['not JSON', good.slice(0, good.length / 2)],
      ['another format', good.replace('scoreboard-aggregate/2', 'scoreboard-aggregate/1')],
      ['facets that do not fit', good.replace(/"facets":\{"prompts":\[/, '"facets":{"prompts":[1,')],
      ['row data that does not fit', good.replace(/"rows":\[\[/, '"rows":[[1,')],
      ['another folder set', good.replace(JSON.stringify(folders[0]), JSON.stringify(dir))],
    ]) {
      fs.writeFileSync(cache, text);
      await check(label, 'rebuilt');
    }
    assert.equal(expected.length > 0, true);
    // The last line rewritten in place (same file, as long or longer): the hash of the last line differs.
    const ratings = path.join(folders[0], '.prompt-workbench', 'ratings.jsonl');
    const text = fs.readFileSync(ratings, 'utf8');
    const lastValue = text.lastIndexOf('"value":');
    const rewritten = text.slice(0, lastValue) + text.slice(lastValue).replace(/"value":("up"|"down"|"A"|"B"|"tie"|\d)/, (m, v) => `"value":${({ '"up"': '"down"', '"down"': '"up"', '"A"': '"B"', '"B"': '"A"', '"tie"': '"A"' } as Record<string, string>)[v] ?? (v === '5' ? '4' : String(Number(v) + 1))}`);
    assert.notEqual(rewritten, text);
    fs.writeFileSync(ratings, rewritten);
    await check('a rewritten last line', 'rebuilt');
    // Replaced by another file (a git checkout): another inode.
    fs.renameSync(ratings, ratings + '.old');
    fs.copyFileSync(ratings + '.old', ratings);
    fs.rmSync(ratings + '.old');
    await check('another inode', 'rebuilt');
    // A shorter file, and a removed month file.
    fs.writeFileSync(ratings, rewritten.slice(0, rewritten.lastIndexOf('\n', rewritten.length - 2) + 1));
    await check('a shorter file', 'rebuilt');
    const runsDir = path.join(folders[0], '.prompt-workbench', 'runs');
    fs.rmSync(path.join(runsDir, fs.readdirSync(runsDir).sort()[0]));
    await check('a removed month', 'rebuilt');
    await check('then appended only', 'appended');
  });

  it('is written atomically, never through a symbolic link, and ignored by git; no records folder, no file', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    await new ScoreboardAggregateReader([empty]).update();
    assert.equal(fs.existsSync(path.join(empty, '.prompt-workbench')), false, 'nothing created in a folder without records');

    const folders = [path.join(dir, 'w')];
    const state = { runIds: [[]] as string[][], ratingIds: [[]] as string[][], nextRun: 0, nextRating: 0 };
    appendRound(folders, 0, state);
    await new ScoreboardAggregateReader(folders).update();
    const cache = aggregateFile(folders[0]);
    assert.equal(fs.readFileSync(path.join(path.dirname(cache), '.gitignore'), 'utf8').split('\n').includes('*'), true);
    assert.deepEqual(fs.readdirSync(path.dirname(cache)).sort(), ['.gitignore', 'scoreboard.json'], 'no temporary file left behind');

    // The cache file a symbolic link to a file outside: the outside file is never written.
    const outside = path.join(dir, 'outside.json');
    fs.writeFileSync(outside, 'untouched');
    fs.rmSync(cache);
    fs.symlinkSync(outside, cache);
    appendRound(folders, 1, state);
    const reader = new ScoreboardAggregateReader(folders);
    await reader.update();
    assertSameRows(reader.aggregate.finish(), await fromScratch(folders), 'still the right board');
    assert.equal(fs.readFileSync(outside, 'utf8'), 'untouched');
    assert.equal(fs.lstatSync(cache).isSymbolicLink(), true);

    // The cache folder a symbolic link: nothing written into its target either.
    fs.rmSync(path.dirname(cache), { recursive: true });
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, path.dirname(cache));
    appendRound(folders, 2, state);
    await new ScoreboardAggregateReader(folders).update();
    assert.deepEqual(fs.readdirSync(elsewhere), []);
  });
});
