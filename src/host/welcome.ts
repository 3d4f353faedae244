import * as vscode from 'vscode';
import { COMMAND } from './commandIds';
import type { WorkbenchServices } from './services';
import { uriExists } from './workspace/uriExists';

/** The walkthrough's id as VS Code names it: `publisher.name#id`. */
export const WALKTHROUGH_ID = 'prompt-workbench.prompt-workbench#promptWorkbench.gettingStarted';
const SHOWN_KEY = 'promptWorkbench.walkthroughShown';

/** What `promptWorkbench.openSamples` did (for the walkthrough and tests). */
export interface OpenSamplesResult {
  added: string[];
  skipped: string[];
  opened?: string;
}

/**
 * The extension's sample files and where each goes in a workspace: `prompts/**` → `prompts/`,
 * `samples/<dir>/**` → `<dir>/` (documents, an email thread, a dataset). Relative paths, '/'.
 */
async function sampleFiles(extensionUri: vscode.Uri): Promise<{ from: vscode.Uri; to: string }[]> {
  const out: { from: vscode.Uri; to: string }[] = [];
  const walk = async (dir: vscode.Uri, rel: string): Promise<void> => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      return; // a folder the package does not ship
    }
    for (const [name, type] of entries) {
      const child = vscode.Uri.joinPath(dir, name);
      const childRel = rel ? `${rel}/${name}` : name;
      if (type === vscode.FileType.Directory) await walk(child, childRel);
      else if (type === vscode.FileType.File) out.push({ from: child, to: childRel });
    }
  };
  await walk(vscode.Uri.joinPath(extensionUri, 'prompts'), 'prompts');
  await walk(vscode.Uri.joinPath(extensionUri, 'samples'), '');
  return out;
}

/**
 * Copies the sample prompts, documents, email and dataset into the folder. A file that is
 * already there is never overwritten: it is skipped and reported.
 */
export async function addSamples(extensionUri: vscode.Uri, folder: vscode.Uri): Promise<OpenSamplesResult> {
  const added: string[] = [];
  const skipped: string[] = [];
  for (const file of await sampleFiles(extensionUri)) {
    const target = vscode.Uri.joinPath(folder, ...file.to.split('/'));
    if (await uriExists(target)) {
      skipped.push(file.to);
      continue;
    }
    await vscode.workspace.fs.copy(file.from, target, { overwrite: false });
    added.push(file.to);
  }
  return { added, skipped };
}

/**
 * `Open Sample Prompts`: with `.prompt` files in the workspace, pick one to open; without any,
 * offer to add the samples (never overwriting a file), then open the email summary prompt.
 */
export async function openSamples(extensionUri: vscode.Uri, options: { add?: boolean } = {}): Promise<OpenSamplesResult | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    const open = vscode.l10n.t('Open Folder');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: the samples are copied into it so you can edit and version them.'), open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  const prompts = await vscode.workspace.findFiles('**/*.prompt', '**/{node_modules,.prompt-workbench}/**', 200);
  let result: OpenSamplesResult = { added: [], skipped: [] };
  if (prompts.length === 0 || options.add) {
    if (!options.add) {
      const add = vscode.l10n.t('Add Samples');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('This workspace has no .prompt files yet. Add the sample prompts (email summary, documents Q&A, JSON extraction, partials) with a few documents, an email thread and a dataset?'),
        { modal: false },
        add,
      );
      if (choice !== add) return undefined;
    }
    result = await addSamples(extensionUri, folder.uri);
    const first = vscode.Uri.joinPath(folder.uri, 'prompts', 'email-summary.prompt');
    if (await uriExists(first)) {
      await vscode.window.showTextDocument(first, { preview: false });
      result.opened = 'prompts/email-summary.prompt';
    }
    void vscode.window.showInformationMessage(
      result.skipped.length
        ? vscode.l10n.t('Added {0} sample files; {1} were already there and were left as they are.', result.added.length, result.skipped.length)
        : vscode.l10n.t('Added {0} sample files under prompts/, docs/, emails/ and datasets/.', result.added.length),
    );
    return result;
  }
  const items = prompts
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open a prompt'), placeHolder: vscode.l10n.t('The .prompt files of this workspace') });
  if (!picked) return result;
  await vscode.window.showTextDocument(picked.uri, { preview: false });
  return { ...result, opened: picked.label };
}

/**
 * The walkthrough, the sample prompts and, once per installation (unless turned off in
 * settings), the walkthrough opened on the first start.
 */
export function registerWelcome(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMAND.openSamples, (options?: { add?: boolean }) => openSamples(context.extensionUri, { add: options?.add === true })),
    vscode.commands.registerCommand(COMMAND.getStarted, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
  );
  const showOnFirstStart = vscode.workspace.getConfiguration('promptWorkbench').get<boolean>('welcome.showOnFirstStart', true);
  if (showOnFirstStart && !context.globalState.get<boolean>(SHOWN_KEY)) {
    void context.globalState.update(SHOWN_KEY, true);
    void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false).then(undefined, (err: Error) =>
      services.log.warn(`Could not open the walkthrough: ${err.message}`),
    );
  }
}
