import * as vscode from 'vscode';
import { COMMAND } from '../commandIds';
import type { WorkbenchServices } from '../services';
import { ImproveController, type ImprovePromptOptions } from './improveController';

/** Improve Prompt: the command (also the CodeLens's), taking optional arguments so tests and scripts can skip the questions. */
export function registerImproveFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): ImproveController {
  const controller = new ImproveController(services, context.extensionUri);
  const options = (value: unknown): ImprovePromptOptions => (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof vscode.Uri) ? (value as ImprovePromptOptions) : {});
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(COMMAND.improvePrompt, (uri?: unknown, opts?: unknown) => controller.improve(uri instanceof vscode.Uri ? uri : undefined, options(opts ?? (uri instanceof vscode.Uri ? undefined : uri)))),
    vscode.commands.registerCommand(COMMAND.saveImproveCandidate, (round: unknown, index: unknown) => (typeof round === 'number' && typeof index === 'number' ? controller.save(round, index) : undefined)),
  );
  return controller;
}
