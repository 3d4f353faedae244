import { renderAnswer, renderAnswerFragment } from './markdown';

const FENCE = /^ {0,3}(```|~~~)/;
/**
 * Finished blocks are kept in pieces of about this many characters, each a `.md-chunk` that the
 * page styles `content-visibility: auto`: a piece off screen costs no layout or paint, so a
 * frame's work does not grow with the answer (a 2 MB answer keeps painting every frame).
 */
const CHUNK_CHARS = 16 * 1024;

/**
 * Renders a growing Markdown answer into an element in time that does not grow with it:
 * text up to the last blank line outside a code fence is made of finished blocks, rendered
 * once and kept; only the open block at the end is rendered again each frame. Once the
 * answer is complete it is rendered whole (highlighted), so the final view is exactly
 * what markdown-it makes of the full text. Used by the run panel, each comparison column and
 * the email panel.
 */
export class StreamingMarkdown {
  private mode: 'empty' | 'streaming' | 'final' = 'empty';
  private stableEl: HTMLElement | null = null;
  /** The piece of `stableEl` that finished blocks go into, and how much text it holds. */
  private chunkEl: HTMLElement | null = null;
  private chunkChars = 0;
  /** Blank lines outside a fence found since the last render: where finished text may be cut. */
  private cuts: number[] = [];
  private tailEl: HTMLElement | null = null;
  /** End of the text rendered into `stableEl`. */
  private stableEnd = 0;
  /** Start of the first line not yet scanned for blank lines and fences. */
  private scanPos = 0;
  private inFence = false;
  /** The text's first characters when streaming began: a different answer starts over. */
  private head = '';
  /** The text rendered whole, once complete. */
  private finalText: string | null = null;

  constructor(private readonly target: HTMLElement) {}

  render(text: string, complete: boolean): void {
    if (complete) {
      // The whole answer, highlighted, once: drawing the page again for something else keeps it.
      if (this.mode === 'final' && this.finalText === text) return;
      this.target.innerHTML = renderAnswer(text, true);
      this.mode = 'final';
      this.finalText = text;
      return;
    }
    if (this.mode !== 'streaming' || text.length < this.scanPos || !text.startsWith(this.head)) this.reset(text);
    if (this.head.length < 32) this.head = text.slice(0, 32);
    const boundary = this.scan(text);
    if (boundary > this.stableEnd) {
      let start = this.stableEnd;
      for (const cut of this.cuts) {
        if (cut === boundary || cut - start + this.chunkChars >= CHUNK_CHARS) {
          this.appendFinished(text.slice(start, cut));
          start = cut;
        }
      }
      this.stableEnd = boundary;
    }
    this.cuts = [];
    this.tailEl!.replaceChildren(renderAnswerFragment(text.slice(this.stableEnd)));
  }

  private appendFinished(text: string): void {
    if (!this.chunkEl || this.chunkChars >= CHUNK_CHARS) {
      this.chunkEl = document.createElement('div');
      this.chunkEl.className = 'md-chunk';
      this.stableEl!.append(this.chunkEl);
      this.chunkChars = 0;
    }
    this.chunkEl.append(renderAnswerFragment(text));
    this.chunkChars += text.length;
  }

  /** Empties the element (the caller draws something else in it). */
  clear(): void {
    this.mode = 'empty';
    this.finalText = null;
    this.target.replaceChildren();
  }

  private reset(text: string): void {
    this.mode = 'streaming';
    this.stableEl = document.createElement('div');
    this.tailEl = document.createElement('div');
    this.target.replaceChildren(this.stableEl, this.tailEl);
    this.chunkEl = null;
    this.chunkChars = 0;
    this.cuts = [];
    this.stableEnd = 0;
    this.scanPos = 0;
    this.inFence = false;
    this.head = text.slice(0, 32);
  }

  /** Scans the complete lines that arrived; returns the end of the last blank line outside a fence. */
  private scan(text: string): number {
    let boundary = this.stableEnd;
    for (;;) {
      const newline = text.indexOf('\n', this.scanPos);
      if (newline < 0) break;
      const line = text.slice(this.scanPos, newline);
      if (FENCE.test(line)) this.inFence = !this.inFence;
      else if (!this.inFence && line.trim() === '') this.cuts.push((boundary = newline + 1));
      this.scanPos = newline + 1;
    }
    return boundary;
  }
}
