import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VersionEntry } from '../../core/versions/promptVersions';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import { entryUri, VERSION_SCHEME, type VersionWorkspaces } from './versionDocuments';
import type { VersionDiagnostics } from './versionDiagnostics';
import { VERSIONS_VIEW_ID, type PromptNode, type VersionNode, type VersionsNode, type VersionsTreeProvider } from './versionsTree';

export interface SaveNewVersionOptions {
  /** The one-line changelog; asked for when missing. */
  changelog?: string;
}

export interface SaveNewVersionResult {
  name: string;
  fromVersion: number;
  newVersion: number;
  /** Where the text of `fromVersion` is kept (relative to the workspace folder); null when it could not be. */
  snapshot: string | null;
  notice: string | null;
}

/** A version in a command's options: its number (the kept `v<N>.prompt`, else the working file at N) or `working`. */
export type VersionRef = number | 'working';

export interface CompareResult {
  left: string;
  right: string;
  title: string;
}

/** The commands of the Prompt Versions feature; each takes a file URI, a tree node or nothing (the active editor). */
export class VersionCommands {
  constructor(
    private readonly workspaces: VersionWorkspaces,
    private readonly tree: VersionsTreeProvider,
    private readonly treeView: vscode.TreeView<VersionsNode>,
    private readonly diagnostics: VersionDiagnostics,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Keeps the current version's text immutable in `.prompt-workbench/versions/<name>/v<N>.prompt`
   * (unless it is kept already, from its first run) and moves the file to the next version,
   * with the changelog and `workbench.parent`. See `saveNewVersion` in core for the rule.
   */
  async saveNewVersion(arg?: unknown, options: SaveNewVersionOptions = {}): Promise<SaveNewVersionResult | undefined> {
    const uri = (await this.resolve(arg))?.fileUri ?? activePromptFile();
    if (!uri || uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a saved .prompt file to save a new version of it.'));
      return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} is not in an open workspace folder; versions are kept in the folder’s .prompt-workbench/. Open the folder that holds it.', path.basename(uri.fsPath)));
      return undefined;
    }
    const engine = await loadEngine();
    const document = await vscode.workspace.openTextDocument(uri);
    const info = engine.describePromptVersion(document.getText(), uri.fsPath);
    const changelog =
      options.changelog ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('Save New Version of {0}', info.name),
        prompt: vscode.l10n.t('What changes in the new version? One line, kept as workbench.changelog; v{0} stays as it is in .prompt-workbench/versions/.', info.version),
        placeHolder: vscode.l10n.t('e.g. Ask for owners and due dates on action items'),
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('Say in one line what this version changes.')),
      }));
    if (!changelog?.trim()) return undefined;

    const { store, usage } = await this.workspaces.for(folder.uri.fsPath);
    const text = document.getText();
    const versionAtRead = document.version;
    const savedText = document.isDirty ? await fs.promises.readFile(uri.fsPath, 'utf8').catch(() => undefined) : undefined;
    let result;
    try {
      result = await engine.saveNewVersion(store, usage, { file: uri.fsPath, text, savedText, changelog, source: relative(folder, uri.fsPath) });
      if (document.version !== versionAtRead) throw new Error(vscode.l10n.t('The file changed while its version was being saved; run Save New Version again.'));
      const edit = new vscode.WorkspaceEdit();
      for (const e of result.edits) edit.replace(uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('VS Code did not apply the version change to the file.'));
      if (!(await document.save())) throw new Error(vscode.l10n.t('the version lines were changed but the file could not be saved; save it yourself'));
    } catch (err) {
      const message = vscode.l10n.t('Could not save a new version of {0}: {1}', path.basename(uri.fsPath), (err as Error).message);
      this.log.error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    } finally {
      this.tree.refresh();
    }
    this.diagnostics.check(document);
    const snapshot = result.snapshotFile ? relative(folder, result.snapshotFile) : null;
    this.log.info(`Saved ${result.name} v${result.fromVersion}${snapshot ? ` as ${snapshot}` : ''}; the file is now v${result.newVersion}.`);
    const compare = vscode.l10n.t('Compare with Previous');
    const shown = result.notice
      ? vscode.window.showWarningMessage(result.notice, compare)
      : vscode.window.showInformationMessage(vscode.l10n.t('{0} v{1} is kept in {2}; the file is now v{3}.', result.name, result.fromVersion, snapshot ?? '', result.newVersion), compare);
    void shown.then((choice) => choice === compare && vscode.commands.executeCommand(COMMAND.compareWithPreviousVersion, uri));
    return { name: result.name, fromVersion: result.fromVersion, newVersion: result.newVersion, snapshot, notice: result.notice };
  }

  /** Diffs a version (default: the active prompt file) with the one before it. */
  async compareWithPreviousVersion(arg?: unknown): Promise<CompareResult | undefined> {
    const target = await this.resolve(arg ?? activePromptFile());
    if (!target?.node) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a .prompt file of the workspace (or pick a version in Prompt Versions) to compare it with its previous version.'));
      return undefined;
    }
    const engine = await loadEngine();
    const previous = engine.previousVersionOf(target.node.history, target.node.entry);
    if (!previous) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no kept version before v{1} to compare with. Save New Version keeps one.', target.node.history.name, target.node.entry.version));
      return undefined;
    }
    return this.openDiff(target.node.folder, target.node.history.name, previous, target.node.entry);
  }

  /** Diffs any two versions of a prompt, picked from a list (or given as `{from, to}`). */
  async compareVersions(arg?: unknown, options: { from?: VersionRef; to?: VersionRef } = {}): Promise<CompareResult | undefined> {
    const prompt = (await this.resolve(arg ?? activePromptFile()))?.prompt ?? (await this.pickPrompt());
    if (!prompt) return undefined;
    const entries = prompt.children.map((child) => child.entry);
    if (entries.length < 2) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} has only one version so far: Save New Version keeps one to compare with.', prompt.history.name));
      return undefined;
    }
    const from = options.from !== undefined ? findRef(entries, options.from) : await pickEntry(entries, vscode.l10n.t('Compare versions of {0}: the older one', prompt.history.name));
    if (!from) return undefined;
    const rest = entries.filter((entry) => entry !== from);
    const to = options.to !== undefined ? findRef(entries, options.to) : await pickEntry(rest, vscode.l10n.t('…compared with which version?'));
    if (!to) return undefined;
    return this.openDiff(prompt.folder, prompt.history.name, from, to);
  }

  /** Shows the Prompt Versions view with the prompt (default: the active one) revealed. */
  async showVersions(arg?: unknown): Promise<boolean> {
    await vscode.commands.executeCommand(`${VERSIONS_VIEW_ID}.focus`);
    const target = await this.resolve(arg ?? activePromptFile());
    if (!target?.prompt) return false;
    await this.treeView.reveal(target.prompt, { select: true, focus: true, expand: true });
    return true;
  }

  /** Opens a version: the working file as itself, a kept version read-only. */
  async openVersion(arg?: unknown): Promise<void> {
    const target = await this.resolve(arg);
    if (!target?.node) return;
    await vscode.window.showTextDocument(entryUri(target.node.folder.uri, target.node.entry), { preview: true });
  }

  private async openDiff(folder: vscode.WorkspaceFolder, name: string, left: VersionEntry, right: VersionEntry): Promise<CompareResult> {
    const leftUri = entryUri(folder.uri, left);
    const rightUri = entryUri(folder.uri, right);
    const title = `${name}: ${label(left)} ↔ ${label(right)}`;
    await vscode.commands.executeCommand('vscode.diff', leftUri, rightUri, title, { preview: false });
    return { left: leftUri.toString(), right: rightUri.toString(), title };
  }

  /** What a command argument names: a tree node, a prompt file or a kept version's document. */
  private async resolve(arg: unknown): Promise<{ prompt?: PromptNode; node?: VersionNode; fileUri?: vscode.Uri } | undefined> {
    // Read afresh: the working file may have changed since the view was drawn.
    const fresh = await this.tree.nodes(true);
    if (isNode(arg)) {
      const prompt = fresh.find((p) => p.id === (arg.kind === 'prompt' ? arg.id : arg.parent.id));
      const node = arg.kind === 'version' ? prompt?.children.find((c) => c.id === arg.id) : prompt?.children.find((c) => c.entry.kind === 'working');
      return { prompt, node, fileUri: node?.entry.kind === 'working' ? vscode.Uri.file(node.entry.file) : undefined };
    }
    if (!(arg instanceof vscode.Uri)) return undefined;
    if (arg.scheme === VERSION_SCHEME) {
      const versionsRoot = path.join(vscode.Uri.parse(arg.query).fsPath, '.prompt-workbench', 'versions');
      const file = path.resolve(versionsRoot, arg.path.replace(/^\/+/, ''));
      for (const prompt of fresh) {
        const node = prompt.children.find((c) => c.entry.kind !== 'working' && c.entry.file === file);
        if (node) return { prompt, node };
      }
      return undefined;
    }
    const prompt = fresh.find((p) => p.children.some((c) => c.entry.kind === 'working' && c.entry.file === arg.fsPath));
    const node = prompt?.children.find((c) => c.entry.kind === 'working' && c.entry.file === arg.fsPath);
    return { prompt, node, fileUri: arg };
  }

  private async pickPrompt(): Promise<PromptNode | undefined> {
    const prompts = await this.tree.nodes();
    if (prompts.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No .prompt file in the workspace yet.'));
      return undefined;
    }
    if (prompts.length === 1) return prompts[0];
    const picked = await vscode.window.showQuickPick(
      prompts.map((prompt) => ({ label: prompt.history.name, description: vscode.l10n.t('{0} versions', prompt.children.length), prompt })),
      { title: vscode.l10n.t('Compare versions of which prompt?') },
    );
    return picked?.prompt;
  }
}

