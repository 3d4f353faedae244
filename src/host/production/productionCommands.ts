import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import type { LogValue } from '../../core/production/importLogs';
import type { LogLineProblem } from '../../core/production/logLines';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { readEmailSettings, readSettings } from '../settings';

/** Arguments for tests and scripts; from the palette the command asks. */
export interface ImportLogsOptions {
  folder?: string;
  file?: string;
  s3?: string;
  logGroup?: string;
  since?: string;
  until?: string;
}

export interface ImportFeedbackOptions {
  folder?: string;
  file?: string;
}

async function pickFolder(folder: string | undefined): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folder) return folders.find((f) => f.uri.fsPath === folder);
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Import into which workspace folder?') });
}

async function askSource(): Promise<ImportLogsOptions | undefined> {
  const file = { label: vscode.l10n.t('A log file…'), source: 'file' as const };
  const s3 = { label: vscode.l10n.t('An S3 prefix…'), source: 's3' as const };
  const group = { label: vscode.l10n.t('A CloudWatch Logs group…'), source: 'group' as const };
  const choice = await vscode.window.showQuickPick([file, s3, group], { placeHolder: vscode.l10n.t('Where are the model invocation logs?') });
  if (!choice) return undefined;
  if (choice.source === 'file') {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Import'), filters: { [vscode.l10n.t('Invocation logs')]: ['json', 'jsonl', 'gz', 'log'] } });
    return picked?.[0] ? { file: picked[0].fsPath } : undefined;
  }
  if (choice.source === 's3') {
    const uri = await vscode.window.showInputBox({ prompt: vscode.l10n.t('The S3 prefix model invocation logging writes to'), placeHolder: 's3://bucket/AWSLogs/123456789012/BedrockModelInvocationLogs/', validateInput: (v) => (/^s3:\/\/[^/]+/.test(v.trim()) ? undefined : vscode.l10n.t('Give an s3://bucket/prefix URI.')) });
    return uri ? { s3: uri.trim() } : undefined;
  }
  const logGroup = await vscode.window.showInputBox({ prompt: vscode.l10n.t('The CloudWatch Logs group model invocation logging writes to'), placeHolder: '/aws/bedrock/modelinvocations' });
  if (!logGroup) return undefined;
  const since = await vscode.window.showInputBox({ prompt: vscode.l10n.t('From when (ISO time; empty: the last 24 hours)'), value: new Date(Date.now() - 86_400_000).toISOString() });
  if (since === undefined) return undefined;
  return { logGroup: logGroup.trim(), since: since.trim() || new Date(Date.now() - 86_400_000).toISOString() };
}

/** Import Production Logs…: invocation logs as production run records (src/core/production/importLogs.ts). */
export async function importProductionLogs(services: WorkbenchServices, options: ImportLogsOptions = {}): Promise<unknown> {
  const folder = await pickFolder(options.folder);
  if (!folder) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open the workspace folder whose releases the production calls belong to first.'));
    return undefined;
  }
  const source = options.file || options.s3 || options.logGroup ? options : await askSource();
  if (!source) return undefined;
  const engine = await loadEngine();
  const root = folder.uri.fsPath;
  const problems: LogLineProblem[] = [];
  const aws = await services.awsConnection();
  const privacy = readEmailSettings(folder.uri);
  try {
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Importing production logs…') }, async () => {
      let values: AsyncIterable<LogValue>;
      // A file the person picked is their say-so to read it, inside the workspace or not.
      if (source.file) values = engine.production.fileLogValues(source.file, { root, allowOutside: [source.file] }, problems);
      else if (source.s3) values = engine.production.s3LogValues(source.s3, aws, problems);
      else values = engine.production.cloudWatchLogValues(source.logGroup!, { since: source.since ? new Date(source.since) : undefined, until: source.until ? new Date(source.until) : undefined }, aws, problems);
      return engine.production.importInvocationLogs(values, { workspaceFolder: root, catalog: services.catalog, maskPii: privacy.maskPii, storeInputs: readSettings(folder.uri).storeInputs }, problems);
    });
    const lines = engine.production.describeImport(summary);
    for (const p of summary.problems) services.log.warn(`${p.source}:${p.line}: ${p.message}`);
    void vscode.window.showInformationMessage(lines.join(' '));
    return summary;
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not import the production logs: {0}', (err as Error)?.message ?? String(err)));
    return undefined;
  }
}

/** Import Feedback…: a JSONL of ratings keyed by request id, recorded through the rating service. */
export async function importProductionFeedback(services: WorkbenchServices, options: ImportFeedbackOptions = {}): Promise<unknown> {
  const folder = await pickFolder(options.folder);
  if (!folder) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open the workspace folder whose production calls were imported first.'));
    return undefined;
  }
  const file = options.file ?? (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Import'), filters: { JSONL: ['jsonl', 'json'] } }))?.[0]?.fsPath;
  if (!file) return undefined;
  const engine = await loadEngine();
  try {
    const summary = await engine.production.importFeedback(file, { workspaceFolder: folder.uri.fsPath, policy: { root: folder.uri.fsPath, allowOutside: [file] }, ratings: services.ratings.service, maskPii: readEmailSettings(folder.uri).maskPii });
    for (const p of summary.problems) services.log.warn(`${p.source}:${p.line}: ${p.message}`);
    void vscode.window.showInformationMessage(engine.production.describeFeedbackImport(summary).join(' '));
    return summary;
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not import the feedback: {0}', (err as Error)?.message ?? String(err)));
    return undefined;
  }
}

/** Import Production Logs… and Import Feedback…; both take optional arguments (tests, scripts). */
export function registerProductionFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const options = <T>(value: unknown): T => (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof vscode.Uri) ? (value as T) : ({} as T));
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMAND.importProductionLogs, (arg?: unknown) => importProductionLogs(services, options<ImportLogsOptions>(arg))),
    vscode.commands.registerCommand(COMMAND.importProductionFeedback, (arg?: unknown) => importProductionFeedback(services, options<ImportFeedbackOptions>(arg))),
  );
}
