import * as vscode from 'vscode';
import type { RatingRecord } from '../../core/ratings/ratingRecord';
import type { ComparePanelState } from '../../shared/comparePanelProtocol';
import type { RatingInput } from '../../shared/ratingProtocol';
import type { ScoreboardFilters, ScoreboardSnapshot, ScoreWeights } from '../../shared/scoreboardProtocol';
import { COMMAND } from '../commandIds';
import { PROMPT_LANGUAGE_ID } from '../language/languageId';
import { loadEngine } from '../loadEngine';
import { ScoreboardPanels, SCOREBOARD_VIEW_TYPE } from '../scoreboard/scoreboardPanel';
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
  const scoreboards = new ScoreboardPanels(context, ratings.service, services.log);
  const register = (id: string, handler: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  // On `prompt` (the run and compare panels' Scoreboard button), else the active editor's
  // prompt, else (a new panel) the prompt most recently rated or run.
  register(
    COMMAND.openScoreboard,
    async (options?: { prompt?: string; filters?: ScoreboardFilters; weights?: { prompt: string } & ScoreWeights }): Promise<ScoreboardSnapshot> => {
      // Read before showing: the panel takes the focus from the editor.
      const prompt = typeof options?.prompt === 'string' && options.prompt ? options.prompt : (options?.filters?.prompt ?? (await activePromptName()));
      const { panel, created } = scoreboards.show();
      if (options?.filters) await panel.setFilters({ ...options.filters, prompt: prompt ?? null });
      else if (prompt || created) await panel.openOn(prompt ?? null);
      if (options?.weights) await panel.setWeights(options.weights.prompt, options.weights);
      return panel.latest();
    },
  );
  register(COMMAND.exportScoreboard, async (format?: unknown, target?: unknown) => {
    const panel = scoreboards.open ?? scoreboards.show().panel;
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
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => void scoreboards.restore(panel),
    }),
    scoreboards,
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

/** The prompt name of the `.prompt` file in the active editor (its `name:`, else the file name). */
async function activePromptName(): Promise<string | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || !(document.languageId === PROMPT_LANGUAGE_ID || document.fileName.endsWith('.prompt'))) return undefined;
  const engine = await loadEngine();
  return engine.parsePromptSource(document.getText(), { path: document.uri.fsPath }).name;
}
