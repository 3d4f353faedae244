import type * as vscode from 'vscode';
import type { RagHit, RagQuery } from '../../core/rag/types';
import type { RagController } from './ragController';

let controllerProvider: (() => Promise<RagController>) | undefined;

/** Set once by registerRagFeatures: how to reach the (lazily created) document index. */
export function provideRagController(provider: () => Promise<RagController>): void {
  controllerProvider = provider;
}

/** The document index controller, created on first call. */
export function ragController(): Promise<RagController> {
  if (!controllerProvider) return Promise.reject(new Error('The document index is not available: Prompt Workbench did not start.'));
  return controllerProvider();
}

/**
 * Searches a workspace folder's documents (hybrid vector + keyword), building or updating the
 * index first when needed. For features that ground an answer in the workspace, e.g. the
 * "related documents" of an email summary.
 */
export async function searchWorkspaceDocuments(folder: vscode.WorkspaceFolder, query: RagQuery): Promise<RagHit[]> {
  return (await ragController()).search(folder, query);
}
