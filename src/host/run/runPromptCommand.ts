import * as path from 'node:path';
import * as vscode from 'vscode';
import { confirmRunCost } from './costGuard';
import { EMPTY_METRICS, finishedColumn, interruptedColumn, replyingColumn } from '../../core/runs/column';
import { EMPTY_CONVERSATION } from '../../core/tools/types';
import { ToolAnswerDesk } from './toolAnswers';
import type { PreparedRun, PromptRunner, RunOutcome } from '../../core/runs/promptRunner';
import type { InputsFormState, RunPanelState } from '../../shared/runPanelProtocol';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';
import { RunPanel, RUN_PANEL_VIEW_TYPE, type RunPanelAction } from './runPanel';
import type { WorkbenchServices } from '../services';
import { reportPromptProblem } from './promptErrors';
import { openSource, sourcesOf } from '../rag/openSource';

export interface RunPromptOptions {
  /** Input values, used as they are; the others come from the selected sample set and `input.default`. */
  inputs?: Record<string, string>;
  /** A model id that overrides the prompt's own `model`. */
  model?: string;
  /** Picks this saved sample set for the prompt (remembered, as if picked in the panel) before running. */
  sampleSet?: string;
}

/**
 * What the command resolves with: the run's outcome; a prompt that could not be rendered; or
 * inputs that stop the run (required ones without a value, a file after @ that cannot be
 * read), named in the panel's form before anything is sent.
 */
export type RunPromptResult =
  | RunOutcome
  | { error: { kind: 'prompt'; message: string; line?: number }; output: ''; model: string }
  | { error: { kind: 'missing-inputs' | 'inputs'; message: string; missing: string[] }; output: ''; model: string }
  | { error: { kind: 'cost-declined'; message: string }; output: ''; model: string };

/** One run panel and what it runs. */
interface PanelEntry {
  panel: RunPanel;
  /** The prompt file; undefined for a panel restored from before panels remembered it. */
  uri: vscode.Uri | undefined;
  modelOverride?: string;
  /** The last run, prepared, for "rerun" without a form. */
  last?: PreparedRun;
  /** The last run's outcome: what a reply continues. */
  lastOutcome?: RunOutcome;
  /** Tool calls waiting for the person in this panel. */
  desk: ToolAnswerDesk;
}

