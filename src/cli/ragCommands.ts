/**
 * `prompt-workbench index | search | retrieval-eval`: the RAG index from the command line, in
 * process (the same WorkspaceIndex the editor's worker runs), stored in the workspace's
 * `.prompt-workbench/index/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifest } from '../core/rag/indexFiles';
import { evaluateRetrieval, parseRetrievalQuestions } from '../core/rag/retrievalEval';
import { appendRetrievalEval, retrievalEvalRecord } from '../core/rag/retrievalEvalRecords';
import { WorkbenchPaths } from '../core/workspace/paths';
import type { EmbedderConfig, IndexProgress, RagHit, RagQuery, RagSearchMode, RagSettings } from '../core/rag/types';
import { DEFAULT_INCLUDE, DEFAULT_MAX_FILE_BYTES } from '../core/rag/fileScanner';
import { WorkspaceIndex } from '../core/rag/workspaceIndex';
import { knowledgeBaseRetriever } from '../core/rag/knowledgeBase';

export interface RagCommandOptions {
  workspace: string;
  json: boolean;
  rebuild?: boolean;
  /** offline | bedrock:<modelId>[@256|512|1024] | openai:<baseUrl>#<model> */
  embedder?: string;
  k?: string;
  mode?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Append the evaluation to .prompt-workbench/retrieval-evals.jsonl (the scoreboard's retrieval table). */
  record?: boolean;
  /** retrieval-eval against an Amazon Bedrock Knowledge Base (Retrieve) instead of the workspace's index. */
  knowledgeBase?: string;
}

/** A usage mistake: main.ts prints it without a stack and exits 2. */
export class RagUsageError extends Error {
  readonly exitCode = 2;
}

/** Parses `--embedder`. */
export function parseEmbedderSpec(spec: string, o: Pick<RagCommandOptions, 'region' | 'profile' | 'endpointUrl'> = {}): EmbedderConfig {
  if (spec === 'offline') return { kind: 'offline' };
  if (spec.startsWith('bedrock:')) {
    const m = /^bedrock:(.+?)(?:@(256|512|1024))?$/.exec(spec);
    if (!m) throw new RagUsageError(`--embedder ${spec}: expected bedrock:<modelId>[@256|512|1024].`);
    return {
      kind: 'bedrock', modelId: m[1], ...(m[2] ? { dimensions: Number(m[2]) as 256 | 512 | 1024 } : {}),
      ...(o.region ? { region: o.region } : {}), ...(o.profile ? { profile: o.profile } : {}), ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}),
    };
  }
  if (spec.startsWith('openai:')) {
    const hash = spec.lastIndexOf('#');
    if (hash < 0) throw new RagUsageError(`--embedder ${spec}: expected openai:<baseUrl>#<model>, e.g. openai:http://127.0.0.1:11434/v1#nomic-embed-text.`);
    return { kind: 'openai', baseUrl: spec.slice('openai:'.length, hash), model: spec.slice(hash + 1), apiKey: process.env.PROMPT_WORKBENCH_OPENAI_API_KEY ?? process.env.OPENAI_API_KEY };
  }
  throw new RagUsageError(`--embedder ${spec}: use offline, bedrock:<modelId>[@dims] or openai:<baseUrl>#<model>.`);
}

/** The embedder recorded in an existing index, so `search` uses what `index` used; offline otherwise. */
function embedderOf(indexDir: string, o: RagCommandOptions): EmbedderConfig {
  if (o.embedder) return parseEmbedderSpec(o.embedder, o);
  const recorded = readManifest(indexDir).manifest?.embedder;
  if (recorded?.startsWith('bedrock:') || recorded?.startsWith('openai:')) return parseEmbedderSpec(recorded, o);
  return { kind: 'offline' };
}

function openIndex(o: RagCommandOptions): WorkspaceIndex {
  const root = path.resolve(o.workspace);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new RagUsageError(`--workspace ${o.workspace}: no such folder.`);
  const indexDir = path.join(root, '.prompt-workbench', 'index');
  const settings: RagSettings = { include: DEFAULT_INCLUDE, exclude: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES, embedder: embedderOf(indexDir, o) };
  return new WorkspaceIndex({ root, indexDir, settings });
}

function parseK(k: string | undefined, fallback: number): number {
  if (k === undefined) return fallback;
  const n = Number(k);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RagUsageError(`--k ${k}: expected a whole number from 1 to 100.`);
  return n;
}

function parseMode(mode: string | undefined): RagSearchMode {
  if (mode === undefined) return 'hybrid';
  if (mode === 'hybrid' || mode === 'vector' || mode === 'keyword') return mode;
  throw new RagUsageError(`--mode ${mode}: expected hybrid, vector or keyword.`);
}

