// WorkspaceIndex on real files in a temp workspace: scanning rules, incremental updates,
// corrupt-index recovery, embedder changes, search filters, and the offline embedder itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Embedder, EmbedPurpose } from '../../../src/core/rag/embedders';
import type { RagSettings } from '../../../src/core/rag/types';
import { VectorStore } from '../../../src/core/rag/vectorStore';
import { OfflineEmbedder, OFFLINE_EMBEDDER_ID } from '../../../src/core/rag/wordVectors';
import { WorkspaceIndex } from '../../../src/core/rag/workspaceIndex';

/** The real offline embedder, counting what it is asked to embed. */
class CountingEmbedder implements Embedder {
  readonly inner = new OfflineEmbedder();
  readonly id = OFFLINE_EMBEDDER_ID;
  readonly dims = this.inner.dims;
  readonly maxBatch = 64;
  documents: string[] = [];
  async embed(texts: string[], purpose: EmbedPurpose): Promise<Float32Array[]> {
    if (purpose === 'document') this.documents.push(...texts);
    return this.inner.embed(texts);
  }
}

const SETTINGS: RagSettings = { include: [], exclude: ['drafts/**'], maxFileBytes: 64 * 1024, embedder: { kind: 'offline' } };

function write(root: string, rel: string, text: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

function workspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-index-'));
  write(root, 'docs/install.md', '# Installing\n\nDownload the package and run the installer. Restart the editor afterwards.\n');
  write(root, 'docs/billing.md', '# Billing\n\nInvoices are sent monthly. Refunds are processed within five business days.\n');
  write(root, 'guides/throttling.txt', 'When Bedrock throttles requests the client waits and retries with exponential backoff.\n');
  write(root, 'site/faq.html', '<html><body>\n<h1>FAQ</h1>\n<p>Passwords can be reset from the account page.</p>\n</body></html>\n');
  write(root, 'src/code.ts', 'export const notADocument = 1; // not included by the default globs\n');
  write(root, 'node_modules/pkg/README.md', '# Vendored\n\nThrottling text that must never be indexed.\n');
  write(root, 'build/generated.md', '# Generated\n\nIgnored through .gitignore: throttling.\n');
  write(root, '.gitignore', 'build/\n*.secret.md\n');
  write(root, 'notes/private.secret.md', 'Throttling secret notes.\n');
  write(root, 'drafts/skip.md', 'Excluded by the exclude globs: throttling.\n');
  write(root, 'docs/big.md', `# Big\n\n${'throttling '.repeat(10_000)}\n`);
  write(root, 'docs/binary.md', Buffer.from([0x23, 0x20, 0x41, 0x00, 0x01, 0x02, 0x0a]));
  return root;
}

const indexed = (root: string): string[] => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, '.prompt-workbench', 'index', 'manifest.json'), 'utf8')) as { files: Record<string, unknown> };
  return Object.keys(manifest.files).sort();
};

