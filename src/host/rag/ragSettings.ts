import * as path from 'node:path';
import { originOf } from '../../core/providers/openaiEndpoints';
import * as vscode from 'vscode';
import type { EmbedderConfig, RagCredentials, RagSettings } from '../../core/rag/types';
import type { EndpointConfig } from '../../core/providers/openaiEndpoints';
import type { RagEmbedderChoice, RagUserSettings, WorkbenchSettings } from '../settings';

/** Bedrock model ids behind the embedder choices of `promptWorkbench.rag.embedder`. */
const BEDROCK_EMBEDDING_MODELS: Record<Exclude<RagEmbedderChoice, 'offline' | 'openai'>, string> = {
  'bedrock-titan': 'amazon.titan-embed-text-v2:0',
  'bedrock-cohere-english': 'cohere.embed-english-v3',
  'bedrock-cohere-multilingual': 'cohere.embed-multilingual-v3',
};

/** How the embedder is called in messages (“Rebuild the index with …?”). */
export function embedderLabel(rag: RagUserSettings): string {
  switch (rag.embedder) {
    case 'offline':
      return vscode.l10n.t('the offline embedder');
    case 'bedrock-titan':
      return vscode.l10n.t('Amazon Titan Text Embeddings v2 ({0} dimensions)', rag.titanDimensions);
    case 'bedrock-cohere-english':
      return 'Cohere Embed English';
    case 'bedrock-cohere-multilingual':
      return 'Cohere Embed Multilingual';
    case 'openai':
      return `${rag.openaiModel} (${rag.openaiBaseUrl})`;
  }
}

export function embedderConfig(settings: WorkbenchSettings): EmbedderConfig {
  const rag = settings.rag;
  if (rag.embedder === 'offline') return { kind: 'offline' };
  if (rag.embedder === 'openai') return { kind: 'openai', baseUrl: rag.openaiBaseUrl, model: rag.openaiModel };
  const { region, profile, endpointUrl } = settings.bedrock;
  return {
    kind: 'bedrock',
    modelId: BEDROCK_EMBEDDING_MODELS[rag.embedder],
    ...(rag.embedder === 'bedrock-titan' ? { dimensions: rag.titanDimensions } : {}),
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
  };
}

/** The embedder settings as one comparable key (a change asks to rebuild). */
export function embedderKey(settings: WorkbenchSettings): string {
  return JSON.stringify(embedderConfig(settings));
}

/** The index's settings for one folder: our globs, `files.exclude`, the size limit and the given embedder. */
export function ragSettingsFor(folder: vscode.WorkspaceFolder, settings: WorkbenchSettings, embedder: EmbedderConfig): RagSettings {
  const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
  const excludedByEditor = Object.entries(filesExclude)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
  return {
    include: settings.rag.include,
    exclude: [...new Set([...settings.rag.exclude, ...excludedByEditor, '**/.prompt-workbench/**'])],
    maxFileBytes: settings.rag.maxFileKb * 1024,
    embedder,
  };
}

/**
 * Keys for the embedder, read from where the rest of the extension keeps them: the Bedrock
 * API key in secret storage, and the key of the `openai.endpoints` entry with the same URL.
 */
/**
 * What the document index needs of the extension's services. Declared here rather than
 * importing services.ts, so that the lazily loaded index (dist/engine.js) and the services
 * that load it form no import circle.
 */
export interface RagHostServices {
  readonly log: vscode.LogOutputChannel;
  readonly currentSettings: WorkbenchSettings;
  bedrockApiKeyValue(): Promise<string | undefined>;
  endpointApiKey(endpoint: EndpointConfig): Promise<string | undefined>;
}

export async function ragCredentials(services: RagHostServices, embedder: EmbedderConfig): Promise<RagCredentials> {
  if (embedder.kind === 'bedrock') {
    const bedrockApiKey = await services.bedrockApiKeyValue();
    return bedrockApiKey ? { bedrockApiKey } : {};
  }
  if (embedder.kind === 'openai') {
    // Only the key of an endpoint at the very same URL (so the same origin): a key never goes to another server.
    const normalize = (url: string) => url.trim().replace(/\/+$/, '');
    const endpoint = services.currentSettings.openai.endpoints.find((e) => normalize(e.baseUrl) === normalize(embedder.baseUrl) && originOf(e.baseUrl) === originOf(embedder.baseUrl));
    const openaiApiKey = endpoint ? await services.endpointApiKey(endpoint) : undefined;
    return openaiApiKey ? { openaiApiKey } : {};
  }
  return {};
}

/** The questions file of `promptWorkbench.rag.evalQuestions` (or `override`), as an absolute path in the folder. */
export function retrievalQuestionsPath(folder: vscode.WorkspaceFolder, override?: string): string {
  const configured = override ?? vscode.workspace.getConfiguration('promptWorkbench', folder.uri).get<string>('rag.evalQuestions', 'datasets/retrieval-questions.jsonl');
  return path.isAbsolute(configured) ? configured : path.join(folder.uri.fsPath, configured);
}
