/**
 * Prompt-caching diagnostics: a `{{cachePoint}}` that follows fewer tokens than the model's
 * minimum (Bedrock then caches nothing there, silently), a model without a prompt cache, and
 * `workbench.cache` values that are not system, tools or messages.
 */
import * as l10n from '@vscode/l10n';
import { cacheMinTokensOf } from '../../catalog/modelCatalog';
import type { PromptDiagnostic } from '../promptDiagnostics';
import { readCacheConfig } from '../cacheConfig';
import type { LanguageContext, PromptAnalysis } from './promptAnalysis';

const CACHE_POINT = /\{\{~?\s*cachePoint\s*~?\}\}/g;
/** Expressions that add text at run time (inputs, partials, loops), so the count before a point is a floor. */
const DYNAMIC = /\{\{(?!~?\s*(?:role\b|cachePoint\b|\/|!))/;

export function cacheChecks({ parsed, text, lines, templateStart, nodes }: PromptAnalysis, context: LanguageContext): PromptDiagnostic[] {
  const found: PromptDiagnostic[] = [];
  const cacheEntry = nodes?.entries().find((entry) => entry.key === 'workbench.cache');
  const { config, problems } = readCacheConfig(parsed.workbench.cache);
  for (const problem of problems) found.push({ severity: 'warning', code: 'cache-unknown-target', message: problem, range: cacheEntry?.valueRange ?? cacheEntry?.keyRange ?? lines.range(0, 0) });

  const template = text.slice(templateStart);
  const points = [...template.matchAll(CACHE_POINT)];
  if (points.length === 0 && !config) return found;
  const model = parsed.model ?? context.defaultModel;
  const info = model ? context.catalog.find(model) : undefined;
  if (!info) return found;
  if (info.promptCache === false) {
    const at = points[0] ? lines.range(templateStart + points[0].index!, templateStart + points[0].index! + points[0][0].length) : (cacheEntry?.keyRange ?? lines.range(0, 0));
    found.push({ severity: 'warning', code: 'cache-unsupported', message: l10n.t('{0} has no prompt cache (per the model catalog): its runs leave the cache points out.', model!), range: at });
    return found;
  }
  const minimum = cacheMinTokensOf(info);
  if (!minimum) return found;
  for (const point of points) {
    const before = template.slice(0, point.index).replace(/\{\{[^}]*\}\}/g, '');
    const tokens = Math.ceil(before.length / 4);
    if (tokens >= minimum) continue;
    const dynamic = DYNAMIC.test(template.slice(0, point.index));
    const start = templateStart + point.index!;
    found.push({
      severity: dynamic ? 'info' : 'warning',
      code: 'cache-point-too-early',
      message: dynamic
        ? l10n.t('About {0} tokens of template text come before this cache point; {1} caches only from {2} tokens, so it caches nothing unless the inputs make up the difference.', tokens, model!, minimum)
        : l10n.t('About {0} tokens come before this cache point; {1} caches only from {2} tokens, so Bedrock will cache nothing here. Move it after more text, or remove it.', tokens, model!, minimum),
      range: lines.range(start, start + point[0].length),
    });
  }
  return found;
}
