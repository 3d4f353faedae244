import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/catalog/builtinModels';
import { priceSourceText, type ModelCatalog } from '../../core/catalog/modelCatalog';
import type { ListingStatus } from '../../core/catalog/modelDiscovery';
import { parseModelId } from '../../core/providers/modelId';
import { formatTokensShort, formatUsd } from '../../core/format/units';

/** A row of the model pickers: a model, or an action (refresh, a listing's problem, a typed id). */
export interface ModelPickItem extends vscode.QuickPickItem {
  model?: string;
  action?: 'compare' | 'refresh' | 'problem';
  problem?: string;
}

const PROFILE_ID = /^bedrock\/(us|eu|apac|us-gov|ca|jp|au|global)\./;

/** The group a model is listed under. */
export function groupOf(model: ModelInfo): string {
  const { provider } = parseModelId(model.id);
  if (provider === 'bedrock') return PROFILE_ID.test(model.id) || model.baseModel ? vscode.l10n.t('Amazon Bedrock · cross-Region inference profiles') : vscode.l10n.t('Amazon Bedrock');
  if (provider === 'echo') return vscode.l10n.t('Offline');
  return vscode.l10n.t('{0} · OpenAI-compatible', provider);
}

/** `$0.80 / $4.00 per M tokens in/out (AWS Price List, 2026-12-04)`, `free`, or `price unknown`, with settings' overrides applied. */
export function priceText(catalog: ModelCatalog, id: string): string {
  const prices = catalog.pricesOf(id);
  if (!prices) return vscode.l10n.t('price unknown');
  if (prices.inputPerMTokens === 0 && prices.outputPerMTokens === 0) return vscode.l10n.t('free');
  // Prices per million are short decimals: $0.80, $0.06, $0.035.
  return vscode.l10n.t('{0} / {1} per M tokens in/out ({2})', formatUsd(prices.inputPerMTokens), formatUsd(prices.outputPerMTokens), priceSourceText(prices));
}

/** `Legacy · end of life 2026-06-19 · move to Claude Haiku 4.5`, or nothing for an active model. */
export function lifecycleText(catalog: ModelCatalog, model: ModelInfo): string | undefined {
  const lifecycle = model.lifecycle;
  if (lifecycle?.status !== 'LEGACY') return undefined;
  const parts = [vscode.l10n.t('Legacy')];
  if (lifecycle.endOfLife) parts.push(vscode.l10n.t('end of life {0}', lifecycle.endOfLife));
  if (lifecycle.successor) parts.push(vscode.l10n.t('move to {0}', catalog.find(lifecycle.successor)?.name ?? lifecycle.successor));
  return parts.join(' · ');
}

/** The line under a model's name: context window, price, and what is special about it. */
export function detailOf(catalog: ModelCatalog, model: ModelInfo): string {
  const legacy = lifecycleText(catalog, model);
  const parts = [...(legacy ? [`$(warning) ${legacy}`] : []), model.contextWindow > 0 ? vscode.l10n.t('{0} context', formatTokensShort(model.contextWindow)) : vscode.l10n.t('context unknown'), priceText(catalog, model.id)];
  if (model.images) parts.push(vscode.l10n.t('images'));
  if (!model.streaming) parts.push(vscode.l10n.t('answers whole (no streaming)'));
  if (model.onDemand === false) parts.push(vscode.l10n.t('only through an inference profile'));
  return parts.join(' · ');
}

/** What can be picked: text models, plus the ids in use that no listing knows (unknown ids are allowed). */
export function pickableModels(catalog: ModelCatalog, inUse: readonly string[]): ModelInfo[] {
  const models = catalog.all().filter((m) => m.kind === 'text');
  for (const id of inUse) {
    const qualified = parseModelId(id).qualified;
    if (!models.some((m) => m.id === qualified) && !catalog.find(qualified)) {
      models.push({ id: qualified, name: parseModelId(qualified).modelId, vendor: parseModelId(qualified).provider, contextWindow: 0, maxOutputTokens: 0, streaming: true, images: false, kind: 'text' });
    }
  }
  return models;
}

/** Model rows grouped by provider under separators, in catalog order within a group. */
export function modelItems(catalog: ModelCatalog, models: readonly ModelInfo[], marks: { active?: string; shortlist?: readonly string[] }): ModelPickItem[] {
  const groups = new Map<string, ModelInfo[]>();
  for (const model of models) {
    const group = groupOf(model);
    groups.set(group, [...(groups.get(group) ?? []), model]);
  }
  const items: ModelPickItem[] = [];
  for (const [group, members] of groups) {
    items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
    for (const model of members) {
      const notes: string[] = [model.id];
      if (model.id === marks.active) notes.push(vscode.l10n.t('active'));
      else if (marks.shortlist?.includes(model.id)) notes.push(vscode.l10n.t('in the comparison shortlist'));
      items.push({ label: model.name, description: notes.join(' · '), detail: detailOf(catalog, model), model: model.id });
    }
  }
  return items;
}

/** A row for an id typed into the search box that no row has: unknown ids are allowed. */
export function typedIdItem(value: string, items: readonly ModelPickItem[]): ModelPickItem | undefined {
  const typed = value.trim();
  // An id has no spaces and a `.`, `:` or `/` (`ollama/llama3.2`, `us.anthropic…`); plain words are searches.
  if (!typed || /\s/.test(typed) || !/[./:]/.test(typed)) return undefined;
  const qualified = parseModelId(typed).qualified;
  if (items.some((item) => item.model === qualified)) return undefined;
  return {
    label: `$(edit) ${qualified}`,
    description: vscode.l10n.t('use this model id'),
    detail: vscode.l10n.t('Not in the list: Prompt Workbench will call it as typed.'),
    model: qualified,
    alwaysShow: true,
  };
}

/** A listing that failed: shown as a row that explains itself when picked. */
export function problemItems(listings: readonly ListingStatus[]): ModelPickItem[] {
  return listings
    .filter((l) => l.problem)
    .map((l) => ({
      label: `$(warning) ${vscode.l10n.t('Could not list the models of {0}', l.label)}`,
      detail: l.problem,
      action: 'problem' as const,
      problem: `${l.label}: ${l.problem}`,
      alwaysShow: true,
    }));
}
