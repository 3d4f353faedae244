// The batch job's files: record ids, Converse-shaped modelInput (InvokeModel bodies where Converse
// jobs are not supported), splitting by per-file/per-job record and byte quotas, output lines
// read back (answers, usage, record errors) and batch-jobs.jsonl folded with a corrupt line skipped.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answerOf, batchInvocationTypeOf, caseIndexOf, modelInputOf, recordIdOf, splitBatchInput, DEFAULT_BATCH_QUOTAS, type BatchInputLine } from '../../../src/core/batch/batchFormat';
import { BATCH_JOB_SCHEMA, BatchJobStore, jobIdOf, type BatchJobRecord } from '../../../src/core/batch/batchJobStore';
import { parseS3Uri } from '../../../src/core/batch/batchAws';
import { checkBatchSettings, BatchPreflightError } from '../../../src/core/batch/batchSubmit';

describe('batch: record format and splitting', () => {
  it('record ids are 11 characters and map back to the case position', () => {
    assert.equal(recordIdOf(7), 'R0000000007');
    assert.equal(recordIdOf(7).length, 11);
    assert.equal(caseIndexOf('R0000012345'), 12345);
    assert.equal(caseIndexOf('CALL0000001'), undefined);
  });

  it('modelInput is the Converse request without modelId: system apart, inferenceConfig, guardrail', () => {
    const input = modelInputOf({
      modelId: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'system', content: [{ text: 'Be brief.' }] }, { role: 'user', content: [{ text: 'Hello' }] }],
      config: { temperature: 0.2, maxOutputTokens: 300 },
      guardrail: { id: 'gr-1', version: '2' },
    });
    assert.equal(batchInvocationTypeOf('amazon.nova-lite-v1:0'), 'Converse');
    assert.deepEqual(input, {
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { temperature: 0.2, maxTokens: 300 },
      guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '2', trace: 'enabled' },
    });
  });

  it('falls back to the InvokeModel body where Converse jobs are not supported (Llama)', () => {
    assert.equal(batchInvocationTypeOf('meta.llama3-1-8b-instruct-v1:0'), 'InvokeModel');
    const body = modelInputOf({ modelId: 'meta.llama3-1-8b-instruct-v1:0', messages: [{ role: 'user', content: [{ text: 'Hi' }] }], config: { maxOutputTokens: 50 } });
    assert.match(String(body.prompt), /<\|start_header_id\|>user<\|end_header_id\|>\n\nHi<\|eot_id\|>/);
    assert.equal(body.max_gen_len, 50);
    assert.equal(body.messages, undefined);
  });

  it('refuses tools with a sentence', () => {
    assert.throws(() => modelInputOf({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text: 'x' }] }], config: {}, tools: [{ name: 't', description: 'd', inputSchema: {} }] }), /tools cannot run as a batch job/);
  });

  const lines = (n: number, pad = 0): BatchInputLine[] => Array.from({ length: n }, (_, i) => ({ recordId: recordIdOf(i), modelInput: { messages: [{ role: 'user', content: [{ text: 'x'.repeat(pad) }] }] } }));

  it('splits by records per file and per job; every record kept once, in order', () => {
    const jobs = splitBatchInput(lines(25), { ...DEFAULT_BATCH_QUOTAS, recordsPerFile: 4, recordsPerJob: 10 });
    assert.deepEqual(jobs.map((j) => j.records), [10, 10, 5]);
    assert.deepEqual(jobs[0].files.map((f) => f.records), [4, 4, 2]);
    assert.deepEqual(jobs[0].files.map((f) => f.name), ['input-00001.jsonl', 'input-00002.jsonl', 'input-00003.jsonl']);
    const ids = jobs.flatMap((j) => j.files.flatMap((f) => f.body.trim().split('\n').map((l) => (JSON.parse(l) as BatchInputLine).recordId)));
    assert.deepEqual(ids, lines(25).map((l) => l.recordId));
    for (const j of jobs) for (const f of j.files) assert.equal(Buffer.byteLength(f.body), f.bytes);
  });

  it('splits by bytes per file and per job, and refuses a record larger than a file may be', () => {
    const one = Buffer.byteLength(JSON.stringify(lines(1, 100)[0]) + '\n');
    const jobs = splitBatchInput(lines(10, 100), { ...DEFAULT_BATCH_QUOTAS, bytesPerFile: one * 3, bytesPerJob: one * 5 });
    assert.deepEqual(jobs.map((j) => j.records), [5, 5]);
    assert.deepEqual(jobs[0].files.map((f) => f.records), [3, 2]);
    for (const j of jobs) for (const f of j.files) assert.ok(f.bytes <= one * 3);
    assert.throws(() => splitBatchInput(lines(1, 100), { ...DEFAULT_BATCH_QUOTAS, bytesPerFile: 50 }), /more than a batch input file may hold/);
  });

  it('reads answers, usage and record errors from output lines', () => {
    const ok = answerOf({ recordId: 'R0000000001', modelOutput: { output: { message: { role: 'assistant', content: [{ text: 'Hi ' }, { text: 'there' }] } }, stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 3 } } });
    assert.deepEqual(ok, { output: 'Hi there', stopReason: 'end_turn', inputTokens: 12, outputTokens: 3, error: null });
    const llama = answerOf({ recordId: 'R0000000002', modelOutput: { generation: 'Yo', stop_reason: 'stop', prompt_token_count: 5, generation_token_count: 1 } });
    assert.equal(llama.output, 'Yo');
    assert.equal(llama.outputTokens, 1);
    const failed = answerOf({ recordId: 'R0000000003', error: { errorCode: 400, errorMessage: 'Malformed input request' } });
    assert.equal(failed.error?.kind, 'validation');
    assert.match(failed.error!.message, /Malformed input request/);
    assert.equal(failed.output, '');
  });
});

