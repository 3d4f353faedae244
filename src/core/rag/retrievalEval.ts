/**
 * Retrieval evaluation: a JSONL of `{"question": "...", "files": ["docs/x.md"]}` lines (the files
 * that answer each question) gives hit@1, hit@k and the mean reciprocal rank of the first
 * answering file. Ranks count distinct files (one chunk per file), so chunking choices compare
 * fairly. Used by the CLI's `retrieval-eval` and meant for the scoreboard.
 */
import type { RagHit, RagQuery, RagSearchMode } from './types';

export interface RetrievalQuestion {
  question: string;
  files: string[];
}

export interface RetrievalQuestionResult extends RetrievalQuestion {
  /** 1-based rank of the first answering file within the top k, or null. */
  rank: number | null;
  retrieved: string[];
}

export interface RetrievalEvalResult {
  k: number;
  mode: RagSearchMode;
  questions: number;
  hitAt1: number;
  hitAtK: number;
  mrr: number;
  results: RetrievalQuestionResult[];
}

/** Questions of a JSONL text; bad lines are reported (1-based line numbers) and skipped. */
export function parseRetrievalQuestions(text: string): { questions: RetrievalQuestion[]; problems: { line: number; message: string }[] } {
  const questions: RetrievalQuestion[] = [];
  const problems: { line: number; message: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('//')) return;
    try {
      const q = JSON.parse(line) as Partial<RetrievalQuestion>;
      if (typeof q.question !== 'string' || !q.question.trim()) throw new Error('needs a "question" string');
      if (!Array.isArray(q.files) || !q.files.length || q.files.some((f) => typeof f !== 'string')) throw new Error('needs "files": an array of workspace-relative paths');
      questions.push({ question: q.question, files: q.files.map(normalise) });
    } catch (err) {
      problems.push({ line: i + 1, message: (err as Error).message });
    }
  });
  return { questions, problems };
}

const normalise = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');

/**
 * True when `path` is one of `files` or lies under one of them (a folder). A knowledge base
 * location (`s3://bucket/docs/x.md`) also answers when it ends with the file (`docs/x.md`).
 */
function answers(path: string, files: string[]): boolean {
  const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
  return files.some((f) => path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`) || (uri && path.endsWith(`/${f}`)));
}

export async function evaluateRetrieval(
  search: (q: RagQuery) => Promise<RagHit[]>,
  questions: RetrievalQuestion[],
  options: { k?: number; mode?: RagSearchMode } = {},
): Promise<RetrievalEvalResult> {
  const k = options.k ?? 5;
  const mode = options.mode ?? 'hybrid';
  const results: RetrievalQuestionResult[] = [];
  for (const q of questions) {
    const hits = await search({ text: q.question, topK: k, maxPerFile: 1, mode });
    const retrieved = [...new Set(hits.map((h) => h.path))].slice(0, k);
    const at = retrieved.findIndex((p) => answers(p, q.files));
    results.push({ ...q, rank: at >= 0 ? at + 1 : null, retrieved });
  }
  const n = results.length || 1;
  return {
    k,
    mode,
    questions: results.length,
    hitAt1: results.filter((r) => r.rank === 1).length / n,
    hitAtK: results.filter((r) => r.rank !== null).length / n,
    mrr: results.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / n,
    results,
  };
}
