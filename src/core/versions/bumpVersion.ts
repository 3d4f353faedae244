import { isMap, isScalar, parseDocument, stringify, type Pair } from 'yaml';
import { parsePromptSource } from '../prompt/parsePrompt';

/** One replacement in the original text (offsets in UTF-16 code units, as VS Code counts them). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface VersionFields {
  version: number;
  parent: number;
  changelog: string;
}

/** The file cannot be bumped without rewriting more than its three version lines. */
export class BumpError extends Error {
  override readonly name = 'BumpError';
}

const FENCE_LINE = /^---[ \t]*$/;
const EDITED_KEYS = ['version', 'workbench.parent', 'workbench.changelog'];

/**
 * The edits that set `version:`, `workbench.parent:` and `workbench.changelog:` in a `.prompt`
 * file's frontmatter, touching nothing else: a key that exists gets only its value replaced
 * (its comment, spacing and place are kept); a missing one is added as a line of its own.
 * The result is checked by parsing it again: every other field and the template must be
 * exactly as they were, or it throws `BumpError` and the caller changes nothing.
 */
export function versionBumpEdits(source: string, fields: VersionFields): TextEdit[] {
  const changelog = oneLine(fields.changelog);
  if (!changelog) throw new BumpError('The changelog is empty: say in one line what this version changes.');
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = splitLines(source);
  const bom = source.startsWith('\uFEFF') ? 1 : 0;

  const values: Record<(typeof EDITED_KEYS)[number], string> = {
    version: String(fields.version),
    'workbench.parent': String(fields.parent),
    'workbench.changelog': yamlScalar(changelog),
  };

  if (lines.length === 0 || !FENCE_LINE.test(lines[0].text.slice(bom))) {
    // No frontmatter: add one. dotprompt renders a file with frontmatter and one without alike.
    const block = ['---', ...EDITED_KEYS.map((key) => `${key}: ${values[key]}`), '---'].join(eol) + eol;
    return checked(source, [{ start: bom, end: bom, newText: block }], fields, changelog);
  }
  const close = lines.findIndex((line, index) => index > 0 && FENCE_LINE.test(line.text));
  if (close < 0) throw new BumpError('The frontmatter is never closed (no second --- line); fix it first.');
  const yamlStart = lines[1]?.start ?? lines[0].end;
  const yamlEnd = lines[close].start;
  const yamlText = source.slice(yamlStart, yamlEnd);
  const document = parseDocument(yamlText, { uniqueKeys: true });
  if (document.errors.length > 0) throw new BumpError(`The frontmatter has a YAML problem (${document.errors[0].message.split('\n')[0]}); fix it first.`);
  const contents = document.contents;
  if (yamlText.trim() !== '' && !(isMap(contents) && !contents.flow)) {
    throw new BumpError('The frontmatter is not written as key: value lines, so its version cannot be changed without rewriting it.');
  }
  const pairs = isMap(contents) ? (contents.items as Pair[]) : [];
  const pairOf = (key: string) => pairs.find((pair) => isScalar(pair.key) && pair.key.value === key);

  const edits: TextEdit[] = [];
  const missing: string[] = [];
  for (const key of EDITED_KEYS) {
    const pair = pairOf(key);
    if (!pair) {
      missing.push(key);
      continue;
    }
    const value = pair.value as { range?: [number, number, number] } | null;
    const keyRange = (pair.key as { range?: [number, number, number] }).range!;
    if (value?.range && value.range[1] > value.range[0]) {
      const [from, to] = value.range;
      // A block scalar's range takes its last line break: keep one.
      const newText = values[key] + (yamlText.slice(from, to).endsWith('\n') ? eol : '');
      edits.push({ start: yamlStart + from, end: yamlStart + to, newText });
    } else {
      // `key:` with no value: write the value after the colon.
      const colon = yamlText.indexOf(':', keyRange[1]);
      edits.push({ start: yamlStart + colon + 1, end: yamlStart + colon + 1, newText: ` ${values[key]}` });
    }
  }
  if (missing.length > 0) {
    // `version:` goes after `name:` (where people look for it); workbench.* lines at the end.
    // Lines added at one place are one edit, so that their order does not depend on the editor.
    const nameLine = lines.findIndex((line, index) => index > 0 && index < close && /^name\s*:/.test(line.text));
    const inserts = new Map<number, string>();
    for (const key of missing) {
      const at = lines[key === 'version' && nameLine > 0 ? nameLine : close - 1].end;
      inserts.set(at, `${inserts.get(at) ?? ''}${key}: ${values[key]}${eol}`);
    }
    for (const [at, newText] of inserts) edits.push({ start: at, end: at, newText });
  }
  return checked(source, edits, fields, changelog);
}

/** Applies edits (in any order, not overlapping) to a text. */
export function applyEdits(source: string, edits: TextEdit[]): string {
  let text = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  }
  return text;
}

function checked(source: string, edits: TextEdit[], fields: VersionFields, changelog: string): TextEdit[] {
  const before = parsePromptSource(source);
  const after = parsePromptSource(applyEdits(source, edits));
  const problem = (() => {
    if (!after.ok && before.ok) return after.diagnostics.find((d) => d.severity === 'error')?.message ?? 'the result does not parse';
    if (after.version !== fields.version) return `version reads ${String(after.version)}`;
    if (after.workbench.parent !== fields.parent) return `workbench.parent reads ${String(after.workbench.parent)}`;
    if (after.workbench.changelog !== changelog) return 'workbench.changelog does not read back as written';
    if (after.template !== before.template) return 'the template changed';
    const others = (values: Record<string, unknown>) => JSON.stringify(Object.entries(values).filter(([key]) => !EDITED_KEYS.includes(key)));
    if (others(after.frontmatter) !== others(before.frontmatter)) return 'another frontmatter field changed';
    return undefined;
  })();
  if (problem) throw new BumpError(`Could not change only the version lines of this file (${problem}); nothing was changed. Edit version:, workbench.parent: and workbench.changelog: by hand.`);
  return edits;
}

function oneLine(text: string): string {
  return String(text ?? '').replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The changelog as one YAML scalar on one line: plain when YAML reads it back unchanged, quoted otherwise. */
function yamlScalar(text: string): string {
  return stringify(text, { lineWidth: 0 }).replace(/\n$/, '');
}

interface Line {
  start: number;
  end: number;
  text: string;
}

/** Lines with offsets; `end` is the offset after the line break (so inserting there starts a new line). */
function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  const pattern = /([^\r\n]*)(\r\n|\r|\n)?/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(source)) && match[0] !== '') {
    lines.push({ start: match.index, end: match.index + match[0].length, text: match[1] });
  }
  return lines;
}
