/**
 * `workbench.rag` for `run` and `compare` on the command line: searches the workspace's index
 * (`.prompt-workbench/index/`) in process with the embedder it was built with, building it
 * first with the offline embedder when there is none, and saying so on stderr.
 */
import * as path from 'node:path';
import { DEFAULT_INCLUDE, DEFAULT_MAX_FILE_BYTES } from '../core/rag/fileScanner';
import { readManifest } from '../core/rag/indexFiles';
import type { EmbedderConfig } from '../core/rag/types';
import { WorkspaceIndex } from '../core/rag/workspaceIndex';
import type { DocumentRetriever } from '../core/runs/promptRunner';
import { parseEmbedderSpec } from './ragCommands';

export interface CliRetrieverOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export function cliRetriever(workspace: string, o: CliRetrieverOptions = {}): DocumentRetriever {
  let ready: Promise<WorkspaceIndex> | undefined;
  return async (query) => {
    ready ??= openUpToDate(path.resolve(workspace), o);
    return (await ready).search(query);
  };
}

async function openUpToDate(root: string, o: CliRetrieverOptions): Promise<WorkspaceIndex> {
  const indexDir = path.join(root, '.prompt-workbench', 'index');
  const { manifest, exists } = readManifest(indexDir);
  const recorded = manifest?.embedder;
  const embedder: EmbedderConfig = recorded && (recorded.startsWith('bedrock:') || recorded.startsWith('openai:')) ? parseEmbedderSpec(recorded, o) : { kind: 'offline' };
  const index = new WorkspaceIndex({ root, indexDir, settings: { include: DEFAULT_INCLUDE, exclude: [], maxFileBytes: DEFAULT_MAX_FILE_BYTES, embedder } });
  if (!exists) console.error(`workbench.rag: ${root} has no document index yet; building one with the offline embedder (kept in .prompt-workbench/index/)…`);
  // An existing index is brought up to date too: only files changed since it was written are embedded again.
  const stats = await index.update();
  if (!exists) console.error(`workbench.rag: indexed ${stats.files} files (${stats.chunks} chunks) in ${stats.ms} ms.`);
  else if (stats.rebuiltBecause) console.error(`workbench.rag: the index was rebuilt: ${stats.rebuiltBecause}.`);
  return index;
}
