/**
 * Inputs typed `media` (`input.schema: {photo: media}`): their values are workspace paths
 * (`samples/media/cat.png`, also written `@samples/media/cat.png`), read through the guarded
 * file layer and turned into `data:` URLs that `{{media url=photo}}` sends. Run, Compare,
 * datasets and the CLI all get them through `PromptRunner.prepare()`.
 */
import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { GuardedPathError, readBytesContained, type ReadPolicy } from '../workspace/guardedFs';
import { formatOfExtension, sizeProblem, MEDIA_LIMITS, MediaError, mediaDataUrl, supportedExtensions } from './mediaFormats';

/** The picoschema type name of a media input, and the JSON Schema it stands for. */
export const MEDIA_TYPE = 'media';
export const MEDIA_SCHEMA = { type: 'string', format: 'media' } as const;

/** The named types a workbench input schema may use besides picoschema's own (`media`). */
export async function resolveWorkbenchSchema(name: string): Promise<Record<string, unknown> | null> {
  return name === MEDIA_TYPE ? { ...MEDIA_SCHEMA } : null;
}

/** Names of the inputs `input.schema` types `media` (`photo: media`, `photo?: media, a description`). */
export function mediaInputNames(inputSchema: unknown): string[] {
  if (!inputSchema || typeof inputSchema !== 'object' || Array.isArray(inputSchema)) return [];
  const names: string[] = [];
  for (const [key, value] of Object.entries(inputSchema as Record<string, unknown>)) {
    const type = typeof value === 'string' ? value.split(',')[0].trim() : (value as { type?: unknown } | null)?.type;
    if (type === MEDIA_TYPE) names.push(key.replace(/\?$/, '').replace(/\(.*\)$/, '').trim());
  }
  return names;
}

export interface MediaReadPolicy extends ReadPolicy {
  /** Folders a relative path is looked up in, in order (a dataset's folder, then the workspace); default: the root. */
  bases?: readonly string[];
}

/** Replaces each media input's path by the file's `data:` URL; values that already are URLs stay. Throws a MediaError naming the input. */
export async function resolveMediaInputs(values: Record<string, unknown>, names: readonly string[], policy: MediaReadPolicy): Promise<Record<string, unknown>> {
  if (names.length === 0) return values;
  const resolved = { ...values };
  for (const name of names) {
    const value = resolved[name];
    if (typeof value !== 'string' || value === '' || /^(data|https?):/i.test(value)) continue;
    resolved[name] = await readMediaFile(name, value.replace(/^@/, '').trim(), policy);
  }
  return resolved;
}

async function readMediaFile(input: string, reference: string, policy: MediaReadPolicy): Promise<string> {
  const fileName = path.basename(reference);
  const format = formatOfExtension(fileName);
  if (!format) throw new MediaError(l10n.t('Input “{0}”: {1} is not an image or document a model can take; use one of: {2}.', input, reference, supportedExtensions()));
  const limit = format.kind === 'image' ? MEDIA_LIMITS.imageBytes : MEDIA_LIMITS.documentBytes;
  const candidates = path.isAbsolute(reference) ? [reference] : [...(policy.bases ?? []), policy.root].map((base) => path.resolve(base, reference));
  for (const file of candidates) {
    try {
      return mediaDataUrl(fileName, await readBytesContained(file, policy, limit));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        continue;
      }
      if (code === 'ETOOBIG') {
        // The size check's own sentence, without reading a file too big to send.
        throw new MediaError(l10n.t('Input “{0}”: {1}', input, sizeProblem(fileName, format, (err as { size: number }).size)?.message ?? (err as Error).message));
      }
      if (err instanceof GuardedPathError || err instanceof MediaError) throw new MediaError(l10n.t('Input “{0}”: {1}', input, err.message));
      throw new MediaError(l10n.t('Input “{0}”: cannot read {1} ({2}).', input, reference, (err as Error).message));
    }
  }
  throw new MediaError(l10n.t('Input “{0}”: {1} was not found (looked in {2}). Give a path relative to the workspace folder.', input, reference, candidates.map((c) => path.dirname(c)).join(', ')));
}
