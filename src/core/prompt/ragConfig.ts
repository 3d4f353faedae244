import * as l10n from '@vscode/l10n';
import type HandlebarsModule from 'handlebars';
import type { KnowledgeBaseQuery, KnowledgeBaseSearchType } from '../rag/knowledgeBase';
import type { RagHit, RagQuery } from '../rag/types';

// The same build of Handlebars the template checks use (see templateSyntax.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Handlebars = require('handlebars/dist/cjs/handlebars.js') as typeof HandlebarsModule;

/**
 * `workbench.rag` in a prompt's frontmatter: retrieve chunks of the workspace's documents
 * before rendering and hand them to the template as `context`.
 *
 *     workbench.rag: {topK: 4, query: "{{question}}", minScore: 0.1, folders: [docs], fileTypes: [md]}
 */
export interface RagPromptConfig {
  topK: number;
  /** A Handlebars template over the inputs; none: every input value, joined. */
  query?: string;
  minScore?: number;
  folders?: string[];
  fileTypes?: string[];
  /** An Amazon Bedrock Knowledge Base to search (Retrieve) instead of the workspace's index. */
  knowledgeBaseId?: string;
  /** How many results the knowledge base returns (default: topK). */
  numberOfResults?: number;
  searchType?: KnowledgeBaseSearchType;
  /** A Retrieve metadata filter, passed as is (`{equals: {key: team, value: infra}}`). */
  filter?: Record<string, unknown>;
}

/** One retrieved chunk as the template sees it: `{{#each context}}{{path}}:{{lines}} {{text}}{{/each}}`. */
export interface RagContextItem {
  text: string;
  path: string;
  /** "12-30" (one line: "12"). */
  lines: string;
  startLine: number;
  endLine: number;
  score: number;
  heading: string;
  /** Where the chunk comes from: the workspace path, or a knowledge base result's URI (`s3://…`, `https://…`). */
  location: string;
}

/** What a run record keeps of each retrieved chunk (`retrieved` in runRecord.ts). */
export interface RetrievedChunkRef {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  score: number;
}

/** The variable the chunks are exposed as. */
export const RAG_CONTEXT_VARIABLE = 'context';
export const DEFAULT_RAG_TOP_K = 4;
const MAX_TOP_K = 50;

const MAX_KB_RESULTS = 100;
const SEARCH_TYPES: readonly KnowledgeBaseSearchType[] = ['HYBRID', 'SEMANTIC'];

type KeyType = 'integer' | 'number' | 'string' | 'string[]' | 'searchType' | 'mapping';

/**
 * The keys of `workbench.rag`, for validation, completion and hover. Their `summary` and `doc`
 * are plain literals (scripts/l10n.js exports them with the rest of the .prompt vocabulary;
 * completions translate them when shown), so the numbers in topK's doc are written out.
 */
export const RAG_CONFIG_KEYS: readonly { name: keyof RagPromptConfig; type: KeyType; summary: string; doc: string; snippet: string }[] = [
  { name: 'topK', type: 'integer', summary: 'How many chunks to retrieve', doc: "How many chunks of the workspace's documents to retrieve (1–50; default 4).", snippet: 'topK: ${1:4}' },
  { name: 'query', type: 'string', summary: 'What to search for (a template)', doc: 'The search text, a Handlebars template over the inputs, e.g. `"{{question}}"`. Default: every input value, joined.', snippet: 'query: "{{${1:question}}}"' },
  { name: 'minScore', type: 'number', summary: 'Drop chunks scoring below this', doc: 'Chunks whose fused score is below this are left out (0 keeps all).', snippet: 'minScore: ${1:0.1}' },
  { name: 'folders', type: 'string[]', summary: 'Only documents under these folders', doc: 'Workspace-relative folders, e.g. `[docs]`: only chunks of files under one of them.', snippet: 'folders: [${1:docs}]' },
  { name: 'fileTypes', type: 'string[]', summary: 'Only these file types', doc: 'File extensions without the dot, e.g. `[md, txt]`.', snippet: 'fileTypes: [${1:md}]' },
  { name: 'knowledgeBaseId', type: 'string', summary: 'Search an Amazon Bedrock Knowledge Base', doc: "The id of an Amazon Bedrock Knowledge Base (10 letters or digits): `context` comes from its Retrieve API instead of the workspace's index. Needs bedrock:Retrieve on it.", snippet: 'knowledgeBaseId: ${1:KB12345678}' },
  { name: 'numberOfResults', type: 'integer', summary: 'How many knowledge base results', doc: 'How many results the knowledge base returns (1–100; default: topK).', snippet: 'numberOfResults: ${1:5}' },
  { name: 'searchType', type: 'searchType', summary: 'HYBRID or SEMANTIC', doc: "The knowledge base's search: `HYBRID` (vectors and keywords) or `SEMANTIC` (vectors only); default: the knowledge base's own choice.", snippet: 'searchType: ${1|HYBRID,SEMANTIC|}' },
  { name: 'filter', type: 'mapping', summary: 'Knowledge base metadata filter', doc: "A Retrieve metadata filter, passed as is, e.g. `{equals: {key: team, value: infra}}`.", snippet: 'filter: {equals: {key: ${1:team}, value: ${2:infra}}}' },
];

