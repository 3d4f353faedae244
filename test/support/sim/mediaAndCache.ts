/**
 * Images, documents and prompt caching in the local Bedrock simulator (Converse and ConverseStream).
 *
 * It answers only requests that hold an `image` or `document` block or a `cachePoint`; the
 * others go on to the built-in routes.
 * - Like Bedrock it checks each block: an image's format (png, jpeg, gif, webp) and its bytes
 *   (they must decode and start like that format), at most 3.75 MB and 20 images; a document's
 *   format (pdf, csv, doc, docx, xls, xlsx, html, txt, md), its name (letters, digits, single
 *   spaces, hyphens, parentheses, square brackets; unique), at most 4.5 MB and 5 documents.
 *   A broken block is a 400 ValidationException.
 * - The answer says what it received: each image's format and size, each document's name and
 *   format, and for text documents (and PDFs with plain text operators) their first words.
 * - A cache point caches everything before it: the first call with that prefix (per model,
 *   within five minutes) reports `cacheWriteInputTokens`, an identical prefix again reports
 *   `cacheReadInputTokens`; `inputTokens` counts only the rest. A prefix shorter than the
 *   model's minimum (Claude 1,024 tokens, Claude Haiku 4.5 and Opus 4.5+ 4,096, Claude 3.5
 *   Haiku 2,048, Nova 1,000) is not cached, as on Bedrock.
 */
import { createHash } from 'node:crypto';
import { composeAnswer, estimateTokens, readConversation, splitIntoPieces } from '../bedrockAnswers';
import { encodeEventFrame } from '../eventStream';
import type { SimulatorError, SimulatorExtension, SimulatorExtensionFactory, SimulatorRequest } from './extensions';

interface Block {
  text?: string;
  image?: { format?: string; source?: { bytes?: string } };
  document?: { format?: string; name?: string; source?: { bytes?: string } };
  cachePoint?: { type?: string };
}
interface Body {
  system?: Block[];
  messages?: { role?: string; content?: Block[] }[];
  toolConfig?: { tools?: unknown[] };
}

const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'webp'];
const DOCUMENT_FORMATS = ['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md'];
const MAX_IMAGE_BYTES = 3.75 * 1024 * 1024;
const MAX_DOCUMENT_BYTES = 4.5 * 1024 * 1024;
const CACHE_TTL_MS = 5 * 60 * 1000;
const DOCUMENT_NAME = /^(?!.*\s\s)[A-Za-z0-9\s\-()[\]]+$/;

const invalid = (message: string): SimulatorError => ({ status: 400, type: 'ValidationException', message });

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  png: (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  gif: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  webp: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  pdf: (b) => b.subarray(0, 4).toString('latin1') === '%PDF',
};

function decode(bytes: unknown): Buffer | undefined {
  if (typeof bytes !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(bytes)) return undefined;
  return Buffer.from(bytes, 'base64');
}

/** The first words of a document, where it has readable text (text formats; a PDF's `(…) Tj` strings). */
function documentText(format: string, bytes: Buffer): string {
  let text = '';
  if (['txt', 'md', 'csv', 'html'].includes(format)) text = bytes.toString('utf8').replace(/<[^>]+>/g, ' ');
  else if (format === 'pdf') text = [...bytes.toString('latin1').matchAll(/\(((?:[^()\\]|\\.)*)\)\s*Tj/g)].map((m) => m[1]).join(' ');
  return text.replace(/\s+/g, ' ').trim().split(' ').slice(0, 40).join(' ');
}

interface Received {
  lines: string[];
  error?: SimulatorError;
}

/** Checks every media block as Bedrock does, and describes what came. */
function receive(body: Body): Received {
  const lines: string[] = [];
  const names = new Set<string>();
  let images = 0;
  let documents = 0;
  for (const [m, message] of (body.messages ?? []).entries()) {
    for (const [c, block] of (message.content ?? []).entries()) {
      const where = `messages.${m}.content.${c}`;
      if (block.image) {
        images++;
        const format = block.image.format ?? '';
        if (!IMAGE_FORMATS.includes(format)) return { lines, error: invalid(`${where}.image.format: ${format} is not one of [${IMAGE_FORMATS.join(', ')}]`) };
        const bytes = decode(block.image.source?.bytes);
        if (!bytes || bytes.length === 0) return { lines, error: invalid(`${where}.image.source.bytes: the image bytes are not valid base64.`) };
        if (!MAGIC[format](bytes)) return { lines, error: invalid(`${where}: Could not process image: the image data is not ${format}.`) };
        if (bytes.length > MAX_IMAGE_BYTES) return { lines, error: invalid(`${where}: image exceeds max size of 3.75MB`) };
        lines.push(`an image (${format}, ${bytes.length} bytes)`);
      } else if (block.document) {
        documents++;
        const { format = '', name = '' } = block.document;
        if (!DOCUMENT_FORMATS.includes(format)) return { lines, error: invalid(`${where}.document.format: ${format} is not one of [${DOCUMENT_FORMATS.join(', ')}]`) };
        if (!DOCUMENT_NAME.test(name)) return { lines, error: invalid(`${where}.document.name: The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character.`) };
        if (names.has(name)) return { lines, error: invalid(`${where}.document.name: Document names must be unique; ${name} appears twice.`) };
        names.add(name);
        const bytes = decode(block.document.source?.bytes);
        if (!bytes || bytes.length === 0) return { lines, error: invalid(`${where}.document.source.bytes: the document bytes are not valid base64.`) };
        if (MAGIC[format] && !MAGIC[format](bytes)) return { lines, error: invalid(`${where}: The document is not a valid ${format} file.`) };
        if (bytes.length > MAX_DOCUMENT_BYTES) return { lines, error: invalid(`${where}: document exceeds max size of 4.5MB`) };
        const text = documentText(format, bytes);
        lines.push(`a document “${name}” (${format}, ${bytes.length} bytes)${text ? ` that begins: ${text}` : ''}`);
      }
    }
  }
  if (images > 20) return { lines, error: invalid(`Too many images: ${images}; the maximum is 20.`) };
  if (documents > 5) return { lines, error: invalid(`Too many documents: ${documents}; the maximum is 5.`) };
  return { lines };
}

