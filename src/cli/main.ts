import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { PromptDocument } from '../core/prompt/promptDocument';
import { PromptError } from '../core/prompt/renderPrompt';
import { readSampleSets, resolveInputFiles, samplesPath } from '../core/prompt/samples';
import { parseModelId } from '../core/providers/modelId';
import type { PreparedRun, RunOutcome } from '../core/runs/promptRunner';
import { printScoreboard } from './scoreboardCommand';
import { runEvalCommand, runExportFineTuneCommand } from './evalCommands';
import { runBatchCommand } from './batchCommands';
import { callJson, CliError, CliRuntime, exitCodeOf, modelList, readPromptFile, RUNTIME_OPTIONS } from './runtime';
import { RagUsageError, runIndexCommand, runRetrievalEvalCommand, runSearchCommand } from './ragCommands';
import { EMAIL_USAGE, runEmailCommand } from './emailCommands';
import { quietSdkNodeVersionNotice } from './sdkNotice';
import { formatUsd } from '../core/format/units';
import { runModelsCommand } from './modelsCommand';
import { RELEASE_USAGE, runReleaseCommand } from './releaseCommands';
import { runImproveCommand } from './improveCommand';
import { PRODUCTION_USAGE, runProductionCommand } from './productionCommands';

const USAGE = `prompt-workbench: run .prompt files from the command line (the same core as the VS Code extension)

Usage:
  prompt-workbench render FILE [--var k=v]… [--var k=@path] [--vars file.json] [--json]
  prompt-workbench run FILE [--model ID] [--var …] [--vars …] [--json]
  prompt-workbench compare FILE --models ID,ID,… [--var …] [--vars …] [--json]
  prompt-workbench scoreboard [--prompt NAME] [--criterion C] [--source evaluation|production|all] [--json]
  prompt-workbench eval FILE [--dataset PATH] --models ID,… [--min-pass 0.9] [--concurrency N]
                    [--judge-model ID] [--resume DATASET_RUN_ID] [--no-cache] [--json]
                    [--rerun-failed [DATASET_RUN_ID]]
                    [--baseline RUN_ID|FILE.json|GIT_REV] [--max-drop 0.05] [--must-pass ID,…] [--report FILE.md]
  prompt-workbench eval FILE --dataset PATH --models ID,… --batch --s3 s3://bucket/prefix
                    --role-arn ARN [--wait] [--json]     (Bedrock batch inference: half price, results later)
  prompt-workbench batch list|status JOB|fetch JOB|stop JOB [--json]
  prompt-workbench improve FILE [--source bedrock|failures] [--judge-model ID] [--candidates N]
                    [--models ID,…] [--dataset PATH] [--save RANK] [--json]
  prompt-workbench export-finetune --prompt NAME [--min-stars 4] [--out FILE] [--json]
  prompt-workbench index [--rebuild] [--embedder offline|bedrock:<modelId>[@dims]|openai:<baseUrl>#<model>] [--json]
  prompt-workbench search QUERY [--k N] [--mode hybrid|vector|keyword] [--json]
  prompt-workbench retrieval-eval FILE.jsonl [--k N] [--mode hybrid|vector|keyword] [--knowledge-base ID] [--json]
  prompt-workbench models [--refresh] [--region R] [--json]
${EMAIL_USAGE}
${RELEASE_USAGE}
${PRODUCTION_USAGE}

Options:
  --workspace DIR   the workspace whose .prompt-workbench/ receives run records (default: .)
  --json            print one JSON document on stdout and nothing else there
  --no-record       do not append run records
  --sample SET      start from a saved sample set (.prompt-workbench/samples/<name>.json in the
                    workspace; @path values read relative to it); --vars and --var override it
  --allow-outside PATH
                    let sample sets and workbench.dataset read PATH (a file, or a folder and
                    everything below it) although it is outside the workspace; repeatable
Exit codes: 0 done, 1 every call failed, 2 usage or unreadable input, 3 some calls failed,
4 the answers came but their run record could not be written.
  --region R, --profile P, --endpoint-url URL
                    override the AWS SDK's own configuration (AWS_REGION, AWS_PROFILE,
                    AWS_ENDPOINT_URL_BEDROCK_RUNTIME, ~/.aws/config)
Model ids are provider/modelId (bedrock/…, echo/echo); a bare id means Amazon Bedrock.
Set PROMPT_WORKBENCH_TRACE=1 to have compare report each model's first token on stderr.`;

/** An error meant for the person at the terminal: printed without a stack. */
const UsageError = CliError;

