// `prompt-workbench index | search | retrieval-eval` through the built dist/cli.js on a temp workspace.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
}

describe('rag CLI index / search / retrieval-eval (dist/cli.js)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    assert.ok(fs.existsSync(CLI), 'build first (node esbuild.js)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cli-rag-'));
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs', 'deploy.md'), '# Deploying\n\nPush a tag; the pipeline builds the container and rolls it out to staging, then production.\n');
    fs.writeFileSync(path.join(dir, 'docs', 'oncall.md'), '# On-call\n\nPages go to the primary engineer. Escalate to the secondary after fifteen minutes.\n');
    fs.writeFileSync(path.join(dir, 'README.txt'), 'Team handbook. See docs/ for deploying and on-call.\n');
    fs.writeFileSync(
      path.join(dir, 'questions.jsonl'),
      ['{"question":"who do I escalate a page to?","files":["docs/oncall.md"]}', '{"question":"how does a release reach production?","files":["docs/deploy.md"]}', 'broken line'].join('\n'),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('search before index says to run index first (exit 2)', () => {
    const r = cli(['search', 'deploy', '--workspace', dir], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /run `prompt-workbench index` first/);
  });

  it('index --json prints the stats; a second run changes nothing', () => {
    const first = cli(['index', '--json', '--workspace', dir], dir);
    assert.equal(first.status, 0, first.stderr);
    const stats = JSON.parse(first.stdout);
    assert.deepEqual([stats.files, stats.added, stats.embedder], [3, 3, 'offline:glove100-sif/1']);
    assert.ok(fs.existsSync(path.join(dir, '.prompt-workbench', 'index', 'index.pb')));
    const second = JSON.parse(cli(['index', '--json'], dir).stdout);
    assert.deepEqual([second.added, second.updated, second.unchanged], [0, 0, 3]);
    const human = cli(['index', '--workspace', dir], dir);
    assert.match(human.stdout, /Indexed 3 files \(\d+ chunks\) in \d+ ms with offline:glove100-sif\/1: 0 added, 0 updated, 0 removed, 3 unchanged\./);
  });

  it('search --json prints exactly {results:[{path, startLine, endLine, score, text}]}', () => {
    const r = cli(['search', 'escalate', 'a', 'page', '--k', '2', '--json', '--workspace', dir], dir);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['results']);
    assert.ok(doc.results.length >= 1 && doc.results.length <= 2);
    assert.deepEqual(Object.keys(doc.results[0]), ['path', 'startLine', 'endLine', 'score', 'text']);
    assert.equal(doc.results[0].path, 'docs/oncall.md');
    assert.deepEqual([doc.results[0].startLine, doc.results[0].endLine], [1, 3]);
    const human = cli(['search', 'container pipeline', '--workspace', dir], dir);
    assert.match(human.stdout, /^docs\/deploy\.md:1-3 {2}score /);
  });

  it('index --rebuild says why; --embedder is validated', () => {
    const r = cli(['index', '--rebuild', '--workspace', dir], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Rebuilt the index: a rebuild was asked for\./);
    const bad = cli(['index', '--embedder', 'word2vec', '--workspace', dir], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--embedder word2vec: use offline, bedrock:<modelId>\[@dims\] or openai:<baseUrl>#<model>/);
    assert.equal(cli(['search', 'x', '--k', '0', '--workspace', dir], dir).status, 2);
  });

  it('retrieval-eval prints hit@k and MRR, skipping bad lines with a warning', () => {
    const r = cli(['retrieval-eval', 'questions.jsonl', '--k', '3', '--json', '--workspace', dir], dir);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.questions, 2);
    assert.equal(result.k, 3);
    assert.equal(result.hitAtK, 1);
    assert.ok(result.mrr > 0.5);
    assert.deepEqual(result.results.map((x: { rank: number }) => x.rank), [1, 1]);
    assert.match(r.stderr, /questions\.jsonl:3: skipped/);
    const human = cli(['retrieval-eval', 'questions.jsonl', '--mode', 'keyword', '--workspace', dir], dir);
    assert.match(human.stdout, /2 questions, keyword: hit@1 100\.0%, hit@5 100\.0%, MRR 1\.000/);
    // Each evaluation is kept for the scoreboard, with the embedder and the mode; --no-record keeps none.
    const kept = fs.readFileSync(path.join(dir, '.prompt-workbench', 'retrieval-evals.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(kept.map((e: { mode: string; k: number }) => [e.mode, e.k]), [['hybrid', 3], ['keyword', 5]]);
    assert.ok(kept.every((e: { embedder: string; questionsFile: string }) => e.embedder.length > 0 && e.questionsFile === 'questions.jsonl'));
    assert.equal(cli(['retrieval-eval', 'questions.jsonl', '--no-record', '--workspace', dir], dir).status, 0);
    assert.equal(fs.readFileSync(path.join(dir, '.prompt-workbench', 'retrieval-evals.jsonl'), 'utf8').trim().split('\n').length, 2);
  });
});
