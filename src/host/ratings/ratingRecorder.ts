import * as vscode from 'vscode';
import type { PairMember, RatingRecord } from '../../core/ratings/ratingRecord';
import { appendRating, effectiveRatings, readRatings, type NewRating } from '../../core/ratings/ratingsStore';
import { findRunRecord } from '../../core/ratings/runLookup';
import { WorkbenchPaths } from '../../core/workspace/paths';
import { EMPTY_OUTPUT_RATING, type OutputRatingState, type RatingInput } from '../../shared/ratingProtocol';
import { raterName } from './raterName';

/** The run a rating is about, as the panel knows it; the rest is read from its run record. */
export interface RatedRun {
  folder: string;
  runId: string;
  /** When the panel knows them (a run of this window); otherwise read from the run record. */
  prompt?: { name: string; version: number; contentHash: string | null };
  model?: string;
}

export interface RunIdentity {
  runId: string;
  prompt: { name: string; version: number; contentHash: string | null };
  model: string;
}

export type BlindShown = { shownAs: string; position: number } | null;

/**
 * Appends ratings to `.prompt-workbench/ratings.jsonl` (core `appendRating`: one line, one
 * write) with the run, its prompt version and content hash, the model and the rater. A changed
 * rating of the same run, kind and criterion supersedes the one before: the recorder
 * remembers the last id of each, and reads the file once per folder for runs rated before.
 */
export class RatingRecorder implements vscode.Disposable {
  /** `folder` → key (`run|kind|criterion`) → the record that counts now. */
  private readonly latest = new Map<string, Map<string, RatingRecord>>();
  private readonly loaded = new Map<string, Promise<void>>();
  private readonly runs = new Map<string, Promise<RunIdentity | undefined>>();
  private readonly recorded = new vscode.EventEmitter<{ folder: string; record: RatingRecord }>();
  /** Fires after every rating appended by this window (the scoreboard refreshes at once). */
  readonly onDidRecord = this.recorded.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** What is known about a run: the panel's hints, else its run record. */
  async identify(run: RatedRun): Promise<RunIdentity> {
    if (run.prompt?.contentHash && run.model) return { runId: run.runId, prompt: run.prompt, model: run.model };
    const key = `${run.folder}\n${run.runId}`;
    let found = this.runs.get(key);
    if (!found) {
      found = findRunRecord(new WorkbenchPaths(run.folder).runsDir, run.runId).then((r) =>
        r ? { runId: r.id, prompt: { name: r.prompt.name, version: r.prompt.version, contentHash: r.prompt.contentHash ?? null }, model: r.model } : undefined,
      );
      this.runs.set(key, found);
    }
    const record = await found;
    if (record) return record;
    this.runs.delete(key);
    if (run.prompt && run.model) return { runId: run.runId, prompt: run.prompt, model: run.model };
    throw new Error(vscode.l10n.t('Run {0} is not in this workspace’s .prompt-workbench/runs/, so it cannot be rated. Run the prompt again and rate the new answer.', run.runId));
  }

  /** Records stars, thumbs, or a note (comment and tags, kept with the run's latest stars or thumbs). */
  async rate(run: RatedRun, input: RatingInput, blind: BlindShown): Promise<RatingRecord> {
    const id = await this.identify(run);
    await this.load(run.folder);
    const latest = this.latestOf(run.folder);
    const base = { runId: id.runId, prompt: id.prompt, model: id.model, rater: await raterName(run.folder), blind };
    let rating: NewRating;
    if (input.kind === 'note') {
      // A note has no value of its own: it is recorded as an edit of the run's overall rating.
      const previous = latest.get(`${id.runId}|stars|overall`) ?? latest.get(`${id.runId}|thumbs|overall`);
      if (!previous || previous.kind === 'pairwise') throw new Error(vscode.l10n.t('Give stars or a thumb first: a comment and tags are kept with a rating.'));
      rating = { ...base, kind: previous.kind, value: previous.value, criterion: previous.criterion, comment: input.comment, tags: cleanTags(input.tags) } as NewRating;
    } else {
      const criterion = input.kind === 'stars' ? input.criterion : 'overall';
      const before = latest.get(`${id.runId}|${input.kind}|${criterion}`);
      rating = {
        ...base,
        kind: input.kind,
        value: input.value,
        criterion,
        comment: input.comment ?? before?.comment ?? '',
        tags: cleanTags(input.tags ?? before?.tags ?? []),
      } as NewRating;
    }
    return this.append(run.folder, rating, keyOf(rating));
  }

