export const RATING_SCHEMA = 'prompt-workbench.rating/1';

export type RatingKind = 'stars' | 'thumbs' | 'pairwise';
export type PairSide = 'A' | 'B';

/** One side of a pairwise rating: the run shown and the model that produced it. */
export interface PairMember {
  runId: string | null;
  model: string | null;
}

interface RatingBase {
  schema: typeof RATING_SCHEMA;
  /** `g_` + ULID (`newId('g')`). */
  id: string;
  ts: string;
  rater: string | null;
  runId: string | null;
  prompt: { name: string; version: number; contentHash: string | null };
  /** `overall` unless the rater judged one rubric criterion. */
  criterion: string;
  comment: string;
  tags: string[];
  /** How the output was shown when rated blind (its letter and 0-based column); null when not blind. */
  blind: { shownAs: string; position: number } | null;
  /** The id of an earlier rating this one replaces (an edit); that one no longer counts. */
  supersedes: string | null;
  /** The conversation turn rated (1, 2 … for replies; absent for the prompt's own answer). */
  turn?: number;
}

export interface StarsRating extends RatingBase {
  kind: 'stars';
  model: string;
  value: 1 | 2 | 3 | 4 | 5;
}

export interface ThumbsRating extends RatingBase {
  kind: 'thumbs';
  model: string;
  value: 'up' | 'down';
}

export interface PairwiseRating extends RatingBase {
  kind: 'pairwise';
  /** Null: the two sides name their models in `pair`. */
  model: null;
  value: PairSide | 'tie';
  pair: { A: PairMember; B: PairMember };
}

/** One line of `.prompt-workbench/ratings.jsonl` (DESIGN.md): add fields freely, never rename these. */
export type RatingRecord = StarsRating | ThumbsRating | PairwiseRating;

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringOrNull = (v: unknown): boolean => v === null || v === undefined || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function validatePairMember(v: unknown, side: string): string | undefined {
  if (!isObject(v)) return `"pair.${side}" must be an object {runId, model}`;
  if (!isStringOrNull(v.runId)) return `"pair.${side}.runId" must be a string`;
  if (!isStringOrNull(v.model)) return `"pair.${side}.model" must be a string`;
  if (!v.runId && !v.model) return `"pair.${side}" names neither a run nor a model`;
  return undefined;
}

/**
 * Why a parsed line is not a rating this version can count, or undefined when it is.
 * Hand-written rather than a schema library: it runs once per line over 100,000 lines, and
 * unknown extra fields are allowed (other tools may add them).
 */
export function validateRatingRecord(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  const v = value;
  if (v.schema !== RATING_SCHEMA) {
    return isString(v.schema) && v.schema.startsWith('prompt-workbench.rating/')
      ? `unsupported rating schema "${v.schema}" (this version reads ${RATING_SCHEMA})`
      : 'missing or unknown "schema"';
  }
  if (!isString(v.id) || !v.id) return 'missing "id"';
  if (!isString(v.ts)) return 'missing "ts"';
  if (!isStringOrNull(v.rater)) return '"rater" must be a string';
  if (!isStringOrNull(v.runId)) return '"runId" must be a string';
  const p = v.prompt;
  if (!isObject(p) || !isString(p.name) || !Number.isInteger(p.version)) return '"prompt" must be {name, version, contentHash}';
  if (!isString(v.criterion) || !v.criterion) return 'missing "criterion"';
  if (v.comment !== undefined && !isString(v.comment)) return '"comment" must be a string';
  if (v.tags !== undefined && !(Array.isArray(v.tags) && v.tags.every(isString))) return '"tags" must be a list of strings';
  if (v.blind !== undefined && v.blind !== null) {
    const b = v.blind;
    if (!isObject(b) || !isString(b.shownAs) || !Number.isInteger(b.position)) return '"blind" must be {shownAs, position} or null';
  }
  if (!isStringOrNull(v.supersedes)) return '"supersedes" must be a rating id or null';
  switch (v.kind) {
    case 'stars':
      if (!isString(v.model)) return 'a stars rating needs "model"';
      if (!Number.isInteger(v.value) || (v.value as number) < 1 || (v.value as number) > 5) return 'a stars rating\'s "value" must be 1, 2, 3, 4 or 5';
      return undefined;
    case 'thumbs':
      if (!isString(v.model)) return 'a thumbs rating needs "model"';
      if (v.value !== 'up' && v.value !== 'down') return 'a thumbs rating\'s "value" must be "up" or "down"';
      return undefined;
    case 'pairwise': {
      if (v.value !== 'A' && v.value !== 'B' && v.value !== 'tie') return 'a pairwise rating\'s "value" must be "A", "B" or "tie"';
      const pair = v.pair;
      if (!isObject(pair)) return 'a pairwise rating needs "pair": {A: {runId, model}, B: {runId, model}}';
      return validatePairMember(pair.A, 'A') ?? validatePairMember(pair.B, 'B');
    }
    default:
      return '"kind" must be "stars", "thumbs" or "pairwise"';
  }
}
