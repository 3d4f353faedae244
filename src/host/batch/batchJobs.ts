/**
 * The Bedrock Jobs view and its commands: one node per batch job of the workspace folders
 * (`.prompt-workbench/batch-jobs.jsonl`, so jobs from the CLI or another window show too) with
 * its state, counts, age and estimated cost; jobs with the workbench's name prefix that Bedrock
 * lists but the file does not; Stop Job, Open Results (reads the results in, then the dataset
 * grid) and Retry (only the cases with no answer). Polls GetModelInvocationJob with backoff,
 * and only while the view is visible or a job is live. The work is core's (src/core/batch/).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BatchJobRecord } from '../../core/batch/batchJobStore';
import type { RemoteBatchJob } from '../../core/batch/batchJobControl';
import type { CheckSpec } from '../../core/datasets/checkSpecs';
import type { Dataset } from '../../core/datasets/datasetFile';
import { formatUsd } from '../../core/format/units';
import type { PromptDocument } from '../../core/prompt/promptDocument';
import type { PromptRunner } from '../../core/runs/promptRunner';
import { COMMAND } from '../commandIds';
import { loadEngine } from '../loadEngine';
import type { WorkbenchServices } from '../services';

export const BATCH_JOBS_VIEW_ID = 'promptWorkbench.batchJobs';

const LIVE = new Set(['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping']);
const POLL_MAX_MS = 120_000;

type JobNode = { kind: 'job'; folder: string; job: BatchJobRecord } | { kind: 'elsewhere'; job: RemoteBatchJob };

export interface SubmitRequest {
  folder: string;
  promptUri: vscode.Uri;
  runner: PromptRunner;
  document: PromptDocument;
  dataset: Dataset;
  models: string[];
  promptChecks: CheckSpec[];
  retry?: { datasetRunId: string; caseIds: ReadonlyMap<string, ReadonlySet<string>> };
}

export class BatchJobs implements vscode.TreeDataProvider<JobNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: JobNode[] = [];
  private view: vscode.TreeView<JobNode> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private delay = this.firstDelay();
  private polling = false;
  private readonly ingesting = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: WorkbenchServices,
    /** Opens a recorded dataset run in the grid. */
    private readonly openRun: (folder: string, datasetRunId: string) => Promise<void>,
  ) {}

  attach(view: vscode.TreeView<JobNode>): void {
    this.view = view;
    this.disposables.push(view.onDidChangeVisibility((e) => e.visible && this.schedule(0)));
  }

  get jobs(): BatchJobRecord[] {
    return this.nodes.flatMap((n) => (n.kind === 'job' ? [n.job] : []));
  }

  getTreeItem(node: JobNode): vscode.TreeItem {
    if (node.kind === 'elsewhere') {
      const item = new vscode.TreeItem(node.job.jobName);
      item.description = vscode.l10n.t('{0} · started elsewhere', node.job.status);
      item.tooltip = `${node.job.jobArn}\n${node.job.modelId}`;
      item.iconPath = new vscode.ThemeIcon('cloud');
      item.contextValue = 'batchJob.elsewhere';
      return item;
    }
    const j = node.job;
    const item = new vscode.TreeItem(`${j.promptRef.name} v${j.promptRef.version} · ${j.model.replace(/^bedrock\//, '')}`);
    const counts = j.counts ? vscode.l10n.t('{0}/{1} answered, {2} failed', j.counts.success, j.records, j.counts.error) : vscode.l10n.t('{0} records', j.records);
    const cost = j.estimatedCostUsd ? vscode.l10n.t('≤ {0}', formatUsd(j.estimatedCostUsd)) : '';
    item.description = [j.status, counts, age(j.submittedAt), cost].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [`**${j.jobName}** (${j.status})`, j.message ?? '', `${j.jobArn}`, vscode.l10n.t('Dataset run {0}', j.datasetRunId), `${j.s3Output}${j.id}/`, j.ingested ? vscode.l10n.t('{0} results read into run records', j.ingested.records) : '']
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(LIVE.has(j.status) ? 'sync~spin' : j.status === 'Completed' ? 'pass' : j.status === 'PartiallyCompleted' ? 'warning' : 'error');
    item.contextValue = LIVE.has(j.status) ? 'batchJob.live' : 'batchJob.ended';
    item.id = j.id;
    return item;
  }

  getChildren(node?: JobNode): JobNode[] {
    return node ? [] : this.nodes;
  }

  /** Reads the jobs files again (and what Bedrock lists) and polls the live jobs once. */
  async refresh(options: { remote?: boolean } = {}): Promise<void> {
    const engine = await loadEngine();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const nodes: JobNode[] = [];
    let clients: Awaited<ReturnType<typeof engine.batchClients>> | undefined;
    const client = async () => (clients ??= await engine.batchClients(await this.services.awsConnection()));
    try {
      for (const folder of folders) {
        const store = new engine.BatchJobStore(folder);
        for (const job of (await store.list()).jobs) {
          let current = job;
          if (LIVE.has(job.status)) {
            current = await engine.refreshBatchJob(store, await client(), job).catch((err: Error) => {
              this.services.log.warn(`Bedrock Jobs: ${job.jobName}: ${err.message}`);
              return job;
            });
          }
          nodes.push({ kind: 'job', folder, job: current });
          // A job that ended is read in once, so the grid and the scoreboard have its results.
          if (engine.INGESTIBLE_STATES.has(current.status) && !current.ingested) void this.ingest(folder, current).catch((err: Error) => this.services.log.error(err.message));
        }
        if (options.remote && folders[0] === folder) {
          const remote = await engine.listUnrecordedJobs(store, await client()).catch((err: Error) => {
            this.services.log.warn(`Bedrock Jobs: jobs started elsewhere could not be listed: ${err.message}`);
            return [];
          });
          nodes.push(...remote.map((job): JobNode => ({ kind: 'elsewhere', job })));
        }
      }
    } finally {
      clients?.destroy();
    }
    this.nodes = nodes;
    this.changed.fire(undefined);
    this.schedule();
  }

  /** Polls again after the current delay (growing 1.5× up to 2 minutes), only while the view is visible or a job is live. */
  private schedule(at?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const live = anyLive(this.nodes);
    if (!live && !this.view?.visible) return;
    if (at !== undefined) this.delay = this.firstDelay();
    const wait = at ?? this.delay;
    this.delay = Math.min(POLL_MAX_MS, Math.round(this.delay * 1.5));
    this.timer = setTimeout(() => {
      if (this.polling) return this.schedule();
      this.polling = true;
      void this.refresh()
        .catch((err: Error) => this.services.log.warn(`Bedrock Jobs: ${err.message}`))
        .finally(() => (this.polling = false));
    }, wait);
  }

  private firstDelay(): number {
    return Number(process.env.PROMPT_WORKBENCH_BATCH_POLL_MS ?? 5000);
  }

  /** Run Dataset's batch path: pre-flight, upload, submit; the jobs then show in the view. */
  async submit(request: SubmitRequest): Promise<{ datasetRunId: string; jobIds: string[] } | undefined> {
    const engine = await loadEngine();
    const settings = this.services.currentSettings.batch;
    const clients = await engine.batchClients(await this.services.awsConnection());
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Submitting the Bedrock batch job'), cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return engine.submitBatchEvaluation({
            runner: request.runner,
            catalog: this.services.catalog,
            document: request.document,
            dataset: request.dataset,
            models: request.models,
            workspaceFolder: request.folder,
            s3Uri: settings.s3Uri,
            roleArn: settings.roleArn,
            clients,
            promptChecks: request.promptChecks,
            ...(request.retry ? { retry: request.retry } : {}),
            quotas: { minRecordsPerJob: Math.min(settings.minCases, 100) },
            onProgress: (message) => progress.report({ message }),
            signal: abort.signal,
          });
        },
      );
      for (const s of result.skipped) this.services.log.warn(`Batch: case ${s.caseId} not sent: ${s.reason}`);
      for (const n of result.notes) this.services.log.info(`Batch: ${n}`);
      this.services.log.info(`Batch: submitted ${result.jobs.map((j) => `${j.jobName} (${j.id})`).join(', ')} for dataset run ${result.datasetRunId}`);
      void vscode.window.showInformationMessage(
        [vscode.l10n.t('Submitted {0} Bedrock batch job(s) for {1} cases at the batch price. Results come later: follow them in the Bedrock Jobs view.', result.jobs.length, request.dataset.cases.length), ...result.notes].join(' '),
      );
      await this.refresh();
      // A new job: poll soon, then back off.
      this.schedule(this.firstDelay());
      void vscode.commands.executeCommand(`${BATCH_JOBS_VIEW_ID}.focus`).then(undefined, () => undefined);
      return { datasetRunId: result.datasetRunId, jobIds: result.jobs.map((j) => j.id) };
    } catch (err) {
      const message = (err as Error).message;
      this.services.log.error(`Batch: ${message}`);
      if (err instanceof engine.BatchPreflightError && err.reason === 'too-small') {
        // Not awaited: the command resolves now, and the person may still choose the live run.
        const live = vscode.l10n.t('Run Live');
        void vscode.window.showWarningMessage(message, live).then((choice) => {
          if (choice === live) void vscode.commands.executeCommand(COMMAND.runDataset, request.promptUri, { batch: false, dataset: request.dataset.file, models: request.models });
        });
      } else {
        const settingsButton = vscode.l10n.t('Open Settings');
        void vscode.window.showErrorMessage(message, settingsButton).then((choice) => {
          if (choice === settingsButton) void vscode.commands.executeCommand('workbench.action.openSettings', 'promptWorkbench.batch');
        });
      }
      return undefined;
    } finally {
      clients.destroy();
    }
  }

  async stop(node?: JobNode | string): Promise<void> {
    const found = this.find(node);
    if (!found) return;
    const engine = await loadEngine();
    const clients = await engine.batchClients(await this.services.awsConnection());
    try {
      await engine.stopBatchJob(new engine.BatchJobStore(found.folder), clients, found.job);
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
    } finally {
      clients.destroy();
    }
    await this.refresh();
  }

  /** Reads the job's results into run records (once), then opens its dataset run in the grid. */
  async openResults(node?: JobNode | string): Promise<void> {
    const found = this.find(node);
    if (!found) return;
    if (LIVE.has(found.job.status)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The job is {0}: its results can be read once it has ended. The grid shows what has arrived so far.', found.job.status));
    } else if (!found.job.ingested) await this.ingest(found.folder, found.job);
    await this.openRun(found.folder, found.job.datasetRunId);
  }

  /** Submits the cases of the job's dataset run that have no answer on its model yet. */
  async retry(node?: JobNode | string): Promise<void> {
    const found = this.find(node);
    if (!found || !found.job.dataset) return;
    const engine = await loadEngine();
    if (!found.job.ingested) await this.ingest(found.folder, found.job);
    const missing = await engine.missingCases(found.folder, found.job);
    if (![...missing.values()].some((s) => s.size)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Every case of this job has an answer: nothing to retry.'));
      return;
    }
    const promptFile = found.job.promptRef.path ? path.resolve(found.folder, found.job.promptRef.path) : undefined;
    if (!promptFile) return;
    const text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(promptFile))).toString('utf8');
    const document = engine.promptDocument(text, promptFile);
    const dataset = await engine.readDataset(path.resolve(found.folder, found.job.dataset.path), { policy: { root: found.folder } });
    await this.submit({
      folder: found.folder,
      promptUri: vscode.Uri.file(promptFile),
      runner: await this.services.runnerFor(found.folder),
      document,
      dataset,
      models: [found.job.model],
      promptChecks: found.job.checks ?? [],
      retry: { datasetRunId: found.job.datasetRunId, caseIds: missing },
    });
  }

  private async ingest(folder: string, job: BatchJobRecord): Promise<void> {
    if (this.ingesting.has(job.id)) return;
    this.ingesting.add(job.id);
    const engine = await loadEngine();
    const clients = await engine.batchClients(await this.services.awsConnection());
    try {
      const result = await engine.ingestBatchJob({
        job,
        workspaceFolder: folder,
        clients,
        catalog: this.services.catalog,
        storeInputs: this.services.currentSettings.storeInputs,
        judge: engine.createModelJudge({ providers: this.services.providers, catalog: this.services.catalog }),
        judgeModel: this.services.currentSettings.datasets.judgeModel ?? this.services.selection.activeModel,
      });
      for (const p of result.problems) this.services.log.warn(`Batch ${job.id}: ${p}`);
      this.services.log.info(`Batch ${job.id}: ${result.written} run records written (${result.failed} failed), ${result.alreadyIngested} already there, ${result.missing.length} never answered`);
      const node = this.nodes.find((n) => n.kind === 'job' && n.job.id === job.id);
      if (node && node.kind === 'job') node.job = { ...node.job, ingested: { at: new Date().toISOString(), records: result.written + result.alreadyIngested } };
      this.changed.fire(undefined);
    } finally {
      clients.destroy();
      this.ingesting.delete(job.id);
    }
  }

  private find(node?: JobNode | string): { folder: string; job: BatchJobRecord } | undefined {
    const id = typeof node === 'string' ? node : node?.kind === 'job' ? node.job.id : this.view?.selection[0]?.kind === 'job' ? (this.view.selection[0].job as BatchJobRecord).id : undefined;
    const found = this.nodes.find((n): n is Extract<JobNode, { kind: 'job' }> => n.kind === 'job' && n.job.id === id);
    if (!found) void vscode.window.showWarningMessage(vscode.l10n.t('Pick a job in the Bedrock Jobs view.'));
    return found;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function anyLive(nodes: readonly JobNode[]): boolean {
  return nodes.some((n) => n.kind === 'job' && LIVE.has(n.job.status));
}

function age(iso: string): string {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  if (minutes < 60) return vscode.l10n.t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  return hours < 48 ? vscode.l10n.t('{0} h ago', hours) : vscode.l10n.t('{0} days ago', Math.round(hours / 24));
}
