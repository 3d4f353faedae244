/**
 * The RAG index behind a worker thread: every scan, embedding, save and query runs in
 * `dist/rag-worker.js` (its own bundle, holding vectra), so the extension host's event loop
 * never waits on them. Plain Node (worker_threads), no `vscode`.
 *
 * The worker starts on the first call and stays up (it keeps the index in memory, so a search
 * costs milliseconds); `dispose()` ends it. A worker that dies is started again on the next call.
 */
import { Worker } from 'node:worker_threads';
import type { IndexProgress, IndexStats, IndexStatus, IndexUpdateOptions, RagCredentials, RagHit, RagQuery, RagSettings } from './types';
import { RAG_CANCELLED } from './types';
import type { WorkerReply, WorkerRequest, WorkerStart } from './workerProtocol';

export interface RagIndexClientOptions {
  /** Absolute path of dist/rag-worker.js. */
  workerPath: string;
  /** The workspace folder whose documents are indexed. */
  root: string;
  /** Where the index lives; usually `<root>/.prompt-workbench/index`. */
  indexDir: string;
  settings: RagSettings;
  /** Secrets for the embedder; passed to the worker in memory only, never written or logged. */
  credentials?: RagCredentials;
  /** The offline embedder's word-vector table (media/word-vectors.bin); found next to the worker when omitted. */
  wordVectorsPath?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  onProgress?: (p: IndexProgress) => void;
}

/** An error from the worker, rebuilt with its name (e.g. RagCancelled) so callers can tell kinds apart. */
function workerError(e: { name: string; message: string }): Error {
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class RagIndexClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly options: RagIndexClientOptions) {}

  /** Builds or updates the index. Rejects with an error named `RagCancelled` when `signal` aborts. */
  update(o: IndexUpdateOptions = {}, onProgress?: (p: IndexProgress) => void, signal?: AbortSignal): Promise<IndexStats> {
    if (signal?.aborted) return Promise.reject(workerError({ name: RAG_CANCELLED, message: 'Indexing was cancelled.' }));
    const { id, done } = this.call<IndexStats>({ op: 'update', options: o }, onProgress);
    if (signal) {
      const onAbort = () => this.post({ op: 'cancel', id: this.nextId++, target: id });
      signal.addEventListener('abort', onAbort, { once: true });
      void done.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
    }
    return done;
  }

  search(q: RagQuery): Promise<RagHit[]> {
    return this.call<RagHit[]>({ op: 'search', query: q }).done;
  }

  status(): Promise<IndexStatus> {
    return this.call<IndexStatus>({ op: 'status' }).done;
  }

  /** New settings (include globs, embedder…) for the next update; an embedder change makes it rebuild. */
  configure(settings: RagSettings, credentials?: RagCredentials): Promise<void> {
    this.options.settings = settings;
    if (credentials !== undefined) this.options.credentials = credentials;
    return this.call<void>({ op: 'configure', settings, credentials: this.options.credentials }).done;
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(workerError({ name: 'RagDisposed', message: 'The document index was closed.' }));
    void w?.terminate();
  }

  private call<T>(request: WorkerRequestBody, onProgress?: (p: IndexProgress) => void): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => {
      if (this.disposed) return reject(workerError({ name: 'RagDisposed', message: 'The document index was closed.' }));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.post({ ...request, id } as WorkerRequest);
    });
    return { id, done };
  }

  private post(message: WorkerRequest): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const start: WorkerStart = {
      root: this.options.root,
      indexDir: this.options.indexDir,
      settings: this.options.settings,
      credentials: this.options.credentials,
      wordVectorsPath: this.options.wordVectorsPath,
    };
    const worker = new Worker(this.options.workerPath, { workerData: start });
    // The worker must never keep a CLI or a test process alive on its own.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (err) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(workerError({ name: 'RagWorkerError', message: `The document indexer stopped: ${err.message}` }));
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(workerError({ name: 'RagWorkerError', message: `The document indexer exited (code ${code}).` }));
    });
    this.worker = worker;
    return worker;
  }

  private onReply(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if (reply.kind === 'progress') {
      p.onProgress?.(reply.progress);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.kind === 'result') p.resolve(reply.result);
    else p.reject(workerError(reply.error));
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type WorkerRequestBody = Distribute<WorkerRequest>;
