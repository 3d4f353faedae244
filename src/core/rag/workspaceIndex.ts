/**
 * The RAG index of one workspace folder, in process: scans documents, chunks them, embeds new
 * or changed ones, keeps the vector and keyword indexes and answers hybrid queries. The worker
 * (indexWorker.ts) and the CLI run it; the extension host reaches it only through
 * RagIndexClient, in a worker thread.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Bm25Index } from './bm25';
import { chunkDocument, DEFAULT_CHUNK_LINES, DEFAULT_OVERLAP_LINES, embeddedText, indexedText } from './chunker';
import { createEmbedder, embedderIdOf, type Embedder } from './embedders';
import { FileFilter, readDocument, relativePath, statWithoutLinks, DEFAULT_MAX_FILE_BYTES, type ScannedFile } from './fileScanner';
import { chunkFilter, reciprocalRankFusion, toHits } from './fusion';
import { bytesOnDisk, INDEX_SCHEMA, loadIndex, readManifest, saveIndex, type IndexState } from './indexFiles';
import type { IndexProgress, IndexStats, IndexStatus, IndexUpdateOptions, RagChunk, RagCredentials, RagHit, RagQuery, RagSettings } from './types';
import { RAG_CANCELLED } from './types';
import { VectorStore } from './vectorStore';

export interface WorkspaceIndexOptions {
  root: string;
  /** Default `<root>/.prompt-workbench/index`. */
  indexDir?: string;
  settings: RagSettings;
  credentials?: RagCredentials;
  wordVectorsPath?: string;
  /** Replaces the embedder the settings name (tests). */
  embedder?: Embedder;
}

/** Candidates each ranking contributes to the fusion. */
const CANDIDATES = 100;
/** Chunks embedded per step; between steps the event loop runs (cancel messages, progress). */
const STEP_CHUNKS = 256;
/**
 * Fusion for the offline embedder: its ranking's weight (keywords weigh 1) and RRF's k. With stemming
 * and compounds on the keyword side, any larger vote of the word vectors lowered hit@1 on
 * bench/retrieval-questions.jsonl (weight 0.1–0.2 with k 3–5 kept BM25's 87.5 %; 0.3 with k 10 gave
 * 80 %): the vectors break near-ties and find chunks that share no word with the query.
 */
const OFFLINE_VECTOR_WEIGHT = 0.1;
const OFFLINE_RRF_K = 5;

