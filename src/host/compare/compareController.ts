import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonEvent, ComparisonResult, ComparisonRunner } from '../../core/runs/comparisonRunner';
import type { ComparisonSummary } from '../../core/runs/runHistory';
import { WorkbenchPaths } from '../../core/workspace/paths';
import { displayStream, type DisplayStream } from '../../core/privacy/displayStream';
import type { ComparePanelState, ComparePanelToHost } from '../../shared/comparePanelProtocol';
import { loadEngine } from '../loadEngine';
import { confirmComparisonCost } from '../run/costGuard';
import type { WorkbenchServices } from '../services';
import { ComparePanel } from './comparePanel';
import { emptyState, finishedColumn, interruptedState, stateFromRecords, streamingColumn } from './compareState';
import { OutputActions } from './outputActions';
import { renderWithInputs } from './renderWithInputs';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';
import { openSource, sourcesOf } from '../rag/openSource';
import { replyingColumn } from '../../core/runs/column';
import { EMPTY_CONVERSATION } from '../../core/tools/types';
import { ToolAnswerDesk } from '../run/toolAnswers';

export interface CompareModelsOptions {
  /** Input values (over the prompt's defaults and its selected sample set); those missing are asked for. */
  inputs?: Record<string, unknown>;
  /** The models, overriding the prompt's `model` + `workbench.compare` and the shortlist. */
  models?: string[];
  /**
   * How answers are shown, for display only (the email panel restores the details it masked):
   * what the models get and what is recorded stay as rendered. Host-side only (a function).
   */
  display?: (text: string) => string;
}

/** What the command resolves with once every column has ended, or why nothing ran. */
export type CompareModelsResult = ComparisonResult | { comparisonId: null; runs: []; error: { kind: 'prompt' | 'inputs'; message: string; line?: number } };

/** What “Re-run” needs: the prompt file, the inputs, the models. */
interface RerunSpec {
  promptUri: vscode.Uri;
  inputs: Record<string, unknown>;
  models: string[];
}

interface PanelEntry {
  panel: ComparePanel;
  /** Live panels are keyed by their prompt file, so comparing the same prompt again reuses its panel. */
  key: string;
  comparison?: ComparisonRunner;
  rerun?: RerunSpec;
  /** The comparison's `display` (kept for Re-run), and each streaming column's restorer. */
  display?: (text: string) => string;
  streams?: Map<number, DisplayStream>;
  /** Tool calls waiting for the person, one per column at most. */
  desk: ToolAnswerDesk;
}

/**
 * Runs comparisons into panels (one per prompt file, reused), handles what the panels ask
 * for (stop, retry, re-run, copy, insert, open), and reopens comparisons from the records.
 */
export class ComparisonController implements vscode.Disposable {
  private readonly entries = new Map<string, PanelEntry>();
  private latest: ComparisonRunner | undefined;
  private readonly recorded = new vscode.EventEmitter<void>();
  /** Fires when a run of a comparison has been recorded (for the Runs view). */
  readonly onDidRecord = this.recorded.event;
  /** Rating widgets, blind mode and pairwise in every comparison panel (src/host/ratings/compareRatings.ts). */
  private readonly ratingView = (panel: ComparePanel) => this.services.ratings.attachComparePanel(panel);

  constructor(
    private readonly services: WorkbenchServices,
    private readonly extensionUri: vscode.Uri,
    private readonly actions: OutputActions,
  ) {}

