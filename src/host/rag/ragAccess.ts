import * as vscode from 'vscode';
import type { RagHit, RagQuery } from '../../core/rag/types';
import type { DocumentRetriever } from '../../core/runs/promptRunner';
import type { RagController, RagEmbedderState } from './ragController';

/**
 * The workspace's document index, reached through one object that activate() builds and hands
 * to whoever searches it (the runner's `workbench.rag`, the email panel, the index commands).
 * The controller behind it (worker, watchers, status bar) is created on first use.
 */
export class DocumentIndex {
  private created: Promise<RagController> | undefined;

  constructor(
    /** The embedder the indexes are built with in this window, shared by the controller and the embedder-change question. */
    readonly embedder: RagEmbedderState,
    private readonly create: (embedder: RagEmbedderState) => Promise<RagController>,
  ) {}

  /** The document index controller, created on first call. */
  controller(): Promise<RagController> {
    return (this.created ??= this.create(this.embedder));
  }

  /** The controller if it was created already (settings changes reconfigure it), without creating it. */
  get existing(): Promise<RagController> | undefined {
    return this.created;
  }

  /**
   * Searches a workspace folder's documents (hybrid vector + keyword), building or updating the
   * index first when needed. For features that ground an answer in the workspace, e.g. the
   * "related documents" of an email summary.
   */
  async search(folder: vscode.WorkspaceFolder, query: RagQuery): Promise<RagHit[]> {
    return (await this.controller()).search(folder, query);
  }

  /** Prompts with `workbench.rag` retrieve from the index of their own workspace folder. */
  retrieverFor(folderPath: string): DocumentRetriever | undefined {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.fsPath === folderPath);
    return folder ? (query) => this.search(folder, query) : undefined;
  }
}