export interface RagConfigProblem {
  /** The key the problem is about (`topK` …); none for the value as a whole. */
  key?: string;
  /** The key is not a setting of `workbench.rag` (a warning, with a suggestion). */
  unknownKey?: boolean;
  /** In the display language (the bundle the host hands @vscode/l10n). */
  message: string;
}

/**
 * Reads `workbench.rag` (the value under `parsed.workbench.rag`). Undefined `config` when the
 * prompt has none; a value that is there but wrong gives problems and the parts that are right.
 */
export function readRagConfig(value: unknown): { config?: RagPromptConfig; problems: RagConfigProblem[] } {
  if (value === undefined || value === null || value === false) return { problems: [] };
  if (value === true) return { config: { topK: DEFAULT_RAG_TOP_K }, problems: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [{ message: l10n.t('workbench.rag must be a mapping such as {0}', '{topK: 4, query: "{{question}}"}') }] };
  }
  const problems: RagConfigProblem[] = [];
  const config: RagPromptConfig = { topK: DEFAULT_RAG_TOP_K };
  const known = RAG_CONFIG_KEYS.map((key) => key.name as string);
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const spec = RAG_CONFIG_KEYS.find((entry) => entry.name === key);
    if (!spec) {
      problems.push({ key, unknownKey: true, message: l10n.t('workbench.rag.{0} is not a setting; known: {1}', key, known.join(', ')) });
      continue;
    }
    const problem = checkType(spec.type, raw);
    if (problem) {
      problems.push({ key, message: l10n.t('workbench.rag.{0} must be {1}', key, problem) });
      continue;
    }
    if (key === 'topK') {
      const topK = raw as number;
      if (topK < 1 || topK > MAX_TOP_K) problems.push({ key, message: l10n.t('workbench.rag.topK must be from 1 to {0}, found {1}', MAX_TOP_K, topK) });
      else config.topK = topK;
    } else if (key === 'query') {
      const query = raw as string;
      const broken = templateProblem(query);
      if (broken) problems.push({ key, message: l10n.t('workbench.rag.query: {0}', broken) });
      else config.query = query;
    } else if (key === 'minScore') {
      config.minScore = raw as number;
    } else if (key === 'folders') {
      config.folders = (raw as string[]).map((folder) => folder.replace(/\\/g, '/').replace(/^\.?\/+|\/+$/g, '')).filter(Boolean);
    } else if (key === 'fileTypes') {
      config.fileTypes = (raw as string[]).map((type) => type.replace(/^\*?\./, '').toLowerCase()).filter(Boolean);
    } else if (key === 'knowledgeBaseId') {
      const id = (raw as string).trim();
      if (!/^[0-9a-zA-Z]{1,10}$/.test(id)) problems.push({ key, message: l10n.t('workbench.rag.knowledgeBaseId must be a knowledge base id (up to 10 letters or digits, e.g. KB12345678), found "{0}"', id) });
      else config.knowledgeBaseId = id;
    } else if (key === 'numberOfResults') {
      const count = raw as number;
      if (count < 1 || count > MAX_KB_RESULTS) problems.push({ key, message: l10n.t('workbench.rag.numberOfResults must be from 1 to {0}, found {1}', MAX_KB_RESULTS, count) });
      else config.numberOfResults = count;
    } else if (key === 'searchType') {
      config.searchType = raw as KnowledgeBaseSearchType;
    } else if (key === 'filter') {
      config.filter = raw as Record<string, unknown>;
    }
  }
  if (config.knowledgeBaseId === undefined) {
    for (const key of ['numberOfResults', 'searchType', 'filter'] as const) {
      if (config[key] !== undefined) problems.push({ key, message: l10n.t('workbench.rag.{0} applies to a knowledge base only: add knowledgeBaseId', key) });
    }
  } else {
    for (const key of ['folders', 'fileTypes', 'minScore'] as const) {
      if (config[key] !== undefined) problems.push({ key, message: l10n.t('workbench.rag.{0} applies to the workspace\'s index, not to a knowledge base (use filter)', key) });
    }
  }
  return { config, problems };
}

