/**
 * Which release a production call belongs to. In order: the Prompt Management ARN and version
 * the call named as its model (a published release); the content hash the application sent in
 * `requestMetadata` (`contentHash`, with the model); else the model alone, when exactly one
 * prompt has a live release (approved or published) on it at the call's time.
 */
import { parseModelId } from '../providers/modelId';
import type { Release } from '../releases/releaseRecord';
import { bareModelId, parsePromptArn, type Invocation } from './invocationLog';

export type ReleaseMatch = { release: Release; by: 'prompt-arn' | 'content-hash' | 'model' } | { release?: undefined; reason: string };

const LIVE = new Set(['approved', 'published']);
const PROFILE_PREFIX = /^(?:us|eu|apac|us-gov|global|jp|au|ca)\./;
const sameModel = (a: string, b: string) => a === b || a.replace(PROFILE_PREFIX, '') === b.replace(PROFILE_PREFIX, '');

export function matchRelease(call: Invocation, releases: readonly Release[]): ReleaseMatch {
  if (call.prompt) {
    const { arn, version } = call.prompt;
    const published = releases.filter((r) => {
      if (!r.published) return false;
      const own = parsePromptArn(r.published.promptArn);
      const releaseArn = own?.arn ?? r.published.promptArn;
      const releaseVersion = own?.version ?? r.published.promptVersion;
      return releaseArn === arn && (version === null || String(releaseVersion) === version);
    });
    if (published.length) return { release: newest(published), by: 'prompt-arn' };
    return { reason: `the prompt ${arn}${call.prompt.version ? `:${call.prompt.version}` : ''} is not published by any release` };
  }
  const model = bareModelId(call.modelId);
  const onModel = releases.filter((r) => sameModel(parseModelId(r.model).modelId, model) && r.ts <= call.ts);
  const hash = call.metadata.contentHash ?? call.metadata.promptContentHash;
  if (hash) {
    const byHash = onModel.filter((r) => r.prompt.contentHash === hash);
    if (byHash.length) return { release: newest(byHash), by: 'content-hash' };
    return { reason: `no release of content hash ${hash} on ${model}` };
  }
  const live = onModel.filter((r) => LIVE.has(r.state));
  const prompts = new Set(live.map((r) => `${r.prompt.name}@${r.prompt.version}`));
  if (prompts.size === 1) return { release: newest(live), by: 'model' };
  if (!live.length) return { reason: `no release on ${model}` };
  return { reason: `${prompts.size} released prompts run on ${model}: send requestMetadata.contentHash to tell them apart` };
}

function newest(releases: readonly Release[]): Release {
  return [...releases].sort((a, b) => b.ts.localeCompare(a.ts))[0];
}
