// ComparisonRunner on the real PromptRunner, the real BedrockProvider (the AWS SDK) and the
// local Bedrock-compatible server, with real run records in a scratch workspace.
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { BedrockProvider } from '../../../src/core/providers/bedrock';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { ComparisonEvent, ComparisonRunner, type ComparisonRunnable } from '../../../src/core/runs/comparisonRunner';
import { PromptRunner, type RunOutcome } from '../../../src/core/runs/promptRunner';
import { readComparisons } from '../../../src/core/runs/runHistory';
import { WorkbenchPaths } from '../../../src/core/workspace/paths';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const PROMPT = `---
name: pick-a-model
version: 4
model: bedrock/amazon.nova-lite-v1:0
config: {temperature: 0.2, maxOutputTokens: 12}
input:
  schema: {question: string}
---
{{role "user"}}{{question}}
`;

const NOVA = 'bedrock/amazon.nova-lite-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';
const DENIED = 'bedrock/anthropic.sim-denied-v1:0';
const SLOW = 'bedrock/anthropic.sim-slow-v1:0';

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
  AWS_SECRET_ACCESS_KEY: 'local-test-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
};

describe('ComparisonRunner (real SDK against the local Bedrock server)', function () {
  this.timeout(20000);
  let server: BedrockServer;
  let dir: string;
  let file: string;
  const savedEnv = new Map<string, string | undefined>();

  before(async () => {
    for (const [k, v] of Object.entries({ ...AWS_ENV, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' })) {
      savedEnv.set(k, process.env[k]);
      process.env[k] = v;
    }
    server = await startBedrockServer({ firstTokenDelayMs: 60, tokenDelayMs: 15 });
  });
  after(async () => {
    await server.close();
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-compare-'));
    fs.mkdirSync(path.join(dir, 'prompts'));
    file = path.join(dir, 'prompts', 'pick-a-model.prompt');
    fs.writeFileSync(file, PROMPT);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function promptRunner(): PromptRunner {
    return new PromptRunner({
      providers: new ProviderRegistry({ bedrock: () => new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 }) }),
      catalog: new ModelCatalog(),
      workspaceFolder: dir,
    });
  }

  async function comparison(models: string[], runner: ComparisonRunnable = promptRunner(), signal?: AbortSignal) {
    const events: (ComparisonEvent & { at: number })[] = [];
    const inputs = { question: 'Which model should summarise our support tickets?' };
    const rendered = await promptRunner().prepare(promptDocument(PROMPT, file), inputs);
    const c = new ComparisonRunner({ runner, prepared: rendered, models, signal, onEvent: (e) => events.push({ ...e, at: performance.now() }) });
    return { c, events };
  }

  const firstText = (events: ComparisonEvent[], column: number) =>
    events.find((e) => e.type === 'stream' && e.column === column && e.event.type === 'text') as (ComparisonEvent & { at: number }) | undefined;
  const ends = (events: ComparisonEvent[], column: number) => events.filter((e) => e.type === 'column-end' && e.column === column) as Extract<ComparisonEvent, { type: 'column-end' }>[];

  it('streams every model at once: each column has text before any column ends', async () => {
    const { c, events } = await comparison([NOVA, LLAMA, 'amazon.nova-micro-v1:0']);
    const result = await c.run();
    assert.equal(result.comparisonId, c.comparisonId);
    assert.match(c.comparisonId, /^c_[0-9A-Z]{26}$/);
    assert.deepEqual(result.runs.map((r) => r.model), [NOVA, LLAMA, 'bedrock/amazon.nova-micro-v1:0'], 'bare ids are qualified; column order kept');
    const firstEnd = Math.min(...events.filter((e) => e.type === 'column-end').map((e) => e.at));
    for (const column of [0, 1, 2]) {
      const t = firstText(events, column);
      assert.ok(t, `column ${column} streamed text`);
      assert.ok(t.at < firstEnd, `column ${column}'s first text came before the first column ended (sequential runs would not)`);
      assert.equal(ends(events, column).length, 1);
    }
    for (const r of result.runs) {
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.ok(r.output.length > 0);
      assert.ok(r.metrics.ttftMs !== null && r.metrics.ttftMs >= 60, `ttft ${r.metrics.ttftMs} includes the server's 60 ms`);
    }
    const streamed = server.requests.filter((q) => q.path.endsWith('/converse-stream')).slice(-3);
    assert.deepEqual(streamed.map((q) => q.modelId).sort(), ['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'meta.llama3-1-8b-instruct-v1:0']);
  });

  it('an error stays in its column while the others finish, and every call is recorded under one comparison id', async () => {
    const { c } = await comparison([NOVA, DENIED, LLAMA]);
    const result = await c.run();
    assert.equal(result.runs[1].error?.kind, 'access-denied');
    assert.match(result.runs[1].error!.message, /access/i);
    for (const i of [0, 2]) {
      assert.equal(result.runs[i].error, undefined);
      assert.ok(result.runs[i].output.length > 0);
      assert.equal(result.runs[i].stopReason, 'max_tokens', 'ran to the 12 tokens the prompt allows');
    }
    const { comparisons, problems } = await readComparisons(new WorkbenchPaths(dir).runsDir);
    assert.deepEqual(problems, []);
    assert.equal(comparisons.length, 1);
    const [summary] = comparisons;
    assert.equal(summary.comparisonId, c.comparisonId);
    assert.deepEqual(summary.prompt, { name: 'pick-a-model', version: 4, contentHash: summary.prompt.contentHash, path: 'prompts/pick-a-model.prompt' });
    assert.deepEqual(summary.columns.map((r) => r.model), [NOVA, DENIED, LLAMA]);
    assert.deepEqual(summary.columns.map((r) => r.comparisonColumn), [0, 1, 2]);
    assert.deepEqual(summary.columns.map((r) => r.id), result.runs.map((r) => r.runId));
    assert.equal(summary.columns[1].error?.kind, 'access-denied');
  });

  it('stops one column: it ends cancelled with its partial answer, the others run to the end', async () => {
    const { c, events } = await comparison([NOVA, SLOW]);
    const done = c.run();
    await waitFor(() => firstText(events, 1));
    assert.equal(c.stop(1), true);
    const result = await done;
    assert.equal(result.runs[1].error?.kind, 'cancelled');
    assert.equal(result.runs[1].partial, true);
    assert.ok(result.runs[1].output.length > 0, 'the words that arrived are kept');
    assert.equal(result.runs[1].stopReason, null, 'the slow answer did not run to its end');
    assert.equal(result.runs[0].error, undefined);
    assert.equal(result.runs[0].stopReason, 'max_tokens', 'the other column ran to its end');
    const slowRequest = server.requests.filter((q) => q.modelId === 'anthropic.sim-slow-v1:0').at(-1);
    await waitFor(() => slowRequest?.stream?.clientClosedEarly);
    assert.ok(slowRequest!.stream!.deltasSent < 12, `the server stopped sending (${slowRequest!.stream!.deltasSent} of 12 deltas)`);
    assert.equal(c.stop(1), false, 'a column that has ended cannot be stopped');
  });

  it('retries a stopped column: a new call under the same comparison id replaces it', async () => {
    const { c, events } = await comparison([NOVA, SLOW]);
    const done = c.run();
    await waitFor(() => firstText(events, 1));
    c.stop(1);
    const first = await done;
    assert.equal(first.runs[1].error?.kind, 'cancelled');
    const retried = await c.retry(1);
    assert.equal(retried.error, undefined, JSON.stringify(retried.error));
    assert.equal(retried.stopReason, 'max_tokens', 'the prompt asks for 12 tokens at most');
    assert.notEqual(retried.runId, first.runs[1].runId);
    const after = await c.settled();
    assert.equal(after.runs[1].runId, retried.runId, 'the column holds its latest attempt');
    assert.equal(after.runs[0].runId, first.runs[0].runId, 'the other column is untouched');
    assert.deepEqual(ends(events, 1).map((e) => e.attempt), [1, 2]);
    const { comparisons } = await readComparisons(new WorkbenchPaths(dir).runsDir);
    assert.equal(comparisons.length, 1);
    assert.equal(comparisons[0].runCount, 3, 'the stopped attempt is recorded too');
    assert.deepEqual(comparisons[0].columns.map((r) => r.id), [first.runs[0].runId, retried.runId]);
  });

  it('retrying a running column forgets the attempt it replaced: one end event, the new outcome', async () => {
    const { c, events } = await comparison([NOVA, SLOW]);
    const done = c.run();
    await waitFor(() => firstText(events, 1));
    const retried = c.retry(1);
    const result = await done;
    const outcome = await retried;
    assert.equal(outcome.error, undefined);
    assert.equal(result.runs[1].runId, outcome.runId, 'run() waited for the retry');
    const columnEnds = ends(events, 1);
    assert.equal(columnEnds.length, 1, 'the replaced attempt reports nothing');
    assert.equal(columnEnds[0].attempt, 2);
  });

  it('an aborted signal stops every column', async () => {
    const abort = new AbortController();
    const { c, events } = await comparison([SLOW, SLOW], promptRunner(), abort.signal);
    const done = c.run();
    await waitFor(() => firstText(events, 0) && firstText(events, 1));
    abort.abort();
    const result = await done;
    assert.deepEqual(result.runs.map((r) => r.error?.kind), ['cancelled', 'cancelled']);
    assert.equal(c.isRunning(), false);
  });

  it('a runner that throws fails only its own column', async () => {
    const real = promptRunner();
    const flaky: ComparisonRunnable = {
      resolveModel: (promptModel, model) => real.resolveModel(promptModel, model),
      run: (prepared, options): Promise<RunOutcome> => (options.model === LLAMA ? Promise.reject(new Error('socket hang up')) : real.run(prepared, options)),
    };
    const { c } = await comparison([NOVA, LLAMA], flaky);
    const result = await c.run();
    assert.equal(result.runs[0].error, undefined);
    assert.equal(result.runs[1].error?.kind, 'unknown');
    assert.match(result.runs[1].error!.message, /socket hang up/);
  });

  it('needs at least one model', () => {
    assert.throws(() => new ComparisonRunner({ runner: promptRunner(), prepared: {} as never, models: [] }), /at least one model/);
  });
});

async function waitFor<T>(fn: () => T, timeoutMs = 10000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