function checkType(type: KeyType, value: unknown): string | undefined {
  switch (type) {
    case 'integer':
      return Number.isInteger(value) ? undefined : l10n.t('a whole number');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : l10n.t('a number');
    case 'string':
      return typeof value === 'string' ? undefined : l10n.t('a text (a template such as {0})', '"{{question}}"');
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : l10n.t('a list of texts, e.g. {0}', '[docs]');
    case 'searchType':
      return SEARCH_TYPES.includes(value as KnowledgeBaseSearchType) ? undefined : SEARCH_TYPES.join(l10n.t(' or '));
    case 'mapping':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : l10n.t('a mapping such as {0}', '{equals: {key: team, value: infra}}');
  }
}

function templateProblem(template: string): string | undefined {
  try {
    Handlebars.precompile(template);
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
  }
}

/** The search text for these inputs: the `query` template rendered, else every input value joined. */
export function ragQueryText(config: RagPromptConfig, inputs: Record<string, unknown>): string {
  if (config.query !== undefined) {
    const render = Handlebars.create().compile(config.query, { noEscape: true });
    return render(inputs).trim();
  }
  return Object.values(inputs)
    .filter((value) => value !== undefined && value !== null && value !== '')
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .join('\n')
    .trim();
}

/** The query the retriever gets, or undefined when there is nothing to search for (inputs not given yet). */
export function ragQueryFor(config: RagPromptConfig, inputs: Record<string, unknown>): RagQuery | undefined {
  const text = ragQueryText(config, inputs);
  if (!text) return undefined;
  return {
    text,
    topK: config.topK,
    ...(config.minScore !== undefined ? { minScore: config.minScore } : {}),
    ...(config.folders?.length ? { folders: config.folders } : {}),
    ...(config.fileTypes?.length ? { fileTypes: config.fileTypes } : {}),
  };
}

/** The Retrieve query for these inputs, when the prompt names a knowledge base and there is something to search for. */
export function knowledgeBaseQueryFor(config: RagPromptConfig, inputs: Record<string, unknown>): KnowledgeBaseQuery | undefined {
  if (!config.knowledgeBaseId) return undefined;
  const text = ragQueryText(config, inputs);
  if (!text) return undefined;
  return {
    knowledgeBaseId: config.knowledgeBaseId,
    text,
    numberOfResults: config.numberOfResults ?? config.topK,
    ...(config.searchType ? { searchType: config.searchType } : {}),
    ...(config.filter ? { filter: config.filter } : {}),
  };
}

/** "12-30", "12", or "" for a source without lines (a knowledge base result). */
export function linesLabel(startLine: number, endLine: number): string {
  if (startLine <= 0) return '';
  return endLine > startLine ? `${startLine}-${endLine}` : String(startLine);
}

/** The hits as the template's `context`. */
export function ragContext(hits: readonly RagHit[]): RagContextItem[] {
  return hits.map((hit) => ({
    text: hit.text,
    path: hit.path,
    lines: linesLabel(hit.startLine, hit.endLine),
    startLine: hit.startLine,
    endLine: hit.endLine,
    score: roundScore(hit.score),
    heading: hit.heading ?? '',
    location: hit.path,
  }));
}

/** The hits as a run record keeps them. */
export function retrievedRefs(hits: readonly RagHit[]): RetrievedChunkRef[] {
  return hits.map((hit) => ({ id: hit.id, path: hit.path, startLine: hit.startLine, endLine: hit.endLine, score: roundScore(hit.score) }));
}

function roundScore(score: number): number {
  return Math.round(score * 10000) / 10000;
}
