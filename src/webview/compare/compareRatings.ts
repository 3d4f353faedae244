import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { ComparePanelState, ComparePanelToHost } from '../../shared/comparePanelProtocol';
import { EMPTY_OUTPUT_RATING, type CompareRatingsState, type RatingInput } from '../../shared/ratingProtocol';
import { describeRating, isTextField, RatingWidget, ratingForKey } from '../shared/ratingWidget';

/**
 * The comparison panel's rating parts: a widget in every column, the bar with blind mode,
 * Reveal and the pairwise judgement, and the keyboard (1–5 stars the focused column, U/D
 * thumbs, ←/→ move between columns from inside one), each said through an aria-live region.
 * Column numbers here are the SHOWN positions; the host maps them back.
 */
export class CompareRatingsUi {
  private widgets: RatingWidget[] = [];
  private columnRoots: HTMLElement[] = [];
  private readonly bar: HTMLElement;
  private readonly blindToggle: HTMLButtonElement;
  private readonly revealButton: HTMLButtonElement;
  private readonly pairA: HTMLSelectElement;
  private readonly pairB: HTMLSelectElement;
  private readonly pairButtons = new Map<'A' | 'B' | 'tie', HTMLButtonElement>();
  private readonly messageEl: HTMLElement;
  private readonly announceEl: HTMLElement;
  private labelsKey = '';
  private state: ComparePanelState | null = null;

  constructor(private readonly post: (message: ComparePanelToHost) => void, header: HTMLElement) {
    const bar = (this.bar = document.createElement('div'));
    bar.id = 'ratings-bar';
    bar.className = 'ratings-bar';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', l10n.t('Rating'));

    this.blindToggle = this.button('blind-toggle', l10n.t('Blind'), l10n.t('Hide model names, ids and costs and shuffle the columns until every answer is rated'));
    this.blindToggle.setAttribute('aria-pressed', 'false');
    this.blindToggle.addEventListener('click', () => this.post({ type: 'setBlind', blind: this.blindToggle.getAttribute('aria-pressed') !== 'true' }));
    this.revealButton = this.button('reveal', l10n.t('Reveal'), l10n.t('Show the model names now'));
    this.revealButton.addEventListener('click', () => this.post({ type: 'reveal' }));

    const pair = document.createElement('span');
    pair.id = 'pair-bar';
    pair.className = 'pair-bar';
    const label = document.createElement('span');
    label.textContent = l10n.t('Pairwise');
    this.pairA = document.createElement('select');
    this.pairA.id = 'pair-a';
    this.pairA.setAttribute('aria-label', l10n.t('First answer of the pair'));
    this.pairB = document.createElement('select');
    this.pairB.id = 'pair-b';
    this.pairB.setAttribute('aria-label', l10n.t('Second answer of the pair'));
    const vs = document.createElement('span');
    vs.textContent = l10n.t('vs');
    vs.setAttribute('aria-hidden', 'true');
    pair.append(label, this.pairA, vs, this.pairB);
    for (const value of ['A', 'tie', 'B'] as const) {
      const b = this.button(`pair-${value}`, value === 'tie' ? l10n.t('Tie') : l10n.t('{0} is better', value), '');
      b.dataset.value = value;
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => this.judgePair(value));
      this.pairButtons.set(value, b);
      pair.append(b);
    }
    for (const select of [this.pairA, this.pairB]) select.addEventListener('change', () => this.renderPairLabels());

