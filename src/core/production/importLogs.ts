/**
 * Imports production traffic: invocation-log records become run records with `source:
 * "production"`, matched to a release (releaseMatch.ts), appended to `runs/YYYY-MM.jsonl`
 * through the guarded file layer. Idempotent by `requestId`: a call already recorded (by an
 * earlier import, or by the workbench itself) is never written again and no existing line is
 * rewritten. Text is PII-masked before it is stored unless masking is turned off; inputs are
 * kept only as a hash unless the workspace keeps inputs.
 */
import * as l10n from '@vscode/l10n';
import type { ModelCatalog } from '../catalog/modelCatalog';
import { PiiMasker } from '../privacy/piiMasker';
import { foldReleases, validateReleaseLine, type Release, type ReleaseFileLine } from '../releases/releaseRecord';
import type { RunMetrics } from '../runs/column';
import { hashInputs, RUN_SCHEMA, validateRunRecord, type RunRecord } from '../runs/runRecord';
import { appendLines } from '../workspace/guardedFs';
import { newId } from '../workspace/ids';
import { readJsonl } from '../workspace/jsonl';
import { readJsonlStream } from '../workspace/jsonlStream';
import { WorkbenchPaths } from '../workspace/paths';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readInvocation, recordsOfLine, type Invocation } from './invocationLog';
import type { LogLineProblem } from './logLines';
import { matchRelease } from './releaseMatch';

export interface ImportLogsOptions {
  workspaceFolder: string;
  catalog: ModelCatalog;
  /** Mask emails, phone numbers, cards… in imported text before it is stored (default true). */
  maskPii?: boolean;
  /** Keep the masked input text in the record (`inputs.input`); otherwise only its hash. */
  storeInputs?: boolean;
  /** Records appended per write. */
  batchSize?: number;
}

export interface ImportLogsSummary {
  /** Log records read (valid or not). */
  records: number;
  imported: number;
  /** Already recorded (same requestId): left as they were. */
  duplicates: number;
  /** Matched no release: not imported, counted per reason. */
  unmatched: number;
  unmatchedReasons: { reason: string; count: number }[];
  /** Imported calls per release id. */
  byRelease: Record<string, number>;
  /** Lines and records that could not be read (torn, too long, not a log record), with where they were. */
  problems: LogLineProblem[];
}

/** A JSON value read from a log source (a file line, an S3 object line, a CloudWatch event). */
export interface LogValue {
  source: string;
  line: number;
  value: unknown;
}

/** The releases of a workspace (`releases.jsonl`), folded; unreadable lines are skipped. */
export async function readReleases(workspaceFolder: string): Promise<Release[]> {
  const { records } = await readJsonl<ReleaseFileLine>(new WorkbenchPaths(workspaceFolder).releasesFile, validateReleaseLine);
  return foldReleases(records).releases;
}

/** Every `requestId` already in the workspace's run records. */
export async function recordedRequestIds(workspaceFolder: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const dir = new WorkbenchPaths(workspaceFolder).runsDir;
  const files = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const name of files.filter((f) => f.endsWith('.jsonl')).sort()) {
    await readJsonlStream<RunRecord>(path.join(dir, name), (record) => void (record.requestId && ids.add(record.requestId)), {
      validate: validateRunRecord,
      // Only lines that name a request id need decoding.
      skipRaw: (line) => !line.includes('"requestId"'),
    });
  }
  return ids;
}

