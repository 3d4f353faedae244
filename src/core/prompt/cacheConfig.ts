/**
 * Bedrock prompt caching in a `.prompt` file: `{{cachePoint}}` in the template, and/or
 * `workbench.cache: system | tools | messages` (one or a list) in the frontmatter. Both
 * become `cachePoint` parts of the rendered messages (tools: a flag on the request), which
 * the Converse request builder turns into `cachePoint` blocks.
 */
import * as l10n from '@vscode/l10n';
import type { CachePointPart, ChatMessage, Part } from '../providers/types';

/** What `{{cachePoint}}` renders: a dotprompt section marker, which dotprompt turns into a part of its own. */
export const CACHE_POINT_HELPER = 'cachePoint';
const CACHE_POINT_MARKER = `<<<dotprompt:section ${CACHE_POINT_HELPER}>>>`;
export const cachePointHelper = (): string => CACHE_POINT_MARKER;

export type CacheTarget = 'system' | 'tools' | 'messages';
export const CACHE_TARGETS: readonly CacheTarget[] = ['system', 'tools', 'messages'];

export interface CacheConfig {
  system: boolean;
  tools: boolean;
  messages: boolean;
}

/** `workbench.cache` read: the targets it names, and a sentence for each value it does not know. */
export function readCacheConfig(value: unknown): { config: CacheConfig | undefined; problems: string[] } {
  if (value === undefined || value === null) return { config: undefined, problems: [] };
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,|]+/).filter(Boolean) : [value];
  const config: CacheConfig = { system: false, tools: false, messages: false };
  const problems: string[] = [];
  for (const item of items) {
    if (typeof item === 'string' && (CACHE_TARGETS as readonly string[]).includes(item)) config[item as CacheTarget] = true;
    else problems.push(l10n.t('workbench.cache: “{0}” is not one of {1}.', String(item), CACHE_TARGETS.join(', ')));
  }
  return { config: config.system || config.tools || config.messages ? config : undefined, problems };
}

const CACHE_POINT: CachePointPart = { cachePoint: { type: 'default' } };

function isMarker(part: Part): boolean {
  const metadata = (part as { metadata?: { purpose?: unknown } }).metadata;
  return metadata?.purpose === CACHE_POINT_HELPER;
}

export function isCachePoint(part: Part): part is CachePointPart {
  return Boolean((part as Partial<CachePointPart>).cachePoint);
}

/** Rendered messages with `{{cachePoint}}` markers as cache point parts, and `workbench.cache`'s system/messages points added. */
export function placeCachePoints(messages: ChatMessage[], config: CacheConfig | undefined): ChatMessage[] {
  const out = messages.map((message) => ({ ...message, content: message.content.map((part) => (isMarker(part) ? CACHE_POINT : part)) }));
  const appendTo = (index: number): void => {
    if (index < 0) return;
    const content = out[index].content;
    if (content.length > 0 && !isCachePoint(content[content.length - 1])) out[index] = { ...out[index], content: [...content, CACHE_POINT] };
  };
  if (config?.system) appendTo(findLastIndex(out, (m) => m.role === 'system'));
  if (config?.messages) appendTo(findLastIndex(out, (m) => m.role !== 'system'));
  return out;
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

/**
 * Roughly the tokens before each cache point (4 characters a token, as the cost estimate
 * counts; an image about 1,600), in order: what the too-short diagnostic and tests compare
 * with a model's minimum.
 */
export function tokensBeforeCachePoints(messages: ChatMessage[]): number[] {
  const counts: number[] = [];
  let chars = 0;
  let images = 0;
  for (const message of messages) {
    for (const part of message.content) {
      if (isCachePoint(part)) counts.push(Math.ceil(chars / 4) + images * 1600);
      else if (typeof (part as { text?: unknown }).text === 'string') chars += (part as { text: string }).text.length;
      else if ((part as { media?: unknown }).media) images++;
    }
  }
  return counts;
}
