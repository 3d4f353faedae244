import * as path from 'node:path';
import { confirmOutsideRead } from '../workspace/workspaceGuard';
import * as vscode from 'vscode';
import type { PromptDocument } from '../../core/prompt/promptDocument';
import type { InputsFormState } from '../../shared/runPanelProtocol';
import { loadEngine } from '../loadEngine';

const SELECTED_SETS_KEY = 'promptWorkbench.selectedSampleSets';

export interface PreparedInputs {
  form: InputsFormState;
  /** Input values for rendering (the form's, converted, `@path` read); undefined when `form.problem` stops a run. */
  values: Record<string, unknown> | undefined;
  /** The prompt's text as read for these inputs, parsed once: what `PromptRunner.prepare()` takes. */
  prompt: PromptDocument;
}

/**
 * Where a prompt's inputs come from: `input.default` (applied by the renderer), the sample set
 * picked for the prompt (remembered per workspace), and what is typed into a form. Shared by
 * the run panel and the preview, so both show the same inputs.
 */
export class PromptInputs implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with a prompt's URI when its selected sample set or its saved sets change. */
  readonly onDidChange = this.changed.event;
  private revision = 0;

  constructor(private readonly state: vscode.Memento) {}

  selectedSet(uri: vscode.Uri): string | null {
    return this.state.get<Record<string, string>>(SELECTED_SETS_KEY, {})[uri.toString()] ?? null;
  }

  async select(uri: vscode.Uri, name: string | null): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(SELECTED_SETS_KEY, {}) };
    if (name) all[uri.toString()] = name;
    else delete all[uri.toString()];
    await this.state.update(SELECTED_SETS_KEY, all);
    this.changed.fire(uri);
  }

  /**
   * The form for a prompt and the values it gives. `formValues` are the form's texts (else the
   * selected set's values); `given` are values passed by a caller (a command's `inputs`), used
   * as they are and shown in the form.
   */
  async prepare(document: vscode.TextDocument, formValues?: Record<string, string>, given: Record<string, unknown> = {}): Promise<PreparedInputs> {
    const engine = await loadEngine();
    const file = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    const prompt = engine.promptDocument(document.getText(), file);
    const parsed = prompt.parsed;
    const name = parsed.name ?? path.basename(document.uri.path, '.prompt');
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
    const fields = await engine.describeInputFields(parsed);

    let sets: Record<string, Record<string, unknown>> = {};
    let problem: string | null = null;
    if (folder) {
      const read = await engine.readSampleSets(engine.samplesPath(folder, name));
      sets = read.sets;
      if (read.problem) problem = vscode.l10n.t('The sample sets in .prompt-workbench/samples/ could not be read: {0}', read.problem);
    }
    let selectedSet = this.selectedSet(document.uri);
    if (selectedSet && !(selectedSet in sets)) selectedSet = null;
    const texts: Record<string, string> = formValues
      ? { ...formValues }
      : Object.fromEntries(Object.entries(selectedSet ? sets[selectedSet] : {}).map(([key, value]) => [key, engine.formTextOf(value)]));

    let values: Record<string, unknown> | undefined;
    try {
      const typed = engine.inputValuesFromForm(fields, texts);
      values = { ...(await engine.resolveInputFiles(typed, folder ?? (file ? path.dirname(file) : undefined), { confirmOutside: confirmOutsideRead })), ...given };
    } catch (err) {
      problem = (err as Error).message;
    }
    for (const [key, value] of Object.entries(given)) texts[key] = engine.formTextOf(value);
    const root = folder ?? (file ? path.dirname(file) : undefined);
    const thumbnailOf = async (f: (typeof fields)[number]): Promise<string | null> =>
      f.type === 'media' && root ? engine.mediaThumbnail(texts[f.name] || f.defaultText || '', { root, bases: file ? [path.dirname(file), root] : [root] }) : null;
    const thumbnails = await Promise.all(fields.map(thumbnailOf));
    const form: InputsFormState = {
      revision: ++this.revision,
      fields: fields.map((f, i) => ({ ...f, value: texts[f.name] ?? '', ...(f.type === 'media' ? { thumbnail: thumbnails[i] } : {}) })),
      sampleSets: Object.keys(sets).sort((a, b) => a.localeCompare(b)),
      selectedSet,
      missing: [],
      problem,
    };
    return { form, values, prompt };
  }

  /** The values a sample set of this prompt holds (for the form), or undefined when there is no such set. */
  async setValues(document: vscode.TextDocument, setName: string): Promise<Record<string, string> | undefined> {
    const engine = await loadEngine();
    const target = await this.samplesFile(document);
    if (!target) return undefined;
    const { sets } = await engine.readSampleSets(target);
    const values = sets[setName];
    return values ? Object.fromEntries(Object.entries(values).map(([key, value]) => [key, engine.formTextOf(value)])) : undefined;
  }

  async saveSet(document: vscode.TextDocument, setName: string, formValues: Record<string, string>): Promise<void> {
    const engine = await loadEngine();
    const target = await this.samplesFile(document);
    if (!target) throw new Error(vscode.l10n.t('Sample sets are kept in the workspace: open the folder that holds this prompt.'));
    const parsed = engine.parsePromptSource(document.getText());
    const values = engine.inputValuesFromForm(await engine.describeInputFields(parsed), formValues);
    await engine.saveSampleSet(target, setName, values);
    await this.select(document.uri, setName.trim());
  }

  async deleteSet(document: vscode.TextDocument, setName: string): Promise<void> {
    const engine = await loadEngine();
    const target = await this.samplesFile(document);
    if (!target) return;
    await engine.deleteSampleSet(target, setName);
    await this.select(document.uri, null);
  }

  private async samplesFile(document: vscode.TextDocument): Promise<string | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
    if (!folder) return undefined;
    const engine = await loadEngine();
    const parsed = engine.parsePromptSource(document.getText());
    return engine.samplesPath(folder, parsed.name ?? path.basename(document.uri.path, '.prompt'));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
