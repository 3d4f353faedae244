import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Dataset } from '../../core/datasets/datasetFile';
import type { CandidateSource } from '../../core/improve/candidate';
import type { Comparison, FlippedCase, VersionFigures } from '../../core/improve/comparison';
import type { ImproveEvent, ImproveRoundResult, ProposalSource } from '../../core/improve/improveRound';
import { formatUsd } from '../../core/format/units';
import { parseModelId } from '../../core/providers/modelId';
import type { ImproveCandidateView, ImproveDiffLine, ImproveFiguresView, ImprovePanelState, ImproveRoundView } from '../../shared/improvePanelProtocol';
import { COMMAND } from '../commandIds';
import { confirmDatasetCost } from '../datasets/datasetCost';
import { promptInWorkspace } from '../datasets/datasetController';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';
import { ImprovePanel } from './improvePanel';

export interface ImprovePromptOptions {
  source?: CandidateSource;
  /** The improver model of the "from your failures" source; else `promptWorkbench.datasets.judgeModel`, else the prompt's model. */
  judgeModel?: string;
  models?: string[];
  candidates?: number;
  /** A dataset file (relative to the workspace folder) instead of `workbench.dataset`. */
  dataset?: string;
}

/** What a round ended with (for tests and scripts). */
export interface ImprovePromptResult {
  state: ImprovePanelState;
  result: ImproveRoundResult;
}

/**
 * Improve Prompt: runs one round (core/improve/improveRound.ts) on the prompt's dataset with the
 * chosen source, shows it in the Improve panel as it goes, and saves a candidate only when the
 * person clicks Save as New Version. Rounds accumulate in the panel (improve the improved version).
 */
export class ImproveController implements vscode.Disposable {
  private panel: ImprovePanel | undefined;
  private running: AbortController | undefined;
  private last: { uri: vscode.Uri; folder: string; options: ImprovePromptOptions; result?: ImproveRoundResult; text: string }[] = [];

  constructor(private readonly services: WorkbenchServices, private readonly extensionUri: vscode.Uri) {}

  get currentState(): ImprovePanelState | undefined {
    return this.panel?.current;
  }