function minCacheTokens(modelId: string): number {
  if (/claude-(haiku-4-5|opus-4-[5-9])/.test(modelId)) return 4096;
  if (/claude-3-5-haiku/.test(modelId)) return 2048;
  if (/nova/.test(modelId)) return 1000;
  return 1024;
}

/** Text and media of the request in order, with where its last cache point falls (tokens before it, and a key for that prefix). */
function cachePrefix(modelId: string, body: Body): { key: string; tokens: number } | undefined {
  const sequence: Block[] = [...(body.toolConfig?.tools ?? []).map((tool) => ({ text: JSON.stringify(tool) }) as Block), ...(body.system ?? [])];
  for (const message of body.messages ?? []) sequence.push({ text: `\n[${message.role}]\n` }, ...(message.content ?? []));
  const last = sequence.map((b) => Boolean(b.cachePoint)).lastIndexOf(true);
  if (last < 0) return undefined;
  const prefix = sequence.slice(0, last).filter((b) => !b.cachePoint);
  const text = prefix.map((b) => b.text ?? '').join(' ');
  const mediaTokens = prefix.filter((b) => b.image || b.document).length * 1600;
  const key = createHash('sha256').update(modelId).update(JSON.stringify(prefix)).digest('hex');
  return { key, tokens: estimateTokens(text) + mediaTokens };
}

function hasOurBlocks(body: Body): boolean {
  const blocks = [...(body.system ?? []), ...(body.messages ?? []).flatMap((m) => m.content ?? []), ...((body.toolConfig?.tools ?? []) as Block[])];
  return blocks.some((b) => b && (b.image || b.document || b.cachePoint));
}

export const mediaAndCacheSimulator: SimulatorExtensionFactory = (services): SimulatorExtension => {
  const cache = new Map<string, number>();
  return {
    route(request: SimulatorRequest): boolean {
      const [root, encodedId, operation] = request.segments;
      if (request.method !== 'POST' || root !== 'model' || request.segments.length !== 3 || (operation !== 'converse' && operation !== 'converse-stream')) return false;
      const body = request.body as Body;
      if (!hasOurBlocks(body)) return false;
      const modelId = decodeURIComponent(encodedId);
      request.setModelId(modelId);
      const received = receive(body);
      if (received.error) {
        request.sendError(received.error);
        return true;
      }
      const textOnly: Body = {
        system: (body.system ?? []).filter((b) => b.text !== undefined),
        messages: (body.messages ?? []).map((m) => ({ role: m.role, content: (m.content ?? []).filter((b) => b.text !== undefined) })),
      };
      const conversation = readConversation(textOnly as never);
      const seen = received.lines.length ? `I received ${received.lines.join('; ')}.\n\n` : '';
      const answer = `${seen}${composeAnswer(modelId, conversation)}`;
      const pieces = splitIntoPieces(answer);

      // Prompt caching: write on the first call with a prefix, read on repeats within the TTL.
      const totalInput = estimateTokens(conversation.allText) + received.lines.length * 1600;
      let cacheRead = 0;
      let cacheWrite = 0;
      const prefix = cachePrefix(modelId, body);
      if (prefix && prefix.tokens >= minCacheTokens(modelId)) {
        const now = Date.now();
        const at = cache.get(prefix.key);
        if (at !== undefined && now - at < CACHE_TTL_MS) cacheRead = prefix.tokens;
        else cacheWrite = prefix.tokens;
        cache.set(prefix.key, now);
        services.log(`prompt cache ${cacheRead ? 'read' : 'write'} of ${prefix.tokens} tokens for ${modelId}`);
      }
      const inputTokens = Math.max(1, totalInput - cacheRead - cacheWrite);
      const usage = {
        inputTokens,
        outputTokens: pieces.length,
        totalTokens: inputTokens + pieces.length + cacheRead + cacheWrite,
        ...(cacheRead ? { cacheReadInputTokens: cacheRead } : {}),
        ...(cacheWrite ? { cacheWriteInputTokens: cacheWrite } : {}),
      };
      if (operation === 'converse') {
        request.sendJson(200, { output: { message: { role: 'assistant', content: [{ text: answer }] } }, stopReason: 'end_turn', usage, metrics: { latencyMs: 5 } });
        return true;
      }
      request.sendEventStream([
        encodeEventFrame('messageStart', { role: 'assistant' }),
        ...pieces.map((text) => encodeEventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
        encodeEventFrame('contentBlockStop', { contentBlockIndex: 0 }),
        encodeEventFrame('messageStop', { stopReason: 'end_turn' }),
        encodeEventFrame('metadata', { usage, metrics: { latencyMs: 5 } }),
      ]);
      return true;
    },
  };
};
