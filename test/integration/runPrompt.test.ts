// "Prompt Workbench: Run Prompt" end to end inside a real VS Code: the command renders the
// workspace's prompts/email-summary.prompt, streams it from a Bedrock-compatible server
// (the local simulator, started here in the extension host and reached through the
// `promptWorkbench.bedrock.endpointUrl` setting, exactly as a user would configure it) and
// resolves with the outcome; the run is recorded under .prompt-workbench/runs/.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { contentHash } from '../../src/core/prompt/contentHash';
import { composeAnswer, estimateTokens, readConversation, splitIntoPieces, type ConverseBody } from '../support/bedrockAnswers';
import { startBedrockServer, type BedrockServer, type RecordedRequest } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll as pollUntil } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';

interface RunOutcome {
  runId: string;
  model: string;
  output: string;
  error?: { kind: string; message: string; line?: number };
  metrics: {
    ttftMs: number | null;
    latencyMs: number;
    inputTokens: number | null;
    outputTokens: number | null;
    costUsd: number | null;
  };
}

const SHORT_EMAIL =
  'Subject: Pool size\n\nHi team, we decided to raise the connection pool from 50 to 80. Marco will rerun the load test by Thursday. Thanks, Priya';

const poll = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 10000) => pollUntil(what, fn, timeoutMs, 100);

function bareModelId(model: string): string {
  return model.includes('/') ? model.slice(model.indexOf('/') + 1) : model;
}

/** The answer the simulator streams for a request: its own pure function, shaped by maxTokens and stop sequences. */
function expectedAnswer(request: RecordedRequest): { text: string; pieces: number; inputTokens: number } {
  const body = request.body as ConverseBody & { inferenceConfig?: { maxTokens?: number; stopSequences?: string[] } };
  const conversation = readConversation(body);
  let text = composeAnswer(request.modelId ?? '', conversation);
  for (const stop of body.inferenceConfig?.stopSequences ?? []) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at >= 0) text = text.slice(0, at);
  }
  let pieces = splitIntoPieces(text);
  const max = body.inferenceConfig?.maxTokens;
  if (max !== undefined && pieces.length > max) pieces = pieces.slice(0, max);
  return { text: pieces.join(''), pieces: pieces.length, inputTokens: estimateTokens(conversation.allText) };
}

function readRunRecords(folder: string): { file: string; line: string; record: Record<string, unknown> }[] {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => ({ file: f, line, record: JSON.parse(line) as Record<string, unknown> })),
    );
}

