import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import type { WorkbenchServices } from '../services';
import { BATCH_JOBS_VIEW_ID, BatchJobs } from './batchJobs';

/**
 * Bedrock batch inference in the editor: the Bedrock Jobs view (read when first shown, polled
 * only while visible or a job is live) and its commands. Run Dataset submits through the same
 * `BatchJobs` (registerDatasetFeatures gets it).
 */
export function registerBatchFeatures(context: vscode.ExtensionContext, services: WorkbenchServices, openRun: (folder: string, datasetRunId: string) => Promise<void>): BatchJobs {
  const jobs = new BatchJobs(services, openRun);
  const view = vscode.window.createTreeView(BATCH_JOBS_VIEW_ID, { treeDataProvider: jobs });
  jobs.attach(view);
  const register = (id: string, handler: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, handler); // eslint-disable-line @typescript-eslint/no-explicit-any
  context.subscriptions.push(
    jobs,
    view,
    view.onDidChangeVisibility((e) => e.visible && void jobs.refresh().catch((err: Error) => services.log.warn(`Bedrock Jobs: ${err.message}`))),
    register(COMMAND.refreshBatchJobs, () => jobs.refresh({ remote: true })),
    register(COMMAND.stopBatchJob, (node?: unknown) => jobs.stop(node as Parameters<BatchJobs['stop']>[0])),
    register(COMMAND.openBatchResults, (node?: unknown) => jobs.openResults(node as Parameters<BatchJobs['openResults']>[0])),
    register(COMMAND.retryBatchJob, (node?: unknown) => jobs.retry(node as Parameters<BatchJobs['retry']>[0])),
  );
  return jobs;
}
