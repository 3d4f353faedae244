/** 0-based lines and columns (UTF-16 code units, as VS Code counts them), relative to the whole file. */
export interface DiagnosticRange {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface PromptDiagnostic {
  severity: DiagnosticSeverity;
  /** Written for the person editing the file: "YAML: …", "Template: …", "Frontmatter: …". */
  message: string;
  range: DiagnosticRange;
  /** Stable machine-readable id, e.g. `yaml-duplicate-key`, `template-unclosed-block`. */
  code: string;
}

/**
 * Maps offsets in a text to line/column positions. Line breaks are `\r\n`, `\r` and `\n`,
 * the same three that VS Code, Handlebars and dotprompt's frontmatter pattern recognise.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let offset = 0; offset < text.length; offset++) {
      const code = text.charCodeAt(offset);
      if (code === 13 /* \r */) {
        if (text.charCodeAt(offset + 1) === 10) offset++;
        this.lineStarts.push(offset + 1);
      } else if (code === 10 /* \n */) {
        this.lineStarts.push(offset + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** Offset just before the line's break (or the end of the text on the last line). */
  lineEnd(line: number): number {
    if (line >= this.lineStarts.length - 1) return this.text.length;
    const nextStart = this.lineStarts[line + 1];
    const breakLength = this.text.charCodeAt(nextStart - 1) === 10 && this.text.charCodeAt(nextStart - 2) === 13 ? 2 : 1;
    return nextStart - breakLength;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  position(offset: number): { line: number; col: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= clamped) low = middle;
      else high = middle - 1;
    }
    // An offset between the \r and \n of a CRLF still belongs to the end of its line.
    return { line: low, col: Math.min(clamped, this.lineEnd(low)) - this.lineStarts[low] };
  }

  range(startOffset: number, endOffset: number): DiagnosticRange {
    const start = this.position(startOffset);
    const end = this.position(Math.max(startOffset, endOffset));
    return { startLine: start.line, startCol: start.col, endLine: end.line, endCol: end.col };
  }

  /** The whole of one line, without its break. */
  lineRange(line: number): DiagnosticRange {
    const clamped = Math.max(0, Math.min(line, this.lineStarts.length - 1));
    return this.range(this.lineStart(clamped), this.lineEnd(clamped));
  }
}
