/**
 * One round of Improve Prompt: the current version runs on the dataset (the baseline), a
 * source proposes rewrites, each is mapped back to a dotprompt file and validated, the valid
 * ones run on the same cases and models through the dataset runner, and each is compared with
 * the baseline. Nothing is written to the prompt file here (saveCandidate.ts does, when asked).
 */
import * as l10n from '@vscode/l10n';
import type { CheckSpec } from '../datasets/checkSpecs';
import type { Dataset } from '../datasets/datasetFile';
import { runDataset, type DatasetProgress, type DatasetRunnerOptions, type DatasetRunResult } from '../datasets/datasetRunner';
import type { Judge } from '../datasets/llmJudge';
import { promptDocument, type PromptDocument } from '../prompt/promptDocument';
import { renderPrompt } from '../prompt/renderPrompt';
import { describePromptVersion } from '../versions/promptVersions';
import { candidateFileText, improveChangelog, validateCandidate, type Candidate, type CandidateSource } from './candidate';
import { compareVersions, rankComparisons, type Comparison } from './comparison';
import type { FailureSample, Proposal } from './failuresSource';
import { fromPlainText, toPlainText, type PlainTextMapping } from './plainText';
import * as path from 'node:path';

/** What a source is given: the plain text and the baseline's evidence. */
export interface ProposalRequest {
  mapping: PlainTextMapping;
  failures: FailureSample[];
  rubric: string;
  count: number;
  signal: AbortSignal;
  onAnalysis: (message: string) => void;
}

export type ProposalSource = (request: ProposalRequest) => Promise<Proposal[]>;

export type ImproveEvent =
  | { type: 'baseline-progress'; progress: DatasetProgress }
  | { type: 'baseline'; result: DatasetRunResult }
  | { type: 'analysis'; message: string }
  | { type: 'candidate'; candidate: Candidate }
  | { type: 'candidate-progress'; index: number; progress: DatasetProgress }
  | { type: 'candidate-result'; result: CandidateResult };

export interface CandidateResult {
  candidate: Candidate;
  datasetRunId: string;
  comparison: Comparison;
}

export interface ImproveRoundOptions {
  runner: DatasetRunnerOptions['runner'];
  /** Runs the candidates (records them where they can be adopted on Save); default `runner`. */
  candidateRunner?: DatasetRunnerOptions['runner'];
  document: PromptDocument;
  /** The current file's text (the document's source). */
  text: string;
  dataset: Dataset;
  models: string[];
  promptChecks?: CheckSpec[];
  judge?: Judge;
  judgeModel?: string;
  workspaceFolder?: string;
  candidateWorkspaceFolder?: string;
  source: CandidateSource;
  propose: ProposalSource;
  count: number;
  concurrency?: number;
  signal: AbortSignal;
  /** Raters' comments (and low ratings) by case id, shown to the improver (caseComments.ts). */
  comments?: Map<string, string[]>;
  /** The baseline already run (a later round, or a cached one): not run again. */
  baseline?: DatasetRunResult;
  onEvent?: (event: ImproveEvent) => void;
}

export interface ImproveRoundResult {
  baseline: DatasetRunResult;
  candidates: Candidate[];
  /** Tried candidates, best first. */
  ranked: CandidateResult[];
  analysis: string[];
}

export async function improveRound(options: ImproveRoundOptions): Promise<ImproveRoundResult> {
  const emit = options.onEvent ?? (() => undefined);
  const shared = { models: options.models, promptChecks: options.promptChecks, judge: options.judge, judgeModel: options.judgeModel, concurrency: options.concurrency, signal: options.signal };
  const baseline =
    options.baseline ??
    (await runDataset({ ...shared, runner: options.runner, document: options.document, dataset: options.dataset, workspaceFolder: options.workspaceFolder, onProgress: (progress) => emit({ type: 'baseline-progress', progress }) }));
  emit({ type: 'baseline', result: baseline });

  const mapping = toPlainText(options.document.parsed.template);
  const byId = new Map(options.dataset.cases.map((c) => [c.id, c]));
  const failures: FailureSample[] = baseline.cells.map((c) => ({
    caseId: c.caseId,
    model: c.model,
    inputs: byId.get(c.caseId)?.inputs ?? {},
    output: c.output,
    checks: c.checks ?? [],
    ...(options.comments?.get(c.caseId)?.length ? { comments: options.comments.get(c.caseId) } : {}),
    ...(c.error ? { error: c.error.message } : {}),
  }));
  const analysis: string[] = [];
  const proposals = await options.propose({
    mapping,
    failures,
    rubric: rubricText(options.document.parsed.workbench.rubric),
    count: options.count,
    signal: options.signal,
    onAnalysis: (message) => {
      analysis.push(message);
      emit({ type: 'analysis', message });
    },
  });

  const info = describePromptVersion(options.text, options.document.file);
  const candidates: Candidate[] = [];
  for (const [i, proposal] of proposals.entries()) {
    const back = fromPlainText(proposal.text, mapping);
    const changelog = improveChangelog(options.source, proposal.reasoning || analysis.join(' '));
    let text = '';
    const rejected: string[] = [];
    try {
      text = candidateFileText(options.text, back.template, { version: info.version + 1, parent: info.version, changelog });
      rejected.push(...validateCandidate(options.text, text));
      if (!rejected.length) rejected.push(...(await renderProblem(text, options)));
    } catch (err) {
      rejected.push(l10n.t('it cannot be made into a prompt file: {0}', (err as Error).message));
    }
    const candidate: Candidate = { index: i + 1, source: options.source, reasoning: proposal.reasoning || analysis.join(' '), text, notCarriedOver: back.notCarriedOver, rejected };
    candidates.push(candidate);
    emit({ type: 'candidate', candidate });
  }

  const results: CandidateResult[] = [];
  for (const candidate of candidates) {
    if (candidate.rejected.length || options.signal.aborted) continue;
    const document = promptDocument(candidate.text, options.document.file);
    const run = await runDataset({
      ...shared,
      runner: options.candidateRunner ?? options.runner,
      document,
      dataset: options.dataset,
      workspaceFolder: options.candidateWorkspaceFolder ?? options.workspaceFolder,
      onProgress: (progress) => emit({ type: 'candidate-progress', index: candidate.index, progress }),
    });
    const result = { candidate, datasetRunId: run.datasetRunId, comparison: compareVersions(baseline.cells, run.cells) };
    results.push(result);
    emit({ type: 'candidate-result', result });
  }
  return { baseline, candidates, ranked: rankComparisons(results), analysis };
}

/** Why the candidate cannot be rendered with the dataset's first case (empty: it can). */
async function renderProblem(text: string, options: ImproveRoundOptions): Promise<string[]> {
  const first = options.dataset.cases[0];
  if (!first) return [];
  const file = options.document.file;
  try {
    await renderPrompt(text, first.inputs, { path: file, partialDir: file ? path.dirname(file) : undefined });
    return [];
  } catch (err) {
    return [l10n.t('it fails to render with case {0}: {1}', first.id, (err as Error).message)];
  }
}

/** `workbench.rubric` as lines (`name: what a good answer does`), or a string as it is. */
export function rubricText(rubric: unknown): string {
  if (typeof rubric === 'string') return rubric;
  if (rubric && typeof rubric === 'object' && !Array.isArray(rubric)) return Object.entries(rubric).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
  return '';
}
