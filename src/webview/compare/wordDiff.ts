import { diffWords } from 'diff';

export interface WordDiffStats {
  added: number;
  removed: number;
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * Shows a word-level diff of two answers in `target`: words only in B as `ins`, words only
 * in A as `del`. Built with text nodes, never HTML, so model output cannot inject markup.
 */
export function renderWordDiff(target: HTMLElement, a: string, b: string): WordDiffStats {
  const stats: WordDiffStats = { added: 0, removed: 0 };
  const fragment = document.createDocumentFragment();
  for (const part of diffWords(a, b)) {
    if (part.added) {
      const ins = document.createElement('ins');
      ins.textContent = part.value;
      fragment.append(ins);
      stats.added += countWords(part.value);
    } else if (part.removed) {
      const del = document.createElement('del');
      del.textContent = part.value;
      fragment.append(del);
      stats.removed += countWords(part.value);
    } else {
      fragment.append(document.createTextNode(part.value));
    }
  }
  target.replaceChildren(fragment);
  return stats;
}