function findRef(entries: VersionEntry[], ref: VersionRef): VersionEntry | undefined {
  if (ref === 'working') return entries.find((e) => e.kind === 'working');
  return entries.find((e) => e.kind === 'saved' && e.version === ref) ?? entries.find((e) => e.kind === 'working' && e.version === ref);
}

async function pickEntry(entries: VersionEntry[], title: string): Promise<VersionEntry | undefined> {
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({
      label: label(entry),
      description: [entry.savedAt?.slice(0, 16).replace('T', ' '), entry.changelog?.split('\n')[0]].filter(Boolean).join(' · '),
      detail: entry.kind === 'working' ? vscode.l10n.t('the working file') : entry.kind === 'variant' ? vscode.l10n.t('edited without a version bump') : undefined,
      entry,
    })),
    { title, matchOnDescription: true },
  );
  return picked?.entry;
}

function label(entry: VersionEntry): string {
  if (entry.kind === 'working') return `v${entry.version} (${vscode.l10n.t('working copy')})`;
  if (entry.kind === 'variant') return `v${entry.version}~${entry.contentHash}`;
  return `v${entry.version}`;
}

function isNode(value: unknown): value is VersionsNode {
  return !!value && typeof value === 'object' && ((value as VersionsNode).kind === 'prompt' || (value as VersionsNode).kind === 'version') && typeof (value as VersionsNode).id === 'string';
}

function relative(folder: vscode.WorkspaceFolder, file: string): string {
  return path.relative(folder.uri.fsPath, file).split(path.sep).join('/');
}

function activePromptFile(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) return undefined;
  return document.uri.path.endsWith('.prompt') ? document.uri : undefined;
}
