// The append-only ratings store on real files: the record shape, corrupt lines, supersedes
// chains, and two processes appending at once.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RATING_SCHEMA, RatingRecord, validateRatingRecord } from '../../../src/core/ratings/ratingRecord';
import { appendRating, buildRating, effectiveRatings, readRatings } from '../../../src/core/ratings/ratingsStore';

const PROMPT = { name: 'email-summary', version: 3, contentHash: '3f9a1c2b' };
const MODEL = 'bedrock/amazon.nova-lite-v1:0';

/** The example line of DESIGN.md, verbatim. */
const DESIGN_EXAMPLE = {
  schema: 'prompt-workbench.rating/1', id: 'g_01JD', ts: '2026-11-29T10:01:00.000Z', rater: 'alice', runId: 'r_01JD',
  prompt: PROMPT, model: MODEL, kind: 'stars', criterion: 'overall', value: 4, comment: '', tags: [], blind: { shownAs: 'B', position: 1 }, supersedes: null,
};

describe('ratings: record validation', () => {
  it('accepts the example line of DESIGN.md and all three kinds', () => {
    assert.equal(validateRatingRecord(DESIGN_EXAMPLE), undefined);
    assert.equal(validateRatingRecord({ ...DESIGN_EXAMPLE, kind: 'thumbs', value: 'down' }), undefined);
    const pairwise = { ...DESIGN_EXAMPLE, kind: 'pairwise', model: null, value: 'tie', pair: { A: { runId: 'r_1', model: MODEL }, B: { runId: 'r_2', model: 'bedrock/x' } } };
    assert.equal(validateRatingRecord(pairwise), undefined);
  });
  it('rejects what is not a rating, saying what is wrong', () => {
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, value: 6 })!, /1, 2, 3, 4 or 5/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, value: 3.5 })!, /1, 2, 3, 4 or 5/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, kind: 'thumbs', value: 'maybe' })!, /"up" or "down"/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, kind: 'pairwise', model: null, value: 'A' })!, /"pair"/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, kind: 'pairwise', model: null, value: 'C', pair: {} })!, /"A", "B" or "tie"/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, kind: 'emoji' })!, /"kind"/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, schema: 'prompt-workbench.rating/2' })!, /unsupported rating schema/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, schema: 'prompt-workbench.run/1' })!, /schema/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, blind: { shownAs: 'B' } })!, /blind/);
    assert.match(validateRatingRecord({ ...DESIGN_EXAMPLE, prompt: { name: 'x' } })!, /prompt/);
  });
  it('buildRating fills schema, a g_ id, time and defaults, and refuses an invalid rating', () => {
    const r = buildRating({ prompt: PROMPT, model: MODEL, kind: 'thumbs', value: 'up' }, new Date('2026-11-29T10:00:00Z'));
    assert.equal(r.schema, RATING_SCHEMA);
    assert.match(r.id, /^g_[0-9A-Z]{26}$/);
    assert.equal(r.ts, '2026-11-29T10:00:00.000Z');
    assert.deepEqual([r.criterion, r.comment, r.tags, r.blind, r.supersedes, r.rater, r.runId], ['overall', '', [], null, null, null, null]);
    assert.throws(() => buildRating({ prompt: PROMPT, model: MODEL, kind: 'stars', value: 0 as 1 }), /Cannot record this rating: .*1, 2, 3, 4 or 5/);
  });
});

