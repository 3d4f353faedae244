import * as l10n from '@vscode/l10n';
import type { ColumnMetrics } from '../../core/runs/column';
import { formatTokens, formatUsd, MISSING } from '../../core/format/units';

/**
 * What Bedrock's prompt cache did on one call, for the run panel and each Compare column:
 * `read 1290 · saved $0.00012`, `wrote 1290 · +$0.0004`, or `—` when the call used no cache.
 */
export function cacheText(metrics: Pick<ColumnMetrics, 'cacheReadInputTokens' | 'cacheWriteInputTokens' | 'cacheSavingsUsd'>): string {
  const read = metrics.cacheReadInputTokens ?? 0;
  const write = metrics.cacheWriteInputTokens ?? 0;
  if (!read && !write) return MISSING;
  const parts: string[] = [];
  if (read) parts.push(l10n.t('read {0}', formatTokens(read)));
  if (write) parts.push(l10n.t('wrote {0}', formatTokens(write)));
  const saving = metrics.cacheSavingsUsd;
  if (typeof saving === 'number') parts.push(saving >= 0 ? l10n.t('saved {0}', formatUsd(saving)) : l10n.t('cost {0} more', formatUsd(-saving)));
  return parts.join(' · ');
}
