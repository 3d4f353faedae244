import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { composeAnswer, cosineSimilarity, estimateTokens, readConversation, splitIntoPieces } from '../../support/bedrockAnswers';
import { decodeFrames } from '../../support/eventStream';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function requestHttp1(baseUrl: string, method: string, urlPath: string, body?: unknown): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, baseUrl), { method, headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function requestHttp2(baseUrl: string, method: string, urlPath: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(baseUrl);
    session.on('error', reject);
    const stream = session.request({ ':method': method, ':path': urlPath });
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (responseHeaders) => {
      status = Number(responseHeaders[':status']);
      headers = responseHeaders;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, headers, body: Buffer.concat(chunks) });
    });
    stream.on('error', reject);
    stream.end();
  });
}

const json = (response: RawResponse): Record<string, unknown> => JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;

const EMAIL_THREAD = `From: Dana Lee <dana@example.com>
To: Platform team
Subject: Moving the nightly build to the new runners

Hi team,
The nightly build has been failing on the old runners for two weeks, mostly from disk pressure.
We looked at three options in Tuesday's meeting and compared cost and setup time.
After the discussion we decided to move the nightly build to the new ARM runners.
We also agreed to keep the old runners for one more month as a fallback.
Priya will update the pipeline configuration by Friday.
Please send me any job that still needs x86 so we can list the exceptions.
Tom will write the rollback steps in the wiki.

Thanks,
Dana`;

