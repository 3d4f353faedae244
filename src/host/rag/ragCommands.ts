import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { evaluateRetrieval as evaluateRetrievalCore, parseRetrievalQuestions } from '../../core/rag/retrievalEval';
import { appendRetrievalEval, retrievalEvalRecord, type RetrievalEvalRecord } from '../../core/rag/retrievalEvalRecords';
import type { IndexStats, IndexStatus, RagHit } from '../../core/rag/types';
import { WorkbenchPaths } from '../../core/workspace/paths';
import { openDocumentAt } from './openSource';
import { retrievalQuestionsPath } from './ragSettings';
import { RagController } from './ragController';

/** Waits this long after the last key before searching. */
const TYPING_DEBOUNCE_MS = 250;
const QUICK_PICK_RESULTS = 20;

/** `promptWorkbench.searchDocuments` called with arguments (scripts, tests): results, no UI. */
export interface SearchDocumentsArgs {
  query: string;
  /** A workspace folder (or a file in it); default: the first folder. */
  folder?: vscode.Uri | string;
  topK?: number;
}

interface HitItem extends vscode.QuickPickItem {
  hit?: RagHit;
  folder?: vscode.WorkspaceFolder;
}

function toUri(value: vscode.Uri | string | undefined): vscode.Uri | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? (value.includes('://') ? vscode.Uri.parse(value) : vscode.Uri.file(value)) : value;
}

function requireFolder(uri?: vscode.Uri): vscode.WorkspaceFolder {
  const folder = RagController.folderFor(uri);
  if (!folder) throw new Error(vscode.l10n.t('Open a folder first: the document index covers the files of a workspace folder.'));
  return folder;
}

/** Search Documents: a QuickPick searched as you type; choosing a result opens the file at those lines. */
export async function searchDocuments(controller: RagController, args?: SearchDocumentsArgs): Promise<RagHit[] | undefined> {
  if (args && typeof args.query === 'string') {
    return controller.search(requireFolder(toUri(args.folder)), { text: args.query, topK: args.topK ?? 10 });
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder first: the document index covers the files of a workspace folder.'));
    return undefined;
  }
  const pick = vscode.window.createQuickPick<HitItem>();
  pick.title = vscode.l10n.t('Search Documents');
  pick.placeholder = vscode.l10n.t('Search the workspace’s documents by meaning and keywords');
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const run = async (text: string): Promise<void> => {
    const mine = ++generation;
    if (!text.trim()) {
      pick.items = [];
      pick.busy = false;
      return;
    }
    pick.busy = true;
    try {
      const perFolder = await Promise.all(folders.map(async (folder) => (await controller.search(folder, { text, topK: QUICK_PICK_RESULTS })).map((hit) => ({ hit, folder }))));
      if (mine !== generation) return;
      const results = perFolder.flat().sort((a, b) => b.hit.score - a.hit.score).slice(0, QUICK_PICK_RESULTS);
      pick.items = results.length
        ? results.map(({ hit, folder }) => hitItem(hit, folder, folders.length > 1))
        : [{ label: vscode.l10n.t('No document matches “{0}”', text), alwaysShow: true }];
    } catch (err) {
      if (mine !== generation) return;
      pick.items = [{ label: `$(error) ${vscode.l10n.t('The search failed: {0}', (err as Error).message)}`, alwaysShow: true }];
    } finally {
      if (mine === generation) pick.busy = false;
    }
  };
  return new Promise<RagHit[] | undefined>((resolve) => {
    let chosen: RagHit | undefined;
    pick.onDidChangeValue((text) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void run(text), TYPING_DEBOUNCE_MS);
    });
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!item?.hit || !item.folder) return;
      chosen = item.hit;
      pick.hide();
      void openDocumentAt(item.folder.uri, item.hit.path, item.hit.startLine, item.hit.endLine);
    });
    pick.onDidHide(() => {
      if (timer) clearTimeout(timer);
      pick.dispose();
      resolve(chosen ? [chosen] : undefined);
    });
    pick.show();
  });
}

/** "12-30", as ragConfig.ts writes lines (not imported: it would pull Handlebars into the extension bundle). */
function linesLabel(startLine: number, endLine: number): string {
  return endLine > startLine ? `${startLine}-${endLine}` : String(startLine);
}

function hitItem(hit: RagHit, folder: vscode.WorkspaceFolder, showFolder: boolean): HitItem {
  const preview = hit.text.replace(/\s+/g, ' ').trim();
  return {
    label: `$(file-text) ${showFolder ? `${folder.name}/` : ''}${hit.path}:${linesLabel(hit.startLine, hit.endLine)}`,
    description: `${hit.score.toFixed(2)}${hit.heading ? ` · ${hit.heading}` : ''}`,
    detail: preview.length > 160 ? `${preview.slice(0, 159)}…` : preview,
    // The items are already what the query found: the QuickPick must not filter them by their label.
    alwaysShow: true,
    hit,
    folder,
  };
}

/** Picks the folder a command is about: the one given, else the active editor's, else asks when there are several. */
async function chooseFolder(arg?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
  const given = toUri(arg);
  if (given) return requireFolder(given);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return requireFolder(vscode.window.activeTextEditor?.document.uri);
  const active = vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri);
  if (active) return active;
  return vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which folder’s document index?') });
}

