/**
 * Which models take images, documents and prompt caching: the catalog's capability flags
 * (builtinModels.ts, or Bedrock's own listing), asked before a call so that a comparison
 * column on a model that cannot read the input says so and the other columns still run.
 */
import * as l10n from '@vscode/l10n';
import type { ModelCatalog } from '../catalog/modelCatalog';
import { parseModelId } from '../providers/modelId';
import type { ChatMessage } from '../providers/types';
import { countMedia } from './mediaFormats';

export interface MediaSupport {
  model: string;
  images: boolean | undefined;
  documents: boolean | undefined;
  promptCache: boolean | undefined;
}

/** The support table's row for a model; undefined flags where the catalog does not know. */
export function mediaSupportOf(catalog: ModelCatalog, model: string): MediaSupport {
  const info = catalog.find(model);
  return { model, images: info?.images, documents: info?.documents, promptCache: info?.promptCache };
}

/**
 * A sentence when a Bedrock model the catalog knows cannot read the images or documents in
 * these messages; undefined when it can, or when the catalog does not know (then Bedrock decides).
 */
export function unsupportedMedia(catalog: ModelCatalog, model: string, messages: readonly ChatMessage[]): string | undefined {
  if (parseModelId(model).provider !== 'bedrock') return undefined;
  const { images, documents } = countMedia(messages);
  if (images === 0 && documents === 0) return undefined;
  const support = mediaSupportOf(catalog, model);
  if (images > 0 && support.images === false) {
    return l10n.t('{0} does not take images (per the model catalog), so it was not called. Compare it on a prompt without images, or pick a model that reads images (Claude, Nova Lite/Pro, Llama 4).', model);
  }
  if (documents > 0 && support.documents === false) {
    return l10n.t('{0} does not take documents (per the model catalog), so it was not called. Pick a model that reads documents (Claude, Nova Lite/Pro), or paste the text into an input.', model);
  }
  return undefined;
}

/** The messages without cache points, for a model that has no prompt cache (Converse would refuse them). */
export function withoutCachePoints(messages: ChatMessage[]): ChatMessage[] {
  return messages.map((message) => ({ ...message, content: message.content.filter((part) => !(part as { cachePoint?: unknown }).cachePoint) }));
}
