import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadEngine } from '../loadEngine';
import type { RunPromptController } from '../run/runPromptCommand';
import type { WorkbenchServices } from '../services';
import { activePromptUri, promptInWorkspace } from './datasetController';

export interface AddToDatasetOptions {
  /** Keep the last answer as the row's `reference` (asked when not given and there is an answer). */
  reference?: boolean;
  /** Set `workbench.dataset` in the prompt when it names none (asked when not given). */
  setDefault?: boolean;
}

export interface AddToDatasetResult {
  file: string;
  caseId: string;
  withReference: boolean;
}

/**
 * Add to Dataset: the inputs of the prompt's last run in this window (else its selected
 * sample set and defaults), optionally with the last answer as `reference`, appended as a
 * JSONL row to the prompt's dataset (`datasets/<prompt>.jsonl` when it names none).
 */
export async function addToDataset(services: WorkbenchServices, runs: RunPromptController, uriArg?: vscode.Uri, options: AddToDatasetOptions = {}): Promise<AddToDatasetResult | undefined> {
  const target = promptInWorkspace(uriArg, vscode.l10n.t('Open a .prompt file (and run it) to add its inputs to a dataset.'), (name) =>
    vscode.l10n.t('Datasets are kept in the workspace: open the folder that holds {0}.', name),
  );
  if (!target) return undefined;
  const { uri, folder } = target;
  const engine = await loadEngine();
  const document = await vscode.workspace.openTextDocument(uri);
  const parsed = engine.parsePromptSource(document.getText(), { path: uri.fsPath });
  const name = parsed.name ?? path.basename(uri.fsPath, '.prompt');
  const last = runs.lastRunOf(uri);
  const inputs = last?.inputs ?? (await services.inputs.prepare(document)).values;
  if (!inputs || !Object.keys(inputs).length) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} has no inputs to save yet: run it (Prompt Workbench: Run Prompt) with the inputs of the case, then add it.', name));
    return undefined;
  }
  let withReference = false;
  const output = last?.output ?? null;
  if (output) {
    if (options.reference !== undefined) withReference = options.reference;
    else {
      const both = vscode.l10n.t('Inputs and the last answer as reference');
      const only = vscode.l10n.t('Inputs only');
      const picked = await vscode.window.showQuickPick([both, only], { title: vscode.l10n.t('Add to Dataset: what to save'), placeHolder: vscode.l10n.t('The reference is what similarity checks compare answers with') });
      if (!picked) return undefined;
      withReference = picked === both;
    }
  }
  const declared = typeof parsed.workbench.dataset === 'string' ? parsed.workbench.dataset : undefined;
  const file = declared ? engine.resolveDatasetPath(declared, uri.fsPath, folder) : path.join(folder, 'datasets', `${name.replace(/[^\w.-]/g, '_')}.jsonl`);
  let added;
  try {
    added = await engine.appendDatasetRow(file, inputs, withReference && output ? output : undefined, folder);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not add the case: {0}', (err as Error).message));
    return undefined;
  }
  const relative = path.relative(folder, file).split(path.sep).join('/');
  services.log.info(`Added case ${added.id} to ${relative}${withReference ? ' (with reference)' : ''}`);
  if (!declared) {
    let set = options.setDefault;
    if (set === undefined) {
      const yes = vscode.l10n.t('Set workbench.dataset');
      set = (await vscode.window.showInformationMessage(vscode.l10n.t('Added the case to {0}. Make it the dataset of {1}?', relative, name), yes)) === yes;
    }
    if (set) await setDatasetKey(document, relative);
  } else {
    void vscode.window.showInformationMessage(vscode.l10n.t('Added case {0} to {1}.', added.id, relative));
  }
  return { file, caseId: added.id, withReference };
}

/** Adds `workbench.dataset: PATH` as the frontmatter's last line (the file is saved if it was clean). */
async function setDatasetKey(document: vscode.TextDocument, datasetPath: string): Promise<void> {
  const lines = document.getText().split(/\r?\n/);
  if (!/^---\s*$/.test(lines[0] ?? '')) return;
  const close = lines.findIndex((line, i) => i > 0 && /^---\s*$/.test(line));
  if (close < 0) return;
  const wasClean = !document.isDirty;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, new vscode.Position(close, 0), `workbench.dataset: ${datasetPath}\n`);
  await vscode.workspace.applyEdit(edit);
  if (wasClean) await document.save();
}

