import * as path from 'node:path';
import { confirmOutsideRead } from '../workspace/workspaceGuard';
import * as vscode from 'vscode';
import type { Dataset } from '../../core/datasets/datasetFile';
import type { DatasetCellResult } from '../../core/datasets/datasetRuns';
import { contentHash } from '../../core/prompt/contentHash';
import { parseModelId } from '../../core/providers/modelId';
import type { DatasetPanelState, DatasetPanelToHost } from '../../shared/datasetPanelProtocol';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { confirmDatasetCost } from './datasetCost';
import { DatasetPanel } from './datasetPanel';
import type { BatchJobs } from '../batch/batchJobs';
import { caseView, cellView, emptyGrid, summarizeCells, unknownCaseView } from './gridState';

export interface RunDatasetOptions {
  /** The dataset file (absolute, or relative to the workspace folder); else `workbench.dataset`, else asked. */
  dataset?: string;
  /** Models to run on; else the prompt's `model` + `workbench.compare`, else the shortlist. */
  models?: string[];
  /** A dataset run id to resume; `false`: never offer to resume an interrupted run. */
  resume?: string | false;
  concurrency?: number;
  /** Run as a Bedrock batch job (true), live (false), or ask when the dataset is large enough (undefined). */
  batch?: boolean;
}

/** What Run Dataset resolves with (for the tests and scripts): the grid as it ended. A batch submission resolves undefined (its jobs are in the Bedrock Jobs view). */
export interface RunDatasetResult {
  datasetRunId: string;
  state: DatasetPanelState;
}

/**
 * Run Dataset: every case of a prompt's dataset on the shortlisted models, with a progress
 * notification that can cancel, into one results grid (rated cell by cell), resumable when a
 * run was interrupted. The work itself is core's `runDataset`.
 */
