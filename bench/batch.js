// A 10,000-case × 3-model evaluation as Bedrock batch jobs against the local simulator and a
// real S3-compatible server (s3rver), through the same core as the CLI and the editor:
// prepare (every case through PromptRunner.prepare) + upload, then ingest the 30,000 results
// into run records. Prints the times, peak RSS growth while ingesting and the event loop's
// longest stall (monitorEventLoopDelay) in each phase. Targets: prepare+upload < 10 s, ingest
// < 5 s, RSS growth < 200 MB, no stall over 50 ms.
// Usage: npx tsc -p . && node bench/batch.js [--cases 10000]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay } = require('perf_hooks');

const out = path.resolve(__dirname, '..', 'out');
const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const CASES = arg('--cases', 10000);
const MODELS = ['bedrock/amazon.nova-lite-v1:0', 'bedrock/amazon.nova-micro-v1:0', 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0'];

async function main() {
  const { startBedrockServer } = require(path.join(out, 'test/support/bedrockServer'));
  const { startS3Server } = require(path.join(out, 'test/support/s3Server'));
  const { batchClients } = require(path.join(out, 'src/core/batch/batchAws'));
  const { submitBatchEvaluation } = require(path.join(out, 'src/core/batch/batchSubmit'));
  const { ingestBatchJob } = require(path.join(out, 'src/core/batch/batchIngest'));
  const { refreshBatchJob } = require(path.join(out, 'src/core/batch/batchJobControl'));
  const { BatchJobStore, FINAL_STATES } = require(path.join(out, 'src/core/batch/batchJobStore'));
  const { ModelCatalog } = require(path.join(out, 'src/core/catalog/modelCatalog'));
  const { readDataset } = require(path.join(out, 'src/core/datasets/datasetFile'));
  const { promptDocument } = require(path.join(out, 'src/core/prompt/promptDocument'));
  const { ProviderRegistry } = require(path.join(out, 'src/core/providers/providerRegistry'));
  const { PromptRunner } = require(path.join(out, 'src/core/runs/promptRunner'));

  process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS = '5';
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' });
  const bedrock = await startBedrockServer({ firstTokenDelayMs: 0, tokenDelayMs: 0 });
  const s3 = await startS3Server({ buckets: ['bench'] });
  process.env.PROMPT_WORKBENCH_SIM_S3_URL = s3.url;
  process.env.AWS_ENDPOINT_URL_S3 = s3.url;
  process.env.AWS_ENDPOINT_URL_BEDROCK = bedrock.url;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-batch-'));
  try {
    const prompt = `---\nname: summarize\nversion: 1\nmodel: ${MODELS[0]}\nconfig: {maxOutputTokens: 300}\ninput:\n  schema: {ticket: string}\nworkbench.checks:\n  - maxLength: {words: 300}\n---\n{{role "system"}}You summarize support tickets in two sentences.\n{{role "user"}}{{ticket}}\n`;
    fs.writeFileSync(path.join(dir, 'summarize.prompt'), prompt);
    const words = 'the customer reports that the export fails after the upgrade and asks for a workaround before friday'.split(' ');
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), Array.from({ length: CASES }, (_, i) => JSON.stringify({ id: `t${i}`, ticket: `Ticket ${i}: ${Array.from({ length: 60 }, (_, j) => words[(i + j) % words.length]).join(' ')}` })).join('\n') + '\n');
    const catalog = new ModelCatalog();
    const runner = new PromptRunner({ providers: new ProviderRegistry({}), catalog, workspaceFolder: dir });
    const document = promptDocument(prompt, path.join(dir, 'summarize.prompt'));
    const dataset = await readDataset(path.join(dir, 'cases.jsonl'));
    const clients = await batchClients({ region: 'us-east-1' });

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let started = performance.now();
    const submitted = await submitBatchEvaluation({ runner, catalog, document, dataset, models: MODELS, workspaceFolder: dir, s3Uri: 's3://bench/pw', roleArn: 'arn:aws:iam::123456789012:role/Bench', clients, promptChecks: [{ type: 'maxLength', words: 300 }] });
    const submitMs = performance.now() - started;
    loop.disable();
    const submitStallMs = loop.max / 1e6;

    const store = new BatchJobStore(dir);
    const waitStarted = performance.now();
    let jobs = submitted.jobs;
    while (!jobs.every((j) => FINAL_STATES.has(j.status))) {
      await new Promise((r) => setTimeout(r, 200));
      jobs = await Promise.all(jobs.map((j) => (FINAL_STATES.has(j.status) ? j : refreshBatchJob(store, clients, j))));
    }
    const waitMs = performance.now() - waitStarted;

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const loop2 = monitorEventLoopDelay({ resolution: 5 });
    loop2.enable();
    started = performance.now();
    let written = 0;
    for (const job of jobs) written += (await ingestBatchJob({ job, workspaceFolder: dir, clients, catalog })).written;
    const ingestMs = performance.now() - started;
    loop2.disable();
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    clients.destroy();

    const result = {
      cases: CASES,
      models: MODELS.length,
      records: CASES * MODELS.length,
      prepareMs: Math.round(submitted.timings.prepareMs),
      uploadMs: Math.round(submitted.timings.uploadMs),
      prepareAndUploadMs: Math.round(submitMs),
      prepareAndUploadMaxStallMs: Math.round(submitStallMs),
      simulatorJobsMs: Math.round(waitMs),
      ingestMs: Math.round(ingestMs),
      ingestedRecords: written,
      ingestRssGrowthMb: Math.round((peak - rssBefore) / 1e6),
      ingestMaxStallMs: Math.round(loop2.max / 1e6),
      statuses: jobs.map((j) => j.status),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`prepare+upload ${result.prepareAndUploadMs} ms (target < 10000) · ingest ${result.ingestMs} ms (target < 5000) · RSS +${result.ingestRssGrowthMb} MB (target < 200) · longest stall ${result.prepareAndUploadMaxStallMs}/${result.ingestMaxStallMs} ms (target ≤ 50)`);
  } finally {
    await bedrock.close();
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
