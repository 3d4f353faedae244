import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { hashInputs } from '../runs/runRecord';
import { parseCheckSpecs, type CheckSpec } from './checkSpecs';
import { appendLines, readTextContained, type ReadPolicy } from '../workspace/guardedFs';

/** One row of a dataset: the prompt's input values, and optionally a reference answer and checks. */
export interface DatasetCase {
  /** The row's `id` column, else a hash of its inputs: stable across reorderings and edits of other rows. */
  id: string;
  /** 1-based line of the file the row starts on. */
  line: number;
  inputs: Record<string, unknown>;
  reference?: string;
  checks: CheckSpec[];
}

/** A row that was skipped (or a column that is missing), with its 1-based line. */
export interface DatasetProblem {
  line: number;
  message: string;
}

export interface Dataset {
  file: string;
  format: 'jsonl' | 'csv';
  cases: DatasetCase[];
  problems: DatasetProblem[];
  /** Columns the prompt requires that a CSV file does not have: no row of it can run. */
  missingColumns: string[];
}

export interface ReadDatasetOptions {
  /** Inputs the prompt requires with no default: a CSV without such a column is named, a JSONL row without the key skipped. */
  requiredInputs?: readonly string[];
}

/** Columns (keys) that are not input variables. */
const RESERVED = new Set(['id', 'reference', 'checks']);

/** `.csv`/`.tsv` are CSV, `.jsonl` is JSONL; any other extension is refused with a sentence. */
export function datasetFormat(file: string): 'jsonl' | 'csv' {
  if (/\.(csv|tsv)$/i.test(file)) return 'csv';
  if (/\.jsonl$/i.test(file)) return 'jsonl';
  throw new Error(`${path.basename(file)} is not a dataset file: a dataset is a .jsonl, .csv or .tsv file. Rename it, or point workbench.dataset at one.`);
}

/** A case id from a row's inputs: `k_` and 12 hex digits of their stable hash. */
export function caseIdOf(inputs: Record<string, unknown>): string {
  return 'k_' + hashInputs(inputs).slice('sha256:'.length, 'sha256:'.length + 12);
}

/** Reads a JSONL or CSV dataset. A bad row is reported with its line and skipped; every other row is kept. */
export async function readDataset(file: string, options: ReadDatasetOptions & { policy?: ReadPolicy } = {}): Promise<Dataset> {
  datasetFormat(file);
  const text = options.policy ? await readTextContained(file, options.policy) : await fs.promises.readFile(file, 'utf8');
  return parseDataset(text, file, options);
}

export function parseDataset(text: string, file: string, options: ReadDatasetOptions = {}): Dataset {
  const format = datasetFormat(file);
  const parsed = format === 'csv' ? parseCsvRows(text, file.toLowerCase().endsWith('.tsv') ? '\t' : ',', options) : parseJsonlRows(text);
  const required = options.requiredInputs ?? [];
  const cases: DatasetCase[] = [];
  const problems = [...parsed.problems];
  const seen = new Map<string, number>();
  for (const row of parsed.rows) {
    const built = buildCase(row.value, row.line);
    if (typeof built === 'string') {
      problems.push({ line: row.line, message: built });
      continue;
    }
    if (!parsed.missingColumns.length) {
      const missing = required.filter((name) => built.inputs[name] === undefined || built.inputs[name] === null || built.inputs[name] === '');
      if (missing.length) {
        problems.push({ line: row.line, message: l10n.t('no value for {0}, which the prompt requires', quoteList(missing)) });
        continue;
      }
    }
    const earlier = seen.get(built.id);
    if (earlier !== undefined) {
      problems.push({ line: row.line, message: l10n.t('the same case id “{0}” as line {1}: give the rows distinct ids or inputs', built.id, earlier) });
      continue;
    }
    seen.set(built.id, row.line);
    cases.push(built);
  }
  return { file, format, cases, problems: problems.sort((a, b) => a.line - b.line), missingColumns: parsed.missingColumns };
}

interface RawRows {
  rows: Array<{ line: number; value: Record<string, unknown> }>;
  problems: DatasetProblem[];
  missingColumns: string[];
}

function parseJsonlRows(text: string): RawRows {
  const rows: RawRows['rows'] = [];
  const problems: DatasetProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw || raw.startsWith('//')) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line: i + 1, message: l10n.t('not valid JSON ({0})', (err as Error).message) });
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line: i + 1, message: 'a row must be a JSON object of input values' });
      continue;
    }
    rows.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return { rows, problems, missingColumns: [] };
}

/**
 * CSV through csv-parse, record by record: a row with the wrong number of fields or broken
 * quotes is reported with its line and skipped (`skip_records_with_error`), the rest kept.
 */
