/**
 * Verify a published release: the parity check that catches a lossy publish. Each dataset case
 * runs twice, through the file (the one run pipeline, as the caller's `runFile`) and through
 * Bedrock's stored prompt version (Converse with the prompt-version ARN as the model id and the
 * case's inputs as `promptVariables`); the answers and the dataset's checks are compared.
 */
import * as l10n from '@vscode/l10n';
import { clientOptions, sdkClientConfig, type AwsConnection } from '../aws/awsConnection';
import { evaluateChecks, type CheckSubject } from '../datasets/checks';
import type { CheckOutcome } from '../datasets/checkSpecs';
import type { DatasetCase } from '../datasets/datasetFile';
import type { BedrockPromptDefinition } from './bedrockPromptMapping';
import * as path from 'node:path';
import { readDataset, resolveDatasetPath } from '../datasets/datasetFile';
import { promptDocument } from '../prompt/promptDocument';
import type { PromptRunner } from '../runs/promptRunner';
import { promptVersionArn, releaseDefinition, releaseText } from './promptManagement';
import { readReleases } from './releaseStore';
import type { Release } from './releaseRecord';

type RuntimeSdk = typeof import('@aws-sdk/client-bedrock-runtime');

export interface VerifyCaseResult {
  caseId: string;
  fileOutput: string;
  publishedOutput: string;
  /** The answers are the same text (whitespace at the ends aside). */
  sameAnswer: boolean;
  /** Checks passed through the file / through Bedrock (null when the case has none). */
  filePassed: boolean | null;
  publishedPassed: boolean | null;
  error: string | null;
}

export interface VerifyReport {
  releaseId: string;
  prompt: { name: string; version: number; contentHash: string };
  model: string;
  promptVersionArn: string;
  ts: string;
  cases: VerifyCaseResult[];
  /** Cases whose answers match and whose checks agree. */
  matched: number;
  /** True when every case matched. */
  parity: boolean;
}

export interface VerifyDeps {
  connection: AwsConnection;
  /** The file's answer for these inputs (PromptRunner prepare + run of the release's text on its model). */
  runFile(inputs: Record<string, unknown>): Promise<{ output: string; error?: string | null }>;
  loadSdk?: () => Promise<RuntimeSdk>;
  signal?: AbortSignal;
}

const passedAll = (outcomes: CheckOutcome[] | null) => (outcomes && outcomes.length ? outcomes.every((o) => o.pass) : null);

/** The case's inputs as Bedrock prompt variables: every variable the template uses, text-valued. */
export function promptVariablesFor(definition: Pick<BedrockPromptDefinition, 'inputVariables' | 'inputDefaults'>, inputs: Record<string, unknown>): Record<string, { text: string }> {
  const all = { ...definition.inputDefaults, ...inputs };
  const vars: Record<string, { text: string }> = {};
  for (const name of definition.inputVariables) {
    const value = all[name];
    vars[name] = { text: value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value) };
  }
  return vars;
}

export async function verifyRelease(release: Release, definition: BedrockPromptDefinition, cases: readonly DatasetCase[], deps: VerifyDeps): Promise<VerifyReport> {
  if (!release.published) throw new Error(l10n.t('Release {0} is not published yet: publish it to Bedrock Prompt Management first.', release.id));
  if (!cases.length) throw new Error(l10n.t('The dataset has no cases to verify with.'));
  const arn = promptVersionArn(release.published);
  const sdk = await (deps.loadSdk ?? (() => import('@aws-sdk/client-bedrock-runtime')))();
  const client = new sdk.BedrockRuntimeClient(sdkClientConfig('bedrock-runtime', clientOptions('bedrock-runtime', deps.connection)));
  const results: VerifyCaseResult[] = [];
  try {
    for (const c of cases) {
      if (deps.signal?.aborted) break;
      let publishedOutput = '';
      let error: string | null = null;
      try {
        const answer = await client.send(new sdk.ConverseCommand({ modelId: arn, promptVariables: promptVariablesFor(definition, c.inputs) }), { abortSignal: deps.signal });
        publishedOutput = (answer.output?.message?.content ?? []).map((b) => ('text' in b && typeof b.text === 'string' ? b.text : '')).join('');
      } catch (err) {
        error = l10n.t('Bedrock: {0}', (err as Error).message);
      }
      const file = await deps.runFile({ ...definition.inputDefaults, ...c.inputs });
      if (file.error) error = error ? `${error}; ${file.error}` : l10n.t('The file: {0}', file.error);
      // Checks of the text only: timing and cost differ between any two calls, a judge would be a third model.
      const specs = c.checks.filter((s) => s.type !== 'llmJudge' && s.type !== 'latencyMs' && s.type !== 'costUsd');
      const subject = (output: string): CheckSubject => ({ output, reference: c.reference, inputs: c.inputs, model: release.model, metrics: { latencyMs: 0, costUsd: null } });
      const fileChecks = specs.length ? await evaluateChecks(specs, subject(file.output)) : null;
      const publishedChecks = specs.length ? await evaluateChecks(specs, subject(publishedOutput)) : null;
      results.push({
        caseId: c.id,
        fileOutput: file.output,
        publishedOutput,
        sameAnswer: !error && file.output.trim() === publishedOutput.trim(),
        filePassed: passedAll(fileChecks),
        publishedPassed: passedAll(publishedChecks),
        error,
      });
    }
  } finally {
    client.destroy();
  }
  const matched = results.filter((r) => r.sameAnswer && r.filePassed === r.publishedPassed).length;
  return {
    releaseId: release.id,
    prompt: { name: release.prompt.name, version: release.prompt.version, contentHash: release.prompt.contentHash },
    model: release.model,
    promptVersionArn: arn,
    ts: new Date().toISOString(),
    cases: results,
    matched,
    parity: matched === results.length && results.length === cases.length,
  };
}