describe('Run Prompt against the local Bedrock simulator', function () {
  this.timeout(60000);

  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let email: string;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  let first: RunOutcome;

  async function run(uri: vscode.Uri, options: { inputs?: Record<string, string>; model?: string }): Promise<RunOutcome> {
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(COMMAND.runPrompt, uri, options);
    assert.ok(outcome, `${COMMAND.runPrompt} resolved with ${String(outcome)}`);
    return outcome;
  }

  function lastModelRequest(modelId: string): RecordedRequest {
    const request = [...server.requests].reverse().find((r) => r.method === 'POST' && r.modelId === modelId && /\/converse(-stream)?$/.test(r.path));
    assert.ok(request, `the server received no Converse request for ${modelId} (got: ${server.requests.map((r) => `${r.method} ${r.path}`).join(', ')})`);
    return request;
  }

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder (the scratch copy of test/fixtures/sample-workspace)');
    folder = f;
    promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'email-summary.prompt');
    assert.ok(fs.existsSync(promptUri.fsPath), `${promptUri.fsPath} exists`);
    email = fs.readFileSync(path.join(folder.uri.fsPath, 'emails', 'launch-thread.txt'), 'utf8');

    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 15 });
    restoreSettings = await useSimulatorSettings(folder, server.url);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs prompts/email-summary.prompt and resolves with exactly what the server streamed', async () => {
    first = await run(promptUri, { inputs: { email } });
    assert.strictEqual(first.error, undefined, `unexpected error: ${JSON.stringify(first.error)}`);
    assert.ok(first.runId, 'the outcome has a run id');
    assert.ok(first.output.trim().length > 0, 'the output is not empty');
    const modelId = bareModelId(first.model);
    assert.ok(first.output.includes(modelId), `the output names the model ${modelId}: ${first.output.slice(-200)}`);
    const request = lastModelRequest(modelId);
    assert.ok(JSON.stringify(request.body).includes('Orders API v2'), 'the email was rendered into the request');
    assert.strictEqual(first.output, expectedAnswer(request).text);
  });

  it('reports time to first token, latency and token counts as numbers', () => {
    const { metrics } = first;
    const request = lastModelRequest(bareModelId(first.model));
    const expected = expectedAnswer(request);
    assert.strictEqual(typeof metrics.ttftMs, 'number', `ttftMs: ${metrics.ttftMs}`);
    assert.strictEqual(typeof metrics.latencyMs, 'number', `latencyMs: ${metrics.latencyMs}`);
    assert.ok(metrics.ttftMs! >= 0 && metrics.ttftMs! <= metrics.latencyMs, `0 <= ttft ${metrics.ttftMs} <= latency ${metrics.latencyMs}`);
    assert.ok(metrics.latencyMs > 0);
    assert.strictEqual(metrics.inputTokens, expected.inputTokens, 'input tokens as the server reported them');
    assert.strictEqual(metrics.outputTokens, expected.pieces, 'output tokens as the server reported them');
  });

  it('shows the run in a panel titled "Run: email-summary"', async () => {
    await poll(
      'a "Run: email-summary" tab',
      () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label === 'Run: email-summary')),
    );
  });

  it('appends a prompt-workbench.run/1 record with the prompt hash and no credentials', async () => {
    const lines = await poll('the run record', () => {
      const all = readRunRecords(folder.uri.fsPath);
      return all.some((l) => l.record.id === first.runId) ? all : undefined;
    });
    const mine = lines.find((l) => l.record.id === first.runId)!;
    assert.match(mine.file, /^\d{4}-\d{2}\.jsonl$/, 'runs/YYYY-MM.jsonl');
    const ts = new Date(String(mine.record.ts));
    assert.strictEqual(mine.file, `${ts.toISOString().slice(0, 7)}.jsonl`, 'the file is the UTC month of the run');
    const r = mine.record as {
      schema: string;
      model: string;
      output: string;
      prompt: { name: string; version: number; contentHash: string; path: string | null };
      metrics: Record<string, unknown>;
      error: unknown;
      inputsHash: string;
    };
    assert.strictEqual(r.schema, 'prompt-workbench.run/1');
    assert.strictEqual(r.model, first.model);
    assert.strictEqual(r.output, first.output);
    assert.strictEqual(r.error, null);
    assert.strictEqual(r.prompt.name, 'email-summary');
    assert.strictEqual(typeof r.prompt.version, 'number');
    assert.strictEqual(r.prompt.path, 'prompts/email-summary.prompt');
    assert.match(r.prompt.contentHash, /^[0-9a-f]{6,}$/i, `contentHash: ${r.prompt.contentHash}`);
    assert.strictEqual(r.prompt.contentHash, contentHash(fs.readFileSync(promptUri.fsPath, 'utf8')), 'the hash of the file that ran');
    assert.strictEqual(r.metrics.ttftMs, first.metrics.ttftMs);
    assert.strictEqual(r.metrics.outputTokens, first.metrics.outputTokens);
    // Inputs are kept as a hash only (the default), and nothing secret is in the line.
    assert.match(r.inputsHash, /^sha256:[0-9a-f]{64}$/, `inputsHash: ${r.inputsHash}`);
    assert.ok(!('inputs' in r), 'input values are not stored by default');
    for (const secret of [process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN]) {
      if (secret) assert.ok(!mine.line.includes(secret), 'no AWS credential in the run record');
    }
    assert.doesNotMatch(mine.line, /authorization|aws4-hmac|x-amz-security-token|secretaccesskey|AKID/i);
  });

  it('gives the same contentHash for the same file and another one when the file changes', async () => {
    const second = await run(promptUri, { inputs: { email: SHORT_EMAIL } });
    assert.strictEqual(second.error, undefined, JSON.stringify(second.error));
    const changedUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'email-summary-edited.prompt');
    fs.writeFileSync(changedUri.fsPath, `${fs.readFileSync(promptUri.fsPath, 'utf8')}\nPlease be brief.\n`);
    try {
      const third = await run(changedUri, { inputs: { email: SHORT_EMAIL } });
      assert.strictEqual(third.error, undefined, JSON.stringify(third.error));
      const hashOf = (runId: string) => {
        const line = readRunRecords(folder.uri.fsPath).find((l) => l.record.id === runId);
        assert.ok(line, `record ${runId}`);
        return (line.record.prompt as { contentHash: string }).contentHash;
      };
      await poll('the records', () => readRunRecords(folder.uri.fsPath).some((l) => l.record.id === third.runId));
      assert.strictEqual(hashOf(second.runId), hashOf(first.runId), 'same file, same hash');
      assert.notStrictEqual(hashOf(third.runId), hashOf(first.runId), 'changed file, new hash');
    } finally {
      fs.rmSync(changedUri.fsPath, { force: true });
    }
  });

  it('a model the account may not use gives an "access-denied" error, and the next run still works', async () => {
    const denied = await run(promptUri, { inputs: { email: SHORT_EMAIL }, model: 'bedrock/anthropic.sim-denied-v1:0' });
    assert.ok(denied.error, 'the outcome carries an error');
    assert.strictEqual(denied.error.kind, 'access-denied', JSON.stringify(denied.error));
    assert.ok(denied.error.message.length > 0);
    assert.strictEqual(denied.model, 'bedrock/anthropic.sim-denied-v1:0');

    const again = await run(promptUri, { inputs: { email: SHORT_EMAIL } });
    assert.strictEqual(again.error, undefined, JSON.stringify(again.error));
    assert.ok(again.output.includes(bareModelId(again.model)));
    assert.strictEqual(again.output, expectedAnswer(lastModelRequest(bareModelId(again.model))).text);
  });

  it('a .prompt with broken YAML does not throw: error kind "prompt" naming the line', async () => {
    const brokenUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'broken-yaml.prompt');
    fs.writeFileSync(
      brokenUri.fsPath,
      [
        '---',
        'name: broken-yaml',
        'model: bedrock/anthropic.claude-3-5-haiku-20241022-v1:0',
        'config: {temperature: 0.2, maxOutputTokens: 100',
        'input:',
        '  schema: {email: string}',
        '---',
        '{{email}}',
        '',
      ].join('\n'),
    );
    const before = server.requests.length;
    try {
      const outcome = await run(brokenUri, { inputs: { email: SHORT_EMAIL } });
      assert.ok(outcome.error, 'the outcome carries an error');
      assert.strictEqual(outcome.error.kind, 'prompt', JSON.stringify(outcome.error));
      assert.match(outcome.error.message, /\bline\s+\d+/i, `the message names the line: ${outcome.error.message}`);
      assert.strictEqual(server.requests.length, before, 'no model was called');
    } finally {
      fs.rmSync(brokenUri.fsPath, { force: true });
    }
  });
});
