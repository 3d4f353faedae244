import * as vscode from 'vscode';
import type { RatingRecord } from '../../core/ratings/ratingRecord';
import type { ComparePanelState } from '../../shared/comparePanelProtocol';
import type { RatingInput } from '../../shared/ratingProtocol';
import type { ScoreboardFilters, ScoreboardSnapshot, ScoreWeights } from '../../shared/scoreboardProtocol';
import { COMMAND } from '../commandIds';
import { ScoreboardPanel, SCOREBOARD_VIEW_TYPE } from '../scoreboard/scoreboardPanel';
import type { WorkbenchServices } from '../services';

/** Where `rateOutput` rates: a comparison's shown column, or the run panel of a prompt file. */
type RateTarget = { comparisonId?: string; column: number } | { promptUri: string | vscode.Uri };
type PairInput = { kind: 'pairwise'; a: number; b: number; value: 'A' | 'B' | 'tie'; comparisonId?: string };

/**
 * Ratings and the Scoreboard: Open Scoreboard (and its serializer), Export Scoreboard, Toggle
 * Blind Rating, Reveal Models, and `rateOutput`, which rates what a panel shows the way its
 * widget does (for keybindings, scripts and the extension-host tests).
 */
export function registerRatingFeatures(context: vscode.ExtensionContext, services: WorkbenchServices): void {
  const ratings = services.ratings;
  const show = () => ScoreboardPanel.show(context, ratings.service, services.log);
  const register = (id: string, handler: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register(COMMAND.openScoreboard, async (options?: { filters?: ScoreboardFilters; weights?: { prompt: string } & ScoreWeights }): Promise<ScoreboardSnapshot> => {
    const panel = show();
    if (options?.filters) await panel.setFilters(options.filters);
    if (options?.weights) await panel.setWeights(options.weights.prompt, options.weights);
    return panel.latest();
  });
  register(COMMAND.exportScoreboard, async (format?: unknown, target?: unknown) => {
    const panel = ScoreboardPanel.open ?? show();
    const chosen = format === 'csv' || format === 'json' ? format : await pickFormat();
    if (!chosen) return undefined;
    return panel.export(chosen, target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined);
  });
  // Returns the state the comparison webview is shown now (names hidden while blind).
  register(COMMAND.toggleBlindRating, (on?: unknown, comparisonId?: unknown): ComparePanelState | undefined => {
    const session = ratings.compareSession(typeof comparisonId === 'string' ? comparisonId : undefined);
    if (!session) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a comparison first (Prompt Workbench: Compare Models): blind rating hides its model names.'));
      return undefined;
    }
    session.setBlind(typeof on === 'boolean' ? on : !session.blind);
    return session.shownState();
  });
  register(COMMAND.revealBlindRating, (comparisonId?: unknown): ComparePanelState | undefined => {
    const session = ratings.compareSession(typeof comparisonId === 'string' ? comparisonId : undefined);
    session?.reveal();
    return session?.shownState();
  });
  register(COMMAND.rateOutput, async (target: RateTarget | undefined, input: RatingInput | PairInput | undefined): Promise<RatingRecord | undefined> => {
    if (!target || !input) throw new Error(vscode.l10n.t('rateOutput needs a target ({comparisonId?, column} or {promptUri}) and a rating.'));
    if ('promptUri' in target) {
      const uri = typeof target.promptUri === 'string' ? vscode.Uri.parse(target.promptUri) : target.promptUri;
      const run = ratings.runPanelOf(uri);
      if (!run) throw new Error(vscode.l10n.t('No run panel shows {0}: run the prompt first.', uri.fsPath));
      if (input.kind === 'pairwise') throw new Error(vscode.l10n.t('A run panel shows one answer: pairwise needs a comparison.'));
      return ratings.onRunPanelMessage(run.panel, uri, run.rendered(), { type: 'rate', column: 0, input });
    }
    const session = ratings.compareSession(target.comparisonId);
    if (!session) throw new Error(vscode.l10n.t('No comparison panel is open to rate.'));
    if (input.kind === 'pairwise') return session.ratePair(input.a, input.b, input.value);
    return session.rate(target.column, input);
  });

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(SCOREBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => ScoreboardPanel.restore(panel, context, ratings.service, services.log),
    }),
    { dispose: () => ScoreboardPanel.open?.dispose() },
  );
}

async function pickFormat(): Promise<'csv' | 'json' | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'CSV', format: 'csv' as const },
      { label: 'JSON', format: 'json' as const },
    ],
    { title: vscode.l10n.t('Export the scoreboard as') },
  );
  return picked?.format;
}
