import * as vscode from 'vscode';
import type { DatasetCase } from '../../core/datasets/datasetFile';
import { exceedsThreshold, totalCost, type CostEstimate } from '../../core/runs/costEstimate';
import { formatUsd } from '../../core/format/units';
import type { PromptDocument } from '../../core/prompt/promptDocument';
import type { PromptRunner } from '../../core/runs/promptRunner';
import { SETTING, SETTINGS_SECTION } from '../settings';
import type { WorkbenchServices } from '../services';

/**
 * The cost guard for a dataset run: every case rendered, its estimate per model summed, and
 * the user asked (modal) when the total is over `promptWorkbench.costGuard.thresholdUsd`.
 * Judge calls of `llmJudge` checks are not counted. Resolves true to go ahead.
 */
export async function confirmDatasetCost(
  services: WorkbenchServices,
  runner: Pick<PromptRunner, 'prepare' | 'estimate'>,
  prompt: PromptDocument,
  cases: readonly DatasetCase[],
  models: readonly string[],
): Promise<boolean> {
  const perModel = new Map<string, CostEstimate>(models.map((m) => [m, { model: m, inputTokens: 0, outputTokens: 0, usd: 0 }]));
  for (const c of cases) {
    const prepared = await runner.prepare(prompt, c.inputs).catch(() => undefined);
    if (!prepared) continue;
    for (const e of runner.estimate(prepared, models)) {
      const sum = perModel.get(e.model)!;
      sum.inputTokens += e.inputTokens;
      sum.outputTokens += e.outputTokens;
      sum.usd = sum.usd === null || e.usd === null ? null : sum.usd + e.usd;
    }
  }
  const estimates = [...perModel.values()];
  const threshold = services.currentSettings.costGuardThresholdUsd;
  if (!exceedsThreshold(estimates, threshold)) return true;
  const run = vscode.l10n.t('Run Anyway');
  const change = vscode.l10n.t('Change the Limit');
  const total = totalCost(estimates);
  const lines = estimates.map((e) => `${e.model}: ${e.usd === null ? vscode.l10n.t('price unknown') : `≈ ${formatUsd(e.usd)}`}`);
  lines.push(vscode.l10n.t('The output is counted at its maximum, so the real cost is usually lower; LLM-judge calls come on top.'));
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('This dataset run ({0} cases × {1} models) may cost up to about {2}, over your limit of {3}.', cases.length, models.length, formatUsd(total.usd), formatUsd(threshold)),
    { modal: true, detail: lines.join('\n') },
    run,
    change,
  );
  if (choice === change) void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.${SETTING.costGuardThresholdUsd}`);
  return choice === run;
}
