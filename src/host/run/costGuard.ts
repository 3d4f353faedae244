import * as vscode from 'vscode';
import { exceedsThreshold, totalCost, type CostEstimate } from '../../core/runs/costEstimate';
import { formatUsd } from '../../core/format/units';
import { SETTING, SETTINGS_SECTION } from '../settings';
import type { WorkbenchServices } from '../services';

function describeEstimate(services: WorkbenchServices, estimate: CostEstimate): string {
  const name = services.catalog.find(estimate.model)?.name ?? estimate.model;
  const cost = estimate.usd === null ? vscode.l10n.t('price unknown') : `≈ ${formatUsd(estimate.usd)}`;
  return vscode.l10n.t('{0}: {1} ({2} input + up to {3} output tokens)', name, cost, estimate.inputTokens.toLocaleString('en-US'), estimate.outputTokens.toLocaleString('en-US'));
}

/**
 * Asks before spending more than the setting `promptWorkbench.costGuard.thresholdUsd` on
 * one comparison (or run). Resolves true to go ahead: at once when the estimate is under the
 * threshold, otherwise when the user says so in a modal dialog.
 */
export async function confirmComparisonCost(services: WorkbenchServices, estimates: readonly CostEstimate[]): Promise<boolean> {
  const threshold = services.currentSettings.costGuardThresholdUsd;
  if (!exceedsThreshold(estimates, threshold)) return true;
  const total = totalCost(estimates);
  const run = vscode.l10n.t('Run Anyway');
  const settings = vscode.l10n.t('Change the Limit');
  const lines = estimates.map((e) => describeEstimate(services, e));
  if (total.unpriced.length) lines.push(vscode.l10n.t('Models without a known price are not counted; set prices in promptWorkbench.prices.'));
  lines.push(vscode.l10n.t('The output is counted at its maximum (maxOutputTokens, or the model’s own limit up to 4,096), so the real cost is usually lower.'));
  const message =
    estimates.length > 1
      ? vscode.l10n.t('This comparison of {0} models may cost up to about {1}, over your limit of {2}.', estimates.length, formatUsd(total.usd), formatUsd(threshold))
      : vscode.l10n.t('This run may cost up to about {0}, over your limit of {1}.', formatUsd(total.usd), formatUsd(threshold));
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: lines.join('\n') }, run, settings);
  if (choice === settings) void vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.${SETTING.costGuardThresholdUsd}`);
  return choice === run;
}

/** The same question for a single run, with the estimate its preparation made (`PreparedRun.cost`). */
export function confirmRunCost(services: WorkbenchServices, prepared: { cost: CostEstimate }): Promise<boolean> {
  return confirmComparisonCost(services, [prepared.cost]);
}
