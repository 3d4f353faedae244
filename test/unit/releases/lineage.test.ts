import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentHash } from '../../../src/core/prompt/contentHash';
import { buildLineage, diffLines } from '../../../src/core/releases/lineage';
import { approveRelease, changeReleaseState } from '../../../src/core/releases/releaseStore';
import { VersionStore } from '../../../src/core/versions/versionStore';
import { appendJsonLine } from '../../../src/core/workspace/jsonl';

const v = (n: number, parent: number | null, line: string) => `---\nname: faq\nversion: ${n}\n${parent !== null ? `workbench.parent: ${parent}\nworkbench.changelog: change ${n}\n` : ''}---\n${line}\n{{question}}\n`;

describe('lineage of a prompt version', () => {
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lineage-'));
    fs.mkdirSync(path.join(ws, '.prompt-workbench'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('diffs as added, removed and context lines', () => {
    const lines = diffLines('a\nb\nc\n', 'a\nB\nc\n');
    assert.deepEqual(lines.map((l) => `${l.kind}:${l.text}`), ['same:a', 'remove:b', 'add:B', 'same:c']);
  });

  it('walks the parent chain with diffs, and gathers runs, ratings by rater, dataset runs and releases with where they were published', async () => {
    const store = new VersionStore(ws);
    await store.save('faq', 1, v(1, null, 'Answer briefly.'), 'saved', null);
    await store.save('faq', 2, v(2, 1, 'Answer briefly and cite.'), 'saved', null);
    await store.save('faq', 3, v(3, 2, 'Answer briefly, cite, be kind.'), 'saved', null);
    const runs = path.join(ws, '.prompt-workbench', 'runs', '2026-12.jsonl');
    const run = (id: string, version: number, model: string) => ({
      schema: 'prompt-workbench.run/1', id, ts: '2026-12-01T00:00:00Z', comparisonId: null, prompt: { name: 'faq', version, contentHash: 'h', path: null },
      model, config: {}, inputsHash: 'x', output: 'o', stopReason: null, metrics: { latencyMs: 1 }, error: null, partial: false, datasetCaseId: null,
    });
    for (const [id, ver, model] of [['r1', 3, 'a/x'], ['r2', 3, 'a/x'], ['r3', 3, 'b/y'], ['r4', 2, 'a/x']] as const) await appendJsonLine(runs, run(id, ver, model));
    const rating = (id: string, rater: string, version: number, supersedes: string | null = null) => ({
      schema: 'prompt-workbench.rating/1', id, ts: '2026-12-01T00:00:00Z', rater, runId: 'r1', prompt: { name: 'faq', version, contentHash: 'h' },
      model: 'a/x', kind: 'stars', criterion: 'overall', value: 4, comment: '', tags: [], blind: null, supersedes,
    });
    for (const r of [rating('g1', 'ana', 3), rating('g2', 'ana', 3, 'g1'), rating('g3', 'bo', 3), rating('g4', 'cy', 2)]) await appendJsonLine(path.join(ws, '.prompt-workbench', 'ratings.jsonl'), r);
    await appendJsonLine(path.join(ws, '.prompt-workbench', 'dataset-runs.jsonl'), {
      schema: 'prompt-workbench.datasetRun/1', id: 'd_1', ts: '2026-12-01T00:00:00Z', prompt: { name: 'faq', version: 3, contentHash: 'h', path: null },
      dataset: { path: 'faq.jsonl', hash: 'x', cases: 12 }, models: ['a/x'], caseIds: [],
    });
    const release = await approveRelease(ws, { by: 'ana', note: 'kind wins', prompt: { name: 'faq', version: 3, contentHash: contentHash(v(3, 2, 'Answer briefly, cite, be kind.')), path: null }, model: 'a/x', config: {}, evidence: { runs: 2, ratings: 2, datasetRunIds: ['d_1'] } });
    await changeReleaseState(ws, release.id, { by: 'ana', state: 'published', published: { promptArn: 'arn:aws:bedrock:us-east-1:1:prompt/P', promptId: 'P', promptVersion: '2' } });

    const lineage = await buildLineage(ws, 'faq', 3);
    assert.deepEqual(lineage.chain.map((c) => [c.version, c.parent]), [[3, 2], [2, 1], [1, null]]);
    assert.ok(lineage.chain[0].diff.some((d) => d.kind === 'add' && d.text === 'Answer briefly, cite, be kind.'));
    assert.ok(lineage.chain[0].diff.some((d) => d.kind === 'remove' && d.text === 'Answer briefly and cite.'));
    assert.deepEqual(lineage.chain[2].diff, []);
    assert.deepEqual(lineage.runs, { total: 3, byModel: [{ model: 'a/x', runs: 2 }, { model: 'b/y', runs: 1 }] });
    assert.deepEqual(lineage.ratings, { total: 2, byRater: [{ rater: 'ana', ratings: 1 }, { rater: 'bo', ratings: 1 }] }, 'a superseded rating does not count');
    assert.deepEqual(lineage.datasetRuns.map((d) => [d.id, d.cases]), [['d_1', 12]]);
    assert.deepEqual(lineage.releases.map((r) => [r.id, r.state, r.publishedAs]), [[release.id, 'published', 'arn:aws:bedrock:us-east-1:1:prompt/P:2']]);
  });
});
