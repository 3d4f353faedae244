// The RAG index's public shapes, shared by the core (WorkspaceIndex), the worker client
// (RagIndexClient), the CLI and the host. Plain data only: everything here crosses a
// worker_threads boundary by structured clone. The one exception, at the end, is the Embedder
// contract: embedders.ts and wordVectors.ts both use it, so it lives here and neither imports the other.

/** One retrievable piece of a document. Lines are 1-based and inclusive. */
export interface RagChunk {
  /** Stable within one index: `<path>#<n>` (n = chunk number in the file). */
  id: string;
  /** Workspace-relative, '/' separators. */
  path: string;
  startLine: number;
  endLine: number;
  /** Heading path of the section the chunk sits in, e.g. "Install > From source". */
  heading?: string;
  text: string;
}

/** A retrieved chunk. `score` is the fused score (higher is better), ranks are 1-based. */
export interface RagHit extends RagChunk {
  score: number;
  vectorRank?: number;
  keywordRank?: number;
}

export interface RagQuery {
  text: string;
  /** Default 5. */
  topK?: number;
  /** Drop hits whose fused score is below this. */
  minScore?: number;
  /** Workspace-relative folders ('docs', 'docs/api'); a hit must sit under one of them. */
  folders?: string[];
  /** Extensions without the dot, e.g. ['md']. */
  fileTypes?: string[];
  /** At most this many chunks per file unless fewer files match. Default 2. */
  maxPerFile?: number;
  /** 'hybrid' (default), 'vector' or 'keyword' — the last two are for evaluation. */
  mode?: RagSearchMode;
}

export type RagSearchMode = 'hybrid' | 'vector' | 'keyword';

export interface RagSettings {
  /** Globs relative to the workspace root ('**\/*.md'). */
  include: string[];
  /** Globs to leave out (the host passes `files.exclude` keys that are true). */
  exclude: string[];
  maxFileBytes: number;
  embedder: EmbedderConfig;
  /** Target chunk length in lines. Default 40. */
  chunkLines?: number;
  /** Lines repeated from the end of one chunk at the start of the next. Default 5. */
  overlapLines?: number;
}

export type EmbedderConfig =
  | { kind: 'offline' }
  | { kind: 'bedrock'; modelId: string; dimensions?: 256 | 512 | 1024; region?: string; endpointUrl?: string; profile?: string }
  | { kind: 'openai'; baseUrl: string; model: string; apiKey?: string };

/** Secrets passed separately from settings so they are never persisted or logged. */
export interface RagCredentials {
  /** Bedrock API key (bearer token), used instead of the SDK's credential chain. */
  bedrockApiKey?: string;
  /** API key of an OpenAI-compatible endpoint (overrides EmbedderConfig.apiKey). */
  openaiApiKey?: string;
}

export interface IndexProgress {
  phase: 'scanning' | 'embedding' | 'saving' | 'done';
  done: number;
  total: number;
  file?: string;
}

export interface IndexStats {
  files: number;
  chunks: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  ms: number;
  /** Embedder id, e.g. "offline:glove-100d", "bedrock:amazon.titan-embed-text-v2:0@512". */
  embedder: string;
  /** Set when the whole index was rebuilt: why (corrupt file, embedder changed, asked to). */
  rebuiltBecause?: string;
}

export interface IndexStatus {
  exists: boolean;
  files: number;
  chunks: number;
  embedder?: string;
  dims?: number;
  updatedAt?: string;
  bytesOnDisk?: number;
  /** Set when the index on disk cannot be used as is (corrupt, other embedder); the next update rebuilds. */
  needsRebuild?: string;
}

/** Options of one update. Paths are workspace-relative or absolute. */
export interface IndexUpdateOptions {
  /** Only look at these files (file-system events); omitted = scan the whole workspace. */
  changed?: string[];
  deleted?: string[];
  /** Throw the index away and embed everything again. */
  rebuild?: boolean;
}

/** Thrown (as an error with this name) when an update is cancelled through its AbortSignal. */
export const RAG_CANCELLED = 'RagCancelled';

export type EmbedPurpose = 'document' | 'query';

/** Turns texts into unit vectors (embedders.ts builds them; wordVectors.ts is the offline one). */
export interface Embedder {
  /** Recorded in the index: model and dimensions, e.g. "bedrock:amazon.titan-embed-text-v2:0@512". */
  readonly id: string;
  /** Known before the first call for every embedder but OpenAI-compatible ones (0 until then). */
  readonly dims: number;
  /** Texts per embed() call the indexer should send. */
  readonly maxBatch: number;
  embed(texts: string[], purpose: EmbedPurpose, signal?: AbortSignal): Promise<Float32Array[]>;
}
