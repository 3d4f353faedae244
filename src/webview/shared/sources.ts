import './l10nSetup';
import * as l10n from '@vscode/l10n';
import type { OpenSourceMessage, SourceRef } from '../../shared/sources';

/**
 * "Sources: docs/launch-plan.md:12–30 (0.82) …" under an answer: the chunks a prompt's
 * `workbench.rag` retrieved. Each is a button; clicking it asks the host to open the file there.
 *
 * Stable DOM for tests: `.sources` (hidden without sources), `.sources .source-label`, one
 * `button.source[data-path][data-start-line][data-end-line]` per source, `.sources .none`.
 */
export class SourcesView {
  readonly root: HTMLElement;
  private shown = '';

  constructor(private readonly open: (message: OpenSourceMessage) => void) {
    this.root = document.createElement('nav');
    this.root.className = 'sources';
    this.root.setAttribute('aria-label', l10n.t('Sources'));
    this.root.hidden = true;
  }

  /** Shows these sources (null or undefined: the prompt retrieves nothing, so no list). */
  show(sources: readonly SourceRef[] | null | undefined): void {
    const key = sources ? JSON.stringify(sources) : '';
    if (key === this.shown) return;
    this.shown = key;
    this.root.hidden = !sources;
    if (!sources) {
      this.root.replaceChildren();
      return;
    }
    const label = document.createElement('span');
    label.className = 'source-label';
    label.textContent = l10n.t('Sources:');
    if (!sources.length) {
      const none = document.createElement('span');
      none.className = 'none';
      none.textContent = l10n.t('no document matched the query');
      this.root.replaceChildren(label, none);
      return;
    }
    this.root.replaceChildren(label, ...sources.map((source) => this.button(source)));
  }

  private button(source: SourceRef): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'source';
    button.dataset.path = source.path;
    button.dataset.startLine = String(source.startLine);
    button.dataset.endLine = String(source.endLine);
    // A knowledge base result has a location (s3://…, https://…) and no lines: it opens outside the editor.
    if (source.startLine <= 0) {
      button.textContent = `${source.path} (${source.score.toFixed(2)})`;
      button.title = l10n.t('Open {0} outside the editor', source.path);
    } else {
      const lines = source.endLine > source.startLine ? `${source.startLine}–${source.endLine}` : String(source.startLine);
      button.textContent = `${source.path}:${lines} (${source.score.toFixed(2)})`;
      button.title = l10n.t('Open {0} at lines {1}', source.path, lines);
    }
    button.addEventListener('click', () => this.open({ type: 'openSource', path: source.path, startLine: source.startLine, endLine: source.endLine }));
    return button;
  }
}

/** A sources list of its own, for a place that shows the same sources more than once (each comparison column). */
export function sourcesElement(sources: readonly SourceRef[] | null | undefined, open: (message: OpenSourceMessage) => void): HTMLElement {
  const view = new SourcesView(open);
  view.show(sources);
  return view.root;
}