  async improve(uriArg?: vscode.Uri, options: ImprovePromptOptions = {}): Promise<ImprovePromptResult | undefined> {
    const target = promptInWorkspace(uriArg, vscode.l10n.t('Open a .prompt file to improve it.'), (name) => vscode.l10n.t('Improve Prompt records its trials in the workspace: open the folder that holds {0}.', name));
    if (!target) return undefined;
    if (this.running) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Improve Prompt is already running: wait for its round to end, or cancel it.'));
      return undefined;
    }
    const { uri, folder } = target;
    const engine = await loadEngine();
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const prompt = engine.promptDocument(text, uri.fsPath);
    const parsed = prompt.parsed;
    const name = parsed.name ?? path.basename(uri.fsPath, '.prompt');
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} has errors (see the Problems view); fix them before improving it.', name));
      return undefined;
    }
    const dataset = await this.datasetOf(uri, folder, options, parsed.workbench.dataset, name);
    if (!dataset) return undefined;
    const source = options.source ?? (await pickSource());
    if (!source) return undefined;
    const models = (options.models?.length ? options.models : this.services.selection.comparisonModels(parsed.model, parsed.workbench.compare).models).map((m) => parseModelId(m).qualified);
    const settings = this.services.currentSettings.datasets;
    const improver = options.judgeModel ?? settings.judgeModel ?? models[0];
    const checks = engine.parseCheckSpecs(parsed.workbench.checks);
    const runner = await this.services.runnerFor(folder);
    // The current version's run is the one the guard can price; each candidate costs about as much again.
    if (!(await confirmDatasetCost(this.services, runner, prompt, dataset.cases, models))) return undefined;
    const candidateRunner = await this.services.runnerFor(engine.improveTrialsFolder(folder));
    const connection = await this.services.awsConnection();
    const providers = this.services.providers;
    const catalog = this.services.catalog;
    const propose: ProposalSource =
      source === 'bedrock'
        ? async (r) => [{ reasoning: '', text: (await engine.optimizeWithBedrock({ connection, text: r.mapping.plain, targetModel: models[0], signal: r.signal, onAnalysis: r.onAnalysis })).text }]
        : async (r) => (await engine.proposeFromFailures({ providers, catalog, judgeModel: improver, plain: r.mapping.plain, rubric: r.rubric, failures: engine.pickFailures(r.failures), count: r.count, signal: r.signal })).proposals;

    const previous = this.panel && !this.panel.isDisposed ? this.panel.current.rounds : [];
    const roundNumber = previous.length + 1;
    let round: ImproveRoundView = {
      round: roundNumber,
      sourceLabel: source === 'bedrock' ? vscode.l10n.t("Bedrock's prompt optimizer") : vscode.l10n.t('From your failures ({0})', improver),
      version: parsed.version ?? 1,
      status: 'running',
      phase: vscode.l10n.t('Running the current version on {0} cases × {1} models…', dataset.cases.length, models.length),
      analysis: [],
      baseline: null,
      candidates: [],
      saved: null,
      error: null,
    };
    const panel = this.panelFor({ promptName: name, rounds: [...previous, round] });
    const show = (patch: Partial<ImproveRoundView>) => {
      round = { ...round, ...patch };
      panel.setState({ promptName: name, rounds: [...previous, round] });
    };
    const onEvent = (e: ImproveEvent) => {
      if (e.type === 'baseline-progress') show({ phase: vscode.l10n.t('Running the current version: {0} of {1}', e.progress.done, e.progress.total) });
      else if (e.type === 'baseline') show({ phase: vscode.l10n.t('Asking for proposals…') });
      else if (e.type === 'analysis') show({ analysis: [...round.analysis, e.message] });
      else if (e.type === 'candidate') show({ candidates: [...round.candidates, candidateView(e.candidate, engine.lineDiff(text, e.candidate.text))], phase: vscode.l10n.t('Trying the candidates on your cases…') });
      else if (e.type === 'candidate-progress') {
        show({ candidates: round.candidates.map((c) => (c.index === e.index ? { ...c, progress: vscode.l10n.t('{0} of {1}', e.progress.done, e.progress.total) } : c)) });
      } else if (e.type === 'candidate-result') {
        show({ baseline: figuresView(e.result.comparison.baseline), candidates: round.candidates.map((c) => (c.index === e.result.candidate.index ? withComparison(c, e.result.comparison) : c)) });
      }
    };

    const abort = new AbortController();
    this.running = abort;
    this.services.log.info(`Improve Prompt: ${name} v${round.version}, ${source}, ${dataset.cases.length} cases on ${models.join(', ')}`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Improving {0}', name), cancellable: true },
        async (_progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return engine.improveRound({
            runner,
            candidateRunner,
            document: prompt,
            text,
            dataset,
            models,
            promptChecks: checks.checks,
            judge: engine.createModelJudge({ providers, catalog }),
            judgeModel: settings.judgeModel,
            workspaceFolder: folder,
            candidateWorkspaceFolder: engine.improveTrialsFolder(folder),
            source,
            propose,
            comments: await engine.caseComments(folder, { name, version: parsed.version ?? 1 }).catch(() => undefined),
            count: options.candidates ?? 3,
            concurrency: settings.concurrency,
            signal: abort.signal,
            onEvent,
          });
        },
      );
      const ranks = new Map(result.ranked.map((r, i) => [r.candidate.index, i + 1]));
      show({
        status: 'done',
        phase: result.ranked.length ? vscode.l10n.t('Done: {0} candidates tried.', result.ranked.length) : vscode.l10n.t('No candidate could be tried (see why under each).'),
        candidates: round.candidates.map((c) => ({ ...c, rank: ranks.get(c.index) ?? null, progress: null })),
      });
      this.last[roundNumber - 1] = { uri, folder, options: { ...options, source }, result, text };
      return { state: panel.current, result };
    } catch (err) {
      const message = (err as Error).message;
      this.services.log.error(`Improve Prompt failed: ${message}`);
      show({ status: 'failed', error: message, phase: '' });
      void vscode.window.showErrorMessage(message);
      return undefined;
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  /** Save as New Version for a candidate of a round; nothing is written without this. */
  async save(roundNumber: number, index: number): Promise<number | undefined> {
    const round = this.last[roundNumber - 1];
    const tried = round?.result?.ranked.find((r) => r.candidate.index === index);
    if (!round || !tried) return undefined;
    const document = await vscode.workspace.openTextDocument(round.uri);
    if (document.isDirty || document.getText() !== round.text) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} changed since this round began: save or undo your edits, then run Improve Prompt again.', path.basename(round.uri.fsPath)));
      return undefined;
    }
    const engine = await loadEngine();
    try {
      const saved = await engine.saveCandidate({ workspaceFolder: round.folder, file: round.uri.fsPath, currentText: round.text, candidateText: tried.candidate.text, datasetRunId: tried.datasetRunId });
      const message = vscode.l10n.t('Saved as version {0}; {1} trial runs count for it.', saved.version, saved.adoptedRuns) + (saved.notice ? ` ${saved.notice}` : '');
      const state = this.panel?.current;
      if (state && this.panel) this.panel.setState({ ...state, rounds: state.rounds.map((r) => (r.round === roundNumber ? { ...r, saved: message } : r)) });
      void vscode.window.showInformationMessage(message);
      return saved.version;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the candidate: {0}', (err as Error).message));
      return undefined;
    }
  }

  private async datasetOf(uri: vscode.Uri, folder: string, options: ImprovePromptOptions, declared: unknown, name: string): Promise<Dataset | undefined> {
    const engine = await loadEngine();
    const spec = options.dataset ?? (typeof declared === 'string' ? declared : undefined);
    const file = spec ? (options.dataset ? path.resolve(folder, spec) : engine.resolveDatasetPath(spec, uri.fsPath, folder)) : undefined;
    const offerAdd = async (message: string) => {
      const add = vscode.l10n.t('Add to Dataset');
      if ((await vscode.window.showWarningMessage(message, add)) === add) await vscode.commands.executeCommand(COMMAND.addToDataset, uri);
      return undefined;
    };
    if (!file) return offerAdd(vscode.l10n.t('{0} has no dataset to try candidates on. Make one from the runs it already has: Add to Dataset.', name));
    try {
      const dataset = await engine.readDataset(file, { policy: { root: folder } });
      if (!dataset.cases.length) return offerAdd(vscode.l10n.t('{0} has no case to try candidates on: add cases from your runs (Add to Dataset).', path.basename(file)));
      return dataset;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return offerAdd(vscode.l10n.t('The dataset {0} does not exist yet. Make it from the runs {1} already has: Add to Dataset.', spec ?? '', name));
      void vscode.window.showErrorMessage(vscode.l10n.t('The dataset {0} cannot be read: {1}', file, (err as Error).message));
      return undefined;
    }
  }

  private panelFor(state: ImprovePanelState): ImprovePanel {
    if (this.panel && !this.panel.isDisposed) {
      this.panel.setState(state);
      this.panel.reveal();
      return this.panel;
    }
    const panel = ImprovePanel.create(this.extensionUri, state);
    panel.onMessage((m) => {
      if (m.type === 'save') void this.save(m.round, m.index);
      else if (m.type === 'improveAgain') {
        const last = this.last[this.last.length - 1];
        if (last) void this.improve(last.uri, last.options);
      }
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.last = [];
      }
    });
    this.panel = panel;
    return panel;
  }

  dispose(): void {
    this.running?.abort();
    this.panel?.dispose();
  }
}