describe('ratings: store on disk', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-ratings-'));
    file = path.join(dir, '.prompt-workbench', 'ratings.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends one whole line per rating and reads them back in order', async () => {
    const a = await appendRating(file, { prompt: PROMPT, model: MODEL, kind: 'stars', value: 5, rater: 'alice', blind: { shownAs: 'A', position: 0 } });
    const b = await appendRating(file, { prompt: PROMPT, model: MODEL, kind: 'thumbs', value: 'down', criterion: 'concision', tags: ['too long'] });
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text.split('\n').length, 3);
    assert.deepEqual(JSON.parse(text.split('\n')[0]), a);
    const read = await readRatings(file);
    assert.deepEqual(read.records, [a, b]);
    assert.deepEqual(read.problems, []);
  });
  it('a missing file is no ratings, not an error', async () => {
    assert.deepEqual(await readRatings(file), { records: [], problems: [] });
  });
  it('reports corrupt and invalid lines with their numbers and keeps every other line', async () => {
    const good = (id: string) => JSON.stringify({ ...DESIGN_EXAMPLE, id });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, [good('g_1'), '{"schema":"prompt-workbench.rating/1","id":"g_tr', good('g_3'), '', JSON.stringify({ ...DESIGN_EXAMPLE, id: 'g_5', value: 9 }), good('g_6')].join('\n') + '\n');
    const read = await readRatings(file);
    assert.deepEqual(read.records.map((r) => r.id), ['g_1', 'g_3', 'g_6']);
    assert.deepEqual(read.problems.map((p) => [p.file, p.line]), [[file, 2], [file, 5]]);
    assert.match(read.problems[0].message, /not valid JSON/);
    assert.match(read.problems[1].message, /1, 2, 3, 4 or 5/);
  });
  it('two processes appending 1,000 ratings each at once leave 2,000 whole lines', async function () {
    this.timeout(60000);
    const store = path.resolve(__dirname, '../../../src/core/ratings/ratingsStore.js');
    const script = `
      const { appendRating } = require(${JSON.stringify(store)});
      (async () => {
        for (let i = 0; i < 1000; i++) {
          await appendRating(process.argv[1], { prompt: { name: 'p', version: 1, contentHash: 'h' }, model: 'echo/echo', kind: 'stars',
            value: 1 + (i % 5), rater: process.argv[2], comment: 'x'.repeat(i % 300) });
        }
      })();`;
    const writer = (rater: string) =>
      new Promise<number | null>((resolve) => spawn(process.execPath, ['-e', script, file, rater], { stdio: 'inherit' }).on('close', resolve));
    assert.deepEqual(await Promise.all([writer('one'), writer('two')]), [0, 0]);
    const read = await readRatings(file);
    assert.deepEqual(read.problems, []);
    assert.equal(read.records.length, 2000);
    assert.equal(read.records.filter((r) => r.rater === 'one').length, 1000);
    assert.equal(new Set(read.records.map((r) => r.id)).size, 2000);
  });
});

describe('ratings: supersedes', () => {
  const rating = (id: string, supersedes: string | null = null, value: 1 | 2 | 3 | 4 | 5 = 3): RatingRecord =>
    buildRating({ id, prompt: PROMPT, model: MODEL, kind: 'stars', value, supersedes });

  it('an edit replaces the rating it names; a chain leaves only the last', () => {
    const records = [rating('g_1', null, 1), rating('g_x'), rating('g_2', 'g_1', 2), rating('g_3', 'g_2', 5)];
    assert.deepEqual(effectiveRatings(records).map((r) => r.id), ['g_x', 'g_3']);
  });
  it('only a LATER line supersedes: naming an id that comes after does nothing', () => {
    const records = [rating('g_2', 'g_1'), rating('g_1')];
    assert.deepEqual(effectiveRatings(records).map((r) => r.id), ['g_2', 'g_1']);
  });
  it('two edits of the same rating: both edits count, the original does not', () => {
    const records = [rating('g_1'), rating('g_2', 'g_1'), rating('g_3', 'g_1')];
    assert.deepEqual(effectiveRatings(records).map((r) => r.id), ['g_2', 'g_3']);
  });
  it('naming an unknown id drops nothing', () => {
    assert.deepEqual(effectiveRatings([rating('g_1'), rating('g_2', 'g_nope')]).map((r) => r.id), ['g_1', 'g_2']);
  });
});
