import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contentHash } from '../../../src/core/prompt/contentHash';
import { approveScoreboardRow } from '../../../src/core/releases/releaseApproval';
import { approveRelease, changeReleaseState, evidenceFromRow, readReleases, releasesByPrompt } from '../../../src/core/releases/releaseStore';
import type { ScoreboardRow } from '../../../src/core/ratings/types';
import { PromptUsageIndex } from '../../../src/core/versions/promptUsage';
import { findEditedWithoutBump } from '../../../src/core/versions/promptVersions';
import { VersionStore } from '../../../src/core/versions/versionStore';
import { appendJsonLine } from '../../../src/core/workspace/jsonl';

const PROMPT = `---
name: email-summary
version: 2
model: bedrock/amazon.nova-lite-v1:0
config: {temperature: 0.2, maxOutputTokens: 500}
workbench.guardrail: {id: gr-abc, version: "1"}
---
{{role "system"}}You summarize emails.
{{role "user"}}{{email}}
`;

const row = (over: Partial<ScoreboardRow> = {}): ScoreboardRow => ({
  prompt: 'email-summary',
  version: 2,
  model: 'bedrock/amazon.nova-lite-v1:0',
  n: 12,
  stars: { mean: 4.2, lo: 3.8, hi: 4.6 },
  thumbsUp: { rate: null, lo: null, hi: null },
  winRate: null,
  btScore: null,
  passRate: 0.9,
  latencyMs: { p50: 800, p95: 1500 },
  ttftMs: { p50: 300 },
  costPer1k: 0.42,
  ...over,
});

