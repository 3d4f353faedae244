import './l10nSetup';
import * as l10n from '@vscode/l10n';
import type { OutputRatingState, RatingCriterion, RatingInput } from '../../shared/ratingProtocol';

/**
 * One output's rating widget: a row of 1–5 stars per criterion, thumbs up/down, and a note
 * (comment and tags). Built once and updated in place, so a focused button keeps its focus
 * when the host answers; everything is text (textContent), nothing from the host is HTML.
 */
export class RatingWidget {
  readonly root: HTMLElement;
  private readonly starsEl: HTMLElement;
  private readonly thumbs = new Map<'up' | 'down', HTMLButtonElement>();
  private readonly comment: HTMLTextAreaElement;
  private readonly tags: HTMLInputElement;
  private readonly saveNote: HTMLButtonElement;
  private readonly messageEl: HTMLElement;
  private criteriaKey = '';
  private starButtons = new Map<string, HTMLButtonElement[]>();
  /** The note as the host last said it, so a reply does not overwrite what is being typed. */
  private shownNote = { comment: '', tags: '' };
  private enabled = true;

  constructor(readonly column: number, private readonly onRate: (input: RatingInput) => void) {
    const root = (this.root = document.createElement('div'));
    root.className = 'rating-widget';
    root.dataset.column = String(column);
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', l10n.t('Rating'));

    this.starsEl = document.createElement('div');
    this.starsEl.className = 'rating-criteria';

    const thumbsRow = document.createElement('div');
    thumbsRow.className = 'rating-thumbs';
    for (const [value, glyph, label] of [['up', l10n.t('▲ Up'), l10n.t('Thumbs up (U)')], ['down', l10n.t('▼ Down'), l10n.t('Thumbs down (D)')]] as const) {
      const b = button(`thumb thumb-${value}`, glyph, label);
      b.dataset.value = value;
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => this.onRate({ kind: 'thumbs', value, ...this.note() }));
      this.thumbs.set(value, b);
      thumbsRow.append(b);
    }

    const details = document.createElement('details');
    details.className = 'rating-note';
    const summary = document.createElement('summary');
    summary.textContent = l10n.t('Comment and tags');
    this.comment = document.createElement('textarea');
    this.comment.className = 'rating-comment';
    this.comment.rows = 2;
    this.comment.placeholder = l10n.t('What is good or wrong about this answer?');
    this.comment.setAttribute('aria-label', l10n.t('Comment'));
    this.tags = document.createElement('input');
    this.tags.className = 'rating-tags';
    this.tags.type = 'text';
    this.tags.placeholder = l10n.t('Tags, comma separated');
    this.tags.setAttribute('aria-label', l10n.t('Tags, comma separated'));
    this.saveNote = button('rating-save-note', l10n.t('Save note'), l10n.t('Keep the comment and tags with this answer’s rating'));
    this.saveNote.addEventListener('click', () => this.onRate({ kind: 'note', ...this.note() }));
    details.append(summary, this.comment, this.tags, this.saveNote);
    thumbsRow.append(details);

    this.messageEl = document.createElement('span');
    this.messageEl.className = 'rating-message';

