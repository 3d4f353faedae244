import * as path from 'node:path';
import { parsePromptSource, type ParsedPrompt } from './parsePrompt';

/**
 * A `.prompt` file's text parsed once: what `PromptRunner.prepare()` renders, and what the
 * inputs form, the model choice and the dataset runner read, so one run parses the text once.
 */
export interface PromptDocument {
  /** The exact text, kept with the run's version. */
  readonly source: string;
  /** The file it was read from (partials are found next to it); undefined for an unsaved editor. */
  readonly file: string | undefined;
  readonly parsed: ParsedPrompt;
  /** The frontmatter's name, else the file's name without `.prompt`, else `prompt`. */
  readonly name: string;
}

/** Parses a `.prompt` text (never throws: problems are in `parsed.diagnostics`). */
export function promptDocument(source: string, file?: string): PromptDocument {
  const parsed = parsePromptSource(source, { path: file });
  return { source, file, parsed, name: parsed.name ?? (file ? path.basename(file, '.prompt') : 'prompt') };
}
