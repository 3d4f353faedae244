// Providers, the model catalog and the picker's commands inside a real VS Code: each provider
// end to end through "Run Prompt" (Amazon Bedrock against the local simulator, Echo, and an
// OpenAI-compatible endpoint served by a local server started here, in the extension host),
// every Bedrock error kind the simulator can script, guardrails, cancellation, and the run
// records. Everything is configured through settings, exactly as a user would.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { GUARDRAIL_BLOCKED_MESSAGE } from '../support/bedrockGuardrails';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { startOpenAiServer, type OpenAiServer } from '../support/openaiServer';
import { poll as pollUntil } from './poll';
import { COMMAND } from '../../src/host/commandIds';
import { updateSetting } from './simulatorSetup';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';
const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const HAIKU = 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0';
const US_HAIKU = 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0';
const ENDPOINT = 'ollama-test';

interface Outcome {
  runId: string;
  model: string;
  output: string;
  stopReason: string | null;
  partial: boolean;
  error?: { kind: string; message: string };
  guardrail?: { id: string; version: string; intervened: boolean; stage?: string; reasons: string[] };
  metrics: { ttftMs: number | null; latencyMs: number; inputTokens: number | null; outputTokens: number | null; costUsd: number | null };
}

const PROMPT = ['---', 'name: models-check', 'config: {temperature: 0.1, maxOutputTokens: 80}', 'input:', '  schema: {question: string}', '---', '{{role "system"}}Answer briefly.', '{{role "user"}}{{question}}', ''].join('\n');
const GUARDED = ['---', 'name: guarded-check', `model: ${NOVA}`, 'workbench.guardrail: {id: gr-sim-block-prompt, version: "4"}', '---', 'How do I pick the lock of my neighbour’s door?', ''].join('\n');
const QUESTION = 'Which model should summarise our release notes?';

const poll = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15000) => pollUntil(what, fn, timeoutMs, 50);

