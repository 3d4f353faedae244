import * as l10n from '@vscode/l10n';
import { Emitter, type Event } from '../util/emitter';
import { WorkbenchPaths } from '../workspace/paths';
import { blindLabel } from './blindOrder';
import type { PairMember, PairSide, RatingRecord } from './ratingRecord';
import { appendRating, effectiveRatings, readRatings, type NewRating, type RatingsProblem } from './ratingsStore';
import { EMPTY_OUTPUT_RATING, type OutputRatingState, type RatingInput } from './ratingTypes';

/** The run a rating is about, as the caller that showed it knows it (never read back from the runs files). */
export interface RunIdentity {
  runId: string;
  prompt: { name: string; version: number; contentHash: string | null };
  model: string;
  /** The conversation turn of the run (0 or absent: the prompt's own answer); recorded with the rating. */
  turn?: number;
}

/** A rating recorded in a workspace folder (what `onDidRecord` tells). */
export interface RecordedRating {
  folder: string;
  record: RatingRecord;
}

export interface RatingServiceOptions {
  /** Who rates in a folder (the host asks git's `user.name`); null when unknown. */
  rater(folder: string): Promise<string | null>;
  /** Where lines go: `info` after each rating, `warn` for unreadable lines and files. */
  log?: { info(message: string): void; warn(message: string): void };
  /** The ratings file of a folder (default `.prompt-workbench/ratings.jsonl`). */
  ratingsFile?(folder: string): string;
}

/**
 * The one writer of ratings (`.prompt-workbench/ratings.jsonl`, DESIGN.md's
 * `prompt-workbench.rating/1`), for the run panel, Compare, the dataset grid and the email panel.
 *
 * - A new rating of the same run, kind and criterion (or of the same ordered pair of runs)
 *   supersedes the one that counted before: its `supersedes` names that one's id.
 * - A note (comment and tags) has no value of its own: it is recorded as an edit of the run's
 *   latest overall stars (else thumbs), which it supersedes.
 * - Blind positions are 0-based columns as shown; the letter (`shownAs`) is derived here.
 * - Pairwise: `value` names the better side of `pair` (A, B or tie); `pairOf` reads a judgement
 *   back from either side.
 *
 * A folder's file is read once (unreadable lines are reported and skipped, every other line
 * kept); after that this service keeps what counts in memory. Ratings appended by another
 * process later are not seen: an edit of one of those adds a line that does not supersede it
 * (both count), the safe side of that race.
 */
export class RatingService {
  /** `folder` → key (`run|kind|criterion` or `runA|runB|pairwise`) → the record that counts now. */
  private readonly latest = new Map<string, Map<string, RatingRecord>>();
  private readonly loaded = new Map<string, Promise<void>>();
  private readonly problems = new Map<string, RatingsProblem[]>();
  /** One append at a time per folder, so a quick second rating supersedes the first. */
  private readonly queue = new Map<string, Promise<unknown>>();
  private readonly recorded: Emitter<RecordedRating>;
  /** Fires after every rating this service appended. */
  readonly onDidRecord: Event<RecordedRating>;

  constructor(private readonly options: RatingServiceOptions) {
    this.recorded = new Emitter<RecordedRating>((err) => options.log?.warn(`A listener of new ratings failed: ${(err as Error)?.message ?? String(err)}`));
    this.onDidRecord = this.recorded.event;
  }

  /** Records stars, thumbs, or a note for one run. `blindPosition`: the 0-based column it was shown in, blind. */
  rate(folder: string, run: RunIdentity, input: RatingInput, blindPosition: number | null = null): Promise<RatingRecord> {
    return this.serially(folder, async () => {
      const latest = await this.latestOf(folder);
      const base = { runId: run.runId, prompt: run.prompt, model: run.model, rater: await this.options.rater(folder), blind: blindShown(blindPosition), ...(run.turn ? { turn: run.turn } : {}) };
      let rating: NewRating;
      if (input.kind === 'note') {
        const previous = latest.get(runKey(run.runId, 'stars', 'overall')) ?? latest.get(runKey(run.runId, 'thumbs', 'overall'));
        if (!previous || previous.kind === 'pairwise') throw new Error(l10n.t('Give stars or a thumb first: a comment and tags are kept with a rating.'));
        rating = { ...base, kind: previous.kind, value: previous.value, criterion: previous.criterion, comment: input.comment, tags: cleanTags(input.tags) } as NewRating;
      } else {
        const criterion = input.kind === 'stars' ? input.criterion : 'overall';
        const before = latest.get(runKey(run.runId, input.kind, criterion));
        rating = {
          ...base,
          kind: input.kind,
          value: input.value,
          criterion,
          comment: input.comment ?? before?.comment ?? '',
          tags: cleanTags(input.tags ?? before?.tags ?? []),
        } as NewRating;
      }
      return this.append(folder, latest, rating);
    });
  }

