/**
 * The files of a Bedrock batch inference job: input lines `{recordId, modelInput}` (the Converse
 * request, or the model's InvokeModel body where Converse jobs are not supported), split into
 * files and jobs that respect the per-file and per-job quotas, and the output lines read back.
 * Node-free apart from Buffer; no AWS SDK.
 */
import * as l10n from '@vscode/l10n';
import { toConverseInput } from '../providers/bedrock';
import type { ErrorKind, ModelError, ModelRequest } from '../providers/types';

/** Bedrock's defaults (Service Quotas may differ per model and account). */
export interface BatchQuotas {
  /** "Minimum number of records per batch inference job". */
  minRecordsPerJob: number;
  /** "Records per input file per batch inference job". */
  recordsPerFile: number;
  /** "Records per batch inference job". */
  recordsPerJob: number;
  /** "Batch inference input file size" (bytes). */
  bytesPerFile: number;
  /** "Batch inference job size" (bytes). */
  bytesPerJob: number;
}

export const DEFAULT_BATCH_QUOTAS: Readonly<BatchQuotas> = Object.freeze({
  minRecordsPerJob: 100,
  recordsPerFile: 50_000,
  recordsPerJob: 50_000,
  bytesPerFile: 1024 ** 3,
  bytesPerJob: 5 * 1024 ** 3,
});

export type BatchInvocationType = 'Converse' | 'InvokeModel';

/**
 * Record ids are 11 characters (`R` + the case's position in the dataset run, 10 digits): short,
 * alphanumeric as Bedrock's samples show, and mapped back to the case through the run's case list.
 */
export function recordIdOf(caseIndex: number): string {
  return 'R' + String(caseIndex).padStart(10, '0');
}

export function caseIndexOf(recordId: string): number | undefined {
  const match = /^R(\d{10})$/.exec(recordId);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether a model takes Converse-type batch jobs. Bedrock added Converse batch later than
 * InvokeModel batch, and not for every family; the workbench uses InvokeModel bodies for the
 * families listed here (and says so when it submits).
 */
export function batchInvocationTypeOf(modelId: string): BatchInvocationType {
  return /(^|[.:/])(meta\.llama|mistral\.|sim-invoke-only)/.test(modelId) ? 'InvokeModel' : 'Converse';
}

/** The `modelInput` of one record: the Converse request without `modelId`, JSON-safe (image bytes in base64). */
export function modelInputOf(request: ModelRequest, type: BatchInvocationType = batchInvocationTypeOf(request.modelId)): Record<string, unknown> {
  if (request.tools?.length) {
    throw new Error(l10n.t('Prompts with tools cannot run as a batch job yet (tool use in batch jobs is not verified); run this dataset live.'));
  }
  const { modelId: _modelId, ...converse } = toConverseInput(request);
  const json = JSON.parse(JSON.stringify(converse, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value))) as Record<string, unknown>;
  return type === 'Converse' ? json : invokeModelBody(request.modelId, json);
}

/** The InvokeModel body of the families that run as InvokeModel batch jobs (Llama and Mistral: one prompt string). */
function invokeModelBody(modelId: string, converse: Record<string, unknown>): Record<string, unknown> {
  const system = ((converse.system as { text?: string }[] | undefined) ?? []).map((b) => b.text ?? '').join('\n');
  const turns = ((converse.messages as { role: string; content: { text?: string }[] }[] | undefined) ?? []).map((m) => ({ role: m.role, text: m.content.map((c) => c.text ?? '').join('') }));
  const config = (converse.inferenceConfig as { temperature?: number; topP?: number; maxTokens?: number } | undefined) ?? {};
  if (/meta\.llama/.test(modelId)) {
    let prompt = '<|begin_of_text|>';
    if (system) prompt += `<|start_header_id|>system<|end_header_id|>\n\n${system}<|eot_id|>`;
    for (const t of turns) prompt += `<|start_header_id|>${t.role}<|end_header_id|>\n\n${t.text}<|eot_id|>`;
    prompt += '<|start_header_id|>assistant<|end_header_id|>\n\n';
    return { prompt, ...(config.temperature !== undefined ? { temperature: config.temperature } : {}), ...(config.topP !== undefined ? { top_p: config.topP } : {}), ...(config.maxTokens !== undefined ? { max_gen_len: config.maxTokens } : {}) };
  }
  const prompt = `<s>[INST] ${[system, ...turns.map((t) => t.text)].filter(Boolean).join('\n\n')} [/INST]`;
  return { prompt, ...(config.temperature !== undefined ? { temperature: config.temperature } : {}), ...(config.topP !== undefined ? { top_p: config.topP } : {}), ...(config.maxTokens !== undefined ? { max_tokens: config.maxTokens } : {}) };
}

export interface BatchInputLine {
  recordId: string;
  modelInput: Record<string, unknown>;
}

/** One input file: its lines joined (each ending in `\n`), how many, and its size in bytes. */
export interface BatchInputFile {
  name: string;
  body: string;
  records: number;
  bytes: number;
  recordIds: string[];
}

/** One job's worth of input files. */
export interface BatchJobInput {
  files: BatchInputFile[];
  records: number;
  bytes: number;
}

