// "Prompt Workbench: Compare Models" inside a real VS Code: the command runs the workspace's
// prompts/email-summary.prompt on several models at once against a Bedrock-compatible server
// (the local simulator, reached through the `promptWorkbench.bedrock.endpointUrl` setting),
// shows them in one panel, records every call under one comparison id, lets one column be
// stopped while the others go on, and lists the comparison in the Runs view.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startBedrockServer, type BedrockServer } from '../support/bedrockServer';
import { useFakeAwsEnv, useSimulatorSettings } from './simulatorSetup';
import { poll as pollUntil } from './poll';
import { COMMAND } from '../../src/host/commandIds';

const EXTENSION_ID = 'prompt-workbench.prompt-workbench';

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const DENIED = 'bedrock/anthropic.sim-denied-v1:0';
const SLOW = 'bedrock/anthropic.sim-slow-v1:0';

interface Outcome {
  runId: string;
  model: string;
  output: string;
  partial: boolean;
  error?: { kind: string; message: string };
  metrics: { ttftMs: number | null; latencyMs: number; inputTokens: number | null; outputTokens: number | null; costUsd: number | null };
}
interface CompareResult {
  comparisonId: string;
  runs: Outcome[];
}
interface Listed {
  comparisonId: string;
  label: string;
  description: string;
  models: string[];
}

const EMAIL =
  'Subject: Pool size\n\nHi team, we decided to raise the connection pool from 50 to 80. Marco will rerun the load test by Thursday. Thanks, Priya';

const poll = <T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15000) => pollUntil(what, fn, timeoutMs, 50);

function readRunRecords(folder: string): Record<string, unknown>[] {
  const dir = path.join(folder, '.prompt-workbench', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>));
}

const compareTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label.startsWith('Compare: '));

