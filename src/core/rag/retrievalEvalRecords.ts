/**
 * Retrieval evaluations kept in the workspace (`.prompt-workbench/retrieval-evals.jsonl`), one
 * line per evaluation, so embedders and chunking can be compared over time on the team's own
 * questions: the Scoreboard shows them, the CLI's `retrieval-eval` and the editor's Evaluate
 * Retrieval append them. Appended whole lines only; a bad line is reported and skipped.
 */
import { appendJsonLine, readJsonl, type JsonlProblem } from '../workspace/jsonl';
import { newId } from '../workspace/ids';
import type { RetrievalEvalResult } from './retrievalEval';

export const RETRIEVAL_EVAL_SCHEMA = 'prompt-workbench.retrievalEval/1';

export interface RetrievalEvalRecord {
  schema: typeof RETRIEVAL_EVAL_SCHEMA;
  id: string;
  ts: string;
  /** The questions file, workspace-relative. */
  questionsFile: string;
  /** The embedder the index was built with (`offline-glove100-…`, `bedrock:amazon.titan-embed-text-v2:0@512`). */
  embedder: string;
  mode: RetrievalEvalResult['mode'];
  k: number;
  questions: number;
  hitAt1: number;
  hitAtK: number;
  mrr: number;
  /** Questions whose answering file was not in the top k. */
  missed: string[];
}

export function retrievalEvalRecord(result: RetrievalEvalResult, o: { questionsFile: string; embedder: string; now?: Date }): RetrievalEvalRecord {
  const now = o.now ?? new Date();
  return {
    schema: RETRIEVAL_EVAL_SCHEMA,
    id: newId('e', now.getTime()),
    ts: now.toISOString(),
    questionsFile: o.questionsFile,
    embedder: o.embedder,
    mode: result.mode,
    k: result.k,
    questions: result.questions,
    hitAt1: result.hitAt1,
    hitAtK: result.hitAtK,
    mrr: result.mrr,
    missed: result.results.filter((r) => r.rank === null).map((r) => r.question),
  };
}

export async function appendRetrievalEval(file: string, record: RetrievalEvalRecord): Promise<void> {
  await appendJsonLine(file, record);
}

function validate(value: unknown): string | undefined {
  const r = value as Partial<RetrievalEvalRecord> | null;
  if (!r || typeof r !== 'object' || r.schema !== RETRIEVAL_EVAL_SCHEMA) return `not a ${RETRIEVAL_EVAL_SCHEMA} record`;
  for (const key of ['hitAt1', 'hitAtK', 'mrr', 'k', 'questions'] as const) if (typeof r[key] !== 'number') return `"${key}" is not a number`;
  if (typeof r.ts !== 'string' || typeof r.embedder !== 'string') return 'needs "ts" and "embedder"';
  return undefined;
}

/** The newest `limit` evaluations, newest first, and the lines that could not be read. */
export async function readRetrievalEvals(file: string, limit = 20): Promise<{ records: RetrievalEvalRecord[]; problems: JsonlProblem[] }> {
  const { records, problems } = await readJsonl<RetrievalEvalRecord>(file, validate);
  return { records: records.sort((a, b) => b.ts.localeCompare(a.ts)).slice(0, limit), problems };
}