describe('Bedrock local server', () => {
  let server: BedrockServer;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 1 });
  });
  after(async () => server.close());

  it('answers HTTP/1.1 and cleartext HTTP/2 on the same port', async () => {
    const overHttp1 = await requestHttp1(server.url, 'GET', '/foundation-models');
    const overHttp2 = await requestHttp2(server.url, 'GET', '/foundation-models');
    assert.equal(overHttp1.status, 200);
    assert.equal(overHttp2.status, 200);
    assert.deepEqual(json(overHttp2), json(overHttp1));
    const versions = server.requests.slice(-2).map((request) => request.httpVersion);
    assert.deepEqual(versions, ['1.1', '2.0']);
  });

  it('lists foundation models, filters them and describes one', async () => {
    const all = json(await requestHttp1(server.url, 'GET', '/foundation-models')).modelSummaries as Array<Record<string, unknown>>;
    const ids = all.map((model) => model.modelId);
    for (const id of ['anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic.claude-sonnet-4-20250514-v1:0', 'amazon.nova-pro-v1:0', 'meta.llama3-1-70b-instruct-v1:0', 'mistral.mistral-large-2402-v1:0', 'amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3']) {
      assert.ok(ids.includes(id), `${id} is listed`);
    }
    const anthropic = json(await requestHttp1(server.url, 'GET', '/foundation-models?byProvider=anthropic')).modelSummaries as Array<Record<string, unknown>>;
    assert.equal(anthropic.length, 6);
    const legacy = all.filter((model) => (model.modelLifecycle as { status: string }).status === 'LEGACY');
    assert.deepEqual(legacy.map((model) => [model.modelId, (model.modelLifecycle as { endOfLifeTime?: string }).endOfLifeTime]), [['anthropic.claude-3-5-haiku-20241022-v1:0', '2026-06-19T00:00:00Z']]);
    assert.ok(anthropic.every((model) => model.providerName === 'Anthropic'));
    const embedding = json(await requestHttp1(server.url, 'GET', '/foundation-models?byOutputModality=EMBEDDING')).modelSummaries as Array<Record<string, unknown>>;
    assert.deepEqual(embedding.map((model) => model.modelId).sort(), ['amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3', 'cohere.embed-multilingual-v3']);
    const one = json(await requestHttp1(server.url, 'GET', '/foundation-models/amazon.nova-lite-v1%3A0'));
    assert.equal((one.modelDetails as Record<string, unknown>).modelId, 'amazon.nova-lite-v1:0');
    const missing = await requestHttp1(server.url, 'GET', '/foundation-models/nobody.nothing-v1%3A0');
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers['x-amzn-errortype']), /^ResourceNotFoundException/);
    const profiles = json(await requestHttp1(server.url, 'GET', '/inference-profiles')).inferenceProfileSummaries as Array<Record<string, unknown>>;
    const profileIds = profiles.map((profile) => profile.inferenceProfileId);
    assert.ok(profileIds.includes('us.anthropic.claude-3-5-haiku-20241022-v1:0'));
    assert.ok(profileIds.includes('eu.anthropic.claude-sonnet-4-20250514-v1:0'));
  });

  it('embeds with Titan v2: shape, normalisation, determinism and similarity', async () => {
    const embed = async (inputText: string, dimensions = 256) =>
      json(await requestHttp1(server.url, 'POST', '/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText, dimensions, normalize: true }));
    const first = await embed('The nightly build moves to the new runners');
    const vector = first.embedding as number[];
    assert.equal(vector.length, 256);
    assert.deepEqual((first.embeddingsByType as { float: number[] }).float, vector);
    assert.ok((first.inputTextTokenCount as number) > 0);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-9, 'normalised to unit length');
    assert.deepEqual((await embed('The nightly build moves to the new runners')).embedding, vector);
    const similar = (await embed('The nightly builds move to new runners')).embedding as number[];
    const unrelated = (await embed('Quarterly revenue grew in the APAC region')).embedding as number[];
    assert.ok(cosineSimilarity(vector, similar) > 0.6, 'similar texts are close');
    assert.ok(cosineSimilarity(vector, similar) > cosineSimilarity(vector, unrelated) + 0.3, 'unrelated texts are far');
    const wrongSize = await requestHttp1(server.url, 'POST', '/model/amazon.titan-embed-text-v2%3A0/invoke', { inputText: 'x', dimensions: 300 });
    assert.equal(wrongSize.status, 400);
    assert.match(String(wrongSize.headers['x-amzn-errortype']), /^ValidationException/);
  });

  it('embeds with Cohere: one vector per text', async () => {
    const response = json(await requestHttp1(server.url, 'POST', '/model/cohere.embed-english-v3/invoke', { texts: ['alpha beta', 'gamma delta'], input_type: 'search_document' }));
    const vectors = response.embeddings as number[][];
    assert.equal(vectors.length, 2);
    assert.equal(vectors[0].length, 1024);
    assert.notDeepEqual(vectors[0], vectors[1]);
  });

  it('streams ConverseStream as event-stream frames the codec decodes', async () => {
    const body = { system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Which runner type should the nightly build use?' }] }] };
    const response = await requestHttp1(server.url, 'POST', '/model/amazon.nova-lite-v1%3A0/converse-stream', body);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/vnd.amazon.eventstream');
    const frames = decodeFrames(response.body);
    const types = frames.map((frame) => frame.headers[':event-type']);
    assert.equal(types[0], 'messageStart');
    assert.deepEqual(types.slice(-3), ['contentBlockStop', 'messageStop', 'metadata']);
    assert.ok(frames.every((frame) => frame.headers[':message-type'] === 'event' && frame.headers[':content-type'] === 'application/json'));
    const deltas = frames.filter((frame) => frame.headers[':event-type'] === 'contentBlockDelta').map((frame) => (frame.body as { delta: { text: string } }).delta.text);
    const expected = composeAnswer('amazon.nova-lite-v1:0', readConversation(body));
    assert.equal(deltas.join(''), expected);
    assert.equal(deltas.length, splitIntoPieces(expected).length);
    assert.deepEqual((frames[frames.length - 2].body as { stopReason: string }).stopReason, 'end_turn');
    const usage = (frames[frames.length - 1].body as { usage: Record<string, number> }).usage;
    assert.deepEqual(usage, { inputTokens: estimateTokens('Be brief.\nWhich runner type should the nightly build use?'), outputTokens: deltas.length, totalTokens: usage.inputTokens + deltas.length });
  });

  it('ends a sim-midstream stream with an exception frame after five deltas', async () => {
    const response = await requestHttp1(server.url, 'POST', '/model/x.sim-midstream/converse-stream', { messages: [{ role: 'user', content: [{ text: 'Tell me a long story please' }] }] });
    const frames = decodeFrames(response.body);
    assert.equal(frames.filter((frame) => frame.headers[':event-type'] === 'contentBlockDelta').length, 5);
    const last = frames[frames.length - 1];
    assert.equal(last.headers[':message-type'], 'exception');
    assert.equal(last.headers[':exception-type'], 'modelStreamErrorException');
    assert.match((last.body as { message: string }).message, /interrupted/);
  });

  it('summarises a long email thread into decisions and action items', async () => {
    const response = json(await requestHttp1(server.url, 'POST', '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse', { messages: [{ role: 'user', content: [{ text: EMAIL_THREAD }] }] }));
    const text = ((response.output as { message: { content: Array<{ text: string }> } }).message.content[0]).text;
    const [summary, rest] = text.split('### Decisions');
    const [decisions, actions] = rest.split('### Action items');
    assert.match(summary, /^### Summary\nThe thread is about "Moving the nightly build to the new runners"\. The nightly build has been failing/);
    assert.match(decisions, /- After the discussion we decided to move the nightly build to the new ARM runners\./);
    assert.match(decisions, /- We also agreed to keep the old runners/);
    assert.match(actions, /- Priya will update the pipeline configuration by Friday\./);
    assert.match(actions, /- Please send me any job that still needs x86/);
    assert.match(actions, /- Tom will write the rollback steps/);
    assert.doesNotMatch(actions, /decided/);
    assert.match(text, /\n_Answered by anthropic\.claude-3-5-haiku-20241022-v1:0 \(local Bedrock simulator\)\._$/);
    assert.equal(response.stopReason, 'end_turn');
  });

  it('honours maxTokens and counts tokens', async () => {
    const messages = [{ role: 'user', content: [{ text: 'What does a good prompt changelog look like?' }] }];
    const cut = json(await requestHttp1(server.url, 'POST', '/model/amazon.nova-micro-v1%3A0/converse', { messages, inferenceConfig: { maxTokens: 3 } }));
    assert.equal(cut.stopReason, 'max_tokens');
    assert.equal((cut.usage as { outputTokens: number }).outputTokens, 3);
    const counted = json(await requestHttp1(server.url, 'POST', '/model/amazon.nova-micro-v1%3A0/count-tokens', { input: { converse: { messages } } }));
    assert.equal(counted.inputTokens, estimateTokens('What does a good prompt changelog look like?'));
  });

  it('scripts failures by model id', async () => {
    const expectations: Array<[string, number, string]> = [
      ['a.sim-throttle', 429, 'ThrottlingException'],
      ['a.sim-denied', 403, 'AccessDeniedException'],
      ['a.sim-invalid', 400, 'ValidationException'],
      ['a.sim-notfound', 404, 'ResourceNotFoundException'],
      ['a.sim-unavailable', 503, 'ServiceUnavailableException'],
    ];
    for (const [modelId, status, errorType] of expectations) {
      const response = await requestHttp1(server.url, 'POST', `/model/${modelId}/converse`, { messages: [] });
      assert.equal(response.status, status, modelId);
      assert.equal(String(response.headers['x-amzn-errortype']).split(':')[0], errorType, modelId);
      assert.ok(typeof json(response).message === 'string');
    }
    const once = async () => (await requestHttp1(server.url, 'POST', '/model/b.sim-throttle-once/converse', { messages: [] })).status;
    assert.deepEqual([await once(), await once(), await once()], [429, 200, 200]);
    const noStream = await requestHttp1(server.url, 'POST', '/model/c.sim-nostream/converse-stream', { messages: [] });
    assert.equal(noStream.status, 400);
    assert.match(json(noStream).message as string, /unsupported for streaming/);
    assert.equal((await requestHttp1(server.url, 'POST', '/model/c.sim-nostream/converse', { messages: [] })).status, 200);
  });

  it('waits firstTokenDelayMs before answering', async () => {
    const slowServer = await startBedrockServer({ firstTokenDelayMs: 150, tokenDelayMs: 0 });
    try {
      const started = Date.now();
      await requestHttp1(slowServer.url, 'POST', '/model/amazon.nova-micro-v1%3A0/converse', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
      assert.ok(Date.now() - started >= 145, `took ${Date.now() - started} ms`);
    } finally {
      await slowServer.close();
    }
  });

  it('runs as a script that prints its URL and stops on SIGTERM', async () => {
    const script = path.join(__dirname, '../..', 'support', 'bedrockServer.js');
    const child = spawn(process.execPath, [script, '--port', '0', '--token-delay-ms', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const match = /^BEDROCK_SIMULATOR_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
          if (match) resolve(match[1]);
        });
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      assert.equal((await requestHttp2(url, 'GET', '/foundation-models?byProvider=meta')).status, 200);
      const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exitCode, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