/** The run record of one matched production call. */
export function productionRunRecord(call: Invocation, release: Release, catalog: ModelCatalog, o: { maskPii: boolean; storeInputs: boolean }): RunRecord {
  const masker = o.maskPii ? new PiiMasker() : undefined;
  const clean = (text: string | null) => (text === null ? null : masker ? masker.mask(text) : text);
  const input = clean(call.inputText);
  const prices = catalog.pricesOf(release.model);
  const costUsd =
    prices && call.inputTokens !== null && call.outputTokens !== null ? (call.inputTokens * prices.inputPerMTokens + call.outputTokens * prices.outputPerMTokens) / 1_000_000 : null;
  const metrics = {
    ttftMs: null,
    // Unknown latency stays null, never 0 (DESIGN.md): the scoreboard leaves it out.
    latencyMs: call.latencyMs,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    costUsd,
    ...(prices ? { priceSource: { source: prices.source, asOf: prices.asOf } } : {}),
  } as RunMetrics;
  return {
    schema: RUN_SCHEMA,
    id: newId('r', Date.parse(call.ts)),
    ts: call.ts,
    comparisonId: null,
    prompt: release.prompt,
    model: release.model,
    config: release.config,
    inputsHash: hashInputs({ input: input ?? '' }),
    ...(o.storeInputs && input !== null ? { inputs: { input } } : {}),
    output: clean(call.outputText) ?? '',
    stopReason: call.stopReason,
    metrics,
    error: call.error ? { kind: 'unknown', message: call.error } : null,
    partial: false,
    datasetCaseId: null,
    source: 'production',
    releaseId: release.id,
    requestId: call.requestId,
  };
}

/** Imports the log values into the workspace's run records; see the module comment. */
export async function importInvocationLogs(values: AsyncIterable<LogValue>, options: ImportLogsOptions, problems: LogLineProblem[] = []): Promise<ImportLogsSummary> {
  const paths = new WorkbenchPaths(options.workspaceFolder);
  const releases = await readReleases(options.workspaceFolder);
  const seen = await recordedRequestIds(options.workspaceFolder);
  const summary: ImportLogsSummary = { records: 0, imported: 0, duplicates: 0, unmatched: 0, unmatchedReasons: [], byRelease: {}, problems };
  const reasons = new Map<string, number>();
  const pending = new Map<string, string[]>();
  let pendingCount = 0;
  const flush = async () => {
    for (const [file, lines] of pending) await appendLines(file, lines.join(''), options.workspaceFolder);
    pending.clear();
    pendingCount = 0;
  };
  for await (const { source, line, value } of values) {
    for (const raw of recordsOfLine(value)) {
      summary.records++;
      const { invocation, problem } = readInvocation(raw);
      if (!invocation) {
        problems.push({ source, line, message: problem ?? 'not an invocation log record' });
        continue;
      }
      if (seen.has(invocation.requestId)) {
        summary.duplicates++;
        continue;
      }
      const match = matchRelease(invocation, releases);
      if (!match.release) {
        summary.unmatched++;
        reasons.set(match.reason, (reasons.get(match.reason) ?? 0) + 1);
        continue;
      }
      seen.add(invocation.requestId);
      const record = productionRunRecord(invocation, match.release, options.catalog, { maskPii: options.maskPii !== false, storeInputs: options.storeInputs === true });
      const file = paths.runsFile(new Date(record.ts));
      pending.set(file, [...(pending.get(file) ?? []), JSON.stringify(record) + '\n']);
      summary.imported++;
      summary.byRelease[match.release.id] = (summary.byRelease[match.release.id] ?? 0) + 1;
      if (++pendingCount >= (options.batchSize ?? 500)) await flush();
    }
  }
  await flush();
  summary.unmatchedReasons = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return summary;
}

/** The summary in sentences, for the CLI and the host's notification. */
export function describeImport(summary: ImportLogsSummary): string[] {
  const lines = [l10n.t('Imported {0} production calls from {1} log records ({2} already imported, {3} matching no release).', summary.imported, summary.records, summary.duplicates, summary.unmatched)];
  for (const { reason, count } of summary.unmatchedReasons) lines.push(l10n.t('{0} records not imported: {1}.', count, reason));
  if (summary.problems.length) lines.push(l10n.t('{0} lines or records could not be read and were skipped (first: {1} line {2}: {3}).', summary.problems.length, summary.problems[0].source, summary.problems[0].line, summary.problems[0].message));
  return lines;
}
