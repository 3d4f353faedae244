/**
 * Shows a streamed answer with its masked placeholders (`[EMAIL_1]`, `[NAME_2]` …) restored,
 * for display only: `restore` is the caller's (it closes over the mapping, which stays with
 * the caller). A placeholder may arrive split across deltas ("[EMA" then "IL_1]"): a tail that
 * may still become one is held back until the next delta (or `flush`) says what it is, so what
 * was shown never has to change. Restored text never goes back to a model or into a record.
 */
export interface DisplayStream {
  /** The displayable text for this delta (possibly empty while a placeholder is incomplete). */
  push(delta: string): string;
  /** What is still held back, restored (at the end of the stream). */
  flush(): string;
}

/** A tail that could still grow into a placeholder: "[", "[EM", "[EMAIL_", "[EMAIL_1". */
const PARTIAL_PLACEHOLDER = /\[[A-Z]{0,5}(?:_\d*)?$/;

export function displayStream(restore: (text: string) => string): DisplayStream {
  let pending = '';
  return {
    push(delta) {
      pending += delta;
      const partial = PARTIAL_PLACEHOLDER.exec(pending);
      const cut = partial ? partial.index : pending.length;
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      return ready ? restore(ready) : '';
    },
    flush() {
      const rest = pending;
      pending = '';
      return rest ? restore(rest) : '';
    },
  };
}
