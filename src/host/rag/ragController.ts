import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RagIndexClient } from '../../core/rag/indexClient';
import { RAG_CANCELLED, type EmbedderConfig, type IndexProgress, type IndexStats, type IndexStatus, type IndexUpdateOptions, type RagHit, type RagQuery } from '../../core/rag/types';
import { COMMAND } from '../commandIds';
import { readSettings } from '../settings';
import { embedderConfig, ragCredentials, ragSettingsFor, type RagHostServices } from './ragSettings';

/** Where each workspace folder's index lives (rebuildable; usually git-ignored). */
export const INDEX_DIR = ['.prompt-workbench', 'index'] as const;
/** File events arrive in bursts (a branch switch, a save-all): one update per quiet moment. */
const CHANGE_DEBOUNCE_MS = 400;

/** One workspace folder's index: its worker client, the file changes not indexed yet, what the status bar says. */
interface FolderIndex {
  folder: vscode.WorkspaceFolder;
  client: RagIndexClient;
  /** Updates of one folder run one after another. */
  queue: Promise<unknown>;
  changed: Set<string>;
  deleted: Set<string>;
  timer?: ReturnType<typeof setTimeout>;
  /** An update ran in this window: the index matches the files, and the watcher keeps it so. */
  fresh: boolean;
  watcher?: vscode.Disposable;
  /** Watches the index's own files for writes by someone else (the CLI, another window, git). */
  indexWatcher?: vscode.Disposable;
  /** Modification times of the index files as this window last wrote or read them. */
  known: Map<string, number>;
  /** An update of this window is running (its writes are not someone else's). */
  updating: boolean;
  /** Index files changed while an update ran: checked against `known` once it ends. */
  recheck?: boolean;
  files?: number;
  chunks?: number;
  /** 0–100 while an update runs. */
  progress?: number;
  error?: string;
}

/** What the embedder-change question and the status bar share with the composition root. */
export interface RagEmbedderState {
  /** The embedder the indexes are built with in this window (a changed setting applies on rebuild). */
  applied: EmbedderConfig;
}

/**
 * The document index of each workspace folder (one worker-backed RagIndexClient each), created
 * on first use: builds the index when there is none, keeps it up to date from file events,
 * and shows its state in the status bar. Never created at activation.
 */