export function cancelledError(): Error {
  const err = new Error('Indexing was cancelled.');
  err.name = RAG_CANCELLED;
  return err;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkspaceIndex {
  readonly root: string;
  readonly indexDir: string;
  private settings: RagSettings;
  private credentials: RagCredentials;
  private embedderInstance?: Embedder;
  private state?: IndexState;
  private opened?: Promise<void>;
  /** Why the index on disk cannot be used as it is; the next update rebuilds. */
  private needsRebuild?: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: WorkspaceIndexOptions) {
    this.root = path.resolve(options.root);
    this.indexDir = options.indexDir ?? path.join(this.root, '.prompt-workbench', 'index');
    this.settings = options.settings;
    this.credentials = options.credentials ?? {};
    this.embedderInstance = options.embedder;
  }

  configure(settings: RagSettings, credentials?: RagCredentials): void {
    const before = this.embedderId();
    this.settings = settings;
    if (credentials) this.credentials = credentials;
    if (!this.options.embedder) this.embedderInstance = undefined;
    if (this.state && this.embedderId() !== before) this.checkCompatible(this.state);
  }

  private embedder(): Embedder {
    this.embedderInstance ??= createEmbedder(this.settings.embedder, this.credentials, this.options.wordVectorsPath);
    return this.embedderInstance;
  }

  private embedderId(): string {
    return this.options.embedder?.id ?? embedderIdOf(this.settings.embedder);
  }

  private chunking() {
    return { chunkLines: this.settings.chunkLines ?? DEFAULT_CHUNK_LINES, overlapLines: this.settings.overlapLines ?? DEFAULT_OVERLAP_LINES };
  }

  private checkCompatible(state: IndexState): void {
    const m = state.manifest;
    const c = this.chunking();
    if (m.embedder !== this.embedderId()) this.needsRebuild = `the embedder changed from ${m.embedder} to ${this.embedderId()}`;
    else if (m.chunkLines !== c.chunkLines || m.overlapLines !== c.overlapLines) this.needsRebuild = 'the chunking settings changed';
    else this.needsRebuild = undefined;
  }

  /** Loads the index once. Never throws: a broken index is noted (needsRebuild) and replaced by an empty one. */
  private open(): Promise<void> {
    this.opened ??= (async () => {
      const loaded = await loadIndex(this.indexDir);
      if (loaded.kind === 'ok') {
        this.state = loaded.state;
        this.checkCompatible(loaded.state);
      } else if (loaded.kind === 'broken') {
        this.needsRebuild = `the index on disk was unusable: ${loaded.reason}`;
      }
    })().catch((err: Error) => {
      this.needsRebuild = `the index on disk was unusable: ${err.message}`;
    });
    return this.opened;
  }

  private emptyState(dims: number): IndexState {
    const c = this.chunking();
    return {
      manifest: { schema: INDEX_SCHEMA, embedder: this.embedderId(), dims, ...c, updatedAt: '', files: {}, chunkCount: 0, parts: { vectors: 0, keywords: 0, chunks: 0 } },
      vectors: new VectorStore(dims),
      keywords: new Bm25Index(),
      chunks: new Map(),
    };
  }

  /** Updates run one at a time. */
  update(o: IndexUpdateOptions = {}, onProgress?: (p: IndexProgress) => void, signal?: AbortSignal): Promise<IndexStats> {
    const run = this.queue.then(() => this.runUpdate(o, onProgress, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runUpdate(o: IndexUpdateOptions, onProgress?: (p: IndexProgress) => void, signal?: AbortSignal): Promise<IndexStats> {
    const started = Date.now();
    await this.open();
    const rebuiltBecause = o.rebuild ? 'a rebuild was asked for' : this.needsRebuild;
    const embedder = this.embedder();
    // No index yet: file events alone would index only those files, so scan everything.
    const fresh = !this.state;
    if (rebuiltBecause || !this.state) {
      this.state = this.emptyState(embedder.dims);
      this.needsRebuild = undefined;
    }
    const state = this.state;
    const stats: IndexStats = { files: 0, chunks: 0, added: 0, updated: 0, removed: 0, unchanged: 0, ms: 0, embedder: embedder.id, rebuiltBecause };
    const filter = new FileFilter(this.root, this.settings.include, this.settings.exclude);
    const maxBytes = this.settings.maxFileBytes || DEFAULT_MAX_FILE_BYTES;
    // A part rebuilt on load (the keyword index of an older analyzer) is written with this update.
    let dirty = Boolean(rebuiltBecause) || Boolean(state.rebuiltOnLoad);

    onProgress?.({ phase: 'scanning', done: 0, total: 0 });
    let targets: ScannedFile[] = [];
    const gone = new Set<string>();
    const partial = (o.changed || o.deleted) && !rebuiltBecause && !fresh;
    if (partial) {
      for (const p of o.deleted ?? []) {
        const rel = relativePath(this.root, p);
        if (!rel) continue;
        for (const f of Object.keys(state.manifest.files)) if (f === rel || f.startsWith(`${rel}/`)) gone.add(f);
      }
      for (const p of o.changed ?? []) {
        const rel = relativePath(this.root, p);
        if (!rel) continue;
        // Gone since the event (handled as a delete below), or reached through a symbolic link (never indexed, like the full scan).
        const st = statWithoutLinks(this.root, rel);
        if (st?.isFile() && filter.accepts(rel)) targets.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs });
        else if (state.manifest.files[rel]) gone.add(rel);
      }
    } else {
      targets = filter.scan((n) => n % 500 === 0 && onProgress?.({ phase: 'scanning', done: n, total: 0 }));
      const present = new Set(targets.map((t) => t.path));
      for (const f of Object.keys(state.manifest.files)) if (!present.has(f)) gone.add(f);
    }
    for (const f of gone) {
      this.removeFile(state, f);
      stats.removed++;
      dirty = true;
    }

    // Unchanged files: same size and mtime, or the same content hash after reading.
    const work: { file: ScannedFile; text: string; hash: string; isNew: boolean }[] = [];
    for (const file of targets) {
      const entry = state.manifest.files[file.path];
      if (entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs) {
        stats.unchanged++;
        continue;
      }
      let doc: ReturnType<typeof readDocument>;
      try {
        doc = readDocument(this.root, file.path, maxBytes);
      } catch {
        doc = { skipped: 'unreadable' };
      }
      if ('skipped' in doc) {
        if (entry) {
          this.removeFile(state, file.path);
          stats.removed++;
          dirty = true;
        }
        continue;
      }
      const hash = createHash('sha256').update(doc.text).digest('hex').slice(0, 32);
      if (entry && entry.hash === hash) {
        state.manifest.files[file.path] = { ...entry, size: file.size, mtimeMs: file.mtimeMs };
        stats.unchanged++;
        dirty = true;
        continue;
      }
      work.push({ file, text: doc.text, hash, isNew: !entry });
    }

    const total = work.length;
    let done = 0;
    let cancelled = false;
    onProgress?.({ phase: 'embedding', done, total });
    while (done < work.length) {
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      // One step: whole files, about STEP_CHUNKS chunks.
      const step: { item: (typeof work)[number]; chunks: RagChunk[] }[] = [];
      let n = 0;
      while (done + step.length < work.length && (n < STEP_CHUNKS || step.length === 0)) {
        const item = work[done + step.length];
        const chunks = chunkDocument(item.file.path, item.text, this.chunking());
        step.push({ item, chunks });
        n += chunks.length;
      }
      const all = step.flatMap((s) => s.chunks);
      let vectors: Float32Array[] = [];
      try {
        for (let i = 0; i < all.length; i += embedder.maxBatch) {
          vectors.push(...(await embedder.embed(all.slice(i, i + embedder.maxBatch).map(embeddedText), 'document', signal)));
        }
      } catch (err) {
        if (signal?.aborted || (err as Error).name === RAG_CANCELLED) {
          cancelled = true;
          break;
        }
        if (dirty) await this.save(state, onProgress);
        throw err;
      }
      if (state.vectors.size === 0 && vectors[0] && state.vectors.dims !== vectors[0].length) {
        // OpenAI-compatible embedders tell their size with the first answer.
        state.vectors = new VectorStore(vectors[0].length);
        state.manifest.dims = vectors[0].length;
      }
      let v = 0;
      for (const { item, chunks } of step) {
        this.removeFile(state, item.file.path);
        for (const c of chunks) {
          state.chunks.set(c.id, c);
          state.keywords.add(c.id, indexedText(c));
          state.vectors.add(c.id, vectors[v++], { path: c.path, startLine: c.startLine, endLine: c.endLine });
        }
        state.manifest.files[item.file.path] = { hash: item.hash, size: item.file.size, mtimeMs: item.file.mtimeMs, chunks: chunks.length };
        if (item.isNew) stats.added++;
        else stats.updated++;
      }
      vectors = [];
      done += step.length;
      dirty = true;
      onProgress?.({ phase: 'embedding', done, total, file: step[step.length - 1].item.file.path });
      await yieldToLoop();
    }
    if (dirty) await this.save(state, onProgress);
    if (cancelled) throw cancelledError();
    stats.files = Object.keys(state.manifest.files).length;
    stats.chunks = state.chunks.size;
    stats.ms = Date.now() - started;
    onProgress?.({ phase: 'done', done: total, total });
    return stats;
  }

  private async save(state: IndexState, onProgress?: (p: IndexProgress) => void): Promise<void> {
    onProgress?.({ phase: 'saving', done: 0, total: 1 });
    await saveIndex(this.indexDir, state);
  }

  private removeFile(state: IndexState, rel: string): void {
    const entry = state.manifest.files[rel];
    if (!entry) return;
    for (let i = 0; i < entry.chunks; i++) {
      const id = `${rel}#${i}`;
      state.chunks.delete(id);
      state.keywords.remove(id);
      state.vectors.remove(id);
    }
    delete state.manifest.files[rel];
  }

  async search(q: RagQuery): Promise<RagHit[]> {
    await this.open();
    const state = this.state;
    const text = q.text.trim();
    if (!state || state.chunks.size === 0 || !text) return [];
    const filter = chunkFilter(q);
    const accept = (id: string) => {
      const c = state.chunks.get(id);
      return c !== undefined && filter(c);
    };
    const mode = q.mode ?? 'hybrid';
    // An index built by another embedder cannot be searched with this one's vectors: keywords only until it is rebuilt.
    const vectorsUsable = state.manifest.embedder === this.embedderId();
    const vector =
      mode !== 'keyword' && vectorsUsable ? state.vectors.search((await this.embedder().embed([text], 'query'))[0], CANDIDATES, accept) : [];
    const keyword = mode !== 'vector' ? state.keywords.search(text, CANDIDATES, accept) : [];
    if (mode !== 'hybrid') {
      const ranked = (mode === 'vector' ? vector : keyword).map((h, i) => ({
        id: h.id, score: h.score, ...(mode === 'vector' ? { vectorRank: i + 1 } : { keywordRank: i + 1 }),
      }));
      return toHits(ranked, state.chunks, q);
    }
    // The offline word vectors rank worse than BM25 on their own (bench/rag.js, package READMEs: hit@1
    // 32.5 % vs 87.5 %), so their vote counts little and the top keyword ranks count more (k 5, not 60);
    // a real embedding model votes as much as the keywords.
    const offline = state.manifest.embedder.startsWith('offline:');
    const fusion = offline ? { k: OFFLINE_RRF_K, vectorWeight: OFFLINE_VECTOR_WEIGHT } : {};
    return toHits(reciprocalRankFusion(vector, keyword, fusion), state.chunks, q);
  }

  async status(): Promise<IndexStatus> {
    if (this.state && this.opened) {
      const m = this.state.manifest;
      return {
        exists: Boolean(m.updatedAt), files: Object.keys(m.files).length, chunks: this.state.chunks.size, embedder: m.embedder, dims: m.dims,
        updatedAt: m.updatedAt || undefined, bytesOnDisk: bytesOnDisk(this.indexDir), needsRebuild: this.needsRebuild,
      };
    }
    if (this.opened) await this.opened;
    // Not loaded (or broken): the manifest alone answers, without loading vectra.
    const m = readManifest(this.indexDir);
    if (!m.manifest) return { exists: m.exists, files: 0, chunks: 0, bytesOnDisk: bytesOnDisk(this.indexDir), needsRebuild: m.reason ? `the index on disk is unusable: ${m.reason}` : undefined };
    const man = m.manifest;
    const sameEmbedder = man.embedder === this.embedderId();
    return {
      exists: true, files: Object.keys(man.files).length, chunks: man.chunkCount, embedder: man.embedder, dims: man.dims, updatedAt: man.updatedAt,
      bytesOnDisk: bytesOnDisk(this.indexDir), needsRebuild: this.needsRebuild ?? (sameEmbedder ? undefined : `the embedder changed from ${man.embedder} to ${this.embedderId()}`),
    };
  }
}
