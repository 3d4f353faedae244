/**
 * `prompt-workbench import-logs (FILE | --file F | --s3 s3://… | --log-group G [--since ISO] [--until ISO]) [--json]`
 * and `prompt-workbench import-feedback FILE [--json]`: production traffic back into the
 * workspace (src/core/production/). Text is PII-masked before it is stored unless --no-mask.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AwsConnection } from '../core/aws/awsConnection';
import { ModelCatalog } from '../core/catalog/modelCatalog';
import { describeFeedbackImport, importFeedback } from '../core/production/importFeedback';
import { describeImport, importInvocationLogs, type LogValue } from '../core/production/importLogs';
import type { LogLineProblem } from '../core/production/logLines';
import { cloudWatchLogValues, fileLogValues, s3LogValues } from '../core/production/logSources';
import { RatingService } from '../core/ratings/ratingService';
import { CliError } from './runtime';

export const PRODUCTION_USAGE = `  prompt-workbench import-logs (FILE | --file F | --s3 s3://bucket/prefix | --log-group G [--since ISO] [--until ISO])
                    [--no-mask] [--store-inputs] [--json]
  prompt-workbench import-feedback FILE [--no-mask] [--json]`;

const OPTIONS = {
  workspace: { type: 'string' },
  json: { type: 'boolean', default: false },
  file: { type: 'string' },
  s3: { type: 'string' },
  'log-group': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'no-mask': { type: 'boolean', default: false },
  'store-inputs': { type: 'boolean', default: false },
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

function time(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CliError(`--${flag} ${value}: expected an ISO time such as 2026-12-01T00:00:00Z.`);
  return new Date(ms);
}

export async function runProductionCommand(command: 'import-logs' | 'import-feedback', argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const workspace = path.resolve(values.workspace ?? '.');
  if (values.profile) process.env.AWS_PROFILE = values.profile;
  // S3 and CloudWatch Logs follow AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_CLOUDWATCH_LOGS; --endpoint-url is Bedrock's.
  const aws: AwsConnection = { region: values.region, profile: values.profile, endpoints: values['endpoint-url'] ? { 'bedrock-runtime': values['endpoint-url'] } : {} };
  const problems: LogLineProblem[] = [];
  const maskPii = !values['no-mask'];
  if (command === 'import-feedback') {
    const file = positionals[0] ?? values.file;
    if (!file) throw new CliError('import-feedback: name a JSONL file of {"requestId": "…", "thumbs": "up"} or {"requestId": "…", "stars": 4} lines.');
    const ratings = new RatingService({ rater: async () => 'production', log: { info: () => undefined, warn: (m) => console.error(`warning: ${m}`) } });
    const summary = await importFeedback(file, { workspaceFolder: workspace, policy: { root: workspace, allowOutside: [path.resolve(file)] }, ratings, maskPii }).catch(fail);
    for (const p of summary.problems) console.error(`warning: ${p.source}:${p.line}: ${p.message}`);
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else for (const line of describeFeedbackImport(summary)) console.log(line);
    return 0;
  }
  const file = positionals[0] ?? values.file;
  const chosen = [file, values.s3, values['log-group']].filter(Boolean).length;
  if (chosen !== 1) throw new CliError('import-logs: name exactly one source: a log FILE (--file), --s3 s3://bucket/prefix or --log-group NAME.');
  if ((values.since || values.until) && !values['log-group']) throw new CliError('--since and --until apply to --log-group only.');
  let source: AsyncIterable<LogValue>;
  if (file) source = fileLogValues(file, { root: workspace, allowOutside: [path.resolve(file)] }, problems);
  else if (values.s3) source = s3LogValues(values.s3, aws, problems);
  else source = cloudWatchLogValues(values['log-group']!, { since: time('since', values.since), until: time('until', values.until) }, aws, problems);
  const summary = await importInvocationLogs(source, { workspaceFolder: workspace, catalog: new ModelCatalog(), maskPii, storeInputs: values['store-inputs'] }, problems).catch(fail);
  for (const p of summary.problems.slice(0, 20)) console.error(`warning: ${p.source}:${p.line}: ${p.message}`);
  if (summary.problems.length > 20) console.error(`warning: … and ${summary.problems.length - 20} more lines skipped.`);
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else for (const line of describeImport(summary)) console.log(line);
  return 0;
}

function fail(error: unknown): never {
  throw new CliError((error as Error)?.message ?? String(error));
}
