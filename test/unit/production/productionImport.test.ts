import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { importFeedback } from '../../../src/core/production/importFeedback';
import { importInvocationLogs, type LogValue } from '../../../src/core/production/importLogs';
import { parsePromptArn, readInvocation, recordsOfLine } from '../../../src/core/production/invocationLog';
import { jsonLines, type LogLineProblem } from '../../../src/core/production/logLines';
import { fileLogValues } from '../../../src/core/production/logSources';
import { matchRelease } from '../../../src/core/production/releaseMatch';
import { RatingService } from '../../../src/core/ratings/ratingService';
import { readRatings } from '../../../src/core/ratings/ratingsStore';
import { foldReleases, RELEASE_SCHEMA, type ReleaseFileLine } from '../../../src/core/releases/releaseRecord';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';

const PROMPT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT12AB';

/** A Converse invocation-log record in the documented shape. */
export function converseLog(o: { requestId: string; modelId?: string; ts?: string; user?: string; answer?: string; latencyMs?: number; metadata?: Record<string, string> }): Record<string, unknown> {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: o.ts ?? '2026-12-01T10:00:00Z',
    accountId: '123456789012',
    identity: { arn: 'arn:aws:sts::123456789012:assumed-role/app/session' },
    region: 'us-east-1',
    requestId: o.requestId,
    operation: 'Converse',
    modelId: o.modelId ?? 'anthropic.claude-3-5-haiku-20241022-v1:0',
    input: {
      inputContentType: 'application/json',
      inputBodyJson: { messages: [{ role: 'user', content: [{ text: o.user ?? 'Summarize: call me at +1 415 555 0100 or ann@example.com' }] }], system: [{ text: 'You summarize.' }], ...(o.metadata ? { requestMetadata: o.metadata } : {}) },
      inputTokenCount: 1000,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: o.answer ?? 'Ann (ann@example.com) will call back.' }] } }, stopReason: 'end_turn', usage: { inputTokens: 1000, outputTokens: 200 }, metrics: { latencyMs: o.latencyMs ?? 900 } },
      outputTokenCount: 200,
    },
  };
}