describe('batch: settings pre-flight and the jobs file', () => {
  it('names what to set before anything is uploaded, and says when a dataset is too small', () => {
    assert.throws(() => checkBatchSettings({ s3Uri: undefined, roleArn: 'arn:aws:iam::123456789012:role/x' }, 200), /promptWorkbench\.batch\.s3Uri/);
    assert.throws(() => checkBatchSettings({ s3Uri: 'https://bucket/x', roleArn: 'arn:aws:iam::123456789012:role/x' }, 200), /not an S3 URI/);
    assert.throws(() => checkBatchSettings({ s3Uri: 's3://my-bucket/pw', roleArn: undefined }, 200), /promptWorkbench\.batch\.roleArn/);
    assert.throws(() => checkBatchSettings({ s3Uri: 's3://my-bucket/pw', roleArn: 'my-role' }, 200), /not an IAM role ARN/);
    assert.throws(
      () => checkBatchSettings({ s3Uri: 's3://my-bucket/pw', roleArn: 'arn:aws:iam::123456789012:role/x' }, 40),
      (err: unknown) => err instanceof BatchPreflightError && err.reason === 'too-small' && /40 cases.*at least 100.*live/.test(err.message),
    );
    assert.deepEqual(checkBatchSettings({ s3Uri: 's3://my-bucket/pw', roleArn: 'arn:aws:iam::123456789012:role/x' }, 100), { bucket: 'my-bucket', prefix: 'pw/' });
    assert.deepEqual(parseS3Uri('s3://my-bucket'), { bucket: 'my-bucket', prefix: '' });
  });

  it('batch-jobs.jsonl: status changes are new lines folded by id; a corrupt line is reported and skipped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-batch-jobs-'));
    try {
      const store = new BatchJobStore(dir);
      const job: BatchJobRecord = {
        schema: BATCH_JOB_SCHEMA, id: 'abc123', kind: 'invocation', jobArn: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc123', jobName: 'pw-x-v1-1',
        model: 'bedrock/amazon.nova-lite-v1:0', promptRef: { name: 'x', version: 1, contentHash: 'h', path: 'x.prompt' }, datasetRunId: 'd_1',
        s3Input: 's3://b/in/', s3Output: 's3://b/out/', records: 150, status: 'Submitted', submittedAt: '2026-12-05T07:00:00.000Z', lastSeen: '2026-12-05T07:00:00.000Z',
      };
      await store.add(job);
      fs.appendFileSync(store.file, '{not json\n');
      await store.update({ id: 'abc123', status: 'InProgress' });
      await store.update({ id: 'abc123', status: 'Completed', counts: { processed: 150, success: 148, error: 2 } });
      const { jobs, problems } = await store.list();
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0].status, 'Completed');
      assert.deepEqual(jobs[0].counts, { processed: 150, success: 148, error: 2 });
      assert.equal(jobs[0].records, 150);
      assert.equal(problems.length, 1);
      assert.equal((await store.get(job.jobArn))?.id, 'abc123');
      assert.equal(jobIdOf(job.jobArn), 'abc123');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
