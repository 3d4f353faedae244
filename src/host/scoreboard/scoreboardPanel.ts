import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRetrievalEvals } from '../../core/rag/retrievalEvalRecords';
import type { ScoreboardFilters, ScoreWeights } from '../../core/ratings/scoreboardView';
import { writeFileAtomic } from '../../core/workspace/guardedFs';
import { WorkbenchPaths } from '../../core/workspace/paths';
import type { HostToScoreboard, RetrievalSection, ScoreboardSnapshot, ScoreboardToHost } from '../../shared/scoreboardProtocol';
import { COMMAND } from '../commandIds';
import { retrievalQuestionsPath } from '../rag/ragSettings';
import { loadEngine } from '../loadEngine';
import { workingPrompts } from '../versions/versionsTree';
import type { RatingService } from '../../core/ratings/ratingService';
import { PanelShell } from '../webview/panelShell';
import { escapeHtml } from '../webview/webviewHtml';

type Engine = Awaited<ReturnType<typeof loadEngine>>;
type ScoreboardDataReader = import('../../core/ratings/scoreboardCache').ScoreboardDataReader;

export const SCOREBOARD_VIEW_TYPE = 'promptWorkbench.scoreboard';
const WEIGHTS_KEY = 'promptWorkbench.scoreboard.weights';
const FILTERS_KEY = 'promptWorkbench.scoreboard.filters';
/** Changes on disk come in bursts (a CLI eval appends thousands of lines): read once they settle. */
const DEBOUNCE_MS = 300;

/** The page, in the display language: static markup with escaped, translated texts. */
function body(): string {
  return `<div id="app" aria-label="${escapeHtml(vscode.l10n.t('Scoreboard'))}"></div>`;
}

/**
 * Owns the window's Scoreboard panel (one at most): built once in activate() and handed to
 * the commands and the serializer, instead of a static field on the panel class.
 */
export class ScoreboardPanels implements vscode.Disposable {
  private current: ScoreboardPanel | undefined;
  /**
   * Kept for the window, not the panel: a reopened panel reads only what was appended since
   * (core scoreboardCache.ts), not 100,000 lines again.
   */
  private reader: ScoreboardDataReader | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly recorder: RatingService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The panel when one is open. */
  get open(): ScoreboardPanel | undefined {
    return this.current;
  }

  /** Reveals the panel, creating it when there is none; `created` says which. */
  show(): { panel: ScoreboardPanel; created: boolean } {
    if (this.current) {
      this.current.panel.reveal(undefined, true);
      return { panel: this.current, created: false };
    }
    const panel = PanelShell.open(this.context.extensionUri, { viewType: SCOREBOARD_VIEW_TYPE, title: vscode.l10n.t('Scoreboard'), viewColumn: vscode.ViewColumn.Active, preserveFocus: false });
    return { panel: this.adopt(panel), created: true };
  }

  /** A panel VS Code brings back after a reload (the serializer). */
  restore(panel: vscode.WebviewPanel): ScoreboardPanel {
    this.current?.dispose();
    return this.adopt(panel);
  }

  /** The reader of these workspace folders' records (one per window, made again when the folders change). */
  readerFor(engine: Engine, folders: readonly string[]): ScoreboardDataReader {
    if (this.reader?.workspaceFolders.join('\0') !== folders.join('\0')) this.reader = new engine.ScoreboardDataReader(folders);
    return this.reader;
  }

  private adopt(webviewPanel: vscode.WebviewPanel): ScoreboardPanel {
    const panel: ScoreboardPanel = new ScoreboardPanel(webviewPanel, this.context, this.recorder, this.log, this, () => {
      if (this.current === panel) this.current = undefined;
    });
    return (this.current = panel);
  }

  dispose(): void {
    this.current?.dispose();
  }
}

/**
 * The Scoreboard panel, over every workspace folder's records. The host reads the
 * records and computes (dist/engine.js, loaded on first use); the webview only draws the
 * snapshot. It recomputes when ratings.jsonl or runs/*.jsonl change on disk (another window,
 * the CLI, a git pull), when this window records a rating, and when filters or weights change.
 */
