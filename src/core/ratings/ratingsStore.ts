import { appendJsonLine, readJsonl } from '../workspace/jsonl';
import { newId } from '../workspace/ids';
import { RATING_SCHEMA, RatingRecord, validateRatingRecord } from './ratingRecord';

/** A line of ratings.jsonl that could not be read: skipped, reported, every other line kept. */
export interface RatingsProblem {
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export interface RatingsContent {
  /** Every valid line, in file order (superseded ones included: see `effectiveRatings`). */
  records: RatingRecord[];
  problems: RatingsProblem[];
}

/** What a caller gives to record a rating; the store fills in schema, id, time and defaults. */
type Defaulted = 'id' | 'ts' | 'criterion' | 'comment' | 'tags' | 'blind' | 'supersedes' | 'rater' | 'runId';
/** Per kind (a distributive Omit, so a pairwise rating keeps its `pair`). */
export type NewRating = RatingRecord extends infer R
  ? R extends RatingRecord
    ? Omit<R, 'schema' | Defaulted> & Partial<Pick<R, Defaulted>>
    : never
  : never;

/** Completes a rating with its defaults and checks it, throwing an error that says what is wrong. */
export function buildRating(rating: NewRating, now: Date = new Date()): RatingRecord {
  const record = {
    schema: RATING_SCHEMA,
    ...rating,
    id: rating.id ?? newId('g', now.getTime()),
    ts: rating.ts ?? now.toISOString(),
    rater: rating.rater ?? null,
    runId: rating.runId ?? null,
    criterion: rating.criterion ?? 'overall',
    comment: rating.comment ?? '',
    tags: rating.tags ?? [],
    blind: rating.blind ?? null,
    supersedes: rating.supersedes ?? null,
  } as RatingRecord;
  const invalid = validateRatingRecord(record);
  if (invalid) throw new Error(`Cannot record this rating: ${invalid}.`);
  return record;
}

/**
 * Appends one rating as one line (one `write`); the file is never rewritten. A file whose last
 * line was torn (no newline: a crash mid-write) gets its newline first, so the torn line stays
 * one unreadable line and the new rating is whole. Returns the record written.
 */
export async function appendRating(file: string, rating: NewRating): Promise<RatingRecord> {
  const record = buildRating(rating);
  // appendJsonLine (the guarded layer) ends a torn last line first.
  await appendJsonLine(file, record);
  return record;
}

export async function readRatings(file: string): Promise<RatingsContent> {
  const content = await readJsonl<RatingRecord>(file, validateRatingRecord);
  return { records: content.records, problems: content.problems.map((p) => ({ file, ...p })) };
}

/**
 * The ratings that still count: a rating whose id a LATER line names in `supersedes` is
 * dropped. Walking backwards keeps it one pass; a superseded edit still supersedes what it
 * replaced, so chains (g3 → g2 → g1) leave only the last.
 */
export function effectiveRatings(records: readonly RatingRecord[]): RatingRecord[] {
  const supersededLater = new Set<string>();
  const kept: RatingRecord[] = [];
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (!supersededLater.has(r.id)) kept.push(r);
    if (r.supersedes) supersededLater.add(r.supersedes);
  }
  return kept.reverse();
}