async function main(argv: string[]): Promise<number> {
  // `email` has options of its own (--redact, --no-mask…): see emailCommands.ts.
  if (argv[0] === 'email') return runEmailCommand(argv.slice(1));
  if (argv[0] === 'release') return runReleaseCommand(argv.slice(1));
  if (argv[0] === 'import-logs' || argv[0] === 'import-feedback') return runProductionCommand(argv[0], argv.slice(1));
  const { values, positionals } = parseArgs({
    args: withOptionalValue(argv, '--rerun-failed', 'latest', /^d_/),
    allowPositionals: true,
    options: {
      ...RUNTIME_OPTIONS,
      var: { type: 'string', multiple: true },
      vars: { type: 'string' },
      sample: { type: 'string' },
      prompt: { type: 'string' },
      criterion: { type: 'string' },
      dataset: { type: 'string' },
      'min-pass': { type: 'string' },
      concurrency: { type: 'string' },
      resume: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      'rerun-failed': { type: 'string' },
      baseline: { type: 'string' },
      'max-drop': { type: 'string' },
      'must-pass': { type: 'string' },
      report: { type: 'string' },
      'judge-model': { type: 'string' },
      'min-stars': { type: 'string' },
      out: { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
      embedder: { type: 'string' },
      k: { type: 'string' },
      mode: { type: 'string' },
      source: { type: 'string' },
      candidates: { type: 'string' },
      save: { type: 'string' },
      'knowledge-base': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      batch: { type: 'boolean', default: false },
      s3: { type: 'string' },
      'role-arn': { type: 'string' },
      wait: { type: 'boolean', default: false },
    },
  });
  const [command, file] = positionals;
  // The SDK reads a profile's `endpoint_url` only for AWS_PROFILE, not for a client's `profile`
  // option: --profile must mean exactly what AWS_PROFILE means.
  if (values.profile) process.env.AWS_PROFILE = values.profile;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'models') {
    return runModelsCommand({ refresh: values.refresh, region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'], json: values.json });
  }
  if (command === 'scoreboard') {
    return printScoreboard({ workspace: path.resolve(values.workspace ?? '.'), prompt: values.prompt, criterion: values.criterion, json: values.json, source: values.source });
  }
  if (command === 'eval') {
    if (!file) throw new UsageError('eval: name a .prompt file.');
    const aws = { region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] };
    const workspace = path.resolve(values.workspace ?? '.');
    return runEvalCommand({ file, workspace, allowOutside: values['allow-outside'], dataset: values.dataset, models: values.models, minPass: values['min-pass'], concurrency: values.concurrency, resume: values.resume, judgeModel: values['judge-model'], json: values.json, record: !values['no-record'], aws,
      cache: !values['no-cache'], rerunFailed: values['rerun-failed'], baseline: values.baseline, maxDrop: values['max-drop'], mustPass: values['must-pass'], report: values.report,
      ...(values.batch ? { batch: { s3: values.s3, roleArn: values['role-arn'], wait: values.wait } } : {}) });
  }
  if (command === 'batch') {
    const aws = { region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] };
    return runBatchCommand(positionals[1], positionals[2], { workspace: values.workspace ?? '.', json: values.json, judgeModel: values['judge-model'], aws });
  }
  if (command === 'improve') {
    if (!file) throw new UsageError('improve: name a .prompt file.');
    const aws = { region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] };
    return runImproveCommand({ file, workspace: path.resolve(values.workspace ?? '.'), source: values.source, judgeModel: values['judge-model'], candidates: values.candidates, models: values.models, dataset: values.dataset, save: values.save, concurrency: values.concurrency, json: values.json, record: !values['no-record'], aws });
  }
  if (command === 'export-finetune') {
    return runExportFineTuneCommand({ workspace: path.resolve(values.workspace ?? '.'), prompt: values.prompt, minStars: values['min-stars'], out: values.out, json: values.json });
  }
  if (command === 'index' || command === 'search' || command === 'retrieval-eval') {
    const rag = { workspace: values.workspace ?? '.', json: values.json, rebuild: values.rebuild, embedder: values.embedder, k: values.k, mode: values.mode, region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'], record: !values['no-record'], knowledgeBase: values['knowledge-base'] };
    if (command === 'index') return runIndexCommand(rag);
    return command === 'search' ? runSearchCommand(positionals.slice(1).join(' '), rag) : runRetrievalEvalCommand(file, rag);
  }
  if (!['render', 'run', 'compare'].includes(command)) throw new UsageError(`Unknown command “${command}”.\n\n${USAGE}`);
  if (!file) throw new UsageError(`${command}: name a .prompt file.`);

  const promptPath = path.resolve(file);
  const prompt = readPromptFile(promptPath, file);
  const workspace = path.resolve(values.workspace ?? '.');
  const inputs = { ...(values.sample !== undefined ? await readSampleSet(workspace, prompt, values.sample, values['allow-outside'] ?? []) : {}), ...readInputs(values.var ?? [], values.vars) };
  // Prompts with `workbench.rag` search the workspace's document index (built on first use).
  const runtime = new CliRuntime({ workspace, record: !values['no-record'], region: values.region, profile: values.profile, endpointUrl: values['endpoint-url'] });
  const prepared = await runtime.runner.prepare(prompt, inputs, { model: command === 'run' ? values.model : undefined });
  if (command === 'render') {
    printRender(prepared, values.json);
    return 0;
  }
  if (prepared.missingInputs.length) {
    throw new UsageError(
      `Missing input values: ${prepared.missingInputs.join(', ')}. Pass --var NAME=value, --var NAME=@file or --vars file.json.`,
    );
  }
  const models = command === 'compare' ? modelList(values.models) : [prepared.model];
  if (!models.length) throw new UsageError('compare: name the models with --models ID,ID,…');

  const streamToTerminal = command === 'run' && !values.json;
  // The editor's comparison panel runs this same ComparisonRunner: every model at once, one comparison id.
  const { comparisonId, runs: outcomes } = await runtime.runOnModels(prepared, models, {
    comparison: command === 'compare',
    onText: streamToTerminal ? (text) => void process.stdout.write(text) : undefined,
  });
  if (values.json) {
    console.log(JSON.stringify({ comparisonId, runs: outcomes.map(toJson) }, null, 2));
  } else {
    if (streamToTerminal) process.stdout.write('\n');
    for (const o of outcomes) printHuman(o, !streamToTerminal);
  }
  return exitCodeOf(outcomes, runtime.recordFailed);
}