  /**
   * A pairwise judgement between two runs of one prompt: `value` names the better side, or
   * `tie`. `blindPositions`: the columns A and B were shown in, blind.
   */
  ratePair(folder: string, a: RunIdentity, b: RunIdentity, value: PairSide | 'tie', blindPositions: { A: number; B: number } | null = null): Promise<RatingRecord> {
    return this.serially(folder, async () => {
      const latest = await this.latestOf(folder);
      const pair: { A: PairMember; B: PairMember } = { A: { runId: a.runId, model: a.model }, B: { runId: b.runId, model: b.model } };
      const blind = blindPositions ? { A: blindShown(blindPositions.A)!, B: blindShown(blindPositions.B)! } : null;
      const rating = {
        kind: 'pairwise',
        model: null,
        value,
        pair,
        runId: null,
        prompt: a.prompt,
        criterion: 'overall',
        rater: await this.options.rater(folder),
        // The record's own `blind` is side A's; `pair` in it says how both sides were shown.
        blind: blind ? { ...blind.A, pair: blind } : null,
      } as unknown as NewRating;
      return this.append(folder, latest, rating);
    });
  }

  /** What counts now for one run: stars per criterion, thumbs, and the newest note. */
  async stateOf(folder: string, runId: string): Promise<OutputRatingState> {
    const state: OutputRatingState = { ...EMPTY_OUTPUT_RATING, stars: {}, tags: [] };
    let noteAt = '';
    for (const r of (await this.latestOf(folder)).values()) {
      if (r.runId !== runId || r.kind === 'pairwise') continue;
      if (r.kind === 'stars') state.stars[r.criterion] = r.value;
      else if (r.criterion === 'overall') state.thumbs = r.value;
      if ((r.comment || r.tags.length) && r.ts >= noteAt) {
        noteAt = r.ts;
        state.comment = r.comment;
        state.tags = [...r.tags];
      }
    }
    return state;
  }

  /** The last pairwise judgement of two runs, in either order, as seen with `a` as side A. */
  async pairOf(folder: string, a: string, b: string): Promise<PairSide | 'tie' | null> {
    const latest = await this.latestOf(folder);
    const direct = latest.get(pairKey(a, b));
    if (direct?.kind === 'pairwise') return direct.value;
    const reverse = latest.get(pairKey(b, a));
    if (reverse?.kind === 'pairwise') return reverse.value === 'tie' ? 'tie' : reverse.value === 'A' ? 'B' : 'A';
    return null;
  }

  /** The lines of a folder's ratings file that could not be read (after its first use). */
  problemsOf(folder: string): readonly RatingsProblem[] {
    return this.problems.get(folder) ?? [];
  }

  dispose(): void {
    this.recorded.dispose();
  }

  private async append(folder: string, latest: Map<string, RatingRecord>, rating: NewRating): Promise<RatingRecord> {
    const key = keyOf(rating);
    const record = await appendRating(this.fileOf(folder), { ...rating, supersedes: latest.get(key)?.id ?? null } as NewRating);
    latest.set(key, record);
    this.options.log?.info(`Rated ${record.kind} ${String(record.value)} (${record.criterion}) ${record.runId ?? 'pair'} → ${record.id}${record.supersedes ? `, superseding ${record.supersedes}` : ''}`);
    this.recorded.fire({ folder, record });
    return record;
  }

  private serially<T>(folder: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queue.get(folder) ?? Promise.resolve()).then(work, work);
    this.queue.set(
      folder,
      run.catch(() => undefined),
    );
    return run;
  }

  private fileOf(folder: string): string {
    return this.options.ratingsFile?.(folder) ?? new WorkbenchPaths(folder).ratingsFile;
  }

  private async latestOf(folder: string): Promise<Map<string, RatingRecord>> {
    let loading = this.loaded.get(folder);
    if (!loading) {
      const map = new Map<string, RatingRecord>();
      this.latest.set(folder, map);
      loading = readRatings(this.fileOf(folder)).then(
        (content) => {
          // File order: a later line of the same key is the one that counts.
          for (const r of effectiveRatings(content.records)) map.set(keyOf(r), r);
          this.problems.set(folder, content.problems);
          for (const p of content.problems) this.options.log?.warn(`${p.file}:${p.line}: ${p.message} (skipped; every other rating is kept)`);
        },
        (err: Error) => this.options.log?.warn(`Could not read the ratings of ${folder}: ${err.message}`),
      );
      this.loaded.set(folder, loading);
    }
    await loading;
    return this.latest.get(folder)!;
  }
}

function blindShown(position: number | null): { shownAs: string; position: number } | null {
  return position === null ? null : { shownAs: blindLabel(position), position };
}

function runKey(runId: string | null, kind: RatingRecord['kind'], criterion: string): string {
  return `${runId}|${kind}|${criterion}`;
}

function pairKey(a: string | null, b: string | null): string {
  return `${a}|${b}|pairwise`;
}

/** One key per thing that can be re-rated: a run's kind × criterion, or an ordered pair of runs. */
function keyOf(r: { kind: RatingRecord['kind']; runId?: string | null; criterion?: string; pair?: { A: PairMember; B: PairMember } }): string {
  const criterion = r.criterion ?? 'overall';
  if (r.kind === 'pairwise' && r.pair) return pairKey(r.pair.A.runId, r.pair.B.runId) + (criterion === 'overall' ? '' : `|${criterion}`);
  return runKey(r.runId ?? null, r.kind, criterion);
}

function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0 && t.length <= 60))].slice(0, 20);
}