/** Runs `.prompt` files into run panels, one panel per prompt file, reused across runs. */
export class RunPromptController implements vscode.Disposable {
  private readonly panels = new Map<string, PanelEntry>();
  private readonly running = new Map<string, AbortController>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: WorkbenchServices, private readonly extensionUri: vscode.Uri) {
    // A sample set picked elsewhere (the preview) or saved: the open form shows its values.
    this.disposables.push(services.inputs.onDidChange((uri) => void this.refreshForm(uri.toString())));
  }

  async run(uriArg?: vscode.Uri, options: RunPromptOptions = {}): Promise<RunPromptResult | undefined> {
    const uri = uriArg instanceof vscode.Uri ? uriArg : activePromptUri();
    if (!uri) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a .prompt file to run it.'));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (typeof options.sampleSet === 'string') await this.services.inputs.select(uri, options.sampleSet || null);
    return this.runDocument(document, { given: options.inputs ?? {}, modelOverride: options.model });
  }

  /**
   * Renders the prompt's current text with its inputs (the form's values, else the selected
   * sample set's; `given` on top) and runs it; when required inputs have no value, the panel's
   * form names them and nothing is sent.
   */
  private async runDocument(
    document: vscode.TextDocument,
    options: { formValues?: Record<string, string>; given?: Record<string, unknown>; modelOverride?: string },
  ): Promise<RunPromptResult> {
    const uri = document.uri;
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const runner = await this.services.runnerFor(folder);
    let inputs: Awaited<ReturnType<WorkbenchServices['inputs']['prepare']>>;
    let prepared: PreparedRun;
    try {
      inputs = await this.services.inputs.prepare(document, options.formValues, options.given);
      prepared = await runner.prepare(inputs.prompt, inputs.values ?? {}, { model: options.modelOverride });
    } catch (err) {
      return this.reportPromptError(err, document);
    }
    const model = prepared.model;
    if (inputs.values === undefined || prepared.missingInputs.length > 0) {
      const missing = inputs.values === undefined ? [] : prepared.missingInputs;
      const form: InputsFormState = { ...inputs.form, missing };
      this.showForm(uri, prepared, form, options.modelOverride);
      const message =
        inputs.values === undefined
          ? (form.problem ?? vscode.l10n.t('The inputs could not be read.'))
          : vscode.l10n.t('Fill in {0} to run {1}: nothing was sent.', missing.map((m) => `“${m}”`).join(', '), prepared.name);
      this.services.log.info(`Not running ${prepared.name}: ${message}`);
      return { error: { kind: inputs.values === undefined ? 'inputs' : 'missing-inputs', message, missing }, output: '', model };
    }
    // Over the cost guard's threshold, ask first (src/host/run/costGuard.ts).
    if (!(await confirmRunCost(this.services, prepared))) return { error: { kind: 'cost-declined', message: vscode.l10n.t('Not run: the estimated cost is over promptWorkbench.costGuard.thresholdUsd.') }, output: '', model };
    return this.runPrepared(uri, runner, prepared, options.modelOverride, inputs.form);
  }

  private async runPrepared(
    uri: vscode.Uri,
    runner: PromptRunner,
    prepared: PreparedRun,
    modelOverride: string | undefined,
    form: InputsFormState | null,
    reply?: string,
  ): Promise<RunOutcome> {
    const key = uri.toString();
    this.running.get(key)?.abort();
    const abort = new AbortController();
    this.running.set(key, abort);
    const model = prepared.model;
    const previous = this.panels.get(key)?.panel.current;
    const state: RunPanelState =
      reply !== undefined && previous
        ? { ...previous, ...replyingColumn({ ...previous, column: 0, status: 'done' as const }, reply, Date.now()), status: 'streaming' }
        : { ...this.freshState(prepared, 'streaming', form ?? previous?.inputs ?? null, key), autoMocks: previous?.autoMocks ?? false };
    const entry = this.panelFor(key, uri, state);
    entry.modelOverride = modelOverride;
    entry.last = prepared;
    const panel = entry.panel;
    this.services.log.info(`Run ${prepared.name} v${prepared.version} on ${model}${reply !== undefined ? ` (turn ${prepared.conversationTurn ?? 0})` : ''}`);
    const outcome = await runner.run(prepared, {
      signal: abort.signal,
      onFirstToken: (ttftMs) => panel.update({ metrics: { ...panel.current.metrics, ttftMs } }),
      onEvent: (event) => {
        if (event.type === 'text') panel.appendText(event.text);
      },
      answerTool: entry.desk.answerer(0),
      onToolCall: (call) => {
        const conversation = panel.current.conversation ?? { ...EMPTY_CONVERSATION };
        panel.update({ conversation: { ...conversation, toolCalls: [...conversation.toolCalls, call] } });
      },
    });
    if (this.running.get(key) === abort) this.running.delete(key);
    entry.lastOutcome = outcome;
    // A run is a comparison of one: the same outcome → column mapping as Compare's.
    const { status, output, metrics, error, partial, runId, guardrail, conversation } = finishedColumn({ ...panel.current, column: 0, status: 'streaming' }, outcome);
    panel.update({ status, output, metrics, error, partial, runId, guardrail, conversation });
    if (outcome.error) this.services.log.warn(`Run ${outcome.runId} on ${model}: ${outcome.error.kind}: ${outcome.error.message}`);
    else this.services.log.info(`Run ${outcome.runId} on ${model}: ${outcome.metrics.latencyMs} ms, ${outcome.metrics.outputTokens ?? '?'} tokens`);
    return outcome;
  }

  /** Shows the form (missing inputs named) in the prompt's panel, keeping the last answer there. */
  private showForm(uri: vscode.Uri, prepared: PreparedRun, form: InputsFormState, modelOverride: string | undefined): void {
    const key = uri.toString();
    const previous = this.panels.get(key)?.panel.current;
    const running = this.running.has(key);
    const state: RunPanelState = previous
      ? { ...previous, inputs: form, promptUri: key, ...(running ? {} : { status: 'needs-inputs' as const, error: null }) }
      : this.freshState(prepared, 'needs-inputs', form, key);
    this.panelFor(key, uri, state).modelOverride = modelOverride;
  }

  private panelFor(key: string, uri: vscode.Uri, state: RunPanelState): PanelEntry {
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.setState(state);
      existing.panel.reveal();
      return existing;
    }
    return this.track(key, uri, RunPanel.create(this.extensionUri, state));
  }

  /** Wires a panel's buttons and form to this controller for as long as the panel lives. */
  private track(key: string, uri: vscode.Uri | undefined, panel: RunPanel): PanelEntry {
    const desk = new ToolAnswerDesk(
      (_column, call) => {
        const conversation = panel.current.conversation ?? { ...EMPTY_CONVERSATION };
        panel.update({ conversation: { ...conversation, pending: call } });
      },
      () => panel.current.autoMocks === true,
    );
    const entry: PanelEntry = { panel, uri, desk };
    this.panels.set(key, entry);
    if (uri) this.services.ratings.trackRunPanel(uri, panel, () => entry.last, panel.onDidDispose);
    const subscriptions = [
      panel.onStop(() => this.running.get(key)?.abort()),
      panel.onRerun(() => void this.rerun(entry)),
      panel.onAction((action) => void this.onAction(entry, action).catch((err: Error) => this.reportActionError(err))),
    ];
    panel.onDidDispose(() => {
      if (this.panels.get(key) === entry) this.panels.delete(key);
      this.running.get(key)?.abort();
      desk.cancel();
      for (const s of subscriptions) s.dispose();
    });
    return entry;
  }

  private async onAction(entry: PanelEntry, action: RunPanelAction): Promise<void> {
    if (!entry.uri) {
      void vscode.window.showWarningMessage(vscode.l10n.t('This panel does not know its prompt file any more: run the prompt again from its editor.'));
      return;
    }
    const uri = entry.uri;
    const document = await vscode.workspace.openTextDocument(uri);
    switch (action.type) {
      case 'run':
        await this.runDocument(document, { formValues: action.values, modelOverride: entry.modelOverride });
        break;
      case 'selectSet':
        await this.services.inputs.select(uri, action.name);
        break;
      case 'saveSet': {
        const name = await vscode.window.showInputBox({
          title: vscode.l10n.t('Save sample set'),
          prompt: vscode.l10n.t('A name for these inputs (kept in .prompt-workbench/samples/; a set of that name is replaced)'),
          value: entry.panel.current.inputs?.selectedSet ?? '',
          ignoreFocusOut: true,
          validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('Give the set a name.')),
        });
        if (name?.trim()) await this.services.inputs.saveSet(document, name, action.values);
        break;
      }
      case 'deleteSet': {
        const remove = vscode.l10n.t('Delete');
        const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the sample set “{0}”?', action.name), { modal: true }, remove);
        if (choice === remove) await this.services.inputs.deleteSet(document, action.name);
        break;
      }
      case 'rate':
      case 'loadRating':
        await this.services.ratings.onRunPanelMessage(entry.panel, uri, entry.last, action);
        break;
      case 'openSource':
        await openSource(uri, action);
        break;
      case 'answerTool':
      case 'answerToolWithMock':
        entry.desk.answer(action);
        break;
      case 'autoMocks':
        entry.panel.update({ autoMocks: action.on });
        if (action.on) entry.desk.answerWaitingFromMocks();
        break;
      case 'reply':
        await this.reply(entry, action.text);
        break;
      case 'pickFile': {
        const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
        const [picked] = (await vscode.window.showOpenDialog({ defaultUri: folder, canSelectMany: false, openLabel: vscode.l10n.t('Use as “{0}”', action.name) })) ?? [];
        if (!picked) break;
        const relative = folder ? path.relative(folder.fsPath, picked.fsPath) : '';
        const reference = folder && relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : picked.fsPath;
        entry.panel.setField(action.name, `@${reference}`);
        break;
      }
    }
  }

  /** Shows the selected set's values in the prompt's open form (not while it runs). */
  private async refreshForm(key: string): Promise<void> {
    const entry = this.panels.get(key);
    if (!entry?.uri) return;
    try {
      const document = await vscode.workspace.openTextDocument(entry.uri);
      const { form } = await this.services.inputs.prepare(document);
      entry.panel.update({ inputs: form });
    } catch (err) {
      this.services.log.warn(`Could not refresh the inputs of ${entry.uri.fsPath}: ${(err as Error).message}`);
    }
  }

  /**
   * The person's next turn: the conversation so far (the prompt, the answers, the tool calls)
   * and the reply, sent to the same model; the answer shown becomes an earlier turn.
   */
  private async reply(entry: PanelEntry, text: string): Promise<void> {
    if (!entry.uri || !entry.last || !entry.lastOutcome || !text.trim() || this.running.has(entry.uri.toString())) return;
    const runner = await this.services.runnerFor(vscode.workspace.getWorkspaceFolder(entry.uri)?.uri.fsPath);
    await this.runPrepared(entry.uri, runner, runner.reply(entry.last, entry.lastOutcome, text.trim()), entry.modelOverride, null, text.trim());
  }

  /** The same prepared prompt again (the text as it was), with the runner as the settings are now. */
  private async rerun(entry: PanelEntry): Promise<void> {
    if (!entry.uri || !entry.last) return;
    const runner = await this.services.runnerFor(vscode.workspace.getWorkspaceFolder(entry.uri)?.uri.fsPath);
    await this.runPrepared(entry.uri, runner, entry.last, entry.modelOverride, null);
  }

  /** The panel's state at the start of a run of this prompt, before anything has arrived. */
  private freshState(prepared: PreparedRun, status: RunPanelState['status'], inputs: RunPanelState['inputs'], promptUri: string): RunPanelState {
    const model = prepared.model;
    return {
      column: 0,
      promptName: prepared.name,
      promptVersion: prepared.version,
      model,
      status,
      output: '',
      metrics: { ...EMPTY_METRICS },
      error: null,
      partial: false,
      endpointNotice: this.services.endpointNotice(model),
      runId: null,
      startedAt: Date.now(),
      inputs,
      promptUri,
      sources: sourcesOf(prepared),
      usesTools: Boolean(prepared.tools?.tools.length),
      conversation: prepared.tools ? { ...EMPTY_CONVERSATION, notices: [...prepared.tools.problems] } : null,
    };
  }

  private reportActionError(err: Error): void {
    this.services.log.error(err.message);
    void vscode.window.showErrorMessage(err.message);
  }

  /** Restores a panel VS Code kept across a reload, showing its last state. */
  restore(webviewPanel: vscode.WebviewPanel, saved: RunPanelState | undefined): void {
    const state: RunPanelState = saved ?? {
      promptName: webviewPanel.title.replace(/^Run: /, ''),
      promptVersion: 1,
      model: '',
      status: 'done',
      output: '',
      metrics: { ...EMPTY_METRICS },
      error: null,
      partial: false,
      endpointNotice: null,
      runId: null,
      startedAt: Date.now(),
    };
    if (state.status === 'streaming' || state.status === 'rendering') Object.assign(state, interruptedColumn({ ...state, status: 'streaming' }));
    const panel = new RunPanel(webviewPanel, this.extensionUri, state);
    const uri = state.promptUri ? vscode.Uri.parse(state.promptUri) : undefined;
    const key = uri && !this.panels.has(uri.toString()) ? uri.toString() : `restored:${Date.now()}:${Math.random()}`;
    this.track(key, uri, panel);
  }

  private reportPromptError(err: unknown, document: vscode.TextDocument): RunPromptResult {
    return { error: reportPromptProblem(err, document, this.services.log, 'run'), output: '', model: '' };
  }

  /** The inputs and finished answer of the prompt's last run in this window (Add to Dataset). */
  lastRunOf(uri: vscode.Uri): { inputs: Record<string, unknown>; output: string | null; runId: string | null } | undefined {
    const entry = this.panels.get(uri.toString());
    if (!entry?.last) return undefined;
    const state = entry.panel.current;
    return { inputs: entry.last.inputs, output: state.status === 'done' && state.output ? state.output : null, runId: state.runId };
  }

  dispose(): void {
    for (const abort of this.running.values()) abort.abort();
    for (const entry of [...this.panels.values()]) entry.panel.dispose();
    this.panels.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export { RUN_PANEL_VIEW_TYPE };


function activePromptUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && (editor.document.languageId === PROMPT_LANGUAGE_ID || editor.document.fileName.endsWith('.prompt'))) return editor.document.uri;
  return undefined;
}
