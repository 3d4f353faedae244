/**
 * Retrieval from an Amazon Bedrock Knowledge Base (the Agents runtime's `Retrieve`), for a
 * prompt whose `workbench.rag` names a `knowledgeBaseId`. It answers with the same `RagHit`
 * shape the workspace index does, so `prepare()` gives the template the same `context`
 * (text, location, score) and the run records the same `retrieved` refs: a hit's `path` is
 * the document's location (an `s3://` or `https://` URI), its lines 0.
 */
import * as l10n from '@vscode/l10n';
import { clientOptions, sdkClientConfig, type AwsConnection } from '../aws/awsConnection';
import type { RagHit } from './types';

export type KnowledgeBaseSearchType = 'HYBRID' | 'SEMANTIC';

export interface KnowledgeBaseQuery {
  knowledgeBaseId: string;
  text: string;
  /** How many results Retrieve returns (1–100; the service's default 5). */
  numberOfResults?: number;
  searchType?: KnowledgeBaseSearchType;
  /** A Retrieve metadata filter (`{equals: {key, value}}`, `{andAll: […]}` …), passed as is. */
  filter?: Record<string, unknown>;
}

/** Searches a knowledge base; the host and the CLI build it with their AWS connection. */
export type KnowledgeBaseRetriever = (query: KnowledgeBaseQuery, signal?: AbortSignal) => Promise<RagHit[]>;

/** One result of Retrieve, as the SDK gives it (only the fields used here). */
export interface RetrieveResultShape {
  content?: { text?: string; type?: string };
  location?: {
    type?: string;
    s3Location?: { uri?: string };
    webLocation?: { url?: string };
    confluenceLocation?: { url?: string };
    salesforceLocation?: { url?: string };
    sharePointLocation?: { url?: string };
    kendraDocumentLocation?: { uri?: string };
    customDocumentLocation?: { id?: string };
  };
  metadata?: Record<string, unknown>;
  score?: number;
}

/** The location of a result as one string: a URI where there is one, else `type:id`. */
export function knowledgeBaseLocation(location: RetrieveResultShape['location']): string {
  if (!location) return 'knowledge-base:unknown';
  const uri =
    location.s3Location?.uri ??
    location.webLocation?.url ??
    location.confluenceLocation?.url ??
    location.salesforceLocation?.url ??
    location.sharePointLocation?.url ??
    location.kendraDocumentLocation?.uri;
  if (uri) return uri;
  if (location.customDocumentLocation?.id) return `custom:${location.customDocumentLocation.id}`;
  return `${(location.type ?? 'unknown').toLowerCase()}:`;
}

/** True for a location opened outside the editor (a URI), false for a workspace path. */
export function isExternalLocation(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** Retrieve's results as hits, best first; `id` is the location plus its rank (stable within one answer). */
export function knowledgeBaseHits(results: readonly RetrieveResultShape[]): RagHit[] {
  return results.map((result, index) => {
    const path = knowledgeBaseLocation(result.location);
    return { id: `${path}#${index + 1}`, path, startLine: 0, endLine: 0, text: result.content?.text ?? '', score: typeof result.score === 'number' ? result.score : 0 };
  });
}

/** The body of a Retrieve call for this query. */
export function retrieveInput(query: KnowledgeBaseQuery): {
  knowledgeBaseId: string;
  retrievalQuery: { text: string };
  retrievalConfiguration?: { vectorSearchConfiguration: Record<string, unknown> };
} {
  const vector: Record<string, unknown> = {
    ...(query.numberOfResults !== undefined ? { numberOfResults: query.numberOfResults } : {}),
    ...(query.searchType ? { overrideSearchType: query.searchType } : {}),
    ...(query.filter ? { filter: query.filter } : {}),
  };
  return {
    knowledgeBaseId: query.knowledgeBaseId,
    retrievalQuery: { text: query.text },
    ...(Object.keys(vector).length ? { retrievalConfiguration: { vectorSearchConfiguration: vector } } : {}),
  };
}

/** A Retrieve failure in a sentence: a knowledge base that does not exist, access denied, others as the service said. */
export function knowledgeBaseError(error: unknown, knowledgeBaseId: string, region: string | undefined): Error {
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  const where = region ? l10n.t(' in {0}', region) : '';
  if (name === 'ResourceNotFoundException') {
    return new Error(l10n.t('The knowledge base {0} does not exist{1}. Check workbench.rag.knowledgeBaseId and the Region ({2}).', knowledgeBaseId, where, message));
  }
  if (name === 'AccessDeniedException') {
    return new Error(l10n.t('You are not allowed to search the knowledge base {0}{1}: the caller needs bedrock:Retrieve on it ({2}).', knowledgeBaseId, where, message));
  }
  if (name === 'ValidationException') return new Error(l10n.t('The knowledge base {0} refused the query: {1}', knowledgeBaseId, message));
  return new Error(l10n.t('Searching the knowledge base {0} failed: {1}', knowledgeBaseId, message));
}

type AgentRuntimeSdk = typeof import('@aws-sdk/client-bedrock-agent-runtime');

/** A retriever over the Agents runtime, loading its SDK on first use; one client per retriever. */
export function knowledgeBaseRetriever(connection: () => AwsConnection | Promise<AwsConnection>, loadSdk: () => Promise<AgentRuntimeSdk> = () => import('@aws-sdk/client-bedrock-agent-runtime')): KnowledgeBaseRetriever {
  let client: { key: string; instance: Promise<{ sdk: AgentRuntimeSdk; client: InstanceType<AgentRuntimeSdk['BedrockAgentRuntimeClient']> }> } | undefined;
  return async (query, signal) => {
    const options = clientOptions('bedrock-agent-runtime', await connection());
    const key = JSON.stringify(options);
    if (!client || client.key !== key) {
      client = { key, instance: loadSdk().then((sdk) => ({ sdk, client: new sdk.BedrockAgentRuntimeClient(sdkClientConfig('bedrock-agent-runtime', options)) })) };
    }
    const { sdk, client: runtime } = await client.instance;
    try {
      const answer = await runtime.send(new sdk.RetrieveCommand(retrieveInput(query) as ConstructorParameters<AgentRuntimeSdk['RetrieveCommand']>[0]), { abortSignal: signal });
      return knowledgeBaseHits((answer.retrievalResults ?? []) as RetrieveResultShape[]);
    } catch (error) {
      throw knowledgeBaseError(error, query.knowledgeBaseId, options.region ?? (await runtime.config.region().catch(() => undefined)));
    }
  };
}

/** Where a browser shows a knowledge base location: an `s3://bucket/key` in the S3 console, a web URL as is; undefined otherwise. */
export function browsableUrl(location: string): string | undefined {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (s3) return `https://s3.console.aws.amazon.com/s3/object/${encodeURIComponent(s3[1])}?prefix=${encodeURIComponent(s3[2])}`;
  return /^https?:\/\//i.test(location) ? location : undefined;
}
