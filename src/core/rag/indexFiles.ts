/**
 * The index on disk, under `.prompt-workbench/index/`:
 *   index.pb       chunk vectors: a vectra 0.15 LocalIndex file, Protobuf codec (packed float32)
 *   keywords.bin   the BM25 keyword index (Bm25Index.serialize)
 *   chunks.jsonl   one chunk per line {id, path, startLine, endLine, heading, text}
 *   manifest.json  written last: embedder, dims, chunking, per-file hash/size/mtime, and the byte
 *                  size of each part, so a half-written or mixed-up index is caught on open.
 * Every part is written to a temp file and renamed, so a crash leaves old or new parts, never
 * torn ones; the sizes in the manifest tell old from new.
 */
import { makeFolder, removeFile, writeFileAtomic } from '../workspace/guardedFs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Bm25Index } from './bm25';
import { indexedText } from './chunker';
import type { RagChunk } from './types';
import { VectorStore } from './vectorStore';

export const INDEX_SCHEMA = 'prompt-workbench.rag-index/1';
const PARTS = { vectors: 'index.pb', keywords: 'keywords.bin', chunks: 'chunks.jsonl' } as const;
export const MANIFEST_FILE = 'manifest.json';

export interface FileEntry {
  hash: string;
  size: number;
  mtimeMs: number;
  chunks: number;
}

export interface Manifest {
  schema: string;
  embedder: string;
  dims: number;
  chunkLines: number;
  overlapLines: number;
  updatedAt: string;
  files: Record<string, FileEntry>;
  chunkCount: number;
  parts: Record<keyof typeof PARTS, number>;
}

export interface IndexState {
  manifest: Manifest;
  vectors: VectorStore;
  keywords: Bm25Index;
  chunks: Map<string, RagChunk>;
  /** A part was rebuilt from the others on load (a keyword index of an older analyzer): the next update writes it. */
  rebuiltOnLoad?: boolean;
}

export type LoadResult = { kind: 'missing' } | { kind: 'broken'; reason: string } | { kind: 'ok'; state: IndexState };

export function readManifest(dir: string): { manifest?: Manifest; reason?: string; exists: boolean } {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    const leftovers = Object.values(PARTS).some((p) => fs.existsSync(path.join(dir, p)));
    return leftovers ? { exists: true, reason: 'its manifest is missing (a half-written index)' } : { exists: false };
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return { exists: true, reason: 'its manifest is not valid JSON' };
  }
  if (manifest?.schema !== INDEX_SCHEMA) return { exists: true, reason: `its format (${String(manifest?.schema)}) is not ${INDEX_SCHEMA}` };
  if (typeof manifest.files !== 'object' || !manifest.parts || typeof manifest.dims !== 'number') return { exists: true, reason: 'its manifest is incomplete' };
  for (const [part, name] of Object.entries(PARTS)) {
    let size = -1;
    try {
      size = fs.statSync(path.join(dir, name)).size;
    } catch {
      // Missing part: size -1 never matches.
    }
    if (size !== manifest.parts[part as keyof typeof PARTS]) return { exists: true, reason: `${name} does not match the manifest (a half-written or truncated index)` };
  }
  return { exists: true, manifest };
}

/** Loads the whole index; never throws: a broken index comes back as `broken` with the reason. */
export async function loadIndex(dir: string): Promise<LoadResult> {
  const m = readManifest(dir);
  if (!m.exists) return { kind: 'missing' };
  if (!m.manifest) return { kind: 'broken', reason: m.reason! };
  const manifest = m.manifest;
  try {
    const keywordBytes = await fs.promises.readFile(path.join(dir, PARTS.keywords));
    const chunks = new Map<string, RagChunk>();
    const text = await fs.promises.readFile(path.join(dir, PARTS.chunks), 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const c = JSON.parse(line) as RagChunk;
      chunks.set(c.id, c);
    }
    // Keywords of an older analyzer: re-analyzed from the chunk texts (no re-embedding), written by the next update.
    const rebuiltOnLoad = !Bm25Index.sameAnalyzer(keywordBytes);
    let keywords: Bm25Index;
    if (rebuiltOnLoad) {
      keywords = new Bm25Index();
      for (const c of chunks.values()) keywords.add(c.id, indexedText(c));
    } else {
      keywords = Bm25Index.deserialize(keywordBytes);
    }
    let vectors: VectorStore;
    try {
      vectors = await VectorStore.load(path.join(dir, PARTS.vectors), manifest.dims);
    } catch (err) {
      return { kind: 'broken', reason: `${PARTS.vectors} cannot be read (${(err as Error).message})` };
    }
    const declared = Object.values(manifest.files).reduce((n, f) => n + f.chunks, 0);
    if (chunks.size !== manifest.chunkCount || vectors.size !== chunks.size || keywords.size !== chunks.size || declared !== chunks.size) {
      return { kind: 'broken', reason: `its parts disagree (${chunks.size} chunks, ${vectors.size} vectors, ${keywords.size} keyword entries, manifest ${manifest.chunkCount})` };
    }
    return { kind: 'ok', state: { manifest, vectors, keywords, chunks, rebuiltOnLoad } };
  } catch (err) {
    return { kind: 'broken', reason: `it cannot be read (${(err as Error).message})` };
  }
}

/** Every index part goes through the guarded file layer: inside the workspace, never through a link. */
const writeAtomic = (file: string, data: string | Buffer): Promise<number> => writeFileAtomic(file, data);

export async function saveIndex(dir: string, state: IndexState): Promise<void> {
  await makeFolder(dir);
  const lines: string[] = [];
  for (const c of state.chunks.values()) lines.push(JSON.stringify(c));
  const manifest = state.manifest;
  // The old manifest goes first: a crash from here on leaves no manifest, which open() reports as half-written.
  await removeFile(path.join(dir, MANIFEST_FILE));
  manifest.parts = {
    chunks: await writeAtomic(path.join(dir, PARTS.chunks), lines.length ? lines.join('\n') + '\n' : ''),
    keywords: await writeAtomic(path.join(dir, PARTS.keywords), state.keywords.serialize()),
    vectors: await state.vectors.save(path.join(dir, PARTS.vectors)),
  };
  manifest.chunkCount = state.chunks.size;
  manifest.updatedAt = new Date().toISOString();
  await writeAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  state.rebuiltOnLoad = false;
}

/** Bytes of every file in the index folder. */
export function bytesOnDisk(dir: string): number {
  try {
    return fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

export { PARTS as INDEX_PARTS };
