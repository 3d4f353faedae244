import { EMPTY_METRICS, finishedColumn, interruptedColumn, streamingColumn, type ColumnState } from '../../core/runs/column';
import type { ComparisonSummary } from '../../core/runs/runHistory';
import type { ComparePanelState } from '../../shared/comparePanelProtocol';

/** Pure conversions between run records and the panel's state (no `vscode` needed); outcomes map in src/core/runs/column.ts. */

export { finishedColumn, streamingColumn };

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
  // A record is an outcome read back: the same mapping as a live column's end.
  const recorded = summary.columns.map((r, index): ColumnState =>
    finishedColumn(streamingColumn(typeof r.comparisonColumn === 'number' ? r.comparisonColumn : index, r.model, Date.parse(r.ts) || 0), { ...r, runId: r.id, metrics: { ...EMPTY_METRICS, ...r.metrics } }),
  );
  const byIndex = new Map(recorded.map((c) => [c.column, c]));
  if (saved?.comparisonId === summary.comparisonId) {
    for (const c of saved.columns) if (!byIndex.has(c.column)) byIndex.set(c.column, interruptedColumn(c));
  }
  const columns = [...byIndex.values()].sort((a, b) => a.column - b.column).map((c, index) => ({ ...c, column: index }));
  // The workspace documents the prompt was given (`workbench.rag`): every column got the same
  // ones, as recorded; else what the saved panel showed.
  const retrieved = summary.columns.find((r) => Array.isArray(r.retrieved))?.retrieved;
  const sources = retrieved
    ? retrieved.map(({ path, startLine, endLine, score }) => ({ path, startLine, endLine, score }))
    : saved?.comparisonId === summary.comparisonId ? (saved.sources ?? null) : null;
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
    sources,
  };
}

/** A saved state whose streaming columns can no longer finish (the window was reloaded). */
export function interruptedState(saved: ComparePanelState): ComparePanelState {
  return { ...saved, origin: 'record', columns: saved.columns.map(interruptedColumn) };
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