describe('rag WorkspaceIndex', function () {
  this.timeout(60000);
  let root: string;
  beforeEach(() => {
    root = workspace();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('indexes the default document types, honouring .gitignore, excludes, size and binary limits', async () => {
    const index = new WorkspaceIndex({ root, settings: SETTINGS });
    const stats = await index.update();
    assert.deepEqual(indexed(root), ['docs/billing.md', 'docs/install.md', 'guides/throttling.txt', 'site/faq.html']);
    assert.equal(stats.added, 4);
    assert.equal(stats.files, 4);
    assert.equal(stats.embedder, OFFLINE_EMBEDDER_ID);
    const status = await index.status();
    assert.equal(status.exists, true);
    assert.equal(status.chunks, stats.chunks);
    assert.equal(status.dims, 100);
    assert.ok(status.bytesOnDisk! > 0);
  });

  it('finds the right file, with line ranges, and applies folder and type filters', async () => {
    const index = new WorkspaceIndex({ root, settings: SETTINGS });
    await index.update();
    const [top] = await index.search({ text: 'how long do refunds take?' });
    assert.equal(top.path, 'docs/billing.md');
    assert.equal(top.startLine, 1);
    assert.equal(top.endLine, 3);
    assert.match(top.text, /Refunds are processed/);
    assert.ok(top.score > 0 && top.score <= 1);
    const html = await index.search({ text: 'reset my password' });
    assert.equal(html[0].path, 'site/faq.html');
    assert.equal(html[0].startLine, 2, 'HTML keeps its line numbers');
    const onlyGuides = await index.search({ text: 'retries backoff refunds installer', folders: ['guides'] });
    assert.deepEqual([...new Set(onlyGuides.map((h) => h.path))], ['guides/throttling.txt']);
    const onlyMd = await index.search({ text: 'retries backoff refunds installer passwords', fileTypes: ['md'] });
    assert.ok(onlyMd.length > 0 && onlyMd.every((h) => h.path.endsWith('.md')));
    assert.deepEqual(await index.search({ text: 'refunds', minScore: 1.01 }), []);
  });

  it('re-embeds only the edited file, drops deleted ones, and skips unchanged ones', async () => {
    const embedder = new CountingEmbedder();
    const index = new WorkspaceIndex({ root, settings: SETTINGS, embedder });
    await index.update();
    const firstCount = embedder.documents.length;
    assert.ok(firstCount >= 4);

    embedder.documents = [];
    const again = await new WorkspaceIndex({ root, settings: SETTINGS, embedder }).update();
    assert.equal(embedder.documents.length, 0, 'a fresh open with nothing changed embeds nothing');
    assert.equal(again.unchanged, 4);

    write(root, 'docs/billing.md', '# Billing\n\nInvoices are sent weekly now. Chargebacks go to the finance team.\n');
    fs.rmSync(path.join(root, 'guides/throttling.txt'));
    const stats = await index.update();
    assert.deepEqual([stats.updated, stats.removed, stats.unchanged, stats.added], [1, 1, 2, 0]);
    assert.equal(embedder.documents.length, 1);
    assert.match(embedder.documents[0], /Chargebacks/);
    assert.equal((await index.search({ text: 'chargebacks finance' }))[0].path, 'docs/billing.md');
    assert.ok(!(await index.search({ text: 'throttles backoff retries' })).some((h) => h.path === 'guides/throttling.txt'));
    assert.ok(!indexed(root).includes('guides/throttling.txt'));

    // Touching a file without changing it: read and hashed, not embedded.
    embedder.documents = [];
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'docs/install.md'), later, later);
    const touched = await index.update();
    assert.equal(embedder.documents.length, 0);
    assert.equal(touched.unchanged, 3);
  });

  it('applies file-system events: changed and deleted paths only', async () => {
    const embedder = new CountingEmbedder();
    const index = new WorkspaceIndex({ root, settings: SETTINGS, embedder });
    await index.update();
    embedder.documents = [];
    write(root, 'docs/new.md', '# New\n\nA brand new page about onboarding.\n');
    write(root, 'build/also-ignored.md', '# Ignored\n');
    fs.rmSync(path.join(root, 'site'), { recursive: true });
    const stats = await index.update({ changed: [path.join(root, 'docs/new.md'), 'build/also-ignored.md'], deleted: ['site'] });
    assert.deepEqual([stats.added, stats.removed], [1, 1]);
    assert.equal(embedder.documents.length, 1);
    assert.deepEqual(indexed(root), ['docs/billing.md', 'docs/install.md', 'docs/new.md', 'guides/throttling.txt']);
  });

  it('scans the whole workspace when file events arrive before any index exists', async () => {
    const stats = await new WorkspaceIndex({ root, settings: SETTINGS }).update({ changed: ['docs/install.md'] });
    assert.equal(stats.added, 4);
  });

  for (const [name, damage] of [
    ['a truncated vector file', (dir: string) => fs.truncateSync(path.join(dir, 'index.pb'), 10)],
    ['a manifest that is not JSON', (dir: string) => fs.writeFileSync(path.join(dir, 'manifest.json'), '{"schema": "prompt-work')],
    ['a missing manifest', (dir: string) => fs.rmSync(path.join(dir, 'manifest.json'))],
    ['garbage of the right size in the vector file', (dir: string) => fs.writeFileSync(path.join(dir, 'index.pb'), Buffer.alloc(fs.statSync(path.join(dir, 'index.pb')).size, 0xff))],
    ['parts from another index', (dir: string) => {
      const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      m.chunkCount += 3;
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
    }],
  ] as const) {
    it(`detects ${name}, rebuilds, and says why`, async () => {
      await new WorkspaceIndex({ root, settings: SETTINGS }).update();
      damage(path.join(root, '.prompt-workbench', 'index'));
      const index = new WorkspaceIndex({ root, settings: SETTINGS });
      assert.deepEqual(await index.search({ text: 'refunds' }), [], 'a broken index answers nothing, never throws');
      const status = await index.status();
      assert.match(status.needsRebuild ?? '', /unusable|half-written|truncated|disagree|cannot/);
      const stats = await index.update();
      assert.match(stats.rebuiltBecause ?? '', /unusable/);
      assert.equal(stats.added, 4);
      assert.equal((await new WorkspaceIndex({ root, settings: SETTINGS }).search({ text: 'refunds' }))[0].path, 'docs/billing.md');
      assert.equal((await new WorkspaceIndex({ root, settings: SETTINGS }).status()).needsRebuild, undefined);
    });
  }

  it('reports an embedder change and rebuilds with the new one', async () => {
    await new WorkspaceIndex({ root, settings: SETTINGS }).update();
    const titan: RagSettings = { ...SETTINGS, embedder: { kind: 'bedrock', modelId: 'amazon.titan-embed-text-v2:0', dimensions: 256 } };
    const status = await new WorkspaceIndex({ root, settings: titan }).status();
    assert.match(status.needsRebuild ?? '', /embedder changed from offline:glove100-sif\/1 to bedrock:amazon.titan-embed-text-v2:0@256/);
    const embedder = new CountingEmbedder();
    Object.defineProperty(embedder, 'id', { value: 'test:other' });
    const stats = await new WorkspaceIndex({ root, settings: SETTINGS, embedder }).update();
    assert.match(stats.rebuiltBecause ?? '', /embedder changed/);
    assert.equal(stats.embedder, 'test:other');
    assert.equal(stats.added, 4);
  });

  it('re-analyzes a keyword index of the older stemmer on open, without re-embedding, and writes it with the next update', async () => {
    await new WorkspaceIndex({ root, settings: SETTINGS }).update();
    const dir = path.join(root, '.prompt-workbench', 'index');
    const file = path.join(dir, 'keywords.bin');
    const bytes = fs.readFileSync(file);
    bytes.writeUInt32LE(0x31324d42, 0); // "BM21": what the light stemmer wrote
    fs.writeFileSync(file, bytes); // same size: the manifest still matches
    const embedder = new CountingEmbedder();
    const index = new WorkspaceIndex({ root, settings: SETTINGS, embedder });
    assert.equal((await index.search({ text: 'refunds', mode: 'keyword' }))[0].path, 'docs/billing.md');
    const stats = await index.update();
    assert.equal(stats.rebuiltBecause, undefined);
    assert.equal(stats.unchanged, 4);
    assert.deepEqual(embedder.documents, [], 'nothing re-embedded');
    assert.notEqual(fs.readFileSync(file).readUInt32LE(0), 0x31324d42, 'written in the current format');
  });

  it('ranks the rollback runbook first for "how do I roll back a bad release" in the samples (stems and compounds)', async () => {
    const samples = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-samples-'));
    try {
      fs.cpSync(path.join(__dirname, '../../../../samples'), samples, { recursive: true });
      const index = new WorkspaceIndex({ root: samples, settings: { ...SETTINGS, exclude: [] } });
      await index.update();
      for (const mode of ['keyword', 'hybrid'] as const) {
        const hits = await index.search({ text: 'how do I roll back a bad release', mode, topK: 3 });
        assert.equal(hits[0].path, 'docs/rollback-runbook.md', `${mode}: ${hits.map((h) => h.path).join(', ')}`);
      }
    } finally {
      fs.rmSync(samples, { recursive: true, force: true });
    }
  });

  it('writes a vector file that vectra 0.15 opens as a LocalIndex (Protobuf codec)', async () => {
    const stats = await new WorkspaceIndex({ root, settings: SETTINGS }).update();
    const { LocalIndex, ProtobufCodec } = await import('vectra');
    const vectra = new LocalIndex(path.join(root, '.prompt-workbench', 'index'), 'index.pb', undefined, new ProtobufCodec());
    const items = await vectra.listItems();
    assert.equal(items.length, stats.chunks);
    assert.equal(items[0].vector.length, 100);
    const query = new OfflineEmbedder().embedOne('refunds and invoices');
    const [best] = await vectra.queryItems(Array.from(query), '', 1);
    assert.equal(best.item.metadata.path, 'docs/billing.md');
  });
});