function releaseLines(): ReleaseFileLine[] {
  const base = { schema: RELEASE_SCHEMA as typeof RELEASE_SCHEMA, kind: 'release' as const, by: 'alice', note: '', config: { temperature: 0.2 }, evidence: { runs: 10, ratings: 5, datasetRunIds: [] } };
  return [
    { ...base, id: 'rel_1', ts: '2026-11-01T00:00:00Z', prompt: { name: 'email-summary', version: 3, contentHash: 'aaaa1111', path: 'prompts/email-summary.prompt' }, model: 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0' },
    { ...base, id: 'rel_2', ts: '2026-11-02T00:00:00Z', prompt: { name: 'triage', version: 1, contentHash: 'bbbb2222', path: 'prompts/triage.prompt' }, model: 'bedrock/amazon.nova-lite-v1:0' },
    { schema: RELEASE_SCHEMA, kind: 'state', releaseId: 'rel_2', ts: '2026-11-03T00:00:00Z', by: 'alice', state: 'published', published: { promptArn: PROMPT_ARN, promptId: 'PROMPT12AB', promptVersion: '2' } },
  ];
}

async function* values(list: unknown[], source = 'test.jsonl'): AsyncGenerator<LogValue> {
  let line = 0;
  for (const value of list) yield { source, line: ++line, value };
}

describe('production traffic import (src/core/production)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-prod-'));
    fs.mkdirSync(path.join(dir, '.prompt-workbench'));
    fs.writeFileSync(path.join(dir, '.prompt-workbench', 'releases.jsonl'), releaseLines().map((l) => JSON.stringify(l)).join('\n') + '\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runs = async () => (await readJsonl<RunRecord>(path.join(dir, '.prompt-workbench', 'runs', '2026-12.jsonl'))).records;

  it('reads the documented invocation-log record (Converse), a prompt ARN, and CloudWatch-wrapped events', () => {
    const { invocation } = readInvocation(converseLog({ requestId: 'req-1' }));
    assert.equal(invocation?.requestId, 'req-1');
    assert.equal(invocation?.ts, '2026-12-01T10:00:00.000Z');
    assert.equal(invocation?.outputText, 'Ann (ann@example.com) will call back.');
    assert.match(invocation?.inputText ?? '', /^You summarize\.\n\nSummarize: call me/);
    assert.deepEqual([invocation?.inputTokens, invocation?.outputTokens, invocation?.latencyMs, invocation?.stopReason], [1000, 200, 900, 'end_turn']);
    assert.deepEqual(parsePromptArn(`${PROMPT_ARN}:2`), { arn: PROMPT_ARN, version: '2' });
    assert.equal(readInvocation({ ...converseLog({ requestId: 'x' }), schemaType: 'Other' }).problem, 'schemaType "Other" is not ModelInvocationLog');
    assert.equal(readInvocation({ timestamp: '2026-12-01T10:00:00Z', modelId: 'm' }).problem, 'no requestId');
    const wrapped = recordsOfLine({ logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify(converseLog({ requestId: 'cw-1' })) }] });
    assert.equal((wrapped[0] as { requestId: string }).requestId, 'cw-1');
  });

  it('matches releases by prompt ARN and version, content hash, or the one release on the model', () => {
    const { releases } = foldReleases(releaseLines());
    const call = (o: Parameters<typeof converseLog>[0]) => readInvocation(converseLog(o)).invocation!;
    const byArn = matchRelease(call({ requestId: 'a', modelId: `${PROMPT_ARN}:2` }), releases);
    assert.equal(byArn.release?.id, 'rel_2');
    assert.equal(byArn.release && (byArn as { by: string }).by, 'prompt-arn');
    assert.match(matchRelease(call({ requestId: 'b', modelId: `${PROMPT_ARN}:1` }), releases).release ? '' : (matchRelease(call({ requestId: 'b', modelId: `${PROMPT_ARN}:1` }), releases) as { reason: string }).reason, /not published by any release/);
    assert.equal(matchRelease(call({ requestId: 'c', metadata: { contentHash: 'aaaa1111' } }), releases).release?.id, 'rel_1');
    assert.equal(matchRelease(call({ requestId: 'd', modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' }), releases).release?.id, 'rel_1');
    assert.match((matchRelease(call({ requestId: 'e', modelId: 'meta.llama3-1-8b-instruct-v1:0' }), releases) as { reason: string }).reason, /no release on meta\.llama3/);
    assert.equal(matchRelease(call({ requestId: 'f', ts: '2026-10-01T00:00:00Z' }), releases).release, undefined, 'a call before the approval matches no release');
  });

  it('writes production run records with PII masked, once per request id, never rewriting existing lines', async () => {
    const catalog = new ModelCatalog();
    const logs = [converseLog({ requestId: 'req-1' }), converseLog({ requestId: 'req-2', modelId: `${PROMPT_ARN}:2`, latencyMs: 300 }), converseLog({ requestId: 'req-3', modelId: 'meta.llama3-1-8b-instruct-v1:0' })];
    const first = await importInvocationLogs(values(logs), { workspaceFolder: dir, catalog, storeInputs: true });
    assert.deepEqual([first.records, first.imported, first.duplicates, first.unmatched], [3, 2, 0, 1]);
    assert.deepEqual(first.byRelease, { rel_1: 1, rel_2: 1 });
    const file = path.join(dir, '.prompt-workbench', 'runs', '2026-12.jsonl');
    const before = fs.readFileSync(file, 'utf8');
    const [one, two] = await runs();
    assert.equal(one.source, 'production');
    assert.equal(one.requestId, 'req-1');
    assert.equal(one.releaseId, 'rel_1');
    assert.deepEqual(one.prompt, { name: 'email-summary', version: 3, contentHash: 'aaaa1111', path: 'prompts/email-summary.prompt' });
    assert.doesNotMatch(one.output + JSON.stringify(one.inputs), /ann@example\.com|415 555 0100/);
    assert.match(one.output, /\[EMAIL_1\]/);
    assert.equal(one.metrics.latencyMs, 900);
    assert.ok((one.metrics.costUsd ?? 0) > 0, 'priced from the catalog');
    assert.equal(two.model, 'bedrock/amazon.nova-lite-v1:0');
    const again = await importInvocationLogs(values([...logs, converseLog({ requestId: 'req-4' })]), { workspaceFolder: dir, catalog });
    assert.deepEqual([again.imported, again.duplicates], [1, 2]);
    assert.ok(fs.readFileSync(file, 'utf8').startsWith(before), 'earlier lines are kept byte for byte');
    assert.equal((await runs()).length, 3);
  });

  it('keeps text as logged when masking is turned off', async () => {
    await importInvocationLogs(values([converseLog({ requestId: 'req-9' })]), { workspaceFolder: dir, catalog: new ModelCatalog(), maskPii: false });
    assert.match((await runs())[0].output, /ann@example\.com/);
  });

  it('reports torn and huge lines of a log file (gzip or not) and keeps every other record', async () => {
    const good = JSON.stringify(converseLog({ requestId: 'g-1' }));
    const text = [good, '{"schemaType":"ModelInvocationLog","requestId":"torn', 'x'.repeat(3000), JSON.stringify(converseLog({ requestId: 'g-2' })), '{"requestId":"half'].join('\n');
    const problems: LogLineProblem[] = [];
    const got: unknown[] = [];
    for await (const { value } of jsonLines('a.json.gz', (async function* () { yield gzipSync(Buffer.from(text)); })(), (p) => problems.push(p), 2048)) got.push(value);
    assert.deepEqual(got.map((v) => (v as { requestId: string }).requestId), ['g-1', 'g-2']);
    assert.deepEqual(problems.map((p) => p.line), [2, 3, 5]);
    assert.match(problems[1].message, /longer than 2048 bytes/);
    const file = path.join(dir, 'logs.jsonl');
    fs.writeFileSync(file, text);
    const fileProblems: LogLineProblem[] = [];
    const summary = await importInvocationLogs(fileLogValues(file, { root: dir }, fileProblems), { workspaceFolder: dir, catalog: new ModelCatalog() }, fileProblems);
    assert.equal(summary.imported, 2);
    assert.equal(summary.problems.length, 3, 'the default limit lets the 3,000-byte line through, which is then not JSON either');
  });

  it('imports feedback keyed by request id as ratings, once', async () => {
    await importInvocationLogs(values([converseLog({ requestId: 'req-1' }), converseLog({ requestId: 'req-2', modelId: `${PROMPT_ARN}:2` })]), { workspaceFolder: dir, catalog: new ModelCatalog() });
    const feedback = path.join(dir, 'feedback.jsonl');
    fs.writeFileSync(feedback, ['{"requestId":"req-1","thumbs":"up","comment":"mail me at bob@example.com"}', '{"requestId":"req-2","stars":2}', '{"requestId":"nope","thumbs":"down"}', 'torn {'].join('\n'));
    const ratings = new RatingService({ rater: async () => 'production' });
    const first = await importFeedback(feedback, { workspaceFolder: dir, policy: { root: dir }, ratings });
    assert.deepEqual([first.lines, first.rated, first.unknownRequests, first.problems.length], [3, 2, 1, 2], 'the torn line is a problem, not a feedback line');
    const second = await importFeedback(feedback, { workspaceFolder: dir, policy: { root: dir }, ratings: new RatingService({ rater: async () => 'production' }) });
    assert.deepEqual([second.rated, second.unchanged], [0, 2]);
    const { records } = await readRatings(path.join(dir, '.prompt-workbench', 'ratings.jsonl'));
    assert.equal(records.length, 2);
    const thumbs = records.find((r) => r.kind === 'thumbs')!;
    assert.equal(thumbs.value, 'up');
    assert.doesNotMatch(thumbs.comment, /bob@example\.com/);
  });
});