/** The values of a saved sample set of the prompt, with `@path` values read from the workspace. */
async function readSampleSet(workspace: string, prompt: PromptDocument, setName: string, allowOutside: string[]): Promise<Record<string, unknown>> {
  const file = samplesPath(workspace, prompt.name);
  const { sets, problem } = await readSampleSets(file);
  if (problem) throw new UsageError(`--sample ${setName}: ${file}: ${problem}`);
  const set = sets[setName];
  if (!set) {
    const known = Object.keys(sets);
    throw new UsageError(`--sample ${setName}: no such set in ${file}${known.length ? ` (sets: ${known.join(', ')})` : ' (it has none)'}.`);
  }
  try {
    return await resolveInputFiles(set, workspace, { allowOutside });
  } catch (err) {
    throw new UsageError(`--sample ${setName}: ${(err as Error).message}`);
  }
}

function readInputs(vars: string[], varsFile: string | undefined): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  if (varsFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(varsFile, 'utf8'));
    } catch (err) {
      throw new UsageError(`--vars ${varsFile}: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--vars ${varsFile}: expected a JSON object of input values.`);
    Object.assign(inputs, parsed);
  }
  for (const pair of vars) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${pair}: expected NAME=value or NAME=@file.`);
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value.startsWith('@')) {
      try {
        inputs[name] = fs.readFileSync(value === '@-' ? 0 : value.slice(1), 'utf8');
      } catch (err) {
        throw new UsageError(`--var ${name}: cannot read ${value.slice(1)}: ${(err as Error).message}`);
      }
    } else {
      inputs[name] = value;
    }
  }
  return inputs;
}

function printRender(rendered: PreparedRun, json: boolean): void {
  const model = rendered.model;
  const doc = {
    name: rendered.name,
    version: rendered.version,
    contentHash: rendered.contentHash,
    model,
    config: rendered.config,
    messages: rendered.messages,
    ...(rendered.missingInputs.length ? { missingInputs: rendered.missingInputs } : {}),
  };
  if (json) {
    console.log(JSON.stringify(doc, null, 2));
    return;
  }
  console.log(`# ${doc.name} v${doc.version} (${doc.contentHash}) → ${model}`);
  if (rendered.missingInputs.length) console.log(`# missing inputs: ${rendered.missingInputs.join(', ')}`);
  for (const m of rendered.messages) {
    console.log(`\n[${m.role}]`);
    console.log(m.content.map((p) => ('text' in p ? String(p.text) : JSON.stringify(p))).join(''));
  }
}

function toJson(o: RunOutcome) {
  return callJson(o, { stopReason: o.stopReason });
}

function printHuman(o: RunOutcome, withOutput: boolean): void {
  const m = o.metrics;
  if (withOutput) console.log(`\n=== ${o.model} ===\n${o.output}`);
  const cost = formatUsd(m.costUsd);
  console.error(
    `[${parseModelId(o.model).qualified}] ttft ${m.ttftMs ?? '—'} ms · ${m.latencyMs} ms · ${m.inputTokens ?? '—'} in / ${m.outputTokens ?? '—'} out · ${cost}${o.error ? ` · ${o.error.kind}` : ''}`,
  );
}

quietSdkNodeVersionNotice();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof CliError || err instanceof PromptError || err instanceof RagUsageError) {
      console.error(`error: ${err.message}`);
      process.exitCode = err instanceof PromptError ? 2 : err.exitCode;
    } else {
      console.error(`error: ${(err as Error)?.stack ?? err}`);
      process.exitCode = 1;
    }
  },
);

/** `--flag [VALUE]`: a flag whose value may be left out gets `fallback` (a following word counts as its value only if it looks like one). */
function withOptionalValue(argv: string[], flag: string, fallback: string, looksLikeValue: RegExp): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== flag) out.push(argv[i]);
    else if (i + 1 < argv.length && looksLikeValue.test(argv[i + 1])) out.push(`${flag}=${argv[++i]}`);
    else out.push(`${flag}=${fallback}`);
  }
  return out;
}