/**
 * Splits lines into files of at most `recordsPerFile` records and `bytesPerFile` bytes, and the
 * files into jobs of at most `recordsPerJob` records and `bytesPerJob` bytes. Throws when one
 * record alone is larger than a file may be.
 */
export function splitBatchInput(lines: Iterable<BatchInputLine>, quotas: BatchQuotas = DEFAULT_BATCH_QUOTAS): BatchJobInput[] {
  const jobs: BatchJobInput[] = [];
  let job: BatchJobInput = { files: [], records: 0, bytes: 0 };
  let parts: string[] = [];
  let ids: string[] = [];
  let bytes = 0;
  const closeFile = (): void => {
    if (!parts.length) return;
    job.files.push({ name: `input-${String(job.files.length + 1).padStart(5, '0')}.jsonl`, body: parts.join(''), records: parts.length, bytes, recordIds: ids });
    job.records += parts.length;
    job.bytes += bytes;
    parts = [];
    ids = [];
    bytes = 0;
  };
  const closeJob = (): void => {
    closeFile();
    if (job.records) jobs.push(job);
    job = { files: [], records: 0, bytes: 0 };
  };
  for (const line of lines) {
    const text = JSON.stringify(line) + '\n';
    const size = Buffer.byteLength(text);
    if (size > quotas.bytesPerFile) {
      throw new Error(l10n.t('Record {0} is {1} bytes, more than a batch input file may hold ({2} bytes); shorten that case or run it live.', line.recordId, size, quotas.bytesPerFile));
    }
    if (job.records + parts.length + 1 > quotas.recordsPerJob || job.bytes + bytes + size > quotas.bytesPerJob) closeJob();
    else if (parts.length + 1 > quotas.recordsPerFile || bytes + size > quotas.bytesPerFile) closeFile();
    parts.push(text);
    ids.push(line.recordId);
    bytes += size;
  }
  closeJob();
  return jobs;
}

/** One line of a `.jsonl.out` file, as far as ingestion needs it. */
export interface BatchOutputLine {
  recordId: string;
  /** The Converse response (`output.message`, `stopReason`, `usage`) or the InvokeModel body. */
  modelOutput?: Record<string, unknown>;
  error?: { errorCode?: number | string; errorMessage?: string };
}

export function validateOutputLine(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return 'not an object';
  if (typeof (value as { recordId?: unknown }).recordId !== 'string') return 'no "recordId"';
  return undefined;
}

/** What one output line answered: the text, stop reason and tokens (Converse, Llama, Mistral or Anthropic bodies). */
export interface BatchAnswer {
  output: string;
  stopReason: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  error: ModelError | null;
}

/** A record's error code (an HTTP status, as Bedrock writes it) as the kind of failure the rest of the workbench knows. */
function errorKindOf(code: number | string | undefined): ErrorKind {
  const n = Number(code);
  if (n === 400) return 'validation';
  if (n === 403) return 'access-denied';
  if (n === 404) return 'not-found';
  if (n === 408) return 'timeout';
  if (n === 429) return 'throttled';
  if (n >= 500) return 'unavailable';
  return 'unknown';
}

export function answerOf(line: BatchOutputLine): BatchAnswer {
  if (line.error || !line.modelOutput) {
    const code = line.error?.errorCode;
    const message = line.error?.errorMessage ?? l10n.t('The batch job returned no output for this record.');
    return { output: '', stopReason: null, inputTokens: null, outputTokens: null, error: { kind: errorKindOf(code), message: l10n.t('The batch job could not answer this record: {0}', message), ...(code !== undefined ? { code: String(code) } : {}) } };
  }
  const o = line.modelOutput as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  if (o.output?.message) {
    const text = ((o.output.message.content ?? []) as { text?: string }[]).map((c) => c.text ?? '').join('');
    return { output: text, stopReason: o.stopReason ?? null, inputTokens: num(o.usage?.inputTokens), outputTokens: num(o.usage?.outputTokens), error: null };
  }
  if (typeof o.generation === 'string') {
    return { output: o.generation, stopReason: o.stop_reason ?? null, inputTokens: num(o.prompt_token_count), outputTokens: num(o.generation_token_count), error: null };
  }
  if (Array.isArray(o.outputs)) {
    return { output: (o.outputs as { text?: string }[]).map((x) => x.text ?? '').join(''), stopReason: o.outputs[0]?.stop_reason ?? null, inputTokens: null, outputTokens: null, error: null };
  }
  if (Array.isArray(o.content)) {
    return { output: (o.content as { text?: string }[]).map((x) => x.text ?? '').join(''), stopReason: o.stop_reason ?? null, inputTokens: num(o.usage?.input_tokens), outputTokens: num(o.usage?.output_tokens), error: null };
  }
  return { output: '', stopReason: null, inputTokens: null, outputTokens: null, error: { kind: 'unknown', message: l10n.t('The batch output of this record has a shape the workbench does not read.') } };
}

/** `manifest.json.out` of a job's output. */
export interface BatchManifest {
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
  inputTokenCount?: number;
  outputTokenCount?: number;
}