describe('rag vectra index format', function () {
  this.timeout(30000);
  it('reads what vectra 0.15 LocalIndex writes with its Protobuf codec, and the other way round', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-vectra-'));
    try {
      const { LocalIndex, ProtobufCodec } = await import('vectra');
      const theirs = new LocalIndex(dir, 'index.pb', undefined, new ProtobufCodec());
      await theirs.createIndex({ version: 1 });
      const vectors = [[0.6, 0.8, 0], [0, 0, 1], [1, 0, 0]];
      await theirs.batchInsertItems(vectors.map((vector, i) => ({ id: `d.md#${i}`, vector, metadata: { path: 'd.md', startLine: i * 10 + 1, endLine: i * 10 + 9 } })));
      const store = await VectorStore.load(path.join(dir, 'index.pb'), 3);
      assert.equal(store.size, 3);
      const [best] = store.search(Float32Array.from([0, 0.1, 0.99]), 1);
      assert.equal(best.id, 'd.md#1');
      assert.ok(Math.abs(best.score - 0.99) < 1e-6);

      store.remove('d.md#0');
      store.add('e.md#0', Float32Array.from([0, 1, 0]), { path: 'e.md', startLine: 3, endLine: 4 });
      await store.save(path.join(dir, 'ours.pb'));
      const reread = new LocalIndex(dir, 'ours.pb', undefined, new ProtobufCodec());
      const items = (await reread.listItems()).sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(items.map((i) => [i.id, i.metadata.path, i.metadata.startLine, i.norm]), [['d.md#1', 'd.md', 11, 1], ['d.md#2', 'd.md', 21, 1], ['e.md#0', 'e.md', 3, 1]]);
      assert.deepEqual(items[2].vector, [0, 1, 0]);
      await assert.rejects(VectorStore.load(path.join(dir, 'ours.pb'), 4), /wrong shape/);
      fs.writeFileSync(path.join(dir, 'bad.pb'), Buffer.from([0x1a, 0x50, 0x0a]));
      await assert.rejects(VectorStore.load(path.join(dir, 'bad.pb'), 3), /truncated/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rag offline embedder', () => {
  const embedder = new OfflineEmbedder();
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

  it('is deterministic and unit length', () => {
    const a = embedder.embedOne('The quick brown fox jumps over the lazy dog.');
    const b = new OfflineEmbedder().embedOne('The quick brown fox jumps over the lazy dog.');
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.ok(Math.abs(cos(a, a) - 1) < 1e-5);
    assert.equal(a.length, 100);
  });

  it('scores paraphrases above unrelated texts', () => {
    const pairs: [string, string, string][] = [
      ['How do I get my money back for a purchase?', 'Refunds are issued to the original payment card within a week.', 'The cluster autoscaler adds nodes when pods are pending.'],
      ['The car would not start this morning', 'My vehicle engine failed to turn on', 'Quarterly earnings rose thanks to strong sales'],
      ['Install the software on your computer', 'Setup guide: download and run the installer', 'The recipe needs two eggs and a cup of flour'],
    ];
    for (const [q, related, unrelated] of pairs) {
      const v = embedder.embedOne(q);
      assert.ok(cos(v, embedder.embedOne(related)) > cos(v, embedder.embedOne(unrelated)), q);
    }
  });

  it('gives words outside its table a stable vector of their own', () => {
    const a = embedder.embedOne('zxqvectorthing');
    assert.ok(cos(a, embedder.embedOne('zxqvectorthing configuration')) > cos(a, embedder.embedOne('configuration')));
  });
});
