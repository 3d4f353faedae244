/**
 * Rating where the output is: the widget's state and messages, shared by the run panel and
 * the comparison panel (host: src/host/ratings/*, webview: src/webview/shared/ratingWidget.ts).
 *
 * Stable DOM for tests: each widget is `.rating-widget[data-column=N]` with one
 * `.rating-stars[data-criterion=C]` row of `button.star[data-value=1..5][aria-pressed]` per
 * criterion, `button.thumb[data-value=up|down][aria-pressed]`, `textarea.rating-comment`,
 * `input.rating-tags`, `button.rating-save-note`. The comparison panel adds `#ratings-bar`
 * with `#blind-toggle[aria-pressed]`, `#reveal`, `#pair-a`, `#pair-b`, `#pair-bar button[data-value=A|tie|B]`,
 * and `#rating-announce` (aria-live) for what a key press did.
 */

/** One row of stars: `overall`, or a criterion of the prompt's `workbench.rubric`. */
export interface RatingCriterion {
  name: string;
  description: string | null;
}

// One definition with core's RatingService (node-free, so the webviews import it too).
export { EMPTY_OUTPUT_RATING, type OutputRatingState, type RatingInput } from '../core/ratings/ratingTypes';
import type { OutputRatingState, RatingInput } from '../core/ratings/ratingTypes';

/** The run panel's rating widget (one output). Null while there is no recorded run to rate. */
export interface RunRatingState {
  runId: string;
  criteria: RatingCriterion[];
  rating: OutputRatingState;
  /** Said after a rating was recorded, or why it was not. */
  message: string | null;
}

/** The comparison panel's ratings, in the order the columns are SHOWN (blind mode shuffles them). */
export interface CompareRatingsState {
  criteria: RatingCriterion[];
  columns: OutputRatingState[];
  /** Model names, ids and costs are hidden, columns shuffled and shown as A, B, C… */
  blind: boolean;
  /** Blind, but every column has an overall rating (or "Reveal" was pressed): names are shown again. */
  revealed: boolean;
  /** What each shown column is called: its letter when blind, else its position number. */
  labels: string[];
  /** The last pairwise judgement of the pair shown (shown positions), if any. */
  pairwise: { a: number; b: number; value: 'A' | 'B' | 'tie' } | null;
  message: string | null;
}

/** Messages of the comparison webview about ratings (columns are SHOWN positions). */
export type CompareRatingToHost =
  | { type: 'rate'; column: number; input: RatingInput }
  | { type: 'setBlind'; blind: boolean }
  | { type: 'reveal' }
  | { type: 'pairwise'; a: number; b: number; value: 'A' | 'B' | 'tie' };

export type RunRatingToHost = { type: 'rate'; column: 0; input: RatingInput };
