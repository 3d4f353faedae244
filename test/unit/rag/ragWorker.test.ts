// RagIndexClient end to end: the real worker bundle (dist/rag-worker.js) indexing real files,
// with progress, search, status, cancellation and restart after dispose.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RagIndexClient } from '../../../src/core/rag/indexClient';
import type { IndexProgress, RagSettings } from '../../../src/core/rag/types';

const ROOT = path.resolve(__dirname, '../../../..');
const WORKER = path.join(ROOT, 'dist', 'rag-worker.js');
const SETTINGS: RagSettings = { include: ['**/*.md'], exclude: [], maxFileBytes: 256 * 1024, embedder: { kind: 'offline' } };
const TOPICS = ['invoices and refunds', 'deploying the service', 'resetting passwords', 'rotating API keys', 'database backups'];

function corpus(files: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-worker-'));
  for (let i = 0; i < files; i++) {
    const topic = TOPICS[i % TOPICS.length];
    const body = Array.from({ length: 30 }, (_, k) => `Line ${k} of page ${i}: notes about ${topic}, step ${k}.`).join('\n');
    fs.mkdirSync(path.join(root, `part-${i % 7}`), { recursive: true });
    fs.writeFileSync(path.join(root, `part-${i % 7}`, `page-${i}.md`), `# Page ${i}: ${topic}\n\n${body}\n\n## More\n\n${body}\n`);
  }
  fs.writeFileSync(path.join(root, 'zebra.md'), '# Zebras\n\nZebras are striped horses that live in Africa.\n');
  return root;
}

describe('rag RagIndexClient (worker thread)', function () {
  this.timeout(120000);
  let root: string;
  let client: RagIndexClient | undefined;
  before(() => assert.ok(fs.existsSync(WORKER), 'build first (node esbuild.js)'));
  afterEach(() => {
    client?.dispose();
    client = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  const open = () => (client = new RagIndexClient({ workerPath: WORKER, root, indexDir: path.join(root, '.prompt-workbench', 'index'), settings: SETTINGS }));

  it('indexes in the worker with progress, then searches and reports status', async () => {
    root = corpus(20);
    const progress: IndexProgress[] = [];
    const stats = await open().update({}, (p) => progress.push(p));
    assert.equal(stats.files, 21);
    assert.equal(stats.added, 21);
    assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['scanning', 'embedding', 'saving', 'done']);
    const hits = await client!.search({ text: 'striped horses in Africa', topK: 3 });
    assert.equal(hits[0].path, 'zebra.md');
    assert.equal(hits[0].startLine, 1);
    const status = await client!.status();
    assert.deepEqual([status.exists, status.files, status.chunks, status.dims], [true, 21, stats.chunks, 100]);
    const filtered = await client!.search({ text: 'notes about database backups', folders: ['part-3'], topK: 10 });
    assert.ok(filtered.length > 0 && filtered.every((h) => h.path.startsWith('part-3/')));
  });

  it('cancels an update through its AbortSignal, keeps what was done, and finishes it next time', async () => {
    root = corpus(400);
    const controller = new AbortController();
    const update = open().update({}, (p) => {
      if (p.phase === 'embedding' && p.done > 0) controller.abort();
    }, controller.signal);
    await assert.rejects(update, { name: 'RagCancelled' });
    const partial = await client!.status();
    assert.ok(partial.files > 0 && partial.files < 401, `${partial.files} files were indexed before the cancel`);
    const rest = await client!.update({});
    assert.equal(rest.added, 401 - partial.files);
    assert.equal(rest.files, 401);
    assert.equal((await client!.search({ text: 'zebras', topK: 1 }))[0].path, 'zebra.md');
  });

  it('an update asked with an already aborted signal rejects at once; dispose rejects pending calls', async () => {
    root = corpus(3);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(open().update({}, undefined, controller.signal), { name: 'RagCancelled' });
    const pending = client!.update({});
    client!.dispose();
    await assert.rejects(pending, { name: 'RagDisposed' });
    await assert.rejects(client!.search({ text: 'x' }), { name: 'RagDisposed' });
    // A new client over the same folder picks up whatever is on disk.
    const again = await open().update({});
    assert.equal(again.files, 4);
  });

  it('reports a changed embedder through configure() and rebuilds on the next update', async () => {
    root = corpus(2);
    await open().update({});
    await client!.configure({ ...SETTINGS, embedder: { kind: 'bedrock', modelId: 'amazon.titan-embed-text-v2:0', dimensions: 512 } });
    assert.match((await client!.status()).needsRebuild ?? '', /embedder changed/);
    await client!.configure(SETTINGS);
    assert.equal((await client!.status()).needsRebuild, undefined);
  });
});