  async compare(uriArg?: vscode.Uri, options: CompareModelsOptions = {}, reuse?: PanelEntry): Promise<CompareModelsResult | undefined> {
    const uri = uriArg instanceof vscode.Uri ? uriArg : activePromptUri();
    if (!uri) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a .prompt file to compare models on it.'));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const engine = await loadEngine();
    const runner = await this.services.runnerFor(folder?.uri.fsPath);
    // The same inputs the run panel shows (defaults, the selected sample set), then whatever is still missing is asked for.
    const base = await this.services.inputs.prepare(document, undefined, { ...(options.inputs ?? {}) });
    if (base.values === undefined) {
      const message = base.form.problem ?? vscode.l10n.t('The inputs of this prompt could not be read.');
      void vscode.window.showErrorMessage(message);
      return { comparisonId: null, runs: [], error: { kind: 'inputs', message } };
    }
    const ready = await renderWithInputs(runner, base.prompt, document, base.values, this.services.log);
    if (ready.kind === 'cancelled') return undefined;
    if (ready.kind === 'error') return { comparisonId: null, runs: [], error: ready.error };
    const prepared = ready.prepared;

    const parsed = base.prompt.parsed;
    const models = options.models?.length
      ? options.models
      : this.services.selection.comparisonModels(parsed.model, parsed.workbench.compare).models;
    if (!(await confirmComparisonCost(this.services, runner.estimate(prepared, models)))) return undefined;

    const file = prepared.file;
    const comparison: ComparisonRunner = new engine.ComparisonRunner({
      runner,
      prepared,
      models,
      onEvent: (event) => this.onComparisonEvent(entry, comparison, event),
      answerTool: (column, call) => entry.desk.answerer(column)(call),
    });
    const state: ComparePanelState = {
      comparisonId: comparison.comparisonId,
      promptName: prepared.name,
      promptVersion: prepared.version,
      promptContentHash: prepared.contentHash,
      promptPath: folder && file ? new WorkbenchPaths(folder.uri.fsPath).relative(file) : null,
      workspaceFolder: folder?.uri.toString() ?? null,
      columns: comparison.models.map((model, column) => streamingColumn(column, model, Date.now())),
      origin: 'live',
      endpointNotice: comparison.models.map((m) => this.services.endpointNotice(m)).find((n) => n) ?? null,
      notice: null,
      sources: sourcesOf(prepared),
      usesTools: Boolean(prepared.tools?.tools.length),
      autoMocks: (reuse ?? this.entries.get(uri.toString()))?.panel.current.autoMocks ?? false,
    };
    const display = options.display ?? reuse?.display;
    if (prepared.tools) state.columns = state.columns.map((c) => ({ ...c, conversation: { ...EMPTY_CONVERSATION, notices: [...prepared.tools!.problems] } }));
    const entry = this.showLive(uri.toString(), state, reuse);
    entry.display = display;
    entry.streams = display ? new Map() : undefined;
    entry.comparison = comparison;
    entry.rerun = { promptUri: uri, inputs: prepared.inputs, models: comparison.models };
    this.latest = comparison;
    this.services.log.info(`Compare ${state.promptName} v${state.promptVersion} (${comparison.comparisonId}) on ${comparison.models.join(', ')}`);
    const result = await comparison.run();
    for (const run of result.runs) {
      const m = run.metrics;
      if (run.error) this.services.log.warn(`  ${run.model}: ${run.error.kind}: ${run.error.message}`);
      else this.services.log.info(`  ${run.model}: ${m.latencyMs} ms, ${m.outputTokens ?? '?'} tokens`);
    }
    return result;
  }

  /** Stops one column, or all of them, of a comparison (the most recent one by default). */
  stop(comparisonId?: string, column?: number): boolean {
    const comparison = comparisonId ? [...this.entries.values()].find((e) => e.comparison?.comparisonId === comparisonId)?.comparison : this.latest;
    if (!comparison) return false;
    if (column === undefined) {
      const running = comparison.isRunning();
      comparison.stopAll();
      return running;
    }
    return comparison.stop(column);
  }

  /** Shows a recorded comparison (reusing a panel that already shows it). */
  async openComparison(comparisonId: string, folderHint?: string): Promise<boolean> {
    const existing = [...this.entries.values()].find((e) => e.panel.current.comparisonId === comparisonId);
    if (existing) {
      existing.panel.reveal();
      return true;
    }
    const found = await this.findRecorded(comparisonId, folderHint);
    if (!found) {
      void vscode.window.showWarningMessage(vscode.l10n.t('No comparison {0} is recorded in this workspace’s .prompt-workbench/runs/.', comparisonId));
      return false;
    }
    const state = this.recordState(found.summary, found.folder);
    const entry = this.track(ComparePanel.create(this.extensionUri, state, this.ratingView), `record:${comparisonId}`);
    entry.rerun = this.rerunFromRecord(found.summary, found.folder);
    return true;
  }

