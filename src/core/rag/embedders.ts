/**
 * Embedders turn texts into unit vectors. The id (model + dims) is recorded in the index, so an
 * index is never searched with vectors from another model. Bedrock's embedders go through
 * InvokeModel of the real AWS SDK (loaded on first use); throttling and 5xx are retried with
 * exponential back-off here (the SDK's own retries are off, so attempts do not multiply).
 */
import { redactUrlCredentials } from '../privacy/urlCredentials';
import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { Embedder, EmbedderConfig, EmbedPurpose, RagCredentials } from './types';
import { OfflineEmbedder, OFFLINE_EMBEDDER_ID } from './wordVectors';

export type { EmbedPurpose, Embedder } from './types';

/** The id an embedder built from `config` will have, without building it (to spot a changed embedder). */
export function embedderIdOf(config: EmbedderConfig): string {
  if (config.kind === 'offline') return OFFLINE_EMBEDDER_ID;
  if (config.kind === 'bedrock') return `bedrock:${config.modelId}${isTitan(config.modelId) ? `@${config.dimensions ?? 1024}` : ''}`;
  return `openai:${redactUrlCredentials(config.baseUrl.replace(/\/+$/, ''))}#${config.model}`;
}

export function createEmbedder(config: EmbedderConfig, credentials: RagCredentials = {}, wordVectorsPath?: string): Embedder {
  if (config.kind === 'offline') return new OfflineEmbedder(wordVectorsPath);
  if (config.kind === 'bedrock') return new BedrockEmbedder(config, credentials.bedrockApiKey);
  return new OpenAiEmbedder(config, credentials.openaiApiKey ?? config.apiKey);
}

const isTitan = (modelId: string) => modelId.includes('titan-embed');
const isCohere = (modelId: string) => modelId.includes('cohere.embed');

function unit(values: ArrayLike<number>): Float32Array {
  const v = Float32Array.from(values);
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

function cancelled(): Error {
  const err = new Error('Indexing was cancelled.');
  err.name = 'RagCancelled';
  return err;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retries `call` on throttling and temporary server errors: 0.5 s, 1 s, 2 s… (±25 %), at most `attempts` tries. */
export async function withBackoff<T>(call: () => Promise<T>, isRetryable: (err: unknown) => boolean, signal?: AbortSignal, attempts = 6, baseMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelled();
    try {
      return await call();
    } catch (err) {
      if (signal?.aborted) throw cancelled();
      if (attempt >= attempts || !isRetryable(err)) throw err;
      await sleep(baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5), signal);
    }
  }
}

const RETRYABLE_BEDROCK = new Set(['ThrottlingException', 'ServiceUnavailableException', 'ModelNotReadyException', 'InternalServerException', 'TooManyRequestsException']);

/** Amazon Titan Text Embeddings v2 (one text per call, several calls at once) and Cohere Embed v3 (96 texts per call). */
export class BedrockEmbedder implements Embedder {
  readonly id: string;
  readonly dims: number;
  readonly maxBatch: number;
  /** Backoff base, shortened by tests. */
  retryBaseMs = 500;
  private client?: Promise<{ sdk: typeof import('@aws-sdk/client-bedrock-runtime'); client: BedrockRuntimeClient }>;

  constructor(private readonly config: Extract<EmbedderConfig, { kind: 'bedrock' }>, private readonly apiKey?: string) {
    this.id = embedderIdOf(config);
    if (isTitan(config.modelId)) {
      this.dims = config.dimensions ?? 1024;
      this.maxBatch = 16;
    } else if (isCohere(config.modelId)) {
      this.dims = 1024;
      this.maxBatch = 96;
    } else {
      throw new Error(`${config.modelId} is not an embedding model this index knows: use amazon.titan-embed-text-v2:0, cohere.embed-english-v3 or cohere.embed-multilingual-v3.`);
    }
  }

