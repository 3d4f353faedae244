import * as vscode from 'vscode';
import type { Release, ReleaseLine } from '../../core/releases/releaseRecord';
import type { ScoreboardRow } from '../../core/ratings/types';
import { loadEngine } from '../loadEngine';
import { raterName } from '../ratings/raterName';
import { workingPrompts } from '../versions/versionsTree';
import type { ReleaseNode, ReleasesTreeProvider } from './releasesTree';
import type { WorkbenchServices } from '../services';
import type { PublishedPrompt } from '../../core/releases/releaseRecord';
import type { VerifyReport } from '../../core/releases/verifyRelease';

/** What Approve for Production is given: a scoreboard row's identity (the webview's button, scripts, tests). */
export interface ApproveArgs {
  prompt?: unknown;
  version?: unknown;
  model?: unknown;
  /** Skips the note box (scripts and tests). */
  note?: unknown;
}

/** A release as commands accept it: a node of the Releases view or `{releaseId}`. */
export type ReleaseArg = ReleaseNode | { releaseId?: unknown; note?: unknown } | undefined;

export class ReleaseCommands {
  constructor(
    private readonly tree: ReleasesTreeProvider,
    private readonly services: WorkbenchServices,
  ) {}

  private get log(): vscode.LogOutputChannel {
    return this.services.log;
  }

