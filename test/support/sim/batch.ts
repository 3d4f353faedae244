/**
 * Bedrock batch inference in the local simulator: CreateModelInvocationJob,
 * GetModelInvocationJob, ListModelInvocationJobs and StopModelInvocationJob. A job reads its
 * input from the S3-compatible server (the real S3 SDK, at PROMPT_WORKBENCH_SIM_S3_URL or
 * AWS_ENDPOINT_URL_S3), answers each record with the simulator's Converse logic in the
 * background, moving through Submitted → Validating → Scheduled → InProgress → Completed, and
 * writes `<output>/<jobId>/<input file>.out` (lines in shuffled order) and `manifest.json.out`.
 *
 * Scripted cases (by role ARN or record text):
 * - a role ARN containing `sim-bad-role` fails validation (the role cannot be assumed);
 * - fewer than 100 records fails validation (Bedrock's minimum);
 * - a role ARN containing `sim-no-s3` is refused by S3 (the job fails: access denied);
 * - a role ARN containing `sim-expire` expires after half of the records, keeping them;
 * - a record whose text contains `sim-record-error` fails (400), so the job ends PartiallyCompleted;
 * - StopModelInvocationJob stops a job: Stopping, then Stopped with what was done kept.
 * Each state lasts PROMPT_WORKBENCH_SIM_BATCH_STEP_MS (default 40 ms); records are answered 250 at a time.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorExtension, SimulatorRequest, SimulatorServices } from './extensions';

const MIN_RECORDS = 100;
const CHUNK = 250;

interface SimJob {
  jobArn: string;
  jobName: string;
  modelId: string;
  roleArn: string;
  clientRequestToken?: string;
  status: string;
  message?: string;
  submitTime: string;
  lastModifiedTime: string;
  endTime?: string;
  inputDataConfig: { s3InputDataConfig: { s3Uri: string; s3InputFormat?: string } };
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string } };
  timeoutDurationInHours: number;
  modelInvocationType: string;
  stopRequested: boolean;
  tags: unknown[];
}

type S3 = typeof import('@aws-sdk/client-s3');

function parseS3(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1], prefix: m[2] } : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function batchSimulator(services: SimulatorServices): SimulatorExtension {
  const jobs = new Map<string, SimJob>();
  let closed = false;
  const stepMs = (): number => Number(process.env.PROMPT_WORKBENCH_SIM_BATCH_STEP_MS ?? 40);

  const now = () => new Date().toISOString();
  const set = (job: SimJob, status: string, message?: string) => {
    job.status = status;
    job.lastModifiedTime = now();
    if (message) job.message = message;
    if (['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'].includes(status)) job.endTime = job.lastModifiedTime;
    services.log(`batch ${job.jobName}: ${status}${message ? ` (${message})` : ''}`);
  };

  function s3Client(job: SimJob): { sdk: S3; client: InstanceType<S3['S3Client']> } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('@aws-sdk/client-s3') as S3;
    const endpoint = process.env.PROMPT_WORKBENCH_SIM_S3_URL ?? process.env.AWS_ENDPOINT_URL_S3;
    // The job's role is what reads S3: a role without access is an access key the S3 server does not know.
    const accessKeyId = job.roleArn.includes('sim-no-s3') ? 'AKIDNOACCESS' : 'AKIDEXAMPLE';
    return { sdk, client: new sdk.S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey: 'sim' } }) };
  }

  async function readText(sdk: S3, client: InstanceType<S3['S3Client']>, bucket: string, key: string): Promise<string> {
    const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  function answer(job: SimJob, modelInput: Record<string, unknown>): { modelOutput?: unknown; error?: { errorCode: number; errorMessage: string } } {
    const text = JSON.stringify(modelInput);
    if (text.includes('sim-record-error')) return { error: { errorCode: 400, errorMessage: 'Malformed input request: the record could not be processed (scripted by the simulator).' } };
    if (job.modelInvocationType === 'Converse') {
      const result = services.converse(job.modelId, modelInput);
      if (result.error) return { error: { errorCode: result.error.status, errorMessage: result.error.message } };
      return { modelOutput: { ...result.output, metrics: { latencyMs: 0 } } };
    }
    const prompt = typeof modelInput.prompt === 'string' ? modelInput.prompt.replace(/<\|[^|]+\|>|\[\/?INST\]|<s>/g, ' ') : text;
    const result = services.converse(job.modelId, { messages: [{ role: 'user', content: [{ text: prompt }] }] });
    if (result.error) return { error: { errorCode: result.error.status, errorMessage: result.error.message } };
    const out = result.output as { output: { message: { content: { text: string }[] } }; usage: { inputTokens: number; outputTokens: number } };
    return { modelOutput: { generation: out.output.message.content[0].text, prompt_token_count: out.usage.inputTokens, generation_token_count: out.usage.outputTokens, stop_reason: 'stop' } };
  }

  async function run(job: SimJob): Promise<void> {
    const step = stepMs();
    await sleep(step);
    if (closed) return;
    set(job, 'Validating');
    await sleep(step);
    if (job.roleArn.includes('sim-bad-role')) return set(job, 'Failed', `The provided role ${job.roleArn} cannot be assumed by Bedrock: check its trust policy (bedrock.amazonaws.com).`);
    const input = parseS3(job.inputDataConfig.s3InputDataConfig.s3Uri)!;
    const output = parseS3(job.outputDataConfig.s3OutputDataConfig.s3Uri)!;
    const { sdk, client } = s3Client(job);
    try {
      const files: { name: string; lines: string[] }[] = [];
      try {
        const listed = await client.send(new sdk.ListObjectsV2Command({ Bucket: input.bucket, Prefix: input.prefix }));
        const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('.jsonl'));
        if (!keys.length && input.prefix.endsWith('.jsonl')) keys.push(input.prefix);
        for (const key of keys) files.push({ name: key.slice(key.lastIndexOf('/') + 1), lines: (await readText(sdk, client, input.bucket, key)).split('\n').filter((l) => l.trim()) });
      } catch (err) {
        return set(job, 'Failed', `Access denied to ${job.inputDataConfig.s3InputDataConfig.s3Uri} for the role ${job.roleArn}: ${(err as Error).name}. Grant the role s3:GetObject and s3:ListBucket on the input.`);
      }
      const total = files.reduce((n, f) => n + f.lines.length, 0);
      if (total < MIN_RECORDS) return set(job, 'Failed', `The job has ${total} records; a batch inference job needs at least ${MIN_RECORDS}.`);
      set(job, 'Scheduled');
      await sleep(step);
      if (job.stopRequested) return void (await finish(job, sdk, client, output, [], total, 'Stopped'));
      set(job, 'InProgress');
      const expireAfter = job.roleArn.includes('sim-expire') ? Math.floor(total / 2) : Infinity;
      const results: { file: string; line: string; ok: boolean; inTokens: number; outTokens: number }[] = [];
      let processed = 0;
      let endState: string | undefined;
      for (const file of files) {
        for (let i = 0; i < file.lines.length; i++) {
          if (processed >= expireAfter) {
            endState = 'Expired';
            break;
          }
          if (job.stopRequested) {
            endState = 'Stopped';
            break;
          }
          const record = JSON.parse(file.lines[i]) as { recordId?: string; modelInput: Record<string, unknown> };
          const recordId = record.recordId ?? randomUUID().slice(0, 11);
          const a = answer(job, record.modelInput);
          const usage = (a.modelOutput as { usage?: { inputTokens?: number; outputTokens?: number } } | undefined)?.usage;
          results.push({ file: file.name, line: JSON.stringify({ recordId, modelInput: record.modelInput, ...(a.error ? { error: a.error } : { modelOutput: a.modelOutput }) }), ok: !a.error, inTokens: usage?.inputTokens ?? 0, outTokens: usage?.outputTokens ?? 0 });
          processed++;
          if (processed % CHUNK === 0) await sleep(Math.min(step, 5));
          if (closed) return;
        }
        if (endState) break;
      }
      const errors = results.filter((r) => !r.ok).length;
      await finish(job, sdk, client, output, results, total, endState ?? (errors ? 'PartiallyCompleted' : 'Completed'));
    } finally {
      client.destroy();
    }
  }

  async function finish(job: SimJob, sdk: S3, client: InstanceType<S3['S3Client']>, output: { bucket: string; prefix: string }, results: { file: string; line: string; ok: boolean; inTokens: number; outTokens: number }[], total: number, state: string): Promise<void> {
    if (state === 'Stopped') set(job, 'Stopping');
    const jobId = job.jobArn.slice(job.jobArn.lastIndexOf('/') + 1);
    const base = `${output.prefix}${output.prefix && !output.prefix.endsWith('/') ? '/' : ''}${jobId}/`;
    const byFile = new Map<string, string[]>();
    for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r.line]);
    for (const [file, lines] of byFile) {
      // Bedrock does not promise the input's order: the simulator never keeps it.
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      await client.send(new sdk.PutObjectCommand({ Bucket: output.bucket, Key: `${base}${file}.out`, Body: lines.join('\n') + '\n' }));
    }
    const success = results.filter((r) => r.ok).length;
    const manifest = {
      totalRecordCount: total,
      processedRecordCount: results.length,
      successRecordCount: success,
      errorRecordCount: results.length - success,
      inputTokenCount: results.reduce((n, r) => n + r.inTokens, 0),
      outputTokenCount: results.reduce((n, r) => n + r.outTokens, 0),
    };
    await client.send(new sdk.PutObjectCommand({ Bucket: output.bucket, Key: `${base}manifest.json.out`, Body: JSON.stringify(manifest) }));
    set(job, state, state === 'Expired' ? 'The job did not finish within its time window; the records processed are in the output.' : undefined);
  }

  function summary(job: SimJob): Record<string, unknown> {
    const { stopRequested: _s, clientRequestToken: _t, tags: _g, ...rest } = job;
    return { ...rest, jobExpirationTime: new Date(Date.parse(job.submitTime) + job.timeoutDurationInHours * 3600_000).toISOString() };
  }

  function find(segment: string): SimJob | undefined {
    const id = decodeURIComponent(segment);
    return jobs.get(id.slice(id.lastIndexOf('/') + 1));
  }

  return {
    route(request: SimulatorRequest): boolean {
      const { method, segments } = request;
      if (method === 'POST' && segments.length === 1 && segments[0] === 'model-invocation-job') {
        const b = request.body as Partial<SimJob> & { inputDataConfig?: SimJob['inputDataConfig']; outputDataConfig?: SimJob['outputDataConfig'] };
        if (!b.jobName || !b.roleArn || !b.modelId || !b.inputDataConfig?.s3InputDataConfig?.s3Uri || !b.outputDataConfig?.s3OutputDataConfig?.s3Uri) {
          request.sendError({ status: 400, type: 'ValidationException', message: 'jobName, roleArn, modelId, inputDataConfig and outputDataConfig are required.' });
          return true;
        }
        const existing = b.clientRequestToken ? [...jobs.values()].find((j) => j.clientRequestToken === b.clientRequestToken) : undefined;
        if (existing) {
          request.sendJson(200, { jobArn: existing.jobArn });
          return true;
        }
        if ([...jobs.values()].some((j) => j.jobName === b.jobName)) {
          request.sendError({ status: 400, type: 'ValidationException', message: `A job named ${b.jobName} already exists.` });
          return true;
        }
        const id = randomUUID().replace(/-/g, '').slice(0, 12);
        const job: SimJob = {
          jobArn: `arn:aws:bedrock:${request.region}:123456789012:model-invocation-job/${id}`,
          jobName: b.jobName,
          modelId: b.modelId,
          roleArn: b.roleArn,
          clientRequestToken: b.clientRequestToken,
          status: 'Submitted',
          submitTime: now(),
          lastModifiedTime: now(),
          inputDataConfig: b.inputDataConfig,
          outputDataConfig: b.outputDataConfig,
          timeoutDurationInHours: b.timeoutDurationInHours ?? 24,
          modelInvocationType: b.modelInvocationType ?? 'InvokeModel',
          stopRequested: false,
          tags: b.tags ?? [],
        };
        jobs.set(id, job);
        request.setModelId(job.modelId);
        void run(job).catch((err: Error) => set(job, 'Failed', `The simulator failed: ${err.message}`));
        request.sendJson(200, { jobArn: job.jobArn });
        return true;
      }
      if (method === 'GET' && segments.length === 2 && segments[0] === 'model-invocation-job') {
        const job = find(segments[1]);
        if (!job) request.sendError({ status: 404, type: 'ResourceNotFoundException', message: 'The batch inference job was not found.' });
        else request.sendJson(200, summary(job));
        return true;
      }
      if (method === 'POST' && segments.length === 3 && segments[0] === 'model-invocation-job' && segments[2] === 'stop') {
        const job = find(segments[1]);
        if (!job) request.sendError({ status: 404, type: 'ResourceNotFoundException', message: 'The batch inference job was not found.' });
        else if (!['Submitted', 'Validating', 'Scheduled', 'InProgress'].includes(job.status)) request.sendError({ status: 400, type: 'ValidationException', message: `The job is ${job.status} and cannot be stopped.` });
        else {
          job.stopRequested = true;
          if (job.status === 'Submitted' || job.status === 'Validating') set(job, 'Stopped');
          else set(job, 'Stopping');
          request.sendJson(200, {});
        }
        return true;
      }
      if (method === 'GET' && segments.length === 1 && segments[0] === 'model-invocation-jobs') {
        const q = request.url.searchParams;
        const nameContains = q.get('nameContains');
        const statusEquals = q.get('statusEquals');
        const max = Number(q.get('maxResults') ?? 1000);
        const start = Number(q.get('nextToken') ?? 0);
        const all = [...jobs.values()]
          .filter((j) => (!nameContains || j.jobName.includes(nameContains)) && (!statusEquals || j.status === statusEquals))
          .sort((a, b) => (q.get('sortOrder') === 'Ascending' ? a.submitTime.localeCompare(b.submitTime) : b.submitTime.localeCompare(a.submitTime)));
        const page = all.slice(start, start + max);
        request.sendJson(200, { invocationJobSummaries: page.map(summary), ...(start + max < all.length ? { nextToken: String(start + max) } : {}) });
        return true;
      }
      return false;
    },
    close() {
      closed = true;
    },
  };
}
