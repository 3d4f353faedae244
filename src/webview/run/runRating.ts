import '../shared/l10nSetup';
import * as l10n from '@vscode/l10n';
import type { RunPanelState, RunPanelToHost } from '../../shared/runPanelProtocol';
import { EMPTY_OUTPUT_RATING } from '../../shared/ratingProtocol';
import { describeRating, isTextField, RatingWidget, ratingForKey } from '../shared/ratingWidget';

/**
 * The run panel's rating widget, shown once the run is recorded: asks the host for its state
 * (criteria from the prompt's rubric, ratings given before) per run id, and takes 1–5 and
 * U/D from the keyboard anywhere outside a text field, said through an aria-live region.
 */
export class RunRatingUi {
  private readonly section: HTMLElement;
  private readonly widget: RatingWidget;
  private readonly announceEl: HTMLElement;
  private askedFor: string | null = null;
  private state: RunPanelState | null = null;

  constructor(private readonly post: (message: RunPanelToHost) => void, before: HTMLElement) {
    this.section = document.createElement('section');
    this.section.id = 'run-rating';
    this.section.setAttribute('aria-label', l10n.t('Rate this answer (keys 1–5, U, D)'));
    this.section.hidden = true;
    this.widget = new RatingWidget(0, (input) => this.rate(input));
    this.announceEl = document.createElement('span');
    this.announceEl.id = 'rating-announce';
    this.announceEl.className = 'visually-hidden';
    this.announceEl.setAttribute('aria-live', 'polite');
    this.announceEl.setAttribute('role', 'status');
    this.section.append(this.widget.root, this.announceEl);
    before.parentElement?.insertBefore(this.section, before);
    document.addEventListener('keydown', (event) => {
      if (this.section.hidden || isTextField(event.target)) return;
      const input = ratingForKey(event);
      if (!input) return;
      event.preventDefault();
      this.rate(input);
    });
  }

  render(state: RunPanelState): void {
    this.state = state;
    const runId = state.status === 'done' || (state.status === 'cancelled' && state.output) ? state.runId : null;
    this.section.hidden = !runId;
    if (!runId) return;
    const r = state.ratings && state.ratings.runId === runId ? state.ratings : null;
    if (!r && this.askedFor !== runId) {
      this.askedFor = runId;
      this.post({ type: 'loadRating', runId });
    }
    this.widget.update(r?.criteria ?? [{ name: 'overall', description: null }], r?.rating ?? EMPTY_OUTPUT_RATING, true, r?.message ?? null);
  }

  private rate(input: Parameters<typeof describeRating>[0]): void {
    if (!this.state?.runId) return;
    this.post({ type: 'rate', column: 0, input });
    this.announceEl.textContent = '';
    requestAnimationFrame(() => (this.announceEl.textContent = describeRating(input, l10n.t('This answer'))));
  }
}