async function pickSource(): Promise<CandidateSource | undefined> {
  const items = [
    { label: vscode.l10n.t('From your failures'), detail: vscode.l10n.t('A model reads the cases this version fails and proposes rewrites'), source: 'failures' as const },
    { label: vscode.l10n.t("Bedrock's prompt optimizer"), detail: vscode.l10n.t('OptimizePrompt on Amazon Bedrock rewrites the prompt for its model'), source: 'bedrock' as const },
  ];
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Improve Prompt: where the proposals come from') }))?.source;
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function figuresView(f: VersionFigures): ImproveFiguresView {
  const rate = f.passRate.rate === null ? '—' : `${pct(f.passRate.rate)}${f.passRate.lo !== null ? ` [${pct(f.passRate.lo)}–${pct(f.passRate.hi)}]` : ''}`;
  const score = f.score.mean === null ? '—' : `${f.score.mean.toFixed(2)}${f.score.lo !== null ? ` [${f.score.lo.toFixed(2)}–${f.score.hi!.toFixed(2)}]` : ''}`;
  const time = f.secondsPer1k === null ? '—' : f.secondsPer1k >= 120 ? vscode.l10n.t('{0} min', Math.round(f.secondsPer1k / 60)) : vscode.l10n.t('{0} s', f.secondsPer1k);
  return { passRate: rate, score, costPer1k: formatUsd(f.costPer1kUsd), timePer1k: time, checked: f.checked };
}

function flips(list: FlippedCase[]) {
  return list.map((f) => ({ caseId: f.caseId, model: f.model, before: f.before.output, after: f.after.output, failed: f.after.failed.length ? f.after.failed : f.before.failed }));
}

function withComparison(view: ImproveCandidateView, c: Comparison): ImproveCandidateView {
  return { ...view, figures: figuresView(c.candidate), verdict: c.verdict, summary: c.summary, newlyPassing: flips(c.newlyPassing), newlyFailing: flips(c.newlyFailing), progress: null };
}

function candidateView(candidate: { index: number; reasoning: string; rejected: string[]; notCarriedOver: string[] }, diff: ImproveDiffLine[]): ImproveCandidateView {
  return {
    index: candidate.index,
    rank: null,
    reasoning: candidate.reasoning,
    diff,
    rejected: candidate.rejected,
    notCarriedOver: candidate.notCarriedOver,
    progress: null,
    figures: null,
    verdict: null,
    summary: null,
    newlyPassing: [],
    newlyFailing: [],
  };
}