export interface ExportFineTuneOptions {
  prompt?: string;
  minStars?: number;
  /** Where to write; asked when not given. */
  target?: string;
}

/** Export Fine-Tuning Data: the best-rated outputs of a prompt as Bedrock conversation JSONL. */
export async function exportFineTuneData(services: WorkbenchServices, options: ExportFineTuneOptions = {}): Promise<{ file: string; examples: number } | undefined> {
  const engine = await loadEngine();
  const uri = activePromptUri();
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open the workspace whose ratings should be exported.'));
    return undefined;
  }
  let prompt = options.prompt;
  if (!prompt && uri) prompt = engine.parsePromptSource((await vscode.workspace.openTextDocument(uri)).getText()).name ?? path.basename(uri.fsPath, '.prompt');
  prompt ??= (await vscode.window.showInputBox({ title: vscode.l10n.t('Export Fine-Tuning Data'), prompt: vscode.l10n.t('The prompt’s name (as in its frontmatter)') }))?.trim();
  if (!prompt) return undefined;
  let minStars = options.minStars;
  if (minStars === undefined) {
    const items = [4, 5, 3].map((n) => ({ label: vscode.l10n.t('{0}+ stars', n), description: n === 4 ? vscode.l10n.t('default; a thumbs up counts for runs without stars') : '', n }));
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Export Fine-Tuning Data: outputs of {0} rated at least', prompt) });
    if (!picked) return undefined;
    minStars = picked.n;
  }
  const result = await engine.exportFineTuning({ workspaceFolder: folder, prompt, minStars });
  for (const p of result.problems) services.log.warn(p);
  const notes: string[] = [];
  if (result.skipped.noInputs) notes.push(vscode.l10n.t('{0} rated runs were recorded without their inputs (only a hash) and are left out: turn on promptWorkbench.runs.storeInputs and run again to export such runs.', result.skipped.noInputs));
  if (result.skipped.noPromptText) notes.push(vscode.l10n.t('{0} left out: the prompt text they ran with is not kept.', result.skipped.noPromptText));
  if (!result.examples.length) {
    void vscode.window.showWarningMessage(
      [result.qualified ? vscode.l10n.t('Nothing to export for {0}.', prompt) : vscode.l10n.t('No output of {0} is rated {1} stars or more (or thumbs up): rate some first.', prompt, minStars), ...notes].join(' '),
    );
    return undefined;
  }
  let target = options.target;
  if (!target) {
    const chosen = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the fine-tuning data (Bedrock conversation JSONL)'),
      defaultUri: vscode.Uri.file(path.join(folder, 'datasets', `${prompt.replace(/[^\w.-]/g, '_')}-finetune.jsonl`)),
      filters: { JSONL: ['jsonl'] },
    });
    target = chosen?.fsPath;
  }
  if (!target) return undefined;
  // Where the person chose, but never through a link; inside the workspace the whole path is checked.
  await engine.writeFileAtomic(target, engine.fineTuneJsonl(result.examples), engine.isInside(folder, target) ? folder : undefined);
  void vscode.window.showInformationMessage([vscode.l10n.t('Exported {0} examples of {1} to {2}.', result.examples.length, prompt, path.basename(target)), ...notes].join(' '));
  return { file: target, examples: result.examples.length };
}

/** Clear Response Cache: deletes every cached answer of each workspace folder and says how many and how large. */
export async function clearResponseCache(services: WorkbenchServices): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const cache = await services.responseCacheFor(folder.uri.fsPath);
    const before = await cache.stats();
    const hitRate = cache.tally.hitRate;
    services.log.info(`Response cache of ${folder.uri.fsPath}: ${before.entries} entries, ${before.bytes} bytes, last run's hit rate ${hitRate === null ? 'none' : Math.round(hitRate * 100) + '%'}`);
    await cache.clear();
    entries += before.entries;
    bytes += before.bytes;
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('Cleared the response cache: {0} answers, {1} MB. The next runs call the models again.', entries, (bytes / 1048576).toFixed(1)));
  return { entries, bytes };
}
