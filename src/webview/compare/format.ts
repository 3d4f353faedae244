import type { CompareColumnState } from '../../shared/comparePanelProtocol';

/** How the metrics read in a column header: the same units as the run panel. */

export function formatMs(ms: number | null): string {
  if (ms == null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatCost(usd: number | null): string {
  if (usd == null) return '—';
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(5)}` : `$${usd.toFixed(4)}`;
}

export function formatCount(n: number | null): string {
  return n == null ? '—' : String(n);
}

/** Output tokens over the time they took to stream (after the first one arrived). */
export function tokensPerSecond(c: CompareColumnState): string {
  const m = c.metrics;
  if (m.outputTokens == null || m.latencyMs == null || m.ttftMs == null) return '—';
  const seconds = (m.latencyMs - m.ttftMs) / 1000;
  return seconds > 0 ? (m.outputTokens / seconds).toFixed(1) : '—';
}

/** Latency so far while streaming, the measured total after. */
export function latencyText(c: CompareColumnState, now: number): string {
  return formatMs(c.status === 'streaming' ? now - c.startedAt : c.metrics.latencyMs);
}