/** Rebuild Index: throws the index away and builds it again (cancellable). */
export async function rebuildIndex(controller: RagController, arg?: vscode.Uri): Promise<IndexStats | undefined> {
  const folder = await chooseFolder(arg);
  if (!folder) return undefined;
  try {
    const stats = await controller.rebuild(folder);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The document index of {0} is rebuilt: {1} files, {2} chunks in {3} s.', folder.name, stats.files, stats.chunks.toLocaleString('en-US'), (stats.ms / 1000).toFixed(1)),
    );
    return stats;
  } catch (err) {
    const error = err as Error;
    if (error.name === 'RagCancelled') void vscode.window.showInformationMessage(vscode.l10n.t('Indexing was cancelled; the index is incomplete until it is rebuilt.'));
    else void vscode.window.showErrorMessage(vscode.l10n.t('Could not build the document index of {0}: {1}', folder.name, error.message));
    return undefined;
  }
}

/** Index Status: files, chunks, embedder, size and age, with Rebuild and Search. Resolves with the status. */
export async function indexStatus(controller: RagController, arg?: vscode.Uri): Promise<IndexStatus | undefined> {
  const folder = await chooseFolder(arg);
  if (!folder) return undefined;
  let status: IndexStatus;
  try {
    status = await controller.status(folder);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not read the document index of {0}: {1}', folder.name, (err as Error).message));
    return undefined;
  }
  const rebuild = vscode.l10n.t('Rebuild');
  const search = vscode.l10n.t('Search');
  void vscode.window.showInformationMessage(describeStatus(folder.name, status), rebuild, search).then((choice) => {
    if (choice === rebuild) void rebuildIndex(controller, folder.uri);
    else if (choice === search) void searchDocuments(controller);
  });
  return status;
}

export function describeStatus(folderName: string, status: IndexStatus): string {
  if (!status.exists) return vscode.l10n.t('{0} has no document index yet: Rebuild builds it (Search builds it too).', folderName);
  const parts = [
    vscode.l10n.t('{0} files, {1} chunks', status.files.toLocaleString('en-US'), status.chunks.toLocaleString('en-US')),
    vscode.l10n.t('embedder {0}{1}', status.embedder ?? '?', status.dims ? vscode.l10n.t(' ({0} dimensions)', status.dims) : ''),
  ];
  if (status.bytesOnDisk !== undefined) parts.push(vscode.l10n.t('{0} on disk', formatBytes(status.bytesOnDisk)));
  if (status.updatedAt) parts.push(vscode.l10n.t('updated {0}', new Date(status.updatedAt).toLocaleString()));
  const problem = status.needsRebuild ? ` ${vscode.l10n.t('It needs a rebuild: {0}.', status.needsRebuild)}` : '';
  return `${vscode.l10n.t('Document index of {0}:', folderName)} ${parts.join(' · ')}.${problem}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `promptWorkbench.evaluateRetrieval` with arguments (scripts, tests): which questions file, k, whether to say anything. */
export interface EvaluateRetrievalArgs {
  questions?: string;
  k?: number;
  quiet?: boolean;
}

/**
 * Evaluate Retrieval: the questions file (`promptWorkbench.rag.evalQuestions`, JSONL of
 * `{"question", "files"}`) against the index as it is, in the three modes (hybrid, vector,
 * keyword), each appended to `.prompt-workbench/retrieval-evals.jsonl`, which the Scoreboard
 * shows; so embedders and chunking compare on the team's own questions.
 */
export async function evaluateRetrieval(controller: RagController, args: EvaluateRetrievalArgs = {}): Promise<RetrievalEvalRecord[] | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error(vscode.l10n.t('Open a folder first: the document index covers the files of a workspace folder.'));
  const file = retrievalQuestionsPath(folder, args.questions);
  const paths = new WorkbenchPaths(folder.uri.fsPath);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    const example = '{"question": "How do we roll back a release?", "files": ["docs/rollback-runbook.md"]}';
    if (!args.quiet) void vscode.window.showWarningMessage(vscode.l10n.t('No questions file at {0}. Write one question per line, e.g. {1}, or point promptWorkbench.rag.evalQuestions at yours.', paths.relative(file), example));
    return undefined;
  }
  const { questions, problems } = parseRetrievalQuestions(text);
  for (const p of problems) controller.services.log.warn(`Evaluate Retrieval: ${paths.relative(file)}:${p.line}: skipped: ${p.message}`);
  if (!questions.length) {
    if (!args.quiet) void vscode.window.showWarningMessage(vscode.l10n.t('{0} has no usable questions.', paths.relative(file)));
    return undefined;
  }
  const k = args.k && args.k > 0 ? Math.floor(args.k) : 5;
  const records = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluating retrieval on {0} questions…', questions.length) },
    async (progress) => {
      const out: RetrievalEvalRecord[] = [];
      let embedder: string | undefined;
      for (const mode of ['hybrid', 'vector', 'keyword'] as const) {
        progress.report({ message: mode });
        const result = await evaluateRetrievalCore((q) => controller.search(folder, q), questions, { k, mode });
        // Read once the first search has built or updated the index: the embedder it was built with.
        embedder ??= (await controller.status(folder)).embedder ?? 'unknown';
        const record = retrievalEvalRecord(result, { questionsFile: paths.relative(file), embedder });
        await appendRetrievalEval(paths.retrievalEvalsFile, record);
        out.push(record);
      }
      return out;
    },
  );
  const hybrid = records[0];
  if (!args.quiet) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Retrieval on {0} questions (hybrid): hit@1 {1}, hit@{2} {3}, MRR {4}. The Scoreboard lists every evaluation.', hybrid.questions, pct(hybrid.hitAt1), hybrid.k, pct(hybrid.hitAtK), hybrid.mrr.toFixed(3)),
    );
  }
  return records;
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