/** The report as Markdown, for the editor's report document and the CLI (text is quoted, never HTML). */
export function verifyReportMarkdown(report: VerifyReport): string {
  const quote = (s: string) => (s.trim() ? s.trim().split('\n').map((l) => `> ${l}`).join('\n') : '> —');
  const lines = [
    `# ${l10n.t('Verify: {0} v{1} on {2}', report.prompt.name, report.prompt.version, report.model)}`,
    '',
    `${l10n.t('Published version')}: \`${report.promptVersionArn}\` · ${l10n.t('release')} \`${report.releaseId}\` · ${report.ts}`,
    '',
    report.parity ? `**${l10n.t('Parity: all {0} cases answer the same through Bedrock as through the file.', report.cases.length)}**` : `**${l10n.t('No parity: {0} of {1} cases differ. The publish lost something, or the model is not deterministic.', report.cases.length - report.matched, report.cases.length)}**`,
    '',
    `| ${l10n.t('Case')} | ${l10n.t('Same answer')} | ${l10n.t('Checks (file)')} | ${l10n.t('Checks (Bedrock)')} |`,
    '|---|---|---|---|',
    ...report.cases.map((c) => `| \`${c.caseId}\` | ${c.sameAnswer ? '✓' : '✗'} | ${c.filePassed === null ? '—' : c.filePassed ? '✓' : '✗'} | ${c.publishedPassed === null ? '—' : c.publishedPassed ? '✓' : '✗'} |`),
  ];
  for (const c of report.cases.filter((x) => !x.sameAnswer || x.filePassed !== x.publishedPassed)) {
    lines.push('', `## ${l10n.t('Case')} \`${c.caseId}\``);
    if (c.error) lines.push('', `${l10n.t('Error')}: ${c.error}`);
    lines.push('', `${l10n.t('Through the file')}:`, '', quote(c.fileOutput), '', `${l10n.t('Through Bedrock')}:`, '', quote(c.publishedOutput));
  }
  return lines.join('\n') + '\n';
}

export interface VerifyOnDatasetOptions {
  connection: AwsConnection;
  /** The one run pipeline (records the file's runs like any other run). */
  runner: Pick<PromptRunner, 'prepare' | 'run'>;
  /** The dataset file; default the version's `workbench.dataset`. */
  dataset?: string;
  /** Allowed outside paths for the dataset (the CLI's --allow-outside). */
  allowOutside?: readonly string[];
  signal?: AbortSignal;
  loadSdk?: () => Promise<RuntimeSdk>;
}

/** Verify a published release on a dataset: the editor's Verify command and `release verify` both come here. */
export async function verifyReleaseOnDataset(workspaceFolder: string, releaseId: string, options: VerifyOnDatasetOptions): Promise<VerifyReport> {
  const { releases } = await readReleases(workspaceFolder);
  const release = releases.find((r) => r.id === releaseId);
  if (!release) throw new Error(l10n.t('There is no release {0} in .prompt-workbench/releases.jsonl.', releaseId));
  const { text } = await releaseText(workspaceFolder, release);
  const promptFile = path.resolve(workspaceFolder, release.prompt.path ?? `${release.prompt.name}.prompt`);
  const document = promptDocument(text, promptFile);
  const spec = options.dataset ?? (typeof document.parsed.workbench.dataset === 'string' ? document.parsed.workbench.dataset : undefined);
  if (!spec) throw new Error(l10n.t('{0} v{1} names no dataset (workbench.dataset): give one to verify with.', release.prompt.name, release.prompt.version));
  const dataset = await readDataset(resolveDatasetPath(spec, promptFile, workspaceFolder), { policy: { root: workspaceFolder, allowOutside: options.allowOutside } });
  const definition = await releaseDefinition(workspaceFolder, release);
  const signal = options.signal ?? new AbortController().signal;
  return verifyRelease(release, definition, dataset.cases, {
    connection: options.connection,
    loadSdk: options.loadSdk,
    signal,
    runFile: async (inputs) => {
      const outcome = await options.runner.run(await options.runner.prepare(document, inputs), { model: release.model, signal });
      return { output: outcome.output, error: outcome.error?.message ?? null };
    },
  });
}