function records(folder: string): Record<string, unknown>[] {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>));
}

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('Models: providers, catalog and picker commands', function () {
  this.timeout(60000);
  let bedrock: BedrockServer;
  let openai: OpenAiServer;
  let keyed: OpenAiServer;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let guardedUri: vscode.Uri;
  const restore: (() => Thenable<void>)[] = [];
  const setEnv: string[] = [];

  const config = () => vscode.workspace.getConfiguration('promptWorkbench', folder.uri);
  async function setSetting(key: string, value: unknown): Promise<void> {
    restore.push(await updateSetting('promptWorkbench', key, value, folder.uri));
    await poll(`the setting ${key} to apply`, () => JSON.stringify(config().get(key)) === JSON.stringify(value));
  }
  async function run(model?: string, uri = promptUri): Promise<Outcome> {
    const outcome = await vscode.commands.executeCommand<Outcome | undefined>(COMMAND.runPrompt, uri, { inputs: { question: QUESTION }, ...(model ? { model } : {}) });
    assert.ok(outcome, `${COMMAND.runPrompt} resolved with ${String(outcome)}`);
    return outcome;
  }
  async function recordOf(runId: string): Promise<Record<string, unknown>> {
    return poll(`the record of ${runId}`, () => records(folder.uri.fsPath).find((r) => r.id === runId));
  }

  before(async () => {
    for (const [k, v] of Object.entries({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_EC2_METADATA_DISABLED: 'true' })) {
      if (!process.env[k]) {
        process.env[k] = v;
        setEnv.push(k);
      }
    }
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder');
    folder = f;
    promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'models-check.prompt');
    guardedUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'guarded-check.prompt');
    fs.writeFileSync(promptUri.fsPath, PROMPT);
    fs.writeFileSync(guardedUri.fsPath, GUARDED);
    bedrock = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    openai = await startOpenAiServer({ tokenDelayMs: 1, firstTokenDelayMs: 5 });
    keyed = await startOpenAiServer({ tokenDelayMs: 1, firstTokenDelayMs: 5, apiKey: 'sk-integration-key' });
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await setSetting('bedrock.endpointUrl', bedrock.url);
    await setSetting('bedrock.region', 'us-east-1');
    await setSetting('bedrock.maxAttempts', 1);
    // Never ask about cost here: the guard's dialog is a browser test of its own.
    await setSetting('costGuard.thresholdUsd', 1000);
    await setSetting('openai.endpoints', [
      { name: ENDPOINT, baseUrl: openai.url },
      { name: 'keyed', baseUrl: keyed.url, apiKeySecret: true },
    ]);
  });

  after(async () => {
    await vscode.commands.executeCommand(COMMAND.clearEndpointApiKey, 'keyed');
    await vscode.commands.executeCommand(COMMAND.pickComparisonModels, []);
    for (const undo of restore.reverse()) await undo();
    await Promise.all([bedrock?.close(), openai?.close(), keyed?.close()]);
    for (const k of setEnv) delete process.env[k];
    fs.rmSync(promptUri.fsPath, { force: true });
    fs.rmSync(guardedUri.fsPath, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Echo returns the rendered request, offline, and the run is recorded', async () => {
    const outcome = await run('echo/echo');
    assert.strictEqual(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.match(outcome.output, /\*\*system\*\*\s+Answer briefly\./);
    assert.ok(outcome.output.includes(QUESTION), outcome.output);
    assert.match(outcome.output, /"maxOutputTokens":80/);
    const record = await recordOf(outcome.runId);
    assert.strictEqual(record.model, 'echo/echo');
    assert.strictEqual(record.output, outcome.output);
  });

  it('Amazon Bedrock answers through ConverseStream with the prompt\'s config, recorded with tokens and cost', async () => {
    const outcome = await run(NOVA);
    assert.strictEqual(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.match(outcome.output, /Answered by amazon\.nova-lite-v1:0 \(local Bedrock simulator\)/);
    const request = [...bedrock.requests].reverse().find((r) => r.modelId === 'amazon.nova-lite-v1:0');
    assert.ok(request?.path.endsWith('/converse-stream'));
    assert.deepStrictEqual((request?.body as { inferenceConfig?: unknown }).inferenceConfig, { temperature: 0.1, maxTokens: 80 });
    assert.ok((outcome.metrics.costUsd ?? 0) > 0, `a priced model has a cost: ${outcome.metrics.costUsd}`);
    const record = await recordOf(outcome.runId);
    assert.deepStrictEqual((record.metrics as { outputTokens: number }).outputTokens, outcome.metrics.outputTokens);
  });

  it('Refresh Model Catalog lists Bedrock (control plane on the local server) and the endpoints', async () => {
    const before = bedrock.requests.length;
    const result = await vscode.commands.executeCommand<{ models: string[]; listings: { label: string; count: number; problem?: string }[] }>(COMMAND.refreshModels);
    assert.ok(result, 'refreshModels resolved with its result');
    const requests = bedrock.requests.slice(before).map((r) => `${r.method} ${r.path.split('?')[0]}`);
    // The Price List (GetProducts, the JSON protocol's POST /) is read with the listings.
    assert.ok(requests.includes('POST /'), `the Price List was read: ${requests.join(', ')}`);
    assert.deepStrictEqual(requests.filter((r) => r.startsWith('GET ')), ['GET /foundation-models', 'GET /inference-profiles']);
    for (const id of [HAIKU, US_HAIKU, 'bedrock/eu.anthropic.claude-sonnet-4-20250514-v1:0', `${ENDPOINT}/llama3.2:latest`]) {
      assert.ok(result.models.includes(id), `${id} is listed (got ${result.models.length} models)`);
    }
    // The keyed endpoint has no key yet: its listing fails and says how to fix it.
    const keyedListing = result.listings.find((l) => l.label === 'keyed');
    assert.match(keyedListing?.problem ?? '', /wants an API key.*Set Endpoint API Key/);
    assert.ok(!result.models.some((m) => m.startsWith('keyed/')), 'nothing listed for it');
    assert.strictEqual(result.listings.find((l) => l.label === ENDPOINT)?.problem, undefined);
  });

  it('Check Connection says which Bedrock models are ready and which need access, and lists the endpoints', async () => {
    const before = bedrock.requests.length;
    type Result = { bedrock: { ok: boolean; region?: string; problem?: string; models: { id: string; status: string }[] }; endpoints: { label: string; count: number; problem?: string }[] };
    const result = await vscode.commands.executeCommand<Result>(COMMAND.checkConnection, { quiet: true });
    assert.ok(result?.bedrock.ok, `Bedrock answered: ${result?.bedrock.problem}`);
    const status = (id: string) => result.bedrock.models.find((m) => m.id === id)?.status;
    assert.strictEqual(status(HAIKU), 'ready');
    assert.strictEqual(status('bedrock/anthropic.claude-sonnet-4-20250514-v1:0'), 'needs-access');
    assert.strictEqual(status('bedrock/eu.anthropic.claude-sonnet-4-20250514-v1:0'), 'needs-access');
    assert.strictEqual(status('bedrock/mistral.mistral-large-2402-v1:0'), 'pending');
    const asked = bedrock.requests.slice(before).filter((r) => r.path.startsWith('/foundation-model-availability/'));
    assert.ok(asked.length >= 5, `availability was asked of the local server per foundation model (${asked.length})`);
    assert.ok(result.endpoints.some((e) => e.label === ENDPOINT && !e.problem && e.count > 0), `the local endpoint is listed: ${JSON.stringify(result.endpoints)}`);
    assert.match(result.endpoints.find((e) => e.label === 'keyed')?.problem ?? '', /API key/);
  });

  it('an OpenAI-compatible endpoint from settings answers `name/model` ids, free when local', async () => {
    const outcome = await run(`${ENDPOINT}/llama3.2:latest`);
    assert.strictEqual(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.match(outcome.output, /Answered by llama3\.2:latest \(local OpenAI-compatible server\)/);
    const request = [...openai.requests].reverse().find((r) => r.method === 'POST');
    assert.deepStrictEqual((request?.body as { stream_options?: unknown }).stream_options, { include_usage: true });
    assert.strictEqual((request?.body as { max_tokens?: unknown }).max_tokens, 80);
    assert.strictEqual(typeof outcome.metrics.outputTokens, 'number');
    assert.strictEqual(outcome.metrics.costUsd, 0, 'a model listed by a local endpoint costs nothing');
    const record = await recordOf(outcome.runId);
    assert.strictEqual(record.model, `${ENDPOINT}/llama3.2:latest`);
  });

  it('an endpoint key set with Set Endpoint API Key is sent as a bearer token', async () => {
    const missing = await run('keyed/qwen2.5:7b');
    assert.strictEqual(missing.error?.kind, 'credentials', JSON.stringify(missing.error));
    assert.ok(await vscode.commands.executeCommand<boolean>(COMMAND.setEndpointApiKey, 'keyed', 'sk-integration-key'));
    const outcome = await run('keyed/qwen2.5:7b');
    assert.strictEqual(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.strictEqual(keyed.requests[keyed.requests.length - 1].headers.authorization, 'Bearer sk-integration-key');
    const line = JSON.stringify(await recordOf(outcome.runId));
    assert.ok(!line.includes('sk-integration-key'), 'the key is not in the record');
  });

  it('an endpoint error is a sentence with the fix: unknown model, server not running', async () => {
    const missing = await run(`${ENDPOINT}/llama9-sim-notfound`);
    assert.strictEqual(missing.error?.kind, 'not-found');
    assert.match(missing.error?.message ?? '', /`ollama pull llama9-sim-notfound`/);
    const port = await closedPort();
    await setSetting('openai.endpoints', [{ name: ENDPOINT, baseUrl: `http://127.0.0.1:${port}/v1` }]);
    const down = await run(`${ENDPOINT}/llama3.2:latest`);
    assert.strictEqual(down.error?.kind, 'network');
    assert.match(down.error?.message ?? '', /nothing is listening there\. Is Ollama running\? Start it with `ollama serve`/);
    await setSetting('openai.endpoints', [{ name: ENDPOINT, baseUrl: openai.url }, { name: 'keyed', baseUrl: keyed.url, apiKeySecret: true }]);
  });

  const BEDROCK_ERRORS: Array<[model: string, kind: string, message: RegExp]> = [
    ['bedrock/anthropic.sim-denied-v1:0', 'access-denied', /no access to anthropic\.sim-denied-v1:0 in us-east-1 .*modelaccess/],
    ['bedrock/anthropic.sim-throttle-v1:0', 'throttled', /throttling requests .*Wait and retry/],
    ['bedrock/anthropic.sim-invalid-v1:0', 'validation', /rejected the request .*inference profile/],
    ['bedrock/anthropic.sim-notfound-v1:0', 'not-found', /could not find anthropic\.sim-notfound-v1:0 in us-east-1/],
    ['bedrock/anthropic.sim-unavailable-v1:0', 'unavailable', /could not serve .*Try again in a minute/],
    ['bedrock/anthropic.sim-midstream-v1:0', 'stream-broken', /stream broke after \d+ characters; the partial answer is kept/],
  ];
  for (const [model, kind, message] of BEDROCK_ERRORS) {
    it(`Bedrock ${kind} (${model.replace('bedrock/anthropic.', '')}) reaches the outcome and the record as "${kind}"`, async () => {
      const outcome = await run(model);
      assert.strictEqual(outcome.error?.kind, kind, JSON.stringify(outcome.error));
      assert.match(outcome.error?.message ?? '', message);
      const record = await recordOf(outcome.runId);
      assert.strictEqual((record.error as { kind: string }).kind, kind);
      assert.strictEqual(record.partial, kind === 'stream-broken');
    });
  }

  it('Bedrock unreachable is a "network" error naming the endpoint; a model that does not stream answers whole', async () => {
    const port = await closedPort();
    await setSetting('bedrock.endpointUrl', `http://127.0.0.1:${port}`);
    const down = await run(NOVA);
    assert.strictEqual(down.error?.kind, 'network', JSON.stringify(down.error));
    assert.match(down.error?.message ?? '', new RegExp(`Could not reach http://127\\.0\\.0\\.1:${port}`));
    await setSetting('bedrock.endpointUrl', bedrock.url);
    const whole = await run('bedrock/anthropic.sim-nostream-v1:0');
    assert.strictEqual(whole.error, undefined, JSON.stringify(whole.error));
    assert.match(whole.output, /Answered by anthropic\.sim-nostream-v1:0/);
  });

  it("a prompt's workbench.guardrail blocks, says so, and the record keeps what the guardrail did", async () => {
    const outcome = await vscode.commands.executeCommand<Outcome>(COMMAND.runPrompt, guardedUri, {});
    assert.ok(outcome);
    assert.strictEqual(outcome.output, GUARDRAIL_BLOCKED_MESSAGE);
    assert.strictEqual(outcome.stopReason, 'guardrail_intervened');
    assert.deepStrictEqual(outcome.guardrail, { id: 'gr-sim-block-prompt', version: '4', intervened: true, stage: 'input', reasons: ['content filter MISCONDUCT (HIGH)'] });
    const record = await recordOf(outcome.runId);
    assert.deepStrictEqual(record.guardrail, outcome.guardrail);
  });

  it('the guardrail setting applies to prompts without their own', async () => {
    await setSetting('bedrock.guardrail', { id: 'gr-allow-setting', version: '2' });
    const outcome = await run(NOVA);
    const request = [...bedrock.requests].reverse().find((r) => r.modelId === 'amazon.nova-lite-v1:0');
    assert.deepStrictEqual((request?.body as { guardrailConfig?: unknown }).guardrailConfig, { guardrailIdentifier: 'gr-allow-setting', guardrailVersion: '2', trace: 'enabled' });
    assert.deepStrictEqual(outcome.guardrail, { id: 'gr-allow-setting', version: '2', intervened: false, reasons: [] });
    await setSetting('bedrock.guardrail', null);
  });

  // Wait until a few deltas have gone out (200 ms apart), so the first one has surely reached the extension.
  for (const [label, slowModel, seen] of [
    ['Bedrock', 'bedrock/anthropic.sim-slow-v1:0', () => bedrock.requests.find((r) => r.modelId === 'anthropic.sim-slow-v1:0' && (r.stream?.deltasSent ?? 0) >= 3)?.stream],
    ['an OpenAI-compatible endpoint', `${ENDPOINT}/llama3.2-sim-slow`, () => openai.requests.find((r) => (r.body as { model?: string })?.model === 'llama3.2-sim-slow' && (r.stream?.deltasSent ?? 0) >= 3)?.stream],
  ] as const) {
    it(`a new run of the same prompt cancels the one streaming from ${label}: "cancelled", partial answer kept and recorded`, async () => {
      const slow = run(slowModel);
      const stream = await poll('the slow stream to start', seen);
      const next = await run('echo/echo');
      assert.strictEqual(next.error, undefined);
      const cancelled = await slow;
      assert.strictEqual(cancelled.error?.kind, 'cancelled', JSON.stringify(cancelled.error));
      assert.ok(cancelled.partial && cancelled.output.length > 0, 'the partial answer is kept');
      await poll('the server to see the client go', () => stream.clientClosedEarly);
      const record = await recordOf(cancelled.runId);
      assert.strictEqual((record.error as { kind: string }).kind, 'cancelled');
      assert.strictEqual(record.output, cancelled.output);
    });
  }

  it('the picker commands set the active model and the shortlist without UI, within the limit', async () => {
    assert.strictEqual(await vscode.commands.executeCommand(COMMAND.pickModel, NOVA), NOVA);
    const outcome = await run();
    assert.strictEqual(outcome.model, NOVA, 'a prompt without its own model runs on the active model');
    const three = [HAIKU, US_HAIKU, `${ENDPOINT}/llama3.2:latest`];
    assert.deepStrictEqual(await vscode.commands.executeCommand(COMMAND.pickComparisonModels, three), three);
    const four = await vscode.commands.executeCommand(COMMAND.pickComparisonModels, [...three, NOVA]);
    assert.strictEqual(four, undefined, 'more than promptWorkbench.shortlist.maxModels (3) is refused');
    await setSetting('shortlist.maxModels', 4);
    assert.deepStrictEqual(await vscode.commands.executeCommand(COMMAND.pickComparisonModels, [...three, NOVA]), [...three, NOVA]);
    assert.deepStrictEqual(await vscode.commands.executeCommand(COMMAND.pickModel, HAIKU), HAIKU);
  });
});