describe('releases: approve, state changes, edited after release', () => {
  let ws: string;
  beforeEach(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-releases-'));
    fs.mkdirSync(path.join(ws, '.prompt-workbench'));
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('keeps the row figures with their intervals as evidence, leaving out figures without data', () => {
    const e = evidenceFromRow(row(), ['d_1'], 30);
    assert.deepEqual(e, { runs: 30, ratings: 12, datasetRunIds: ['d_1'], meanStars: 4.2, starsInterval: [3.8, 4.6], passRate: 0.9, latencyP50Ms: 800, latencyP95Ms: 1500, costPer1kUsd: 0.42 });
  });

  it('approves a scoreboard row: keeps the working text as the version, reads config, guardrail, runs and dataset runs', async () => {
    const file = path.join(ws, 'prompts', 'email-summary.prompt');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, PROMPT);
    const runsFile = path.join(ws, '.prompt-workbench', 'runs', '2026-12.jsonl');
    const run = (id: string, model: string, datasetRunId?: string) => ({
      schema: 'prompt-workbench.run/1', id, ts: '2026-12-01T00:00:00Z', comparisonId: null, prompt: { name: 'email-summary', version: 2, contentHash: contentHash(PROMPT), path: null },
      model, config: {}, inputsHash: 'x', output: 'ok', stopReason: 'end_turn', metrics: { latencyMs: 1 }, error: null, partial: false, datasetCaseId: null, ...(datasetRunId ? { datasetRunId } : {}),
    });
    await appendJsonLine(runsFile, run('r1', 'bedrock/amazon.nova-lite-v1:0', 'd_7'));
    await appendJsonLine(runsFile, run('r2', 'bedrock/amazon.nova-lite-v1:0'));
    await appendJsonLine(runsFile, run('r3', 'echo/echo', 'd_other'));

    const line = await approveScoreboardRow(ws, { row: row(), by: 'ana', note: '  best quality per dollar ', working: [{ file, text: PROMPT }] });
    assert.equal(line.note, 'best quality per dollar');
    assert.deepEqual(line.prompt, { name: 'email-summary', version: 2, contentHash: contentHash(PROMPT), path: 'prompts/email-summary.prompt' });
    assert.deepEqual(line.config, { temperature: 0.2, maxOutputTokens: 500 });
    assert.deepEqual(line.guardrail, { id: 'gr-abc', version: '1' });
    assert.equal(line.evidence.runs, 2);
    assert.deepEqual(line.evidence.datasetRunIds, ['d_7']);
    assert.equal(await new VersionStore(ws).read('email-summary', 2), PROMPT, 'the approved text is kept as v2.prompt');

    const { releases, problems } = await readReleases(ws);
    assert.deepEqual(problems, []);
    assert.equal(releases.length, 1);
    assert.equal(releases[0].state, 'approved');
    assert.equal(releases[0].id, line.id);
  });

  it('refuses an approval without a note or without readable text, writing nothing', async () => {
    await assert.rejects(approveScoreboardRow(ws, { row: row(), by: 'ana', note: 'ok', working: [] }), /neither kept/);
    await assert.rejects(
      approveRelease(ws, { by: 'a', note: '  ', prompt: { name: 'p', version: 1, contentHash: 'h', path: null }, model: 'm', config: {}, evidence: { runs: 0, ratings: 0, datasetRunIds: [] } }),
      /needs a note/,
    );
    assert.equal(fs.existsSync(path.join(ws, '.prompt-workbench', 'releases.jsonl')), false);
  });

  it('publishing one release supersedes the published release of the same prompt; a rolled-back release stays rolled back', async () => {
    const approve = (version: number) =>
      approveRelease(ws, { by: 'ana', note: `v${version}`, prompt: { name: 'email-summary', version, contentHash: `h${version}`, path: null }, model: 'm', config: {}, evidence: { runs: 1, ratings: 1, datasetRunIds: [] } });
    const a = await approve(1);
    const b = await approve(2);
    const published = (v: string) => ({ promptArn: 'arn:aws:bedrock:us-east-1:123456789012:prompt/P1', promptId: 'P1', promptVersion: v });
    await changeReleaseState(ws, a.id, { by: 'ana', state: 'published', published: published('1') });
    const { lines } = await changeReleaseState(ws, b.id, { by: 'bo', state: 'published', published: published('2') });
    assert.deepEqual(lines.map((l) => [l.releaseId, l.state]), [[b.id, 'published'], [a.id, 'superseded']]);
    let { releases } = await readReleases(ws);
    assert.deepEqual(releases.map((r) => r.state), ['superseded', 'published']);
    assert.equal(releases[1].published?.promptVersion, '2');

    await changeReleaseState(ws, b.id, { by: 'bo', state: 'rolled-back', note: 'bad answers in production' });
    await assert.rejects(changeReleaseState(ws, b.id, { by: 'bo', state: 'published', published: published('3') }), /cannot become published/);
    await assert.rejects(changeReleaseState(ws, a.id, { by: 'bo', state: 'published' }), /ARN/);
    await assert.rejects(changeReleaseState(ws, 'rel_nope', { by: 'bo', state: 'rolled-back' }), /no release/);
    ({ releases } = await readReleases(ws));
    assert.equal(releases[1].state, 'rolled-back');
    assert.deepEqual([...releasesByPrompt(releases).get('email-summary')!].map((r) => r.prompt.version), [2, 1]);
  });

  it('reports a torn line and a state line of an unknown release, keeping the rest', async () => {
    const a = await approveRelease(ws, { by: 'ana', note: 'n', prompt: { name: 'p', version: 1, contentHash: 'h', path: null }, model: 'm', config: {}, evidence: { runs: 0, ratings: 0, datasetRunIds: [] } });
    const file = path.join(ws, '.prompt-workbench', 'releases.jsonl');
    fs.appendFileSync(file, '{"schema":"prompt-workbench.release/1","kind":"sta\n');
    fs.appendFileSync(file, JSON.stringify({ schema: 'prompt-workbench.release/1', kind: 'state', releaseId: 'rel_gone', ts: 'x', by: 'b', state: 'rolled-back' }) + '\n');
    const { releases, problems } = await readReleases(ws);
    assert.deepEqual(releases.map((r) => r.id), [a.id]);
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /JSON/);
    assert.match(problems[1].message, /rel_gone/);
  });

  it('warns when a released version is edited in place, like an unbumped edit', async () => {
    const store = new VersionStore(ws);
    const usage = new PromptUsageIndex(ws);
    await approveRelease(ws, { by: 'ana', note: 'n', prompt: { name: 'email-summary', version: 2, contentHash: contentHash(PROMPT), path: null }, model: 'm', config: {}, evidence: { runs: 0, ratings: 0, datasetRunIds: [] } });
    const { releases } = await readReleases(ws);
    assert.equal(await findEditedWithoutBump(store, usage, PROMPT, undefined, releases), undefined, 'the released text itself is fine');
    const edited = PROMPT.replace('You summarize', 'You briefly summarize');
    const flagged = await findEditedWithoutBump(store, usage, edited, undefined, releases);
    assert.equal(flagged?.releaseId, releases[0].id);
    assert.match(flagged!.message, /approved for production .*Save as a new version/);
    assert.equal(await findEditedWithoutBump(store, usage, edited, undefined, []), undefined, 'without the release (and unused), no warning');
  });
});