    this.messageEl = document.createElement('span');
    this.messageEl.className = 'ratings-message';
    this.announceEl = document.createElement('span');
    this.announceEl.id = 'rating-announce';
    this.announceEl.className = 'visually-hidden';
    this.announceEl.setAttribute('aria-live', 'polite');
    this.announceEl.setAttribute('role', 'status');
    bar.append(this.blindToggle, this.revealButton, pair, this.messageEl, this.announceEl);
    header.append(bar);
    document.addEventListener('keydown', (event) => this.onKey(event), true);
  }

  /** New column elements (the panel rebuilt its columns): one widget each, above the answer. */
  attach(columns: { root: HTMLElement; output: HTMLElement }[]): void {
    this.columnRoots = columns.map((c) => c.root);
    this.widgets = columns.map((c, i) => {
      const widget = new RatingWidget(i, (input) => this.rate(i, input));
      c.root.insertBefore(widget.root, c.output);
      return widget;
    });
    this.labelsKey = '';
  }

  render(state: ComparePanelState): void {
    this.state = state;
    const r = state.ratings;
    const count = state.columns.length;
    const labels = r?.labels.length === count ? r.labels : state.columns.map((_, i) => String(i + 1));
    this.widgets.forEach((w, i) => {
      const c = state.columns[i];
      const ready = !!c && c.status !== 'streaming' && c.output.length > 0;
      w.update(r?.criteria ?? [{ name: 'overall', description: null }], r?.columns[i] ?? EMPTY_OUTPUT_RATING, ready);
      w.root.setAttribute('aria-label', l10n.t('Rating of {0}', labels[i] ?? i + 1));
    });
    const blind = !!r?.blind;
    if (this.blindToggle.getAttribute('aria-pressed') !== String(blind)) this.blindToggle.setAttribute('aria-pressed', String(blind));
    this.blindToggle.textContent = blind ? l10n.t('Blind: on') : l10n.t('Blind: off');
    this.revealButton.hidden = !blind || !!r?.revealed;
    this.bar.dataset.blind = String(blind);
    this.bar.dataset.revealed = String(!!r?.revealed);
    const key = labels.join('|') + `|${count}`;
    if (key !== this.labelsKey) {
      this.labelsKey = key;
      this.fillPairSelects(labels);
    }
    this.renderPairLabels();
    const pairwise = r?.pairwise;
    const samePair = pairwise && pairwise.a === Number(this.pairA.value) && pairwise.b === Number(this.pairB.value);
    for (const [value, b] of this.pairButtons) {
      b.setAttribute('aria-pressed', String(!!samePair && pairwise!.value === value));
      b.disabled = count < 2;
    }
    const message = r?.message ?? '';
    if (this.messageEl.textContent !== message) this.messageEl.textContent = message;
  }

  private fillPairSelects(labels: string[]): void {
    const fill = (select: HTMLSelectElement, fallback: number) => {
      const previous = select.value === '' ? NaN : Number(select.value);
      select.replaceChildren(
        ...labels.map((label, i) => {
          const option = document.createElement('option');
          option.value = String(i);
          option.textContent = label;
          return option;
        }),
      );
      select.value = String(Number.isInteger(previous) && previous < labels.length ? previous : Math.min(fallback, labels.length - 1));
    };
    fill(this.pairA, 0);
    fill(this.pairB, 1);
  }

  private renderPairLabels(): void {
    const name = (select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '';
    const a = name(this.pairA);
    const b = name(this.pairB);
    this.pairButtons.get('A')!.textContent = l10n.t('{0} is better', a || 'A');
    this.pairButtons.get('B')!.textContent = l10n.t('{0} is better', b || 'B');
  }

  private judgePair(value: 'A' | 'B' | 'tie'): void {
    const a = Number(this.pairA.value);
    const b = Number(this.pairB.value);
    if (a === b) return this.announce(l10n.t('Pick two different answers to compare.'));
    this.post({ type: 'pairwise', a, b, value });
  }

  private rate(position: number, input: RatingInput): void {
    const c = this.state?.columns[position];
    if (!c || c.status === 'streaming' || !c.output) return this.announce(l10n.t('{0} has no finished answer to rate yet.', this.labelOf(position)));
    this.post({ type: 'rate', column: position, input });
    this.announce(describeRating(input, this.labelOf(position)));
  }

  private labelOf(position: number): string {
    const r = this.state?.ratings;
    return r?.blind ? r.labels[position] ?? String(position + 1) : this.state?.columns[position]?.model ?? String(position + 1);
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (!target || isTextField(target)) return;
    const columnEl = target.closest?.('section.column') as HTMLElement | null;
    if (!columnEl) return;
    const position = this.columnRoots.indexOf(columnEl);
    if (position < 0) return;
    const input = ratingForKey(event);
    if (input) {
      event.preventDefault();
      event.stopPropagation();
      this.rate(position, input);
      return;
    }
    // From a button inside a column, ←/→ still move between columns (the column itself is handled by the panel).
    if (target !== columnEl && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      const next = this.columnRoots[position + (event.key === 'ArrowRight' ? 1 : -1)];
      if (next) {
        next.focus();
        next.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        this.announce(l10n.t('Column {0}', this.labelOf(this.columnRoots.indexOf(next))));
      }
      event.preventDefault();
      event.stopPropagation();
    } else if (target === columnEl && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      // The panel moves the focus; say where it went once it has.
      requestAnimationFrame(() => {
        const now = this.columnRoots.indexOf(document.activeElement as HTMLElement);
        if (now >= 0) this.announce(l10n.t('Column {0}', this.labelOf(now)));
      });
    }
  }

  private announce(text: string): void {
    // Cleared first, so the same words said twice are announced twice.
    this.announceEl.textContent = '';
    requestAnimationFrame(() => (this.announceEl.textContent = text));
  }

  private button(id: string, text: string, title: string): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = id;
    b.textContent = text;
    if (title) b.title = title;
    return b;
  }
}

export type { CompareRatingsState };