  /**
   * Restores a panel VS Code kept across a reload. It shows the last comparison recorded for
   * its prompt file: the state VS Code saved for the webview can be older than the records
   * (it is written to storage now and then), the records are not.
   */
  async restore(webviewPanel: vscode.WebviewPanel, saved: ComparePanelState | undefined): Promise<void> {
    const folder = folderOf(saved?.workspaceFolder) ?? vscode.workspace.workspaceFolders?.[0];
    const first = saved ? interruptedState(saved) : emptyState(vscode.l10n.t('Reading the last comparison…'), folder?.uri.toString() ?? null);
    const entry = this.track(new ComparePanel(webviewPanel, this.extensionUri, first, this.ratingView), `restored:${Date.now()}:${Math.random()}`);
    if (!folder) {
      entry.panel.setState(emptyState(vscode.l10n.t('Open a workspace folder: comparisons are recorded in its .prompt-workbench/runs/.'), null));
      return;
    }
    try {
      const engine = await loadEngine();
      const runsDir = new WorkbenchPaths(folder.uri.fsPath).runsDir;
      const summary =
        (saved?.promptPath ? await engine.latestComparison(runsDir, saved.promptPath) : undefined) ??
        (saved?.comparisonId ? await engine.findComparison(runsDir, saved.comparisonId) : await engine.latestComparison(runsDir));
      if (summary) {
        entry.panel.setState(this.recordState(summary, folder, saved));
        entry.rerun = this.rerunFromRecord(summary, folder);
        if (!saved) entry.key = `record:${summary.comparisonId}`;
      } else if (!saved) {
        entry.panel.setState(emptyState(vscode.l10n.t('No comparison is recorded yet. Open a .prompt file and run “Prompt Workbench: Compare Models”.'), folder.uri.toString()));
      }
    } catch (err) {
      this.services.log.error(`Could not read the recorded comparisons: ${(err as Error).message}`);
    }
  }

  private showLive(key: string, state: ComparePanelState, reuse?: PanelEntry): PanelEntry {
    const existing = reuse ?? this.entries.get(key);
    if (existing) {
      existing.comparison?.stopAll();
      this.entries.delete(existing.key);
      existing.key = key;
      this.entries.set(key, existing);
      existing.panel.setState(state);
      existing.panel.reveal();
      return existing;
    }
    return this.track(ComparePanel.create(this.extensionUri, state, this.ratingView), key);
  }

  private track(panel: ComparePanel, key: string): PanelEntry {
    const desk = new ToolAnswerDesk(
      (column, call) => {
        const current = panel.current.columns[column];
        if (current) panel.updateColumn(column, { conversation: { ...(current.conversation ?? EMPTY_CONVERSATION), pending: call } });
      },
      () => panel.current.autoMocks === true,
    );
    const entry: PanelEntry = { panel, key, desk };
    this.entries.set(key, entry);
    panel.onMessage((message) => this.onPanelMessage(entry, message));
    panel.onDidDispose(() => {
      desk.cancel();
      entry.comparison?.stopAll();
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    });
    return entry;
  }

  private onComparisonEvent(entry: PanelEntry, source: ComparisonRunner, event: ComparisonEvent): void {
    // A panel reused for a newer comparison ignores the stopped one's last events.
    if (entry.comparison !== source) return;
    const { panel } = entry;
    const { display, streams } = entry;
    if (event.type === 'column-start') {
      if (display) streams?.set(event.column, displayStream(display));
      const current = panel.current.columns[event.column];
      const fresh = streamingColumn(event.column, event.model, event.startedAt);
      // A turn of a conversation keeps its earlier turns and the reply; the prompt's tools keep their notices.
      const conversation = current?.conversation ? { ...current.conversation, toolCalls: [], pending: null, notices: event.turn > 0 ? [] : current.conversation.notices } : undefined;
      panel.setColumn(conversation ? { ...fresh, conversation } : fresh);
    } else if (event.type === 'tool-call') {
      const current = panel.current.columns[event.column];
      const conversation = current?.conversation ?? EMPTY_CONVERSATION;
      if (current) panel.updateColumn(event.column, { conversation: { ...conversation, toolCalls: [...conversation.toolCalls, event.call] } });
    } else if (event.type === 'stream') {
      if (event.event.type !== 'text') return;
      const stream = streams?.get(event.column);
      panel.appendText(event.column, stream ? stream.push(event.event.text) : event.event.text);
    } else if (event.type === 'first-token') {
      const column = panel.current.columns[event.column];
      if (column) panel.updateColumn(event.column, { metrics: { ...column.metrics, ttftMs: event.ttftMs } });
    } else {
      const column = panel.current.columns[event.column];
      streams?.delete(event.column);
      // The whole answer restored at once (the record keeps it as the model wrote it).
      const outcome = display ? { ...event.outcome, output: display(event.outcome.output) } : event.outcome;
      if (column) panel.setColumn(finishedColumn(column, outcome));
      if (event.outcome.recordFile) this.recorded.fire();
    }
  }

