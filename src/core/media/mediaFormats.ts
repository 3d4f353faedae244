/**
 * Images and documents a prompt sends (`{{media url=…}}`): which files are accepted, how they
 * travel (a `data:` URL that also carries the file's name), and Bedrock Converse's limits. The
 * one place that knows the formats: the input resolver, the Converse request builder, the
 * OpenAI-compatible provider and the simulator all read them from here.
 */
import * as l10n from '@vscode/l10n';

export type MediaKind = 'image' | 'document';

export interface MediaFormat {
  kind: MediaKind;
  /** Converse's `format` value (`png`, `jpeg`, `pdf`, `docx`, …). */
  format: string;
  mime: string;
}

const image = (format: string, mime: string): MediaFormat => ({ kind: 'image', format, mime });
const doc = (format: string, mime: string): MediaFormat => ({ kind: 'document', format, mime });

/** By file extension (lower case, no dot). */
export const MEDIA_FORMATS: Readonly<Record<string, MediaFormat>> = {
  png: image('png', 'image/png'),
  jpg: image('jpeg', 'image/jpeg'),
  jpeg: image('jpeg', 'image/jpeg'),
  gif: image('gif', 'image/gif'),
  webp: image('webp', 'image/webp'),
  pdf: doc('pdf', 'application/pdf'),
  csv: doc('csv', 'text/csv'),
  docx: doc('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
  xlsx: doc('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
  html: doc('html', 'text/html'),
  htm: doc('html', 'text/html'),
  txt: doc('txt', 'text/plain'),
  md: doc('md', 'text/markdown'),
};

const BY_MIME: ReadonlyMap<string, MediaFormat> = new Map(Object.values(MEDIA_FORMATS).map((f) => [f.mime, f]));

/** Bedrock Converse's limits per request (its ImageBlock and DocumentBlock documentation). */
export const MEDIA_LIMITS = {
  imageBytes: 3.75 * 1024 * 1024,
  images: 20,
  documentBytes: 4.5 * 1024 * 1024,
  documents: 5,
} as const;

/** A media problem written for the person: what is wrong, and what to do. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
}

export function formatOfExtension(fileName: string): MediaFormat | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : MEDIA_FORMATS[fileName.slice(dot + 1).toLowerCase()];
}

export function supportedExtensions(): string {
  return Object.keys(MEDIA_FORMATS).join(', ');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}

/** The first bytes each binary format starts with, so a renamed file is caught before a model rejects it. */
function contentMatches(format: MediaFormat, bytes: Uint8Array): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  switch (format.format) {
    case 'png':
      return starts(0x89, 0x50, 0x4e, 0x47);
    case 'jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'gif':
      return starts(0x47, 0x49, 0x46, 0x38);
    case 'webp':
      return starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50;
    case 'pdf':
      return starts(0x25, 0x50, 0x44, 0x46);
    case 'docx':
    case 'xlsx':
      return starts(0x50, 0x4b, 0x03, 0x04);
    default:
      return true;
  }
}

/** The error for a file past Converse's size limit for its kind, or undefined when it fits. */
export function sizeProblem(fileName: string, format: MediaFormat, size: number): MediaError | undefined {
  const limit = format.kind === 'image' ? MEDIA_LIMITS.imageBytes : MEDIA_LIMITS.documentBytes;
  if (size <= limit) return undefined;
  return new MediaError(
    format.kind === 'image'
      ? l10n.t('{0} is {1}; Amazon Bedrock takes images up to {2}. Make it smaller (fewer pixels or a JPEG) and run again.', fileName, megabytes(size), megabytes(limit))
      : l10n.t('{0} is {1}; Amazon Bedrock takes documents up to {2}. Split it and run again.', fileName, megabytes(size), megabytes(limit)),
  );
}

/** Checks one file's type, content and size; throws a MediaError that names it. */
export function checkMediaFile(fileName: string, bytes: Uint8Array): MediaFormat {
  const format = formatOfExtension(fileName);
  if (!format) throw new MediaError(l10n.t('{0} is not an image or document a model can take; use one of: {1}.', fileName, supportedExtensions()));
  if (!contentMatches(format, bytes)) throw new MediaError(l10n.t('{0} does not look like a {1} file (its first bytes say otherwise); save it in that format or rename it.', fileName, format.format.toUpperCase()));
  const tooBig = sizeProblem(fileName, format, bytes.length);
  if (tooBig) throw tooBig;
  return format;
}

/** The `data:` URL a media input becomes: `data:<mime>;name=<file name>;base64,<bytes>` (the name is Converse's document name). */
export function mediaDataUrl(fileName: string, bytes: Uint8Array): string {
  const format = checkMediaFile(fileName, bytes);
  return `data:${format.mime};name=${encodeURIComponent(fileName)};base64,${Buffer.from(bytes).toString('base64')}`;
}

export interface DecodedMedia extends MediaFormat {
  name: string | undefined;
  bytes: Uint8Array;
}

/**
 * A media part's URL decoded: a `data:` URL with base64 content of a known type. Anything else
 * (an http URL, a path that was never read) is a MediaError: Bedrock takes bytes only.
 */
export function decodeMediaUrl(url: string, contentType?: string): DecodedMedia {
  const match = /^data:([^;,]+)((?:;[^;,]*)*?);base64,(.*)$/is.exec(url);
  if (!match) throw new MediaError(l10n.t('Media must be a workspace file (an input typed media) or a base64 data: URL; “{0}” is neither.', url.slice(0, 60)));
  const mime = (contentType || match[1]).toLowerCase();
  const format = BY_MIME.get(mime) ?? (mime === 'image/jpg' ? MEDIA_FORMATS.jpeg : undefined);
  if (!format) throw new MediaError(l10n.t('{0} is not an image or document type a model can take; use one of: {1}.', mime, supportedExtensions()));
  const nameParam = /;name=([^;]*)/i.exec(match[2]);
  let name: string | undefined;
  try {
    name = nameParam ? decodeURIComponent(nameParam[1]) : undefined;
  } catch {
    name = nameParam?.[1];
  }
  return { ...format, name, bytes: new Uint8Array(Buffer.from(match[3], 'base64')) };
}

/** The kind of a media part's URL without decoding its bytes (counting, support checks). */
export function mediaKindOf(url: string, contentType?: string): MediaKind | undefined {
  const mime = (contentType || /^data:([^;,]+)/i.exec(url)?.[1] || '').toLowerCase();
  return (BY_MIME.get(mime) ?? (mime.startsWith('image/') ? MEDIA_FORMATS.png : undefined))?.kind;
}

/**
 * A name Converse accepts for a document: letters, digits, single spaces, hyphens, parentheses
 * and square brackets; unique within the request (`taken` collects them).
 */
export function converseDocumentName(name: string | undefined, taken: Set<string>): string {
  const base = (name ?? 'document').replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9\s\-()[\]]/g, '-').replace(/\s+/g, ' ').trim() || 'document';
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base} (${n})`;
  taken.add(candidate);
  return candidate;
}

/** Throws when a request holds more images or documents than Converse takes, or one that is too big. */
export function checkMediaCounts(counts: { images: number; documents: number }): void {
  if (counts.images > MEDIA_LIMITS.images) throw new MediaError(l10n.t('This request holds {0} images; Amazon Bedrock takes at most {1} per request.', counts.images, MEDIA_LIMITS.images));
  if (counts.documents > MEDIA_LIMITS.documents) throw new MediaError(l10n.t('This request holds {0} documents; Amazon Bedrock takes at most {1} per request.', counts.documents, MEDIA_LIMITS.documents));
}

/** The media parts of messages, by kind (for limits and support checks). */
export function countMedia(messages: readonly { content: readonly unknown[] }[]): { images: number; documents: number } {
  const counts = { images: 0, documents: 0 };
  for (const message of messages) {
    for (const part of message.content) {
      const media = (part as { media?: { url?: unknown; contentType?: string } }).media;
      if (typeof media?.url !== 'string') continue;
      const kind = mediaKindOf(media.url, media.contentType);
      if (kind === 'image') counts.images++;
      else if (kind === 'document') counts.documents++;
    }
  }
  return counts;
}
