/**
 * The values a rating widget sends and shows, node-free so `src/shared/ratingProtocol.ts`
 * (and with it the webviews) and core's RatingService share one definition.
 */

/** What has been said about one output so far (the ratings that still count). */
export interface OutputRatingState {
  /** Stars per criterion name. */
  stars: Record<string, number>;
  thumbs: 'up' | 'down' | null;
  comment: string;
  tags: string[];
}

export const EMPTY_OUTPUT_RATING: OutputRatingState = { stars: {}, thumbs: null, comment: '', tags: [] };

/** A rating given in a widget: stars for a criterion, thumbs, or a comment and tags (the note). */
export type RatingInput =
  | { kind: 'stars'; criterion: string; value: 1 | 2 | 3 | 4 | 5; comment?: string; tags?: string[] }
  | { kind: 'thumbs'; value: 'up' | 'down'; comment?: string; tags?: string[] }
  | { kind: 'note'; comment: string; tags: string[] };