export class ScoreboardPanel implements vscode.Disposable {
  private readonly shell: PanelShell<HostToScoreboard, ScoreboardToHost>;
  private snapshot: ScoreboardSnapshot | undefined;
  private computing: Promise<ScoreboardSnapshot> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  /** Built by `ScoreboardPanels` only. */
  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    recorder: RatingService,
    private readonly log: vscode.LogOutputChannel,
    private readonly owner: ScoreboardPanels,
    private readonly onDispose: () => void,
  ) {
    this.shell = new PanelShell(panel, context.extensionUri, { script: 'scoreboard.js', styles: ['scoreboard.css'], body: body() }, {
      sync: (reason) => {
        if (reason === 'ready' && (!this.snapshot || this.dirty)) void this.refresh().catch((err: Error) => this.report(err));
        else if (this.dirty) this.scheduleRefresh();
        else this.post();
      },
      receive: (m) => void this.onMessage(m).catch((err: Error) => this.report(err)),
    });
    const watchers = ['**/.prompt-workbench/ratings.jsonl', '**/.prompt-workbench/runs/*.jsonl', '**/.prompt-workbench/retrieval-evals.jsonl'].map((glob) =>
      vscode.workspace.createFileSystemWatcher(glob),
    );
    const changed = () => this.scheduleRefresh();
    this.shell.track(
      ...watchers,
      ...watchers.flatMap((w) => [w.onDidChange(changed), w.onDidCreate(changed), w.onDidDelete(changed)]),
      recorder.onDidRecord(changed),
      { dispose: () => this.dispose() },
    );
  }

  private get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** The snapshot once the data read now is computed (what the command resolves with). */
  async latest(): Promise<ScoreboardSnapshot> {
    if (this.timer || !this.snapshot) return this.refresh();
    return this.computing ?? this.snapshot;
  }

  scheduleRefresh(): void {
    this.dirty = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().catch((err: Error) => this.report(err));
    }, DEBOUNCE_MS);
  }

  /** Reads the records again and computes; concurrent calls share one computation. */
  refresh(): Promise<ScoreboardSnapshot> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.computing) {
      // Something changed while computing: compute once more after it.
      const after = this.computing.then(() => this.refresh());
      return after;
    }
    this.dirty = false;
    this.computing = this.compute().finally(() => (this.computing = undefined));
    return this.computing;
  }

  private async compute(): Promise<ScoreboardSnapshot> {
    const folder = this.folder;
    const engine = await loadEngine();
    let snapshot: ScoreboardSnapshot;
    if (!folder) {
      snapshot = { ...engine.buildScoreboardSnapshot({ runs: [], ratings: [], problems: [] }, {}, () => undefined), notice: vscode.l10n.t('Open a workspace folder: ratings and runs are kept in its .prompt-workbench/.') };
    } else {
      const started = performance.now();
      // Every folder of a multi-root workspace: each keeps its own .prompt-workbench/.
      const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      // Without narrowing filters, the persisted aggregate only: no record is read after a reload.
      const data = await this.owner.readerFor(engine, folders).read(this.filters);
      const readMs = performance.now() - started;
      snapshot = engine.buildScoreboardSnapshot(data, this.filters, (prompt) => this.weights[prompt], readMs);
      for (const p of snapshot.problems.first ? [snapshot.problems.first] : []) {
        this.log.warn(`Scoreboard: ${snapshot.problems.count} problem(s) reading the records; the first: ${vscode.workspace.asRelativePath(p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}`);
      }
      const { runs, ratings } = snapshot.totals;
      if (!runs && !ratings) snapshot.notice = vscode.l10n.t('No runs or ratings yet. Run or compare a prompt and rate the answers: they appear here.');
      this.log.info(`Scoreboard: read ${runs} runs + ${ratings} ratings in ${readMs.toFixed(0)} ms, computed in ${snapshot.timings.computeMs.toFixed(0)} ms`);
      snapshot.retrieval = await this.retrievalSection(folder, vscode.workspace.workspaceFolders ?? [folder]);
      if (snapshot.prompt) snapshot.improvedVersions = await engine.improvedVersions(folder.uri.fsPath, snapshot.prompt).catch(() => []);
    }
    this.snapshot = snapshot;
    this.post();
    return snapshot;
  }

  /**
   * The retrieval evaluations recorded in every workspace folder (the newest first), and the
   * questions file the setting names in the folder the panel belongs to.
   */
  private async retrievalSection(folder: vscode.WorkspaceFolder, all: readonly vscode.WorkspaceFolder[]): Promise<RetrievalSection> {
    const paths = new WorkbenchPaths(folder.uri.fsPath);
    const absolute = retrievalQuestionsPath(folder);
    const records: Awaited<ReturnType<typeof readRetrievalEvals>>['records'] = [];
    for (const f of all) {
      const p = new WorkbenchPaths(f.uri.fsPath);
      const read = await readRetrievalEvals(p.retrievalEvalsFile);
      records.push(...read.records);
      for (const problem of read.problems.slice(0, 1)) this.log.warn(`Scoreboard: ${vscode.workspace.asRelativePath(p.retrievalEvalsFile)}:${problem.line}: skipped: ${problem.message}`);
    }
    // Newest first over every folder, as many as one folder shows.
    if (all.length > 1) records.splice(0, records.length, ...records.sort((a, b) => b.ts.localeCompare(a.ts)).slice(0, 20));
    return {
      questionsFile: paths.relative(absolute),
      questionsExist: fs.existsSync(absolute),
      evals: records.map(({ ts, embedder, mode, k, questions, hitAt1, hitAtK, mrr }) => ({ ts, embedder, mode, k, questions, hitAt1, hitAtK, mrr })),
    };
  }

  private get filters(): ScoreboardFilters {
    return this.context.workspaceState.get<ScoreboardFilters>(FILTERS_KEY) ?? {};
  }

  private get weights(): Record<string, ScoreWeights> {
    return this.context.workspaceState.get<Record<string, ScoreWeights>>(WEIGHTS_KEY) ?? {};
  }

  private async onMessage(message: Exclude<ScoreboardToHost, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'refresh':
        await this.refresh();
        break;
      case 'setFilters':
        await this.context.workspaceState.update(FILTERS_KEY, sanitizeFilters(message.filters));
        await this.refresh();
        break;
      case 'setWeights':
        await this.setWeights(message.prompt, message.weights);
        break;
      case 'export':
        await this.export(message.format);
        break;
      case 'approve':
        if (typeof message.prompt === 'string' && Number.isInteger(message.version) && typeof message.model === 'string') {
          await vscode.commands.executeCommand(COMMAND.approveRelease, { prompt: message.prompt, version: message.version, model: message.model });
        }
        break;
      case 'improve':
        if (typeof message.prompt === 'string' && typeof message.model === 'string') await this.improve(message.prompt, message.model);
        break;
      case 'evaluateRetrieval':
        await vscode.commands.executeCommand(COMMAND.evaluateRetrieval);
        await this.refresh();
        break;
    }
  }

  /** Improve Prompt on the file that holds the row's prompt (its current text), tried on the row's model. */
  private async improve(prompt: string, model: string): Promise<void> {
    const engine = await loadEngine();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const candidate of await workingPrompts(folder)) {
        if (engine.promptDocument(candidate.text, candidate.file).name !== prompt) continue;
        await vscode.commands.executeCommand(COMMAND.improvePrompt, vscode.Uri.file(candidate.file), { models: [model] });
        return;
      }
    }
    void vscode.window.showWarningMessage(vscode.l10n.t('No .prompt file in the workspace is named {0}: open it to improve it.', prompt));
  }

  /** Saves a prompt's weights (in workspaceState) and recomputes. */
  async setWeights(prompt: string, weights: ScoreWeights): Promise<ScoreboardSnapshot> {
    const clean = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
    await this.context.workspaceState.update(WEIGHTS_KEY, { ...this.weights, [prompt]: { quality: clean(weights.quality), speed: clean(weights.speed), cost: clean(weights.cost) } });
    return this.refresh();
  }

  /**
   * Shows `prompt`, or with null the prompt most recently rated or run (the snapshot falls
   * back to that one too when `prompt` has no records). The other filters stay.
   */
  async openOn(prompt: string | null): Promise<ScoreboardSnapshot> {
    if ((this.filters.prompt ?? null) === prompt && this.snapshot) return this.latest();
    return this.setFilters({ ...this.filters, prompt });
  }

  async setFilters(filters: ScoreboardFilters): Promise<ScoreboardSnapshot> {
    await this.context.workspaceState.update(FILTERS_KEY, sanitizeFilters(filters));
    return this.refresh();
  }

  /** Writes the rows shown (filters applied) as CSV or JSON; asks where unless `target` is given. */
  async export(format: 'csv' | 'json', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const snapshot = await this.latest();
    const folder = this.folder?.uri;
    const name = `scoreboard-${snapshot.prompt ?? 'all'}.${format}`.replace(/[^\w.-]+/g, '-');
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export the scoreboard'),
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
        filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      }));
    if (!uri) return undefined;
    const engine = await loadEngine();
    const rows = snapshot.rows.map((r) => r.row);
    const text =
      format === 'csv'
        ? engine.scoreboardCsv(rows, snapshot.rows.map((r) => r.combined))
        : JSON.stringify({ rows, combined: snapshot.rows.map((r) => r.combined), filters: snapshot.filters, weights: snapshot.weights, recommendation: snapshot.recommendation }, null, 2) + '\n';
    // Where the person chose (outside the workspace too), through the guarded layer: whole or not at all, never through a link.
    await writeFileAtomic(uri.fsPath, text, path.dirname(uri.fsPath));
    if (!target) void vscode.window.showInformationMessage(vscode.l10n.t('Scoreboard exported to {0}.', uri.fsPath));
    return uri;
  }

  private post(): void {
    if (this.snapshot) this.shell.post({ type: 'snapshot', state: this.snapshot });
  }

  private report(err: Error): void {
    this.log.error(`Scoreboard: ${err.message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('The scoreboard could not be updated: {0}', err.message));
  }

  dispose(): void {
    this.onDispose();
    if (this.timer) clearTimeout(this.timer);
    this.shell.dispose();
  }
}

function sanitizeFilters(f: ScoreboardFilters): ScoreboardFilters {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    prompt: text(f.prompt),
    versions: Array.isArray(f.versions) ? f.versions.filter((x): x is number => Number.isInteger(x)) : [],
    models: strings(f.models),
    raters: strings(f.raters),
    from: text(f.from),
    to: text(f.to),
    dataset: text(f.dataset),
  };
}