export class DatasetController implements vscode.Disposable {
  private panel: DatasetPanel | undefined;
  private running: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: WorkbenchServices,
    private readonly extensionUri: vscode.Uri,
    /** Submits a dataset as Bedrock batch jobs (src/host/batch/batchJobs.ts). */
    private readonly batch?: Pick<BatchJobs, 'submit'>,
  ) {}

  get currentState(): DatasetPanelState | undefined {
    return this.panel?.current;
  }

  async run(uriArg?: vscode.Uri, options: RunDatasetOptions = {}): Promise<RunDatasetResult | undefined> {
    const target = promptInWorkspace(uriArg, vscode.l10n.t('Open a .prompt file to run its dataset.'), (name) =>
      vscode.l10n.t('Dataset runs are recorded in the workspace: open the folder that holds {0}.', name),
    );
    if (!target) return undefined;
    const { uri, folder } = target;
    if (this.running) {
      void vscode.window.showWarningMessage(vscode.l10n.t('A dataset run is in progress: stop it first (Cancel on its notification).'));
      return undefined;
    }
    const engine = await loadEngine();
    const document = await vscode.workspace.openTextDocument(uri);
    const file = uri.fsPath;
    // Parsed once for the whole dataset run: the cost guard and every case use this document.
    const prompt = engine.promptDocument(document.getText(), file);
    const parsed = prompt.parsed;
    const promptPath = path.relative(folder, file).split(path.sep).join('/');

    let resumeId = typeof options.resume === 'string' ? options.resume : undefined;
    if (options.resume === undefined && !options.dataset && !options.models) resumeId = await this.offerResume(folder, promptPath);
    const resumed = resumeId ? await engine.loadDatasetRun(folder, resumeId) : undefined;
    if (resumeId && !resumed) {
      void vscode.window.showErrorMessage(vscode.l10n.t('No dataset run {0} is recorded in .prompt-workbench/dataset-runs.jsonl.', resumeId));
      return undefined;
    }

    const datasetFile = resumed
      ? path.resolve(folder, resumed.manifest.dataset.path)
      : options.dataset
        ? path.resolve(folder, options.dataset)
        : typeof parsed.workbench.dataset === 'string'
          ? engine.resolveDatasetPath(parsed.workbench.dataset, file, folder)
          : await pickDatasetFile(folder);
    if (!datasetFile) return undefined;
    const required = (await engine.describeInputFields(parsed)).filter((f) => f.required && f.defaultText === null).map((f) => f.name);
    let dataset: Dataset;
    try {
      dataset = await engine.readDataset(datasetFile, { requiredInputs: required, policy: { root: folder, confirmOutside: confirmOutsideRead } });
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      void vscode.window.showErrorMessage(
        missing
          ? vscode.l10n.t('The dataset {0} does not exist. Create it (one JSON object of inputs per line), or point workbench.dataset at another file.', datasetFile)
          : vscode.l10n.t('The dataset {0} cannot be read: {1}', datasetFile, (err as Error).message),
      );
      return undefined;
    }
    const problems = dataset.problems.map((p) => `${path.basename(datasetFile)}:${p.line}: ${p.message}`);
    for (const p of problems) this.services.log.warn(`Dataset row skipped: ${p}`);
    if (dataset.missingColumns.length) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('{0} has no column {1}, which the prompt’s input schema requires. Add the column, or give the input a default.', path.basename(datasetFile), dataset.missingColumns.map((c) => `“${c}”`).join(', ')),
      );
      return undefined;
    }
    if (!dataset.cases.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} has no case to run: every row was skipped, or the file is empty. See the Prompt Workbench log.', path.basename(datasetFile)));
      return undefined;
    }
    if (problems.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} rows of the dataset were skipped; the first: {1}', problems.length, problems[0]));
    }

    const models = options.models?.length
      ? options.models
      : resumed
        ? resumed.manifest.models
        : this.services.selection.comparisonModels(parsed.model, parsed.workbench.compare).models;
    const checks = engine.parseCheckSpecs(parsed.workbench.checks);
    for (const p of checks.problems) this.services.log.warn(`workbench.checks of ${promptPath}: ${p} (left out)`);
    const runner = await this.services.runnerFor(folder);
    const settings = this.services.currentSettings.datasets;
    const concurrency = options.concurrency ?? settings.concurrency;
    const judgeModel = settings.judgeModel ?? this.services.selection.activeModel;

    const asBatch = resumed || !this.batch ? false : await this.chooseBatch(options, dataset, models);
    if (asBatch === undefined) return undefined;
    if (asBatch && this.batch) {
      await this.batch.submit({ folder, promptUri: uri, runner, document: prompt, dataset, models: models.map((m) => parseModelId(m).qualified), promptChecks: checks.checks });
      return undefined;
    }
    // A resumed run was accepted when it started; it runs only what is missing.
    if (!resumed && !(await confirmDatasetCost(this.services, runner, prompt, dataset.cases, models.map((m) => parseModelId(m).qualified)))) return undefined;

    const caseViews = dataset.cases.map(caseView);
    const qualified = [...new Set(models.map((m) => parseModelId(m).qualified))];
    const base = {
      datasetRunId: resumeId ?? '',
      workspaceFolder: folder,
      promptUri: uri.toString(),
      promptName: parsed.name ?? path.basename(file, '.prompt'),
      promptVersion: parsed.version ?? 1,
      promptContentHash: contentHash(prompt.source),
      datasetPath: path.relative(folder, datasetFile).split(path.sep).join('/'),
      models: qualified,
      cases: caseViews,
      problems,
    };
    const panel = this.panelFor(emptyGrid(base));
    const abort = new AbortController();
    this.running = abort;
    const indexOf = new Map(caseViews.map((c, i) => [c.id, i]));
    const place = (state: DatasetPanelState, cell: DatasetCellResult): DatasetPanelState => {
      const i = indexOf.get(cell.caseId);
      const j = state.models.indexOf(cell.model);
      if (i === undefined || j < 0) return state;
      const cells = state.cells.slice();
      cells[i * state.models.length + j] = cellView(cell, state.cells[i * state.models.length + j]?.stars ?? null);
      return { ...state, cells, summary: summarizeCells(cells, state.models) };
    };

    let tally: { hits: number; misses: number } | undefined;
    this.services.log.info(`Run dataset ${base.datasetPath} on ${qualified.join(', ')} (${dataset.cases.length} cases${resumeId ? `, resuming ${resumeId}` : ''})`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Running dataset {0}', base.datasetPath), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          const cache = await this.services.responseCacheFor(folder);
          cache.tally = new engine.CacheTally();
          tally = cache.tally;
          return engine.runDataset({
            runner,
            document: prompt,
            dataset,
            models: qualified,
            promptChecks: checks.checks,
            workspaceFolder: folder,
            resumeId,
            concurrency,
            signal: abort.signal,
            judge: engine.createModelJudge({ providers: this.services.providers, catalog: this.services.catalog, responseCache: () => cache }),
            judgeModel,
            onProgress: (p) => {
              let state = { ...panel.current, done: p.done, total: p.total };
              if (p.cell) state = place(state, p.cell);
              panel.setState(state);
              const of = vscode.l10n.t('{0} of {1}', p.done, p.total);
              const pace = p.throttles ? vscode.l10n.t('{0} at once, {1} throttled (retried)', p.concurrency ?? concurrency, p.throttles) : vscode.l10n.t('{0} at once', p.concurrency ?? concurrency);
              progress.report({ increment: ((p.done - reported) / Math.max(1, p.total)) * 100, message: `${of} · ${pace}` });
              reported = p.done;
            },
          });
        },
      );
      let state: DatasetPanelState = { ...panel.current, datasetRunId: result.datasetRunId };
      for (const cell of result.cells) state = place(state, cell);
      state = await this.withStars(state);
      const status = result.cancelled ? 'cancelled' : 'done';
      const cached = tally && tally.hits ? vscode.l10n.t('{0} of {1} answers from the response cache (no call, no cost).', tally.hits, tally.hits + tally.misses) : null;
      const message = result.cancelled ? vscode.l10n.t('Cancelled: Resume runs only the cases that are missing.') : cached;
      if (tally) this.services.log.info(`Response cache: ${tally.hits} hits, ${tally.misses} misses`);
      panel.setState({ ...state, status, message, done: result.cells.filter((c) => c.status !== 'not-run').length }, true);
      return { datasetRunId: result.datasetRunId, state: panel.current };
    } catch (err) {
      const message = vscode.l10n.t('The dataset run failed: {0}', (err as Error).message);
      this.services.log.error(message);
      panel.update({ status: 'cancelled', message }, true);
      void vscode.window.showErrorMessage(message);
      return undefined;
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  /** Whether to run as a batch job: as asked, or offered when every model is on Bedrock and the dataset is large. */
  private async chooseBatch(options: RunDatasetOptions, dataset: Dataset, models: readonly string[]): Promise<boolean | undefined> {
    if (options.batch !== undefined) return options.batch;
    const large = dataset.cases.length >= this.services.currentSettings.batch.minCases;
    if (!large || !models.every((m) => parseModelId(m).provider === 'bedrock')) return false;
    const live = vscode.l10n.t('Run live now');
    const batch = vscode.l10n.t('Run as a Bedrock batch job (half price, results later)');
    const picked = await vscode.window.showQuickPick([live, batch], {
      title: vscode.l10n.t('{0} cases × {1} models', dataset.cases.length, models.length),
      placeHolder: vscode.l10n.t('A batch job costs half the on-demand price and returns within its time window; a live run answers now'),
    });
    return picked === undefined ? undefined : picked === batch;
  }

  /** Opens a recorded dataset run in the grid (a batch job's results). */
  async openRecorded(folder: string, datasetRunId: string): Promise<void> {
    const engine = await loadEngine();
    const loaded = await engine.loadDatasetRun(folder, datasetRunId);
    if (!loaded) {
      void vscode.window.showErrorMessage(vscode.l10n.t('No dataset run {0} is recorded in .prompt-workbench/dataset-runs.jsonl.', datasetRunId));
      return;
    }
    const { manifest } = loaded;
    const promptUri = manifest.prompt.path ? vscode.Uri.file(path.resolve(folder, manifest.prompt.path)).toString() : null;
    let cases: DatasetPanelState['cases'] = manifest.caseIds.map((id) => unknownCaseView(id));
    const dataset = await engine.readDataset(path.resolve(folder, manifest.dataset.path), { policy: { root: folder } }).catch(() => undefined);
    if (dataset) {
      const known = new Map(dataset.cases.map((c) => [c.id, caseView(c)]));
      cases = manifest.caseIds.map((id) => known.get(id) ?? unknownCaseView(id));
    }
    const cells = loaded.cells.map((c) => cellView(c));
    const base = emptyGrid({
      datasetRunId,
      workspaceFolder: folder,
      promptUri,
      promptName: manifest.prompt.name,
      promptVersion: manifest.prompt.version,
      datasetPath: manifest.dataset.path,
      models: manifest.models,
      cases,
      problems: [],
    });
    const panel = this.panelFor(base);
    const state = await this.withStars({
      ...base,
      promptContentHash: manifest.prompt.contentHash,
      cells,
      summary: summarizeCells(cells, manifest.models),
      status: loaded.interrupted ? 'interrupted' : 'done',
      done: cells.filter((c) => c.status !== 'not-run').length,
      total: cells.length,
      message: loaded.interrupted ? vscode.l10n.t('Some cases have no answer yet: the batch job is still running, or use Retry in the Bedrock Jobs view.') : null,
    });
    panel.setState(state, true);
  }

  /** Offers to resume the prompt's latest dataset run when it was interrupted; its id, or undefined for a new run. */
  private async offerResume(folder: string, promptPath: string): Promise<string | undefined> {
    const engine = await loadEngine();
    const [latest] = await engine.listDatasetRuns(folder, promptPath);
    if (!latest?.interrupted) return undefined;
    const resume = vscode.l10n.t('Resume');
    const fresh = vscode.l10n.t('Start Over');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('The last dataset run of this prompt stopped with {0} of {1} results. Resume it (only the missing ones run) or start over?', latest.settled, latest.total),
      resume,
      fresh,
    );
    return choice === resume ? latest.manifest.id : undefined;
  }

  /** Reopens a recorded dataset run in the grid (a panel restored after a reload). */
  async restore(webviewPanel: vscode.WebviewPanel, saved: DatasetPanelState | undefined): Promise<void> {
    const panel = new DatasetPanel(webviewPanel, this.extensionUri, saved ?? emptyRestored());
    this.track(panel);
    if (!saved?.datasetRunId || !saved.workspaceFolder) return;
    const engine = await loadEngine();
    const loaded = await engine.loadDatasetRun(saved.workspaceFolder, saved.datasetRunId).catch(() => undefined);
    if (!loaded) {
      panel.update({ status: saved.status === 'running' ? 'interrupted' : saved.status }, true);
      return;
    }
    const known = new Map(saved.cases.map((c) => [c.id, c]));
    const cells = loaded.cells.map((c) => cellView(c));
    let state: DatasetPanelState = {
      ...saved,
      promptContentHash: loaded.manifest.prompt.contentHash,
      models: loaded.manifest.models,
      cases: loaded.manifest.caseIds.map((id) => known.get(id) ?? unknownCaseView(id)),
      cells,
      summary: summarizeCells(cells, loaded.manifest.models),
      status: loaded.interrupted ? 'interrupted' : 'done',
      done: cells.filter((c) => c.status !== 'not-run').length,
      total: cells.length,
      message: loaded.interrupted ? vscode.l10n.t('This run was interrupted: Resume runs only the cases that are missing.') : null,
    };
    state = await this.withStars(state);
    panel.setState(state, true);
  }

  private panelFor(state: DatasetPanelState): DatasetPanel {
    if (this.panel) {
      this.panel.setState(state, true);
      this.panel.reveal();
      return this.panel;
    }
    return this.track(DatasetPanel.create(this.extensionUri, state));
  }

  private track(panel: DatasetPanel): DatasetPanel {
    this.panel?.dispose();
    this.panel = panel;
    const subscription = panel.onMessage((m) => void this.onMessage(panel, m).catch((err: Error) => {
      this.services.log.error(err.message);
      panel.update({ message: err.message }, true);
    }));
    panel.onDidDispose(() => {
      subscription.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
    return panel;
  }

  private async onMessage(panel: DatasetPanel, message: DatasetPanelToHost): Promise<void> {
    const state = panel.current;
    switch (message.type) {
      case 'stop':
        this.running?.abort();
        break;
      case 'resume': {
        if (!state.promptUri || !state.datasetRunId) return;
        await this.run(vscode.Uri.parse(state.promptUri), { resume: state.datasetRunId });
        break;
      }
      case 'rate': {
        const index = state.cells.findIndex((c) => c.caseId === message.caseId && c.model === message.model);
        const cell = state.cells[index];
        if (!cell?.runId) return;
        const prompt = { name: state.promptName, version: state.promptVersion, contentHash: state.promptContentHash ?? null };
        await this.services.ratings.service.rate(state.workspaceFolder, { runId: cell.runId, prompt, model: cell.model }, { kind: 'stars', criterion: 'overall', value: message.stars });
        const cells = panel.current.cells.slice();
        cells[index] = { ...cells[index], stars: message.stars };
        panel.update({ cells, message: vscode.l10n.t('Rated {0} stars: {1} on case {2}.', message.stars, cell.model, cell.caseId) }, true);
        break;
      }
    }
  }

  /** Each answered cell's overall stars, as the ratings file says now. */
  private async withStars(state: DatasetPanelState): Promise<DatasetPanelState> {
    const service = this.services.ratings.service;
    const cells = await Promise.all(
      state.cells.map(async (c) => (c.runId ? { ...c, stars: (await service.stateOf(state.workspaceFolder, c.runId)).stars.overall ?? null } : c)),
    );
    return { ...state, cells };
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

async function pickDatasetFile(folder: string): Promise<string | undefined> {
  const [picked] =
    (await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Pick the dataset to run (JSONL or CSV); set workbench.dataset in the prompt to skip this question'),
      defaultUri: vscode.Uri.file(folder),
      canSelectMany: false,
      filters: { [vscode.l10n.t('Datasets')]: ['jsonl', 'csv', 'tsv'] },
    })) ?? [];
  return picked?.fsPath;
}

function emptyRestored(): DatasetPanelState {
  return { datasetRunId: '', workspaceFolder: '', promptUri: null, promptName: '', promptVersion: 1, datasetPath: '', models: [], cases: [], cells: [], summary: [], status: 'done', done: 0, total: 0, problems: [], message: null };
}

/** The active `.prompt` editor, else a visible one (the run panel may have the focus). */
/** The prompt to work on (the given one, else the active editor's) and its workspace folder; warns and gives undefined when either is missing. */
export function promptInWorkspace(uriArg: vscode.Uri | undefined, noPrompt: string, noFolder: (fileName: string) => string): { uri: vscode.Uri; folder: string } | undefined {
  const uri = uriArg ?? activePromptUri();
  if (!uri) {
    void vscode.window.showWarningMessage(noPrompt);
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  if (!folder) {
    void vscode.window.showWarningMessage(noFolder(path.basename(uri.fsPath)));
    return undefined;
  }
  return { uri, folder };
}

export function activePromptUri(): vscode.Uri | undefined {
  const isPrompt = (e: vscode.TextEditor | undefined) => !!e && (e.document.languageId === PROMPT_LANGUAGE_ID || e.document.fileName.endsWith('.prompt'));
  const active = vscode.window.activeTextEditor;
  if (isPrompt(active)) return active!.document.uri;
  return vscode.window.visibleTextEditors.find(isPrompt)?.document.uri;
}