describe('Compare Models against the local Bedrock simulator', function () {
  this.timeout(60000);
  let server: BedrockServer;
  let folder: vscode.WorkspaceFolder;
  let promptUri: vscode.Uri;
  let restoreSettings: (() => Promise<void>) | undefined;
  let restoreEnv: (() => void) | undefined;
  let first: CompareResult;

  const compare = (options: { inputs?: Record<string, string>; models?: string[]; display?: (text: string) => string }) =>
    vscode.commands.executeCommand<CompareResult | undefined>(COMMAND.compareModels, promptUri, options) as Promise<CompareResult | undefined>;

  before(async () => {
    restoreEnv = useFakeAwsEnv();
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'the suite needs a workspace folder (the scratch copy of test/fixtures/sample-workspace)');
    folder = f;
    promptUri = vscode.Uri.joinPath(folder.uri, 'prompts', 'email-summary.prompt');
    assert.ok(fs.existsSync(promptUri.fsPath), `${promptUri.fsPath} exists`);
    server = await startBedrockServer({ tokenDelayMs: 2, firstTokenDelayMs: 20 });
    restoreSettings = await useSimulatorSettings(folder, server.url);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  after(async () => {
    await restoreSettings?.();
    await server?.close();
    restoreEnv?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs three models at once: two answers and an access-denied error in its own column', async () => {
    const result = await compare({ inputs: { email: EMAIL }, models: [NOVA, LLAMA, DENIED] });
    assert.ok(result, `${COMMAND.compareModels} resolved with ${String(result)}`);
    first = result;
    assert.match(result.comparisonId, /^c_[0-9A-Z]{26}$/);
    assert.deepStrictEqual(result.runs.map((r) => r.model), [NOVA, LLAMA, DENIED]);
    for (const run of result.runs.slice(0, 2)) {
      assert.strictEqual(run.error, undefined, `${run.model}: ${JSON.stringify(run.error)}`);
      assert.ok(run.output.includes(run.model.slice('bedrock/'.length)), `the simulator names ${run.model} in its answer`);
      assert.ok(run.output.includes('connection pool') || run.output.includes('Pool size'), 'the email reached the model');
      assert.strictEqual(typeof run.metrics.ttftMs, 'number');
      assert.ok(run.metrics.latencyMs >= run.metrics.ttftMs!);
      assert.ok(run.metrics.outputTokens! > 0 && run.metrics.inputTokens! > 0);
    }
    assert.strictEqual(result.runs[2].error?.kind, 'access-denied', JSON.stringify(result.runs[2].error));
    assert.ok(result.runs[2].error!.message.length > 0);
    const streams = server.requests.filter((q) => q.path.endsWith('/converse-stream'));
    for (const id of ['amazon.nova-lite-v1:0', 'meta.llama3-1-8b-instruct-v1:0', 'anthropic.sim-denied-v1:0']) {
      assert.ok(streams.some((q) => q.modelId === id), `the server received a ConverseStream call for ${id}`);
    }
  });

  it('shows the comparison in one panel titled "Compare: email-summary"', async () => {
    await poll('a "Compare: email-summary" tab', () => compareTabs().some((t) => t.label === 'Compare: email-summary'));
  });

  it('records every call under the comparison id, with its column, the prompt hash and no inputs', async () => {
    const records = await poll('three records', () => {
      const mine = readRunRecords(folder.uri.fsPath).filter((r) => r.comparisonId === first.comparisonId);
      return mine.length === 3 ? mine : undefined;
    });
    const byColumn = [...records].sort((a, b) => Number(a.comparisonColumn) - Number(b.comparisonColumn));
    assert.deepStrictEqual(byColumn.map((r) => r.comparisonColumn), [0, 1, 2]);
    assert.deepStrictEqual(byColumn.map((r) => r.model), [NOVA, LLAMA, DENIED]);
    assert.deepStrictEqual(byColumn.map((r) => r.id), first.runs.map((r) => r.runId));
    for (const r of byColumn) {
      assert.strictEqual(r.schema, 'prompt-workbench.run/1');
      const prompt = r.prompt as { name: string; path: string; contentHash: string };
      assert.strictEqual(prompt.name, 'email-summary');
      assert.strictEqual(prompt.path, 'prompts/email-summary.prompt');
      assert.strictEqual(prompt.contentHash, (byColumn[0].prompt as { contentHash: string }).contentHash);
      assert.ok(!('inputs' in r), 'inputs are stored as a hash only by default');
      assert.match(String(r.inputsHash), /^sha256:/);
    }
    assert.strictEqual((byColumn[2].error as { kind: string }).kind, 'access-denied');
    assert.strictEqual(byColumn[0].output, first.runs[0].output);
  });

  it('the Runs view lists the comparison with its three models', async () => {
    const listed = await poll('the comparison in the Runs view', async () => {
      const items = await vscode.commands.executeCommand<Listed[]>(COMMAND.refreshRuns);
      return items.find((c) => c.comparisonId === first.comparisonId);
    });
    const version = /^version:\s*(\d+)/m.exec(fs.readFileSync(path.join(folder.uri.fsPath, 'prompts', 'email-summary.prompt'), 'utf8'))?.[1];
    assert.strictEqual(listed.label, `email-summary v${version}`);
    assert.deepStrictEqual(listed.models, [NOVA, LLAMA, DENIED]);
    assert.match(listed.description, /3 models · 1 failed/);
  });

  it('stops one column: it ends cancelled with its partial answer while the other finishes', async () => {
    const before = server.requests.length;
    const pending = compare({ inputs: { email: EMAIL }, models: [NOVA, SLOW] });
    // Two deltas sent means the first one arrived 200 ms ago: the column has text to keep.
    const slowRequest = await poll('the slow model to stream', () =>
      server.requests.slice(before).find((q) => q.modelId === 'anthropic.sim-slow-v1:0' && (q.stream?.deltasSent ?? 0) >= 2),
    );
    const stopped = await vscode.commands.executeCommand<boolean>(COMMAND.stopComparison, undefined, 1);
    assert.strictEqual(stopped, true, 'the slow column was running and is stopped');
    const result = await pending;
    assert.ok(result);
    assert.strictEqual(result.runs[1].error?.kind, 'cancelled');
    assert.strictEqual(result.runs[1].partial, true);
    assert.ok(result.runs[1].output.length > 0, 'the words that arrived are kept');
    assert.ok(!result.runs[1].output.includes('local Bedrock simulator'), 'the slow answer did not run to its end');
    assert.strictEqual(result.runs[0].error, undefined);
    assert.ok(result.runs[0].output.includes('amazon.nova-lite-v1:0'), 'the other column ran to its end');
    await poll('the server to see the stream closed', () => slowRequest.stream?.clientClosedEarly);
    const record = await poll('the cancelled record', () =>
      readRunRecords(folder.uri.fsPath).find((r) => r.id === result.runs[1].runId),
    );
    assert.strictEqual((record.error as { kind: string }).kind, 'cancelled');
    assert.strictEqual(record.comparisonColumn, 1);
  });

  it('Stop Comparison without a column stops every model of the latest comparison', async () => {
    const before = server.requests.length;
    const pending = compare({ inputs: { email: EMAIL }, models: [SLOW, 'bedrock/meta.sim-slow-v1:0'] });
    await poll('both slow models to stream', () => server.requests.slice(before).filter((q) => (q.stream?.deltasSent ?? 0) > 0).length === 2);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>(COMMAND.stopComparison), true);
    const result = await pending;
    assert.deepStrictEqual(result?.runs.map((r) => r.error?.kind), ['cancelled', 'cancelled']);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>(COMMAND.stopComparison), false, 'nothing left to stop');
  });

  it('a display function (Compare from the email panel) restores masked details in the panel only: the model and the record keep the placeholders', async () => {
    const masked = 'Subject: Pool size\n\nHi team, we decided that [NAME_1] raises the connection pool to 80; write to [EMAIL_1]. [NAME_1] will rerun the load test by Thursday.';
    const restore = (t: string) => t.replace(/\[NAME_1\]/g, 'Marco Rossi').replace(/\[EMAIL_1\]/g, 'marco@example.org');
    const result = await compare({ inputs: { email: masked }, models: [NOVA], display: restore });
    assert.ok(result);
    const run = result.runs[0];
    assert.strictEqual(run.error, undefined, JSON.stringify(run.error));
    assert.match(run.output, /\[NAME_1\]/, 'the model answered with the placeholders it was given');
    const shown = await vscode.commands.executeCommand<{ columns: { output: string }[] }>(COMMAND.toggleBlindRating, false, result.comparisonId);
    assert.ok(shown, 'the comparison is open');
    assert.match(shown.columns[0].output, /Marco Rossi/, 'the panel shows the details restored');
    assert.doesNotMatch(shown.columns[0].output, /\[(NAME|EMAIL)_1\]/);
    const record = readRunRecords(folder.uri.fsPath).find((r) => r.comparisonId === result.comparisonId);
    assert.ok(record, 'the run is recorded');
    assert.match(String(record.output), /\[NAME_1\]/);
    assert.ok(!JSON.stringify(readRunRecords(folder.uri.fsPath)).includes('Marco Rossi'), 'the restored details are never recorded');
  });

  it('without a models argument, compares the prompt’s own model and its workbench.compare list', async () => {
    const result = await compare({ inputs: { email: EMAIL } });
    assert.ok(result);
    assert.deepStrictEqual(result.runs.map((r) => r.model), ['bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0', NOVA, LLAMA]);
    assert.ok(result.runs.every((r) => !r.error), JSON.stringify(result.runs.map((r) => r.error)));
  });

  it('reopens a recorded comparison from the records in a new panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await poll('no comparison panel', () => compareTabs().length === 0);
    const opened = await vscode.commands.executeCommand<boolean>(COMMAND.openComparison, first.comparisonId);
    assert.strictEqual(opened, true);
    await poll('the reopened panel', () => compareTabs().some((t) => t.label === 'Compare: email-summary'));
    assert.strictEqual(await vscode.commands.executeCommand<boolean>(COMMAND.openComparison, 'c_00000000000000000000000000'), false, 'an unknown id is said, not shown');
  });
});
