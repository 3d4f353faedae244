// Messages between RagIndexClient (any thread) and the indexer worker (dist/rag-worker.js).
import type { IndexProgress, IndexUpdateOptions, RagCredentials, RagQuery, RagSettings } from './types';

/** `workerData` of the worker. */
export interface WorkerStart {
  root: string;
  indexDir: string;
  settings: RagSettings;
  credentials?: RagCredentials;
  wordVectorsPath?: string;
}

export type WorkerRequest =
  | { id: number; op: 'update'; options: IndexUpdateOptions }
  | { id: number; op: 'search'; query: RagQuery }
  | { id: number; op: 'status' }
  | { id: number; op: 'configure'; settings: RagSettings; credentials?: RagCredentials }
  /** Cancels the running request `target` (an update); answered by that request's error. */
  | { id: number; op: 'cancel'; target: number };

export type WorkerReply =
  | { id: number; kind: 'progress'; progress: IndexProgress }
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; error: { name: string; message: string } };