  private onPanelMessage(entry: PanelEntry, message: ComparePanelToHost): void {
    const column = 'column' in message ? entry.panel.current.columns[message.column] : undefined;
    switch (message.type) {
      case 'stop':
        entry.comparison?.stop(message.column);
        break;
      case 'stopAll':
        entry.comparison?.stopAll();
        break;
      case 'retry':
        if (entry.comparison && entry.panel.current.origin === 'live') void entry.comparison.retry(message.column);
        break;
      case 'rerun':
        void this.rerun(entry);
        break;
      case 'copy':
        if (column) void this.actions.copy(column.output, column.model);
        break;
      case 'insert':
        if (column) void this.actions.insert(column.output);
        break;
      case 'openDocument':
        if (column) void this.actions.openAsDocument(column.output);
        break;
      case 'openSource':
        void openSource(entry.panel.current.workspaceFolder, message);
        break;
      case 'answerTool':
      case 'answerToolWithMock':
        entry.desk.answer(message);
        break;
      case 'autoMocks':
        entry.panel.setState({ ...entry.panel.current, autoMocks: message.on });
        if (message.on) entry.desk.answerWaitingFromMocks();
        break;
      case 'reply':
        void this.reply(entry, message.text);
        break;
    }
  }

  /** Sends the person's reply to every finished column at once; each continues its own conversation. */
  private async reply(entry: PanelEntry, text: string): Promise<void> {
    const comparison = entry.comparison;
    const reply = text.trim();
    if (!comparison || !reply || entry.panel.current.origin !== 'live') return;
    const now = Date.now();
    entry.panel.current.columns.forEach((column) => {
      if (column.status !== 'streaming' && column.runId) entry.panel.setColumn(replyingColumn(column, reply, now));
    });
    this.services.log.info(`Reply in ${comparison.comparisonId}: ${reply.length} characters to ${comparison.models.length} columns`);
    await comparison.reply(reply);
  }

  /** The same prompt file (as it is now), the same inputs and models, in the same panel. */
  private async rerun(entry: PanelEntry): Promise<void> {
    const spec = entry.rerun;
    if (!spec) {
      void vscode.window.showWarningMessage(vscode.l10n.t('This comparison cannot be run again: its prompt file is not known.'));
      return;
    }
    try {
      await vscode.workspace.fs.stat(spec.promptUri);
    } catch {
      void vscode.window.showWarningMessage(vscode.l10n.t('Cannot run the comparison again: {0} no longer exists.', spec.promptUri.fsPath));
      return;
    }
    await this.compare(spec.promptUri, { inputs: spec.inputs, models: spec.models }, entry);
  }

  private rerunFromRecord(summary: ComparisonSummary, folder: vscode.WorkspaceFolder): RerunSpec | undefined {
    if (!summary.prompt.path) return undefined;
    const promptUri = vscode.Uri.joinPath(folder.uri, ...summary.prompt.path.split('/'));
    // Inputs are in the records only when the workspace keeps them; otherwise they are asked for again.
    const inputs = summary.columns.find((c) => c.inputs)?.inputs ?? {};
    return { promptUri, inputs, models: summary.columns.map((c) => c.model) };
  }

  private recordState(summary: ComparisonSummary, folder: vscode.WorkspaceFolder, saved?: ComparePanelState): ComparePanelState {
    const notice = summary.columns.map((c) => this.services.endpointNotice(c.model)).find((n) => n) ?? null;
    return stateFromRecords(summary, folder.uri.toString(), notice, saved);
  }

  private async findRecorded(comparisonId: string, folderHint?: string): Promise<{ summary: ComparisonSummary; folder: vscode.WorkspaceFolder } | undefined> {
    const engine = await loadEngine();
    const hinted = folderOf(folderHint);
    const folders = hinted ? [hinted] : vscode.workspace.workspaceFolders ?? [];
    for (const folder of folders) {
      const summary = await engine.findComparison(new WorkbenchPaths(folder.uri.fsPath).runsDir, comparisonId);
      if (summary) return { summary, folder };
    }
    return undefined;
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      entry.comparison?.stopAll();
      entry.panel.dispose();
    }
    this.entries.clear();
    this.recorded.dispose();
  }
}

function folderOf(uri: string | null | undefined): vscode.WorkspaceFolder | undefined {
  if (!uri) return undefined;
  try {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(uri));
  } catch {
    return undefined;
  }
}

function activePromptUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && (editor.document.languageId === PROMPT_LANGUAGE_ID || path.extname(editor.document.fileName) === '.prompt')) return editor.document.uri;
  return undefined;
}
