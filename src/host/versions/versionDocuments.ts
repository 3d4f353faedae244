import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VersionEntry } from '../../core/versions/promptVersions';
import type { PromptUsageIndex } from '../../core/versions/promptUsage';
import type { VersionStore } from '../../core/versions/versionStore';
import { loadEngine } from '../loadEngine';

/** Kept versions open read-only, under their own scheme, so that they cannot be edited by mistake. */
export const VERSION_SCHEME = 'prompt-version';

/** `prompt-version:/<prompt folder>/v3.prompt?<workspace folder URI>`: the `.prompt` ending gives the language. */
export function versionDocumentUri(workspaceFolder: vscode.Uri, snapshotFile: string): vscode.Uri {
  const relative = path.relative(path.join(workspaceFolder.fsPath, '.prompt-workbench', 'versions'), snapshotFile).split(path.sep).join('/');
  return vscode.Uri.from({ scheme: VERSION_SCHEME, path: `/${relative}`, query: workspaceFolder.toString() });
}

/** The URI to show an entry: the working file itself, or a kept version read-only. */
export function entryUri(workspaceFolder: vscode.Uri, entry: VersionEntry): vscode.Uri {
  return entry.kind === 'working' ? vscode.Uri.file(entry.file) : versionDocumentUri(workspaceFolder, entry.file);
}

export class VersionContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const folder = vscode.Uri.parse(uri.query);
    const relative = uri.path.replace(/^\/+/, '');
    const versionsRoot = path.join(folder.fsPath, '.prompt-workbench', 'versions');
    const file = path.resolve(versionsRoot, relative);
    if (!file.startsWith(versionsRoot + path.sep)) throw new Error(vscode.l10n.t('{0} is not a kept prompt version.', uri.toString()));
    try {
      return await fs.promises.readFile(file, 'utf8');
    } catch (err) {
      throw new Error(vscode.l10n.t('Could not read the kept version {0}: {1}', relative, (err as Error).message));
    }
  }
}

/** The version store and the run/rating counts of each workspace folder, built on first use. */
export class VersionWorkspaces {
  private readonly byFolder = new Map<string, Promise<{ store: VersionStore; usage: PromptUsageIndex }>>();

  for(folder: string): Promise<{ store: VersionStore; usage: PromptUsageIndex }> {
    let entry = this.byFolder.get(folder);
    if (!entry) {
      entry = loadEngine().then((engine) => ({ store: new engine.VersionStore(folder), usage: new engine.PromptUsageIndex(folder) }));
      this.byFolder.set(folder, entry);
    }
    return entry;
  }
}
