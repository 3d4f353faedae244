/**
 * Entry of the indexer's worker thread (bundled alone as dist/rag-worker.js, with vectra):
 * one WorkspaceIndex, requests from RagIndexClient, progress and results back. Cancelling an
 * update aborts its AbortController; the index yields between embedding steps, so the cancel
 * message is seen within one step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest, WorkerStart } from './workerProtocol';
import { WorkspaceIndex } from './workspaceIndex';

const start = workerData as WorkerStart;
const index = new WorkspaceIndex({
  root: start.root,
  indexDir: start.indexDir,
  settings: start.settings,
  credentials: start.credentials,
  wordVectorsPath: start.wordVectorsPath,
});
const running = new Map<number, AbortController>();
const port = parentPort!;

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

/** Errors cross the thread as name + message only; credentials never appear in either. */
function fail(id: number, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  reply({ id, kind: 'error', error: { name: e.name, message: e.message } });
}

port.on('message', (request: WorkerRequest) => {
  const { id } = request;
  switch (request.op) {
    case 'update': {
      const controller = new AbortController();
      running.set(id, controller);
      index
        .update(request.options, (progress) => reply({ id, kind: 'progress', progress }), controller.signal)
        .then((result) => reply({ id, kind: 'result', result }), (err) => fail(id, err))
        .finally(() => running.delete(id));
      return;
    }
    case 'search':
      index.search(request.query).then((result) => reply({ id, kind: 'result', result }), (err) => fail(id, err));
      return;
    case 'status':
      index.status().then((result) => reply({ id, kind: 'result', result }), (err) => fail(id, err));
      return;
    case 'configure':
      try {
        index.configure(request.settings, request.credentials);
        reply({ id, kind: 'result', result: undefined });
      } catch (err) {
        fail(id, err);
      }
      return;
    case 'cancel':
      running.get(request.target)?.abort();
      return;
  }
});
