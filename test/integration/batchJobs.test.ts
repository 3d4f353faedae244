// Bedrock batch jobs inside a real VS Code, against the Bedrock simulator's batch routes and a
// real S3-compatible server (s3rver): Run Dataset with {batch: true} renders, uploads and submits;
// the Bedrock Jobs view polls the job to Completed and reads the results into run records (no
// latency, batch price, one per case × model, matched by recordId); Open Results reads nothing
// twice; Stop Job stops a running job; a dataset under the minimum submits nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { startS3Server, type S3Server } from '../support/s3Server';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const ROLE = 'arn:aws:iam::123456789012:role/BedrockBatch';

function lines(file: string): Array<Record<string, any>> {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function jobs(folder: string): Array<Record<string, any>> {
  const byId = new Map<string, Record<string, any>>();
  for (const l of lines(path.join(folder, '.prompt-workbench', 'batch-jobs.jsonl'))) byId.set(l.id, { ...byId.get(l.id), ...l });
  return [...byId.values()];
}

function batchRecords(folder: string, jobId: string): Array<Record<string, any>> {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => lines(path.join(dir, f))).filter((r) => r.batchJobId === jobId);
}

describe('Bedrock batch jobs: submit, poll, ingest, stop (simulator + s3rver)', function () {
  this.timeout(120000);
  let server: BedrockServer;
  let s3: S3Server;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  const created: string[] = [];

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '20';
    process.env.PROMPT_WORKBENCH_BATCH_POLL_MS = '100';
    folder = vscode.workspace.workspaceFolders![0];
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
    s3 = await startS3Server({ buckets: ['evals'] });
    process.env.PROMPT_WORKBENCH_SIM_S3_URL = s3.url;
    restoreSettings = await useSimulatorSettings(folder, server.url, [['batch.s3Uri', 's3://evals/ext'], ['batch.roleArn', ROLE], ['aws.endpointUrls', { s3: s3.url }]]);
    const promptFile = path.join(folder.uri.fsPath, 'prompts', 'batch-explain.prompt');
    fs.writeFileSync(promptFile, `---\nname: batch-explain\nversion: 1\nmodel: ${NOVA}\ninput:\n  schema: {topic: string}\nworkbench.checks:\n  - contains: topic\n---\n{{role "user"}}Explain {{topic}} briefly.\n`);
    const big = path.join(folder.uri.fsPath, 'datasets', 'batch-120.jsonl');
    const small = path.join(folder.uri.fsPath, 'datasets', 'batch-5.jsonl');
    fs.writeFileSync(big, Array.from({ length: 120 }, (_, i) => JSON.stringify({ id: `b${i}`, topic: `topic ${i}` })).join('\n') + '\n');
    fs.writeFileSync(small, Array.from({ length: 5 }, (_, i) => JSON.stringify({ id: `s${i}`, topic: `topic ${i}` })).join('\n') + '\n');
    created.push(promptFile, big, small);
    promptUri = vscode.Uri.file(promptFile);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    await s3?.close();
    restoreEnv?.();
    delete process.env.PROMPT_WORKBENCH_SIM_S3_URL;
    delete process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS;
    delete process.env.PROMPT_WORKBENCH_BATCH_POLL_MS;
    for (const f of created) fs.rmSync(f, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Run Dataset as a batch job: the job reaches Completed and its 120 results become run records once', async () => {
    const before = new Set(jobs(folder.uri.fsPath).map((j) => j.id));
    await vscode.commands.executeCommand(COMMAND.runDataset, promptUri, { batch: true, resume: false, dataset: 'datasets/batch-120.jsonl', models: [NOVA] });
    const job = jobs(folder.uri.fsPath).find((j) => !before.has(j.id));
    assert.ok(job, 'a job was recorded in batch-jobs.jsonl');
    assert.equal(job.records, 120);
    assert.equal(job.model, NOVA);
    const submit = server.requests.filter((r) => r.method === 'POST' && r.path === '/model-invocation-job').pop();
    assert.equal((submit?.body as { roleArn?: string }).roleArn, ROLE);

    await poll('the job to complete and be read in', () => {
      const now = jobs(folder.uri.fsPath).find((j) => j.id === job.id);
      return now?.status === 'Completed' && !!now.ingested;
    }, 60000, 100);
    const records = batchRecords(folder.uri.fsPath, job.id);
    assert.equal(records.length, 120);
    assert.ok(records.every((r) => r.metrics.latencyMs === null && r.metrics.ttftMs === null && r.datasetRunId === job.datasetRunId));
    const r7 = records.find((r) => r.datasetCaseId === 'b7')!;
    assert.match(r7.output, /topic 7\b/);
    assert.equal(r7.checks[0].pass, true);

    await vscode.commands.executeCommand(COMMAND.openBatchResults, job.id);
    assert.equal(batchRecords(folder.uri.fsPath, job.id).length, 120, 'Open Results reads nothing twice');
  });

  it('Stop Job stops a running job; a dataset under the minimum submits nothing', async () => {
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '3000';
    const before = new Set(jobs(folder.uri.fsPath).map((j) => j.id));
    await vscode.commands.executeCommand(COMMAND.runDataset, promptUri, { batch: true, resume: false, dataset: 'datasets/batch-120.jsonl', models: [NOVA] });
    process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '20';
    const job = jobs(folder.uri.fsPath).find((j) => !before.has(j.id));
    assert.ok(job);
    await vscode.commands.executeCommand(COMMAND.stopBatchJob, job.id);
    await poll('the job to be stopped', () => jobs(folder.uri.fsPath).find((j) => j.id === job.id)?.status === 'Stopped', 30000, 100);
    assert.ok(server.requests.some((r) => r.method === 'POST' && r.path.endsWith('/stop')));

    const count = jobs(folder.uri.fsPath).length;
    await vscode.commands.executeCommand(COMMAND.runDataset, promptUri, { batch: true, resume: false, dataset: 'datasets/batch-5.jsonl', models: [NOVA] });
    assert.equal(jobs(folder.uri.fsPath).length, count, 'nothing submitted for 5 cases');
  });
});
