import * as assert from 'node:assert/strict';
import { foldReleases, RELEASE_SCHEMA, validateReleaseLine, type ReleaseFileLine } from '../../../src/core/releases/releaseRecord';

const approval = (id: string): ReleaseFileLine => ({
  schema: RELEASE_SCHEMA,
  kind: 'release',
  id,
  ts: '2026-12-01T10:00:00.000Z',
  by: 'ana',
  note: 'best quality per dollar',
  prompt: { name: 'email-summary', version: 3, contentHash: 'sha256:abc', path: 'prompts/email-summary.prompt' },
  model: 'bedrock/amazon.nova-lite-v1:0',
  config: { temperature: 0.2 },
  evidence: { runs: 120, ratings: 40, datasetRunIds: ['d_1'] },
});

describe('release records (.prompt-workbench/releases.jsonl)', () => {
  it('folds later state lines into the release they name, keeping the history and the last publication', () => {
    const published = { promptArn: 'arn:aws:bedrock:us-east-1:123456789012:prompt/P1', promptId: 'P1', promptVersion: '1' };
    const { releases, orphans } = foldReleases([
      approval('r1'),
      approval('r2'),
      { schema: RELEASE_SCHEMA, kind: 'state', releaseId: 'r1', ts: '2026-12-02T00:00:00Z', by: 'ana', state: 'published', published },
      { schema: RELEASE_SCHEMA, kind: 'state', releaseId: 'r1', ts: '2026-12-03T00:00:00Z', by: 'bo', state: 'superseded' },
      { schema: RELEASE_SCHEMA, kind: 'state', releaseId: 'gone', ts: '2026-12-03T00:00:00Z', by: 'bo', state: 'rolled-back' },
      approval('r1'),
    ]);
    assert.deepEqual(releases.map((r) => [r.id, r.state]), [['r1', 'superseded'], ['r2', 'approved']]);
    assert.deepEqual(releases[0].published, published);
    assert.equal(releases[0].history.length, 2);
    assert.equal(releases[0].note, 'best quality per dollar', 'a repeated approval line does not replace the first');
    assert.deepEqual(orphans.map((o) => o.releaseId), ['gone']);
  });

  it('says why a line is not a release line', () => {
    assert.equal(validateReleaseLine(approval('r1')), undefined);
    assert.match(validateReleaseLine({ schema: RELEASE_SCHEMA, kind: 'state', releaseId: 'r1', state: 'shipped' }) ?? '', /unknown "state"/);
    assert.match(validateReleaseLine({ schema: 'x', kind: 'release' }) ?? '', /schema/);
    assert.match(validateReleaseLine({ schema: RELEASE_SCHEMA, kind: 'release', id: 'r' }) ?? '', /prompt/);
  });
});