  private sdkClient() {
    this.client ??= import('@aws-sdk/client-bedrock-runtime').then((sdk) => {
      const config: BedrockRuntimeClientConfig = { maxAttempts: 1 };
      if (this.config.region) config.region = this.config.region;
      if (this.config.profile) config.profile = this.config.profile;
      // Without an explicit URL the SDK reads AWS_ENDPOINT_URL_BEDROCK_RUNTIME itself.
      if (this.config.endpointUrl) config.endpoint = this.config.endpointUrl;
      if (this.apiKey) {
        // As in providers/bedrock.ts: SDK 3.1164 sends `token` with httpBearerAuth once it is preferred over SigV4.
        config.token = { token: this.apiKey };
        config.authSchemePreference = ['httpBearerAuth'];
      }
      return { sdk, client: new sdk.BedrockRuntimeClient(config) };
    });
    return this.client;
  }

  async embed(texts: string[], purpose: EmbedPurpose, signal?: AbortSignal): Promise<Float32Array[]> {
    if (isCohere(this.config.modelId)) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += 96) {
        const body = { texts: texts.slice(i, i + 96).map((t) => t.slice(0, 2048)), input_type: purpose === 'query' ? 'search_query' : 'search_document', truncate: 'END', embedding_types: ['float'] };
        const reply = (await this.invoke(body, signal)) as { embeddings: number[][] | { float: number[][] } };
        const vectors = Array.isArray(reply.embeddings) ? reply.embeddings : reply.embeddings.float;
        out.push(...vectors.map(unit));
      }
      return out;
    }
    // Titan takes one text per call: run four at a time.
    const out = new Array<Float32Array>(texts.length);
    let next = 0;
    const lane = async () => {
      while (next < texts.length) {
        const i = next++;
        // Titan v2 takes up to 8k tokens (~50k characters); chunks are far smaller.
        const reply = (await this.invoke({ inputText: texts[i].slice(0, 40_000) || ' ', dimensions: this.dims, normalize: true }, signal)) as { embedding: number[] };
        out[i] = unit(reply.embedding);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, texts.length) }, lane));
    return out;
  }

  private async invoke(body: unknown, signal?: AbortSignal): Promise<unknown> {
    const { sdk, client } = await this.sdkClient();
    const reply = await withBackoff(
      () => client.send(new sdk.InvokeModelCommand({ modelId: this.config.modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }), { abortSignal: signal }),
      (err) => RETRYABLE_BEDROCK.has((err as { name?: string }).name ?? '') || ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0) >= 500,
      signal,
      6,
      this.retryBaseMs,
    );
    return JSON.parse(new TextDecoder().decode(reply.body));
  }
}

/** `POST {baseUrl}/embeddings` of an OpenAI-compatible server (Ollama, LM Studio, vLLM, OpenAI). */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  dims = 0;
  readonly maxBatch = 64;
  retryBaseMs = 500;

  constructor(private readonly config: Extract<EmbedderConfig, { kind: 'openai' }>, private readonly apiKey?: string) {
    this.id = embedderIdOf(config);
  }

  async embed(texts: string[], _purpose: EmbedPurpose, signal?: AbortSignal): Promise<Float32Array[]> {
    const url = `${this.config.baseUrl.replace(/\/+$/, '')}/embeddings`;
    const reply = await withBackoff(
      async () => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
          body: JSON.stringify({ model: this.config.model, input: texts }),
          signal,
        }).catch((err: Error) => {
          err.message = redactUrlCredentials(err.message); // fetch names the whole URL, user:password@ included
          throw err;
        });
        if (!res.ok) {
          const err = new Error(redactUrlCredentials(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)) as Error & { status: number };
          err.status = res.status;
          throw err;
        }
        return (await res.json()) as { data: { index: number; embedding: number[] }[] };
      },
      (err) => [429, 500, 502, 503, 504].includes((err as { status?: number }).status ?? 0),
      signal,
      6,
      this.retryBaseMs,
    );
    const out = new Array<Float32Array>(texts.length);
    for (const d of reply.data) out[d.index] = unit(d.embedding);
    if (out.some((v) => !v)) throw new Error(`${redactUrlCredentials(url)} returned ${reply.data.length} embeddings for ${texts.length} texts.`);
    this.dims = out[0]?.length ?? this.dims;
    return out;
  }
}
