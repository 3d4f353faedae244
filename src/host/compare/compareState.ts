import type { RunOutcome } from '../../core/runs/promptRunner';
import type { ComparisonSummary } from '../../core/runs/runHistory';
import type { ColumnGuardrail, CompareColumnState, ComparePanelState, CompareMetrics } from '../../shared/comparePanelProtocol';

/** Pure conversions between run outcomes, records and the panel's state (no `vscode` needed). */

export const NO_METRICS: CompareMetrics = { ttftMs: null, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null };

export function streamingColumn(column: number, model: string, startedAt: number): CompareColumnState {
  return { column, model, status: 'streaming', output: '', metrics: { ...NO_METRICS }, startedAt, error: null, partial: false, runId: null };
}

/** A column's final state from its outcome: stopped is `cancelled` (not an error), any other error `failed`. */
/** The column's guardrail note: only when one intervened. */
function interventionOf(g: { id: string; intervened: boolean; stage?: 'input' | 'output'; reasons: string[] } | undefined): ColumnGuardrail | null {
  return g?.intervened ? { id: g.id, ...(g.stage ? { stage: g.stage } : {}), reasons: [...g.reasons] } : null;
}

export function finishedColumn(previous: CompareColumnState, outcome: RunOutcome): CompareColumnState {
  const cancelled = outcome.error?.kind === 'cancelled';
  return {
    ...previous,
    status: outcome.error ? (cancelled ? 'cancelled' : 'failed') : 'done',
    output: outcome.output,
    metrics: { ...outcome.metrics },
    error: outcome.error && !cancelled ? { kind: outcome.error.kind, message: outcome.error.message } : null,
    partial: outcome.partial || (cancelled && outcome.output.length > 0),
    runId: outcome.runId || null,
    guardrail: interventionOf(outcome.guardrail),
  };
}

/**
 * A recorded comparison as the panel shows it. Columns that a saved panel state had but
 * the records lack (streaming when the window reloaded, so never recorded) are kept as
 * cancelled with what had arrived.
 */
export function stateFromRecords(
  summary: ComparisonSummary,
  workspaceFolder: string | null,
  endpointNotice: string | null,
  saved?: ComparePanelState,
): ComparePanelState {
  const recorded = summary.columns.map((r, index): CompareColumnState => {
    const cancelled = r.error?.kind === 'cancelled';
    return {
      column: typeof r.comparisonColumn === 'number' ? r.comparisonColumn : index,
      model: r.model,
      status: r.error ? (cancelled ? 'cancelled' : 'failed') : 'done',
      output: r.output,
      metrics: { ...NO_METRICS, ...r.metrics },
      startedAt: Date.parse(r.ts) || 0,
      error: r.error && !cancelled ? { kind: r.error.kind, message: r.error.message } : null,
      partial: r.partial || (cancelled && r.output.length > 0),
      runId: r.id,
      guardrail: interventionOf(r.guardrail),
    };
  });
  const byIndex = new Map(recorded.map((c) => [c.column, c]));
  if (saved?.comparisonId === summary.comparisonId) {
    for (const c of saved.columns) if (!byIndex.has(c.column)) byIndex.set(c.column, interrupted(c));
  }
  const columns = [...byIndex.values()].sort((a, b) => a.column - b.column).map((c, index) => ({ ...c, column: index }));
  return {
    comparisonId: summary.comparisonId,
    promptName: summary.prompt.name,
    promptVersion: summary.prompt.version,
    promptContentHash: summary.prompt.contentHash ?? null,
    promptPath: summary.prompt.path,
    workspaceFolder,
    columns,
    origin: 'record',
    endpointNotice,
    notice: null,
  };
}

/** A saved state whose streaming columns can no longer finish (the window was reloaded). */
export function interruptedState(saved: ComparePanelState): ComparePanelState {
  return { ...saved, origin: 'record', columns: saved.columns.map(interrupted) };
}

function interrupted(c: CompareColumnState): CompareColumnState {
  return c.status === 'streaming' ? { ...c, status: 'cancelled', partial: c.output.length > 0 } : c;
}

export function emptyState(notice: string, workspaceFolder: string | null): ComparePanelState {
  return {
    comparisonId: null,
    promptName: '',
    promptVersion: 0,
    promptPath: null,
    workspaceFolder,
    columns: [],
    origin: 'record',
    endpointNotice: null,
    notice,
  };
}
