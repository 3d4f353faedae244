import * as vscode from 'vscode';
import { configureCoreL10n } from './host/coreL10n';
import { PROMPT_LANGUAGE_ID } from './host/language/languageId';
import { PromptCodeLensProvider } from './host/language/promptCodeLens';
import { PromptDiagnostics } from './host/language/promptDiagnostics';
import { registerComparisonFeatures } from './host/compare/registerComparisonFeatures';
import { registerCommands } from './host/run/registerCommands';
import { registerModelFeatures } from './host/models/modelFeatures';
import { registerVersionFeatures } from './host/versions/registerVersionFeatures';
import { registerLanguageFeatures } from './host/language/registerLanguageFeatures';
import { registerRatingFeatures } from './host/ratings/registerRatingFeatures';
import { registerDatasetFeatures } from './host/datasets/registerDatasetFeatures';
import { registerImproveFeatures } from './host/improve/registerImproveFeatures';
import { createDocumentIndex, registerRagFeatures } from './host/rag/registerRagFeatures';
import { registerEmailFeatures } from './host/email/summarizeEmailController';
import { RunPanelState } from './shared/runPanelProtocol';
import { RunPromptController, RUN_PANEL_VIEW_TYPE } from './host/run/runPromptCommand';
import { WorkbenchServices } from './host/services';
import { registerWelcome } from './host/welcome';
import { registerReleaseFeatures } from './host/releases/registerReleaseFeatures';
import { registerProductionFeatures } from './host/production/productionCommands';

/** What activate() returns: the time it took, for tests and the activation benchmark. */
export interface WorkbenchApi {
  activationMs: number;
}

/** The composition root: builds every service once and registers everything. */
export function activate(context: vscode.ExtensionContext): WorkbenchApi {
  const started = performance.now();
  configureCoreL10n();
  const log = vscode.window.createOutputChannel('Prompt Workbench', { log: true });
  context.subscriptions.push(log);
  try {
    // The document index is created on first search; it reads the services only then.
    const documents = createDocumentIndex(context, () => services);
    const services: WorkbenchServices = new WorkbenchServices(context, log, documents);
    const runs = new RunPromptController(services, context.extensionUri);
    context.subscriptions.push(services, runs, new PromptDiagnostics(log));
    registerCommands(context, services, runs);
    registerComparisonFeatures(context, services);
    registerModelFeatures(context, services);
    registerVersionFeatures(context, services);
    registerLanguageFeatures(context, services);
    registerRatingFeatures(context, services);
    registerDatasetFeatures(context, services, runs);
    registerRagFeatures(context, services, documents);
    registerEmailFeatures(context, services);
    registerImproveFeatures(context, services);
    registerWelcome(context, services);
    registerReleaseFeatures(context, services);
    registerProductionFeatures(context, services);
    context.subscriptions.push(
      vscode.languages.registerCodeLensProvider({ language: PROMPT_LANGUAGE_ID }, new PromptCodeLensProvider()),
      vscode.window.registerWebviewPanelSerializer(RUN_PANEL_VIEW_TYPE, {
        async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
          runs.restore(panel, (state as RunPanelState | undefined) ?? undefined);
        },
      }),
    );
  } catch (err) {
    // VS Code does not show activation errors to the user: say what broke and where to look.
    const message = vscode.l10n.t('Prompt Workbench could not start: {0}', (err as Error)?.message ?? String(err));
    log.error(message, err);
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showErrorMessage(message, showLog).then((c) => c === showLog && log.show());
  }
  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs };
}

export function deactivate(): void {}