export async function runIndexCommand(o: RagCommandOptions): Promise<number> {
  const index = openIndex(o);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const showProgress = !o.json && process.stderr.isTTY;
  const onProgress = (p: IndexProgress) => {
    if (showProgress && p.phase === 'embedding') process.stderr.write(`\rembedding ${p.done}/${p.total} files…`);
  };
  const stats = await index.update({ rebuild: o.rebuild }, onProgress, abort.signal);
  if (showProgress) process.stderr.write('\n');
  if (o.json) {
    console.log(JSON.stringify(stats, null, 2));
    return 0;
  }
  if (stats.rebuiltBecause) console.log(`Rebuilt the index: ${stats.rebuiltBecause}.`);
  console.log(
    `Indexed ${stats.files} files (${stats.chunks} chunks) in ${stats.ms} ms with ${stats.embedder}: ` +
      `${stats.added} added, ${stats.updated} updated, ${stats.removed} removed, ${stats.unchanged} unchanged.`,
  );
  return 0;
}

export async function runSearchCommand(query: string | undefined, o: RagCommandOptions): Promise<number> {
  if (!query?.trim()) throw new RagUsageError('search: give the query, e.g. prompt-workbench search "how are runs recorded"');
  const index = openIndex(o);
  const status = await index.status();
  if (!status.exists) throw new RagUsageError(`No document index in ${o.workspace} yet: run \`prompt-workbench index\` first.`);
  if (status.needsRebuild) console.error(`warning: ${status.needsRebuild}; run \`prompt-workbench index --rebuild\`.`);
  const hits = await index.search({ text: query, topK: parseK(o.k, 5), mode: parseMode(o.mode) });
  if (o.json) {
    console.log(JSON.stringify({ results: hits.map((h) => ({ path: h.path, startLine: h.startLine, endLine: h.endLine, score: h.score, text: h.text })) }, null, 2));
    return 0;
  }
  if (!hits.length) console.log('No matching documents.');
  for (const h of hits) {
    console.log(`${h.path}:${h.startLine}-${h.endLine}  score ${h.score.toFixed(3)}${h.heading ? `  (${h.heading})` : ''}`);
    const preview = h.text.split('\n').filter((l) => l.trim()).slice(0, 3).map((l) => `    ${l.slice(0, 120)}`);
    console.log(preview.join('\n'));
  }
  return 0;
}

/** What retrieval-eval searches: the knowledge base named by --knowledge-base (HYBRID, or SEMANTIC for --mode vector), else the workspace's index. */
async function evaluatedRetriever(o: RagCommandOptions): Promise<{ search: (q: RagQuery) => Promise<RagHit[]>; embedder: () => Promise<string> }> {
  const knowledgeBaseId = o.knowledgeBase;
  if (knowledgeBaseId) {
    if (o.mode === 'keyword') throw new RagUsageError('--mode keyword: a knowledge base searches with hybrid or vector (SEMANTIC) only.');
    const endpoints = o.endpointUrl ? { 'bedrock-runtime': o.endpointUrl } : {};
    const retrieve = knowledgeBaseRetriever(() => ({ region: o.region, profile: o.profile, endpoints }));
    const searchType = o.mode === 'vector' ? 'SEMANTIC' : 'HYBRID';
    return {
      search: (q) => retrieve({ knowledgeBaseId, text: q.text, numberOfResults: q.topK, searchType }),
      embedder: async () => `knowledge-base:${knowledgeBaseId}`,
    };
  }
  const index = openIndex(o);
  // Evaluate what is on disk now: bring the index up to date first (cheap when nothing changed).
  await index.update({});
  return { search: (q) => index.search(q), embedder: async () => (await index.status()).embedder ?? 'unknown' };
}

export async function runRetrievalEvalCommand(file: string | undefined, o: RagCommandOptions): Promise<number> {
  if (!file) throw new RagUsageError('retrieval-eval: name a JSONL file of {"question": "...", "files": ["docs/x.md"]} lines.');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new RagUsageError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const { questions, problems } = parseRetrievalQuestions(text);
  for (const p of problems) console.error(`warning: ${file}:${p.line}: skipped: ${p.message}`);
  if (!questions.length) throw new RagUsageError(`${file} has no usable questions.`);
  const { search, embedder: describe } = await evaluatedRetriever(o);
  const result = await evaluateRetrieval(search, questions, { k: parseK(o.k, 5), mode: parseMode(o.mode) });
  if (o.record !== false) {
    const paths = new WorkbenchPaths(path.resolve(o.workspace));
    const embedder = await describe();
    await appendRetrievalEval(paths.retrievalEvalsFile, retrievalEvalRecord(result, { questionsFile: paths.relative(path.resolve(file)), embedder }));
  }
  if (o.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  for (const r of result.results) console.log(`${r.rank === null ? '  miss' : `rank ${r.rank}`}  ${r.question}${r.rank === 1 ? '' : `  → got ${r.retrieved.slice(0, 3).join(', ')}`}`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`\n${result.questions} questions, ${result.mode}: hit@1 ${pct(result.hitAt1)}, hit@${result.k} ${pct(result.hitAtK)}, MRR ${result.mrr.toFixed(3)}`);
  return 0;
}