  /** A pairwise judgement between two runs (`value` names the better side, or `tie`). */
  async ratePair(
    folder: string,
    a: RatedRun,
    b: RatedRun,
    value: 'A' | 'B' | 'tie',
    blind: { A: { shownAs: string; position: number }; B: { shownAs: string; position: number } } | null,
  ): Promise<RatingRecord> {
    const [ia, ib] = await Promise.all([this.identify(a), this.identify(b)]);
    await this.load(folder);
    const pair: { A: PairMember; B: PairMember } = { A: { runId: ia.runId, model: ia.model }, B: { runId: ib.runId, model: ib.model } };
    const rating = {
      kind: 'pairwise',
      model: null,
      value,
      pair,
      runId: null,
      prompt: ia.prompt,
      criterion: 'overall',
      rater: await raterName(folder),
      // The record's own `blind` is side A's; `pair` in it says how both sides were shown.
      blind: blind ? { ...blind.A, pair: blind } : null,
    } as unknown as NewRating;
    return this.append(folder, rating, keyOf(rating));
  }

  /** The ratings that count now for these runs (for a reopened panel). */
  async stateOf(folder: string, runId: string): Promise<OutputRatingState> {
    await this.load(folder);
    const state: OutputRatingState = { ...EMPTY_OUTPUT_RATING, stars: {}, tags: [] };
    let noteAt = '';
    for (const r of this.latestOf(folder).values()) {
      if (r.runId !== runId || r.kind === 'pairwise') continue;
      if (r.kind === 'stars') state.stars[r.criterion] = r.value;
      else if (r.criterion === 'overall') state.thumbs = r.value;
      // The note shown is the newest one given with any of the run's ratings.
      if ((r.comment || r.tags.length) && r.ts >= noteAt) {
        noteAt = r.ts;
        state.comment = r.comment;
        state.tags = [...r.tags];
      }
    }
    return state;
  }

  /** The last pairwise judgement of these two runs, in either order, as seen from `a`. */
  async pairOf(folder: string, a: string, b: string): Promise<'A' | 'B' | 'tie' | null> {
    await this.load(folder);
    const map = this.latestOf(folder);
    const direct = map.get(pairKey(a, b));
    if (direct?.kind === 'pairwise') return direct.value;
    const reverse = map.get(pairKey(b, a));
    if (reverse?.kind === 'pairwise') return reverse.value === 'tie' ? 'tie' : reverse.value === 'A' ? 'B' : 'A';
    return null;
  }

  private async append(folder: string, rating: NewRating, key: string): Promise<RatingRecord> {
    const latest = this.latestOf(folder);
    const previous = latest.get(key);
    const record = await appendRating(new WorkbenchPaths(folder).ratingsFile, { ...rating, supersedes: previous?.id ?? null } as NewRating);
    latest.set(key, record);
    this.log.info(`Rated ${record.kind} ${String(record.value)} (${record.criterion}) ${record.runId ?? 'pair'} → ${record.id}${record.supersedes ? `, superseding ${record.supersedes}` : ''}`);
    this.recorded.fire({ folder, record });
    return record;
  }

  private latestOf(folder: string): Map<string, RatingRecord> {
    let map = this.latest.get(folder);
    if (!map) this.latest.set(folder, (map = new Map()));
    return map;
  }

  /**
   * Reads the folder's ratings once, so a rating given in another session is superseded too.
   * Ratings appended by other windows after that are not seen here: an edit of one of those
   * adds a line that does not supersede it (both count), which is the safe side of that race.
   */
  private load(folder: string): Promise<void> {
    let loading = this.loaded.get(folder);
    if (!loading) {
      loading = readRatings(new WorkbenchPaths(folder).ratingsFile).then(
        (content) => {
          const map = this.latestOf(folder);
          // File order: a later line of the same run, kind and criterion is the one that counts.
          for (const r of effectiveRatings(content.records)) map.set(keyOf(r), r);
        },
        (err: Error) => this.log.warn(`Could not read the ratings of ${folder}: ${err.message}`),
      );
      this.loaded.set(folder, loading);
    }
    return loading;
  }

  dispose(): void {
    this.recorded.dispose();
  }
}

function pairKey(a: string | null, b: string | null): string {
  return `${a}|${b}|pairwise`;
}

/** One key per thing that can be re-rated: a run's kind × criterion, or an ordered pair of runs. */
function keyOf(r: { kind: RatingRecord['kind']; runId?: string | null; criterion?: string; pair?: { A: PairMember; B: PairMember } }): string {
  const criterion = r.criterion ?? 'overall';
  if (r.kind === 'pairwise' && r.pair) return pairKey(r.pair.A.runId, r.pair.B.runId) + (criterion === 'overall' ? '' : `|${criterion}`);
  return `${r.runId ?? null}|${r.kind}|${criterion}`;
}

function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0 && t.length <= 60))].slice(0, 20);
}
