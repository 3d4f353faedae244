// The one writer of ratings (core RatingService) on real files: supersede keys and chains,
// note-as-edit, pairwise orientation, blind positions, the rater, the event, a torn line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RatingRecord } from '../../../src/core/ratings/ratingRecord';
import { RatingService, type RecordedRating, type RunIdentity } from '../../../src/core/ratings/ratingService';
import { effectiveRatings, readRatings } from '../../../src/core/ratings/ratingsStore';
import { WorkbenchPaths } from '../../../src/core/workspace/paths';

const PROMPT = { name: 'email-summary', version: 3, contentHash: '3f9a1c2b' };
const RUN_A: RunIdentity = { runId: 'r_A', prompt: PROMPT, model: 'bedrock/amazon.nova-lite-v1:0' };
const RUN_B: RunIdentity = { runId: 'r_B', prompt: PROMPT, model: 'bedrock/anthropic.claude-3-haiku' };

describe('ratings: the rating service', () => {
  let folder: string;
  let file: string;
  let service: RatingService;
  let heard: RecordedRating[];
  const warnings: string[] = [];
  const raterAsked: string[] = [];

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rating-service-'));
    file = new WorkbenchPaths(folder).ratingsFile;
    warnings.length = 0;
    raterAsked.length = 0;
    service = new RatingService({
      rater: async (f) => {
        raterAsked.push(f);
        return 'alice';
      },
      log: { info: () => undefined, warn: (m) => warnings.push(m) },
    });
    heard = [];
    service.onDidRecord((e) => heard.push(e));
  });
  afterEach(() => {
    service.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const lines = async () => (await readRatings(file)).records;

  it('writes the identity it is given, the rater, and tells listeners', async () => {
    const record = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 4 });
    assert.equal(record.schema, 'prompt-workbench.rating/1');
    assert.equal(record.runId, 'r_A');
    assert.deepEqual(record.prompt, PROMPT);
    assert.equal(record.model, RUN_A.model);
    assert.equal(record.rater, 'alice');
    assert.equal(record.blind, null);
    assert.equal(record.supersedes, null);
    assert.deepEqual(raterAsked, [folder]);
    assert.deepEqual(heard, [{ folder, record }]);
    assert.deepEqual(await lines(), [record]);
  });

  it('supersedes per run × kind × criterion, in chains, and leaves other keys alone', async () => {
    const s1 = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 2 });
    const s2 = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 3 });
    const s3 = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 5 });
    const clarity = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'clarity', value: 1 });
    const thumbs = await service.rate(folder, RUN_A, { kind: 'thumbs', value: 'up' });
    const other = await service.rate(folder, RUN_B, { kind: 'stars', criterion: 'overall', value: 4 });
    assert.equal(s2.supersedes, s1.id);
    assert.equal(s3.supersedes, s2.id);
    assert.equal(clarity.supersedes, null);
    assert.equal(thumbs.supersedes, null);
    assert.equal(other.supersedes, null);
    assert.deepEqual(effectiveRatings(await lines()).map((r) => r.id), [s3.id, clarity.id, thumbs.id, other.id]);
    assert.deepEqual(await service.stateOf(folder, 'r_A'), { stars: { overall: 5, clarity: 1 }, thumbs: 'up', comment: '', tags: [] });
  });

  it('supersedes ratings given before it started (reads the file once)', async () => {
    const first = await service.rate(folder, RUN_A, { kind: 'thumbs', value: 'down' });
    const later = new RatingService({ rater: async () => 'bob' });
    const edit = await later.rate(folder, RUN_A, { kind: 'thumbs', value: 'up' });
    assert.equal(edit.supersedes, first.id);
    assert.equal(edit.rater, 'bob');
    assert.equal((await later.stateOf(folder, 'r_A')).thumbs, 'up');
  });

  it('records a note as an edit of the overall stars (else thumbs), keeping its value', async () => {
    await assert.rejects(service.rate(folder, RUN_A, { kind: 'note', comment: 'too long', tags: [] }), /Give stars or a thumb first/);
    assert.deepEqual(await lines(), []);
    const thumbs = await service.rate(folder, RUN_A, { kind: 'thumbs', value: 'down' });
    const onThumbs = await service.rate(folder, RUN_A, { kind: 'note', comment: 'too long', tags: [' verbose ', 'verbose', ''] });
    assert.equal(onThumbs.kind, 'thumbs');
    assert.equal(onThumbs.value, 'down');
    assert.equal(onThumbs.supersedes, thumbs.id);
    assert.deepEqual(onThumbs.tags, ['verbose']);
    const stars = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 2 });
    const onStars = await service.rate(folder, RUN_A, { kind: 'note', comment: 'misses the date', tags: ['facts'] });
    assert.equal(onStars.kind, 'stars');
    assert.equal(onStars.value, 2);
    assert.equal(onStars.supersedes, stars.id);
    // A new value keeps the note given before.
    const restar = await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 3 });
    assert.equal(restar.comment, 'misses the date');
    assert.deepEqual(restar.tags, ['facts']);
    assert.deepEqual(await service.stateOf(folder, 'r_A'), { stars: { overall: 3 }, thumbs: 'down', comment: 'misses the date', tags: ['facts'] });
  });

  it('records pairs A/B/tie with both runs in `pair`, supersedes per ordered pair, and reads them back from either side', async () => {
    const a = await service.ratePair(folder, RUN_A, RUN_B, 'A');
    assert.equal(a.kind, 'pairwise');
    assert.equal(a.model, null);
    assert.equal(a.runId, null);
    assert.deepEqual(a.kind === 'pairwise' && a.pair, { A: { runId: 'r_A', model: RUN_A.model }, B: { runId: 'r_B', model: RUN_B.model } });
    assert.equal(await service.pairOf(folder, 'r_A', 'r_B'), 'A');
    assert.equal(await service.pairOf(folder, 'r_B', 'r_A'), 'B');
    const tie = await service.ratePair(folder, RUN_A, RUN_B, 'tie');
    assert.equal(tie.supersedes, a.id);
    assert.equal(await service.pairOf(folder, 'r_B', 'r_A'), 'tie');
    // The reverse orientation is another key: it does not supersede, and it wins when read from its own side.
    const reverse = await service.ratePair(folder, RUN_B, RUN_A, 'B');
    assert.equal(reverse.supersedes, null);
    assert.equal(await service.pairOf(folder, 'r_B', 'r_A'), 'B');
    assert.equal(await service.pairOf(folder, 'r_A', 'r_C'), null);
    // Pairs never show up as a run's stars or thumbs.
    assert.deepEqual(await service.stateOf(folder, 'r_A'), { stars: {}, thumbs: null, comment: '', tags: [] });
  });

  it('derives blind letters from shown positions, for single ratings and for both sides of a pair', async () => {
    const single = await service.rate(folder, RUN_B, { kind: 'stars', criterion: 'overall', value: 5 }, 1);
    assert.deepEqual(single.blind, { shownAs: 'B', position: 1 });
    const far = await service.rate(folder, RUN_A, { kind: 'thumbs', value: 'up' }, 27);
    assert.deepEqual(far.blind, { shownAs: 'AB', position: 27 });
    const pair = await service.ratePair(folder, RUN_B, RUN_A, 'B', { A: 2, B: 0 });
    assert.deepEqual(pair.blind, { shownAs: 'C', position: 2, pair: { A: { shownAs: 'C', position: 2 }, B: { shownAs: 'A', position: 0 } } });
    assert.equal((await lines()).length, 3);
  });

  it('keeps every whole line of a file with a torn line, reports it, and appends whole lines after it', async () => {
    await service.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 2 });
    const before = (await lines())[0];
    // Another process crashed mid-write: half a line, no newline.
    fs.appendFileSync(file, '{"schema":"prompt-workbench.rating/1","id":"g_TORN","kind":"st');
    const fresh = new RatingService({ rater: async () => null, log: { info: () => undefined, warn: (m) => warnings.push(m) } });
    const edit = await fresh.rate(folder, RUN_A, { kind: 'stars', criterion: 'overall', value: 4 });
    assert.equal(edit.supersedes, before.id);
    assert.equal(edit.rater, null);
    assert.equal(fresh.problemsOf(folder).length, 1);
    assert.equal(fresh.problemsOf(folder)[0].line, 2);
    assert.ok(warnings.some((w) => w.includes(':2:')), warnings.join('\n'));
    const content = await readRatings(file);
    assert.deepEqual(content.records.map((r: RatingRecord) => r.id), [before.id, edit.id]);
    assert.equal(content.problems.length, 1);
    assert.equal((await fresh.stateOf(folder, 'r_A')).stars.overall, 4);
  });

  it('orders ratings given at once, so the second supersedes the first', async () => {
    const [first, second] = await Promise.all([
      service.rate(folder, RUN_A, { kind: 'thumbs', value: 'up' }),
      service.rate(folder, RUN_A, { kind: 'thumbs', value: 'down' }),
    ]);
    assert.equal(second.supersedes, first.id);
    assert.deepEqual(heard.map((e) => e.record.id), [first.id, second.id]);
  });

  it('a listener that throws does not stop the others, and a disposed listener hears nothing', async () => {
    const other: string[] = [];
    service.onDidRecord(() => {
      throw new Error('boom');
    });
    const sub = service.onDidRecord((e) => other.push(e.record.id));
    const r = await service.rate(folder, RUN_A, { kind: 'thumbs', value: 'up' });
    sub.dispose();
    await service.rate(folder, RUN_A, { kind: 'thumbs', value: 'down' });
    assert.deepEqual(other, [r.id]);
    assert.equal(heard.length, 2);
    assert.ok(warnings.some((w) => w.includes('boom')));
  });
});