    root.append(this.starsEl, thumbsRow, this.messageEl);
  }

  /** The comment and tags as typed. */
  note(): { comment: string; tags: string[] } {
    return { comment: this.comment.value.trim(), tags: this.tags.value.split(',').map((t) => t.trim()).filter(Boolean) };
  }

  update(criteria: readonly RatingCriterion[], rating: OutputRatingState, enabled: boolean, message: string | null = null): void {
    const key = criteria.map((c) => `${c.name}\u0000${c.description ?? ''}`).join('\u0001');
    if (key !== this.criteriaKey) this.buildCriteria(criteria, key);
    for (const [criterion, buttons] of this.starButtons) {
      const value = rating.stars[criterion] ?? 0;
      buttons.forEach((b, i) => {
        const n = i + 1;
        setAttr(b, 'aria-pressed', String(n === value));
        b.classList.toggle('filled', n <= value);
      });
      const row = buttons[0]?.parentElement;
      if (row) row.dataset.value = String(value);
    }
    for (const [value, b] of this.thumbs) setAttr(b, 'aria-pressed', String(rating.thumbs === value));
    const tags = rating.tags.join(', ');
    // Only what the host changed is written: text being typed in the note stays.
    if (rating.comment !== this.shownNote.comment && document.activeElement !== this.comment) this.comment.value = rating.comment;
    if (tags !== this.shownNote.tags && document.activeElement !== this.tags) this.tags.value = tags;
    this.shownNote = { comment: rating.comment, tags };
    if (enabled !== this.enabled) {
      this.enabled = enabled;
      for (const b of this.root.querySelectorAll('button')) (b as HTMLButtonElement).disabled = !enabled;
      this.root.classList.toggle('disabled', !enabled);
    }
    if (this.messageEl.textContent !== (message ?? '')) this.messageEl.textContent = message ?? '';
  }

  private buildCriteria(criteria: readonly RatingCriterion[], key: string): void {
    this.criteriaKey = key;
    this.starButtons = new Map();
    const rows = criteria.map((c) => {
      const row = document.createElement('div');
      row.className = 'rating-stars';
      row.dataset.criterion = c.name;
      row.setAttribute('role', 'group');
      row.setAttribute('aria-label', c.description ? `${c.name}: ${c.description}` : c.name);
      const label = document.createElement('span');
      label.className = 'rating-criterion';
      label.textContent = c.name;
      if (c.description) label.title = c.description;
      row.append(label);
      const buttons: HTMLButtonElement[] = [];
      for (let n = 1; n <= 5; n++) {
        const b = button('star', '★', starLabel(n, c.name));
        b.dataset.value = String(n);
        b.setAttribute('aria-pressed', 'false');
        b.disabled = !this.enabled;
        b.addEventListener('click', () => this.onRate({ kind: 'stars', criterion: c.name, value: n as 1 | 2 | 3 | 4 | 5, ...this.note() }));
        buttons.push(b);
        row.append(b);
      }
      this.starButtons.set(c.name, buttons);
      return row;
    });
    this.starsEl.replaceChildren(...rows);
  }
}

/** A star button's name: "3 stars for accuracy", and the key that gives it for the overall row. */
function starLabel(n: number, criterion: string): string {
  if (criterion === 'overall') return n === 1 ? l10n.t('1 star for {0} (1)', criterion) : l10n.t('{0} stars for {1} ({0})', n, criterion);
  return n === 1 ? l10n.t('1 star for {0}', criterion) : l10n.t('{0} stars for {1}', n, criterion);
}

function button(cls: string, text: string, label: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = text;
  b.title = label;
  b.setAttribute('aria-label', label);
  return b;
}

function setAttr(el: HTMLElement, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** The rating a key press gives (1–5 overall stars, U/D thumbs), or undefined for other keys. */
export function ratingForKey(event: KeyboardEvent): RatingInput | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey) return undefined;
  if (/^[1-5]$/.test(event.key)) return { kind: 'stars', criterion: 'overall', value: Number(event.key) as 1 | 2 | 3 | 4 | 5 };
  const key = event.key.toLowerCase();
  if (key === 'u') return { kind: 'thumbs', value: 'up' };
  if (key === 'd') return { kind: 'thumbs', value: 'down' };
  return undefined;
}

/** True when keys typed there are text (the note, the inputs form), not shortcuts. */
export function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'range') || el.isContentEditable);
}

/** What a key rating says, for the aria-live announcement. */
export function describeRating(input: RatingInput, label: string): string {
  if (input.kind === 'stars') {
    const n = input.value;
    if (input.criterion === 'overall') return n === 1 ? l10n.t('{0}: 1 star', label) : l10n.t('{0}: {1} stars', label, n);
    return n === 1 ? l10n.t('{0}: 1 star for {1}', label, input.criterion) : l10n.t('{0}: {1} stars for {2}', label, n, input.criterion);
  }
  if (input.kind === 'thumbs') return input.value === 'up' ? l10n.t('{0}: thumbs up', label) : l10n.t('{0}: thumbs down', label);
  return l10n.t('{0}: note saved', label);
}
