import type { DatasetCase } from '../../core/datasets/datasetFile';
import type { DatasetCellResult, ModelSummary } from '../../core/datasets/datasetRuns';
import type { DatasetCaseView, DatasetCellView, DatasetModelSummaryView, DatasetPanelState } from '../../shared/datasetPanelProtocol';

const MAX_INPUT_CHARS = 160;

/** A case as a row heading: each input on one line, clipped. */
export function caseView(c: Pick<DatasetCase, 'id' | 'line' | 'inputs' | 'reference'>): DatasetCaseView {
  return {
    id: c.id,
    line: c.line,
    inputs: Object.entries(c.inputs).map(([name, value]) => {
      const text = (typeof value === 'string' ? value : JSON.stringify(value) ?? '').replace(/\s+/g, ' ').trim();
      return { name, value: text.length > MAX_INPUT_CHARS ? `${text.slice(0, MAX_INPUT_CHARS - 1)}…` : text };
    }),
    reference: c.reference ?? null,
  };
}

/** A case known only by its id (a reopened run whose dataset no longer has it). */
export function unknownCaseView(id: string): DatasetCaseView {
  return { id, line: 0, inputs: [], reference: null };
}

export function cellView(cell: DatasetCellResult, stars: number | null = null): DatasetCellView {
  return {
    caseId: cell.caseId,
    model: cell.model,
    status: cell.status,
    runId: cell.runId,
    output: cell.output,
    latencyMs: cell.metrics.latencyMs,
    costUsd: cell.metrics.costUsd,
    error: cell.error && cell.error.kind !== 'cancelled' ? cell.error.message : null,
    checks: cell.checks ? cell.checks.map((c) => ({ check: c.check, pass: c.pass, detail: c.detail })) : null,
    stars,
    ...(cell.cachedFrom ? { cachedFrom: cell.cachedFrom } : {}),
  };
}

export function pendingCell(caseId: string, model: string): DatasetCellView {
  return { caseId, model, status: 'pending', runId: null, output: '', latencyMs: null, costUsd: null, error: null, checks: null, stars: null };
}

export function summaryView(summary: readonly ModelSummary[]): DatasetModelSummaryView[] {
  return summary.map((s) => ({ model: s.model, passRate: s.passRate, passed: s.passed, checked: s.checked, failed: s.failed, p50LatencyMs: s.latencyMs.p50, costUsd: s.costUsd }));
}

/** Pass rate, p50 latency and cost per model over the cells shown (those still pending count for nothing). */
export function summarizeCells(cells: readonly DatasetCellView[], models: readonly string[]): DatasetModelSummaryView[] {
  return models.map((model) => {
    const mine = cells.filter((c) => c.model === model);
    const checked = mine.filter((c) => c.checks && c.checks.length > 0);
    const passed = checked.filter((c) => c.checks!.every((o) => o.pass)).length;
    const latencies = mine.filter((c) => c.status === 'done' && c.latencyMs !== null).map((c) => c.latencyMs as number).sort((a, b) => a - b);
    const costs = mine.map((c) => c.costUsd).filter((x): x is number => typeof x === 'number');
    const mid = latencies.length >> 1;
    return {
      model,
      passRate: checked.length ? passed / checked.length : null,
      passed,
      checked: checked.length,
      failed: mine.filter((c) => c.status === 'failed').length,
      p50LatencyMs: latencies.length ? (latencies.length % 2 ? latencies[mid] : (latencies[mid - 1] + latencies[mid]) / 2) : null,
      costUsd: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
    };
  });
}

export function emptyGrid(base: Pick<DatasetPanelState, 'datasetRunId' | 'workspaceFolder' | 'promptUri' | 'promptName' | 'promptVersion' | 'datasetPath' | 'models' | 'cases' | 'problems'>): DatasetPanelState {
  const cells = base.cases.flatMap((c) => base.models.map((m) => pendingCell(c.id, m)));
  return { ...base, cells, summary: summarizeCells(cells, base.models), status: 'running', done: 0, total: cells.length, message: null };
}
