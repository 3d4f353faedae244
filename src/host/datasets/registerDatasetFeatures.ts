import * as vscode from 'vscode';
import type { DatasetPanelState } from '../../shared/datasetPanelProtocol';
import { COMMAND } from '../commandIds';
import type { RunPromptController } from '../run/runPromptCommand';
import type { WorkbenchServices } from '../services';
import { addToDataset, clearResponseCache, exportFineTuneData, type AddToDatasetOptions, type ExportFineTuneOptions } from './datasetCommands';
import { DatasetController, type RunDatasetOptions } from './datasetController';
import { DATASET_PANEL_VIEW_TYPE } from './datasetPanel';
import { registerBatchFeatures } from '../batch/registerBatchFeatures';

/**
 * Datasets: Run Dataset (and its results grid, restored after a reload), Add to Dataset and
 * Export Fine-Tuning Data. Commands take optional arguments so tests and scripts can skip the
 * questions; from the palette they ask.
 */
export function registerDatasetFeatures(context: vscode.ExtensionContext, services: WorkbenchServices, runs: RunPromptController): DatasetController {
  // Bedrock batch jobs: Run Dataset submits through them; Open Results opens their run in this controller's grid.
  let controller: DatasetController | undefined;
  const batchJobs = registerBatchFeatures(context, services, (folder, datasetRunId) => controller!.openRecorded(folder, datasetRunId));
  controller = new DatasetController(services, context.extensionUri, batchJobs);
  const register = (id: string, handler: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, handler);
  const objectArg = <T>(value: unknown): T => (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof vscode.Uri) ? (value as T) : ({} as T));
  context.subscriptions.push(
    controller,
    register(COMMAND.runDataset, (uri?: unknown, options?: unknown) => controller.run(uri instanceof vscode.Uri ? uri : undefined, objectArg<RunDatasetOptions>(options))),
    register(COMMAND.addToDataset, (uri?: unknown, options?: unknown) => addToDataset(services, runs, uri instanceof vscode.Uri ? uri : undefined, objectArg<AddToDatasetOptions>(options))),
    register(COMMAND.clearResponseCache, () => clearResponseCache(services)),
    register(COMMAND.exportFineTuneData, (options?: unknown) => exportFineTuneData(services, objectArg<ExportFineTuneOptions>(options))),
    vscode.window.registerWebviewPanelSerializer(DATASET_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => controller.restore(panel, (state as DatasetPanelState | undefined) ?? undefined),
    }),
  );
  return controller;
}
