// `prompt-workbench scoreboard` through the built dist/cli.js on a small workspace of real files.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const HAIKU = 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0';

const runLine = (id: string, model: string, latencyMs: number, costUsd: number) =>
  JSON.stringify({
    schema: 'prompt-workbench.run/1', id, ts: '2026-11-29T10:00:00.000Z', comparisonId: 'c_1',
    prompt: { name: 'email-summary', version: 3, contentHash: 'h', path: 'prompts/email-summary.prompt' }, model, config: {},
    inputsHash: 'sha256:x', output: 'out', stopReason: 'end_turn',
    metrics: { ttftMs: latencyMs / 10, latencyMs, inputTokens: 10, outputTokens: 10, costUsd }, error: null, partial: false, datasetCaseId: null,
  });
const ratingLine = (id: string, fields: Record<string, unknown>) =>
  JSON.stringify({
    schema: 'prompt-workbench.rating/1', id, ts: '2026-11-29T10:01:00.000Z', rater: 'alice', runId: null,
    prompt: { name: 'email-summary', version: 3, contentHash: 'h' }, criterion: 'overall', comment: '', tags: [], blind: null, supersedes: null, ...fields,
  });

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

describe('scoreboard CLI (dist/cli.js)', function () {
  this.timeout(30000);
  let dir: string;
  before(() => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-scoreboard-'));
    fs.mkdirSync(path.join(dir, '.prompt-workbench', 'runs'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.prompt-workbench', 'runs', '2026-11.jsonl'), [runLine('r_1', NOVA, 1000, 0.001), runLine('r_2', HAIKU, 2000, 0.003)].join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, '.prompt-workbench', 'ratings.jsonl'),
      [
        ratingLine('g_1', { runId: 'r_1', model: NOVA, kind: 'stars', value: 4 }),
        ratingLine('g_2', { runId: 'r_1', model: NOVA, kind: 'stars', value: 2 }),
        '{"schema":"prompt-workbench.rating/1", broken',
        ratingLine('g_3', { runId: 'r_2', model: HAIKU, kind: 'thumbs', value: 'up' }),
        ratingLine('g_4', { model: null, kind: 'pairwise', value: 'B', pair: { A: { runId: 'r_1', model: NOVA }, B: { runId: 'r_2', model: HAIKU } } }),
        ratingLine('g_5', { runId: 'r_2', model: HAIKU, kind: 'stars', value: 5, criterion: 'concision' }),
      ].join('\n') + '\n',
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json prints {rows} in the DESIGN.md shape and warns about the corrupt line with file:line on stderr', () => {
    const result = cli(['scoreboard', '--json', '--workspace', dir], os.tmpdir());
    assert.equal(result.status, 0, result.stderr);
    const board = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(board), ['rows']);
    // Best rated first: nova has stars, haiku none under `overall`.
    const [nova, haiku] = board.rows;
    assert.deepEqual(nova, {
      prompt: 'email-summary', version: 3, model: NOVA, n: 3, stars: { mean: 3, lo: 1, hi: 5 }, thumbsUp: { rate: null, lo: null, hi: null },
      winRate: 0, btScore: nova.btScore, passRate: null, latencyMs: { p50: 1000, p95: 1000 }, ttftMs: { p50: 100 }, costPer1k: 1,
    });
    assert.equal(haiku.model, HAIKU);
    assert.equal(haiku.n, 2);
    assert.equal(haiku.winRate, 1);
    assert.equal(haiku.thumbsUp.rate, 1);
    assert.ok(haiku.btScore > nova.btScore && Math.abs(haiku.btScore + nova.btScore - 1) < 1e-9);
    assert.equal(haiku.costPer1k, 3);
    assert.match(result.stderr, new RegExp(`warning: .*ratings\\.jsonl:3: skipped: not valid JSON`));
  });
  it('--criterion counts another criterion; --prompt filters by name', () => {
    const concision = JSON.parse(cli(['scoreboard', '--json', '--criterion', 'concision', '--workspace', dir], dir).stdout);
    const haiku = concision.rows.find((r: { model: string }) => r.model === HAIKU);
    assert.deepEqual([haiku.n, haiku.stars.mean, haiku.winRate], [1, 5, null]);
    const none = JSON.parse(cli(['scoreboard', '--json', '--prompt', 'nothing-here', '--workspace', dir], dir).stdout);
    assert.deepEqual(none, { rows: [] });
  });
  it('prints an aligned table for people', () => {
    const result = cli(['scoreboard'], dir);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^prompt\s+v\s+model\s+n\s+stars \[95%\]/);
    assert.equal(lines.length, 3);
    assert.ok(lines[1].includes(NOVA) && lines[2].includes(HAIKU));
    assert.match(lines[1], /3\.00 \[1\.00–5\.00\]/);
    // Aligned: the model column starts at the same offset on every line.
    assert.equal(new Set(lines.map((l) => l.indexOf('bedrock/') === -1 ? lines[0].indexOf('model') : l.indexOf('bedrock/'))).size, 1);
  });
});