function parseCsvRows(text: string, delimiter: string, options: ReadDatasetOptions): RawRows {
  const problems: DatasetProblem[] = [];
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      delimiter,
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (err) => {
        if (err) problems.push({ line: typeof err.lines === 'number' ? err.lines : 0, message: l10n.t('a CSV row that cannot be read: {0}', err.message.replace(/^Invalid Record Length: /, '')) });
        return undefined;
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    // Only a broken header (or an unclosed quote at the end) gets here: nothing can be read.
    const e = err as Error & { lines?: number };
    return { rows: [], problems: [{ line: e.lines ?? 1, message: l10n.t('the CSV file cannot be read: {0}', e.message) }], missingColumns: [] };
  }
  if (!records.length) return { rows: [], problems, missingColumns: [] };
  const header = records[0].record.map((h) => h.trim());
  const missingColumns = (options.requiredInputs ?? []).filter((name) => !header.includes(name));
  if (missingColumns.length) {
    problems.push({
      line: records[0].info.lines,
      message:
        missingColumns.length > 1
          ? l10n.t("missing columns {0}, which the prompt's input schema requires", quoteList(missingColumns))
          : l10n.t("missing column {0}, which the prompt's input schema requires", quoteList(missingColumns)),
    });
  }
  const rows: RawRows['rows'] = [];
  for (const { record, info } of records.slice(1)) {
    const value: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (name) value[name] = record[i];
    });
    // The row's line is where the record ends minus its own line breaks (a quoted multi-line cell).
    const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    rows.push({ line: info.lines - breaks, value });
  }
  return { rows, problems, missingColumns };
}

function buildCase(row: Record<string, unknown>, line: number): DatasetCase | string {
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!RESERVED.has(key) && key.trim()) inputs[key] = value;
  let checks: CheckSpec[] = [];
  if (row.checks !== undefined && row.checks !== null && row.checks !== '') {
    let raw = row.checks;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch (err) {
        return l10n.t('"checks" is not valid JSON ({0})', (err as Error).message);
      }
    }
    const parsed = parseCheckSpecs(raw);
    if (parsed.problems.length) return `"checks": ${parsed.problems.join('; ')}`;
    checks = parsed.checks;
  }
  const reference = row.reference === undefined || row.reference === null || row.reference === '' ? undefined : typeof row.reference === 'string' ? row.reference : JSON.stringify(row.reference);
  const explicitId = row.id === undefined || row.id === null || row.id === '' ? undefined : String(row.id);
  if (explicitId !== undefined && !/^[\w.:-]{1,100}$/.test(explicitId)) return l10n.t('"id" must be letters, digits, _ . : or - (at most 100), not “{0}”', explicitId);
  return { id: explicitId ?? caseIdOf(inputs), line, inputs, ...(reference !== undefined ? { reference } : {}), checks };
}

/**
 * Where a prompt's `workbench.dataset` points: relative to the prompt's folder when such a
 * file exists, else to the workspace folder (`datasets/emails.jsonl` from the workspace root).
 */
export function resolveDatasetPath(spec: string, promptFile: string | undefined, workspaceFolder: string | undefined): string {
  if (path.isAbsolute(spec)) return spec;
  const candidates = [promptFile ? path.resolve(path.dirname(promptFile), spec) : undefined, workspaceFolder ? path.resolve(workspaceFolder, spec) : undefined].filter(
    (c): c is string => c !== undefined,
  );
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[candidates.length - 1] ?? path.resolve(spec);
}

/** A short content hash of a dataset file, recorded with a dataset run so a changed file can be told. */
export function datasetHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** One JSONL row for a new case (Add to Dataset): inputs, then `reference` when given. */
export function datasetRowLine(inputs: Record<string, unknown>, reference?: string): string {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) if (!RESERVED.has(key)) row[key] = value;
  if (reference !== undefined && reference !== '') row.reference = reference;
  return JSON.stringify(row);
}

/**
 * Appends a row to a JSONL dataset (one guarded write; a file without a final newline gets one
 * first). `root` is the workspace folder the dataset must lie in; no link is followed.
 */
export async function appendDatasetRow(file: string, inputs: Record<string, unknown>, reference?: string, root?: string): Promise<DatasetCase> {
  if (datasetFormat(file) !== 'jsonl') throw new Error(l10n.t('Rows are added to JSONL datasets only; {0} is CSV: add the row there by hand, or use a .jsonl file.', path.basename(file)));
  const line = datasetRowLine(inputs, reference);
  await appendLines(file, line + '\n', root);
  const built = buildCase(JSON.parse(line) as Record<string, unknown>, 0);
  if (typeof built === 'string') throw new Error(built);
  return built;
}

/** “a”, “b”: names as the messages quote them. */
function quoteList(names: readonly string[]): string {
  return names.map((name) => `“${name}”`).join(', ');
}