export class RagController implements vscode.Disposable {
  private readonly indexes = new Map<string, FolderIndex>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly services: RagHostServices,
    private readonly workerPath: string,
    private readonly embedder: RagEmbedderState,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('promptWorkbench.ragIndex', vscode.StatusBarAlignment.Left, 0);
    this.statusItem.name = vscode.l10n.t('Prompt Workbench document index');
    this.statusItem.command = COMMAND.indexStatus;
    this.disposables.push(
      this.statusItem,
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const removed of e.removed) this.close(removed.uri.toString());
      }),
    );
  }

  /** The workspace folder holding a file (or the only folder, or the first). */
  static folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
    return (uri && vscode.workspace.getWorkspaceFolder(uri)) || vscode.workspace.workspaceFolders?.[0];
  }

  /** Searches a folder's index, building it first when there is none (and `rag.autoIndex` is on). */
  async search(folder: vscode.WorkspaceFolder, query: RagQuery): Promise<RagHit[]> {
    const index = this.indexOf(folder);
    await this.ensureReady(index);
    return index.client.search(query);
  }

  /** Throws the index away and builds it again with the embedder of the settings now, with a cancellable progress notification. */
  async rebuild(folder: vscode.WorkspaceFolder): Promise<IndexStats> {
    const wanted = embedderConfig(readSettings(folder.uri));
    if (JSON.stringify(wanted) !== JSON.stringify(this.embedder.applied)) {
      this.embedder.applied = wanted;
      await this.reconfigure();
    }
    const index = this.indexOf(folder);
    const stats = await this.update(index, { rebuild: true }, true);
    this.watch(index);
    return stats;
  }

  async status(folder: vscode.WorkspaceFolder): Promise<IndexStatus> {
    return this.indexOf(folder).client.status();
  }

  /** Settings changed (globs, size limit, files.exclude): every open index gets them; watchers follow the globs. */
  async reconfigure(): Promise<void> {
    await Promise.all(
      [...this.indexes.values()].map(async (index) => {
        const credentials = await ragCredentials(this.services, this.embedder.applied);
        await index.client.configure(ragSettingsFor(index.folder, readSettings(index.folder.uri), this.embedder.applied), credentials);
        if (index.watcher) {
          index.watcher.dispose();
          index.watcher = undefined;
          this.watch(index);
        }
      }),
    );
  }

  private indexOf(folder: vscode.WorkspaceFolder): FolderIndex {
    const key = folder.uri.toString();
    let index = this.indexes.get(key);
    if (!index) {
      const { client, ready } = this.openClient(folder);
      index = { folder, client, queue: ready, changed: new Set(), deleted: new Set(), fresh: false, known: new Map(), updating: false };
      this.indexes.set(key, index);
      this.watchIndexFiles(index);
    }
    return index;
  }

  /** A client for a folder's index; `ready` settles once the embedder's keys (from secret storage) reached the worker. */
  private openClient(folder: vscode.WorkspaceFolder): { client: RagIndexClient; ready: Promise<unknown> } {
    const embedder = this.embedder.applied;
    const settings = ragSettingsFor(folder, readSettings(folder.uri), embedder);
    const client = new RagIndexClient({ workerPath: this.workerPath, root: folder.uri.fsPath, indexDir: path.join(folder.uri.fsPath, ...INDEX_DIR), settings });
    const ready = ragCredentials(this.services, embedder)
      .then((credentials) => (Object.keys(credentials).length ? client.configure(settings, credentials) : undefined))
      .catch((err: Error) => this.services.log.warn(`Document index: could not pass the embedder's key: ${err.message}`));
    return { client, ready };
  }

  /** Before the first search of this window: build the index, or bring it up to date; later, index pending file changes. */
  private async ensureReady(index: FolderIndex): Promise<void> {
    if (index.fresh) return this.flush(index);
    const autoIndex = readSettings(index.folder.uri).rag.autoIndex;
    const status = await index.client.status();
    if (!status.exists || status.needsRebuild) {
      if (!autoIndex) {
        throw new Error(
          vscode.l10n.t('{0} has no document index yet. Run “Prompt Workbench: Rebuild Index” (or turn on promptWorkbench.rag.autoIndex).', index.folder.name),
        );
      }
      await this.update(index, {}, true);
    } else if (autoIndex) {
      // Files may have changed while the window was closed: a scan re-embeds only those.
      await this.update(index, {}, false);
    } else {
      index.files = status.files;
      index.chunks = status.chunks;
      this.renderStatus();
      return;
    }
    if (autoIndex) this.watch(index);
  }

  /** Runs one update after the ones before it; a full build shows a notification with Cancel. */
  private update(index: FolderIndex, options: IndexUpdateOptions, notify: boolean): Promise<IndexStats> {
    const run = async (): Promise<IndexStats> => {
      const startedAt = Date.now();
      index.updating = true;
      index.progress = 0;
      index.error = undefined;
      this.renderStatus();
      try {
        const stats = notify ? await this.updateWithNotification(index, options) : await index.client.update(options, (p) => this.onProgress(index, p));
        index.fresh = true;
        index.files = stats.files;
        index.chunks = stats.chunks;
        this.services.log.info(
          `Document index of ${index.folder.name}: ${stats.files} files, ${stats.chunks} chunks (+${stats.added} ~${stats.updated} -${stats.removed}) in ${stats.ms} ms with ${stats.embedder}`,
        );
        if (stats.rebuiltBecause && !options.rebuild) this.tellRebuilt(index, stats.rebuiltBecause);
        return stats;
      } catch (err) {
        const error = err as Error;
        if (error.name !== RAG_CANCELLED) {
          index.error = error.message;
          this.services.log.error(`Document index of ${index.folder.name}: ${error.message}`);
        }
        throw error;
      } finally {
        index.updating = false;
        // What this update wrote is ours; a file written before it began and not since is someone else's (or damaged).
        const after = indexFileTimes(index);
        for (const [name, mtime] of after) if (mtime >= startedAt - 1000) index.known.set(name, mtime);
        for (const name of [...index.known.keys()]) if (!after.has(name)) index.known.delete(name);
        index.progress = undefined;
        this.renderStatus();
        if (index.recheck) {
          index.recheck = false;
          this.checkIndexFiles(index);
        }
      }
    };
    const next = index.queue.then(run, run);
    index.queue = next.catch(() => undefined);
    return next;
  }

  private updateWithNotification(index: FolderIndex, options: IndexUpdateOptions): Thenable<IndexStats> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Indexing the documents of {0}', index.folder.name), cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return index.client.update(
          options,
          (p) => {
            this.onProgress(index, p);
            const percent = p.total ? Math.floor((p.done / p.total) * 100) : 0;
            const phase = p.phase === 'scanning' ? vscode.l10n.t('looking for files') : p.phase === 'saving' ? vscode.l10n.t('saving') : vscode.l10n.t('{0} of {1} files', p.done, p.total);
            progress.report({ increment: Math.max(0, percent - reported), message: phase });
            reported = Math.max(reported, percent);
          },
          abort.signal,
        );
      },
    );
  }

  private onProgress(index: FolderIndex, p: IndexProgress): void {
    const percent = p.total ? Math.floor((p.done / p.total) * 100) : 0;
    if (percent === index.progress) return;
    index.progress = percent;
    this.renderStatus();
  }

  private tellRebuilt(index: FolderIndex, reason: string): void {
    void vscode.window.showWarningMessage(vscode.l10n.t('The document index of {0} was rebuilt: {1}', index.folder.name, reason));
  }

  /** Watches the include globs; changes are indexed in batches after a quiet moment. */
  private watch(index: FolderIndex): void {
    if (index.watcher || !readSettings(index.folder.uri).rag.autoIndex) return;
    const include = readSettings(index.folder.uri).rag.include;
    const glob = include.length === 1 ? include[0] : `{${include.join(',')}}`;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(index.folder, glob));
    index.watcher = vscode.Disposable.from(
      watcher,
      watcher.onDidCreate((uri) => this.queueChange(index, uri, false)),
      watcher.onDidChange((uri) => this.queueChange(index, uri, false)),
      watcher.onDidDelete((uri) => this.queueChange(index, uri, true)),
    );
  }

  /**
   * The worker keeps the index in memory: when its files change under it (a `prompt-workbench
   * index` run, another window, a checkout, a damaged file), this window reopens it on next use,
   * which checks it and rebuilds it if it is damaged.
   */
  private watchIndexFiles(index: FolderIndex): void {
    index.known = indexFileTimes(index);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(index.folder, `${INDEX_DIR.join('/')}/*`));
    const onChange = () => {
      if (index.updating) index.recheck = true;
      else this.checkIndexFiles(index);
    };
    index.indexWatcher = vscode.Disposable.from(watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onChange), watcher.onDidDelete(onChange));
  }

  /** Reopens the index when one of its files is not as this window last wrote or read it. */
  private checkIndexFiles(index: FolderIndex): void {
    const now = indexFileTimes(index);
    const changed = [...now].find(([name, mtime]) => index.known.get(name) !== mtime)?.[0] ?? [...index.known.keys()].find((name) => !now.has(name));
    if (!changed) return;
    this.services.log.info(`Document index of ${index.folder.name}: ${changed} changed outside this window; reopening the index.`);
    this.reopen(index);
  }

  /** Drops the worker's copy of the index; the next search opens it again from disk. */
  private reopen(index: FolderIndex): void {
    if (this.indexes.get(index.folder.uri.toString()) !== index) return;
    const old = index.client;
    const { client, ready } = this.openClient(index.folder);
    index.client = client;
    index.fresh = false;
    index.known = indexFileTimes(index);
    index.queue = index.queue.then(() => old.dispose()).then(() => ready);
  }

  private queueChange(index: FolderIndex, uri: vscode.Uri, deleted: boolean): void {
    const relative = path.relative(index.folder.uri.fsPath, uri.fsPath);
    if (!relative || relative.startsWith('..') || relative.split(path.sep)[0] === INDEX_DIR[0]) return;
    (deleted ? index.deleted : index.changed).add(uri.fsPath);
    (deleted ? index.changed : index.deleted).delete(uri.fsPath);
    if (index.timer) clearTimeout(index.timer);
    index.timer = setTimeout(() => void this.flush(index).catch(() => undefined), CHANGE_DEBOUNCE_MS);
  }

  /** Indexes the file changes seen so far (a search waits for them, so it finds what was just saved). */
  private flush(index: FolderIndex): Promise<void> {
    if (index.timer) clearTimeout(index.timer);
    index.timer = undefined;
    if (!index.changed.size && !index.deleted.size) return index.queue.then(() => undefined);
    const changed = [...index.changed];
    const deleted = [...index.deleted];
    index.changed.clear();
    index.deleted.clear();
    return this.update(index, { changed, deleted }, false).then(() => undefined);
  }

  private renderStatus(): void {
    const all = [...this.indexes.values()];
    const running = all.filter((index) => index.progress !== undefined);
    const failed = all.find((index) => index.error);
    const item = this.statusItem;
    if (running.length) {
      const percent = Math.min(...running.map((index) => index.progress ?? 0));
      item.text = `$(sync~spin) ${vscode.l10n.t('Indexing {0}%', percent)}`;
      item.tooltip = vscode.l10n.t('Indexing the documents of {0}', running.map((index) => index.folder.name).join(', '));
      item.backgroundColor = undefined;
    } else if (failed) {
      item.text = `$(error) ${vscode.l10n.t('Index failed')}`;
      item.tooltip = vscode.l10n.t('The document index of {0} could not be updated: {1}. Click for the index status.', failed.folder.name, failed.error ?? '');
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const chunks = all.reduce((sum, index) => sum + (index.chunks ?? 0), 0);
      const files = all.reduce((sum, index) => sum + (index.files ?? 0), 0);
      item.text = `$(database) ${vscode.l10n.t('{0} chunks', chunks.toLocaleString('en-US'))}`;
      item.tooltip = vscode.l10n.t('Document index: {0} files, {1} chunks. Click for the index status.', files.toLocaleString('en-US'), chunks.toLocaleString('en-US'));
      item.backgroundColor = undefined;
    }
    item.show();
  }

  private close(key: string): void {
    const index = this.indexes.get(key);
    if (!index) return;
    if (index.timer) clearTimeout(index.timer);
    index.watcher?.dispose();
    index.indexWatcher?.dispose();
    index.client.dispose();
    this.indexes.delete(key);
    this.renderStatus();
  }

  dispose(): void {
    for (const key of [...this.indexes.keys()]) this.close(key);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Modification time of each file in a folder's index directory, by name. */
function indexFileTimes(index: FolderIndex): Map<string, number> {
  const dir = path.join(index.folder.uri.fsPath, ...INDEX_DIR);
  const times = new Map<string, number>();
  try {
    for (const name of fs.readdirSync(dir)) times.set(name, fs.statSync(path.join(dir, name)).mtimeMs);
  } catch {
    // no index yet
  }
  return times;
}