  private folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  }

  /** Approve for Production: asks for a note and appends the release of a scoreboard row. */
  async approve(args: ApproveArgs = {}): Promise<ReleaseLine | undefined> {
    const folder = this.folder();
    if (!folder) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a workspace folder: releases are kept in its .prompt-workbench/releases.jsonl.'));
      return undefined;
    }
    const engine = await loadEngine();
    const prompt = typeof args.prompt === 'string' ? args.prompt : undefined;
    const { rows } = await engine.streamScoreboard([folder.uri.fsPath], { prompt, persist: false });
    let row: ScoreboardRow | undefined;
    if (prompt !== undefined && typeof args.version === 'number' && typeof args.model === 'string') {
      row = rows.find((r) => r.prompt === prompt && r.version === args.version && r.model === args.model);
      if (!row) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The scoreboard has no row for {0} v{1} on {2}: run and rate it first.', prompt, String(args.version), args.model));
        return undefined;
      }
    } else {
      const picked = await vscode.window.showQuickPick(
        rows.map((r) => ({ label: `${r.prompt} v${r.version}`, description: r.model, detail: vscode.l10n.t('{0} ratings', r.n), row: r })),
        { title: vscode.l10n.t('Approve for Production'), placeHolder: vscode.l10n.t('The prompt version × model to approve') },
      );
      row = picked?.row;
    }
    if (!row) return undefined;
    const note =
      typeof args.note === 'string'
        ? args.note
        : await vscode.window.showInputBox({
            title: vscode.l10n.t('Approve {0} v{1} on {2} for production', row.prompt, row.version, row.model),
            prompt: vscode.l10n.t('A note for the release: why this version, model and config'),
            validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A release needs a note.')),
          });
    if (note === undefined) return undefined;
    try {
      const line = await engine.approveScoreboardRow(folder.uri.fsPath, { row, by: (await raterName(folder.uri.fsPath)) ?? 'unknown', note, working: await workingPrompts(folder) });
      this.log.info(`Release ${line.id}: ${line.prompt.name} v${line.prompt.version} on ${line.model} approved by ${line.by}`);
      this.tree.refresh();
      void vscode.window.showInformationMessage(vscode.l10n.t('Approved {0} v{1} on {2} for production (release {3}).', line.prompt.name, line.prompt.version, line.model, line.id));
      return line;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not approve the release: {0}', (err as Error).message));
      return undefined;
    }
  }

  /** The release a command was given, or one picked from the view's releases. */
  async resolve(arg: ReleaseArg, pickTitle: string): Promise<ReleaseNode | undefined> {
    if (arg && 'kind' in arg && arg.kind === 'release') return arg;
    const id = arg && 'releaseId' in arg && typeof arg.releaseId === 'string' ? arg.releaseId : undefined;
    if (id) return this.tree.find(id);
    const all = (await this.tree.nodes(true)).flatMap((p) => p.children);
    const picked = await vscode.window.showQuickPick(
      all.map((n) => ({ label: `${n.release.prompt.name} v${n.release.prompt.version}`, description: `${n.release.model} · ${n.release.state}`, detail: n.release.note, node: n })),
      { title: pickTitle },
    );
    return picked?.node;
  }

  /** Roll Back: the release stops being live (a state line; the approval stays in the file). */
  async rollBack(arg: ReleaseArg): Promise<Release | undefined> {
    const node = await this.resolve(arg, vscode.l10n.t('Roll back which release?'));
    if (!node) return undefined;
    const given = arg && 'note' in arg && typeof arg.note === 'string' ? arg.note : undefined;
    const note = given ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Roll back release {0}', node.release.id), prompt: vscode.l10n.t('Why (optional)') }));
    if (note === undefined) return undefined;
    try {
      const engine = await loadEngine();
      const { release } = await engine.changeReleaseState(node.folder.uri.fsPath, node.release.id, { by: (await raterName(node.folder.uri.fsPath)) ?? 'unknown', state: 'rolled-back', note });
      this.tree.refresh();
      return release;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not roll back the release: {0}', (err as Error).message));
      return undefined;
    }
  }

  /** Publish to Bedrock Prompt Management: the release's version as a prompt version; ARN and version recorded. */
  async publish(arg: ReleaseArg): Promise<PublishedPrompt | undefined> {
    const node = await this.resolve(arg, vscode.l10n.t('Publish which release?'));
    if (!node) return undefined;
    const folder = node.folder.uri.fsPath;
    try {
      const engine = await loadEngine();
      const connection = await this.services.awsConnection();
      const published = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Publishing {0} v{1} to Bedrock Prompt Management…', node.release.prompt.name, node.release.prompt.version) }, () =>
        raterNameOr(folder).then((by) => engine.publishRelease(folder, node.release.id, by, { connection })),
      );
      this.log.info(`Release ${node.release.id} published as ${published.promptArn}:${published.promptVersion}`);
      this.tree.refresh();
      void vscode.window.showInformationMessage(vscode.l10n.t('Published as {0} version {1}.', published.promptArn, published.promptVersion));
      return published;
    } catch (err) {
      this.log.error(`Publish of ${node.release.id}: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not publish the release: {0}', (err as Error).message));
      return undefined;
    }
  }

  /** Verify: the published version against the file on the dataset; the report opens as a Markdown preview. */
  async verify(arg: ReleaseArg, options: { dataset?: unknown; show?: unknown } = {}): Promise<VerifyReport | undefined> {
    const node = await this.resolve(arg, vscode.l10n.t('Verify which published release?'));
    if (!node) return undefined;
    const folder = node.folder.uri.fsPath;
    try {
      const engine = await loadEngine();
      const connection = await this.services.awsConnection();
      const runner = await this.services.runnerFor(folder);
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying {0} v{1} against Bedrock…', node.release.prompt.name, node.release.prompt.version), cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return engine.verifyReleaseOnDataset(folder, node.release.id, { connection, runner, dataset: typeof options.dataset === 'string' ? options.dataset : undefined, signal: abort.signal });
        },
      );
      if (options.show !== false) {
        const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: engine.verifyReportMarkdown(report) });
        await vscode.commands.executeCommand('markdown.showPreview', document.uri);
      }
      return report;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not verify the release: {0}', (err as Error).message));
      return undefined;
    }
  }

  /** Import from Bedrock: a prompt version as a new .prompt file (never over an existing file). */
  async importFromBedrock(args: { identifier?: unknown; version?: unknown; target?: unknown } = {}): Promise<vscode.Uri | undefined> {
    const folder = this.folder();
    if (!folder) return undefined;
    const identifier =
      typeof args.identifier === 'string'
        ? args.identifier
        : await vscode.window.showInputBox({ title: vscode.l10n.t('Import from Bedrock'), prompt: vscode.l10n.t('The prompt ARN or id (arn:aws:bedrock:…:prompt/ID)'), ignoreFocusOut: true });
    if (!identifier) return undefined;
    const version =
      typeof args.version === 'string'
        ? args.version
        : await vscode.window.showInputBox({ title: vscode.l10n.t('Import from Bedrock'), prompt: vscode.l10n.t('The prompt version (empty: the draft)'), ignoreFocusOut: true });
    if (version === undefined) return undefined;
    const target =
      typeof args.target === 'string'
        ? vscode.Uri.file(args.target)
        : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder.uri, 'imported.prompt'), filters: { Prompt: ['prompt'] } });
    if (!target) return undefined;
    try {
      const engine = await loadEngine();
      await engine.importPrompt(folder.uri.fsPath, identifier.trim(), version.trim() || undefined, target.fsPath, { connection: await this.services.awsConnection() });
      if (typeof args.target !== 'string') await vscode.window.showTextDocument(target);
      return target;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not import the prompt: {0}', (err as Error).message));
      return undefined;
    }
  }
}

async function raterNameOr(folder: string): Promise<string> {
  return (await raterName(folder)) ?? 'unknown';
}

