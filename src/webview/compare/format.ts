import { formatMs, formatTokensPerSecond } from '../../core/format/units';
import type { CompareColumnState } from '../../shared/comparePanelProtocol';

/** How the metrics read in a column header: the units of src/core/format/units.ts, as in the run panel. */

/** Output tokens over the time they took to stream (after the first one arrived). */
export function tokensPerSecond(c: CompareColumnState): string {
  const m = c.metrics;
  return formatTokensPerSecond(m.outputTokens, m.latencyMs != null && m.ttftMs != null ? m.latencyMs - m.ttftMs : null);
}

/** Latency so far while streaming, the measured total after. */
export function latencyText(c: CompareColumnState, now: number): string {
  return formatMs(c.status === 'streaming' ? now - c.startedAt : c.metrics.latencyMs);
}
