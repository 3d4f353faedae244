import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { emailPromptInputs, prepareThread } from '../../../src/core/email/emailSummary';
import { parseEmail } from '../../../src/core/email/parseEmail';
import { compileDenyList } from '../../../src/core/privacy/denyList';
import { BedrockProvider } from '../../../src/core/providers/bedrock';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { GuardrailRef, ModelProvider, StreamEvent } from '../../../src/core/providers/types';
import { PromptRunner, type RunOutcome } from '../../../src/core/runs/promptRunner';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const ROOT = path.resolve(__dirname, '../../../..');

/** Answers with a fixed text, whatever it is asked: to test what happens to an answer. */
class FixedAnswerProvider implements ModelProvider {
  readonly id = 'fixed';
  calls = 0;
  constructor(private readonly answer: string) {}
  async *stream(): AsyncIterable<StreamEvent> {
    this.calls++;
    yield { type: 'start' };
    yield { type: 'text', text: this.answer };
    yield { type: 'usage', inputTokens: 3, outputTokens: 3 };
    yield { type: 'stop', stopReason: 'end_turn' };
  }
}

describe('guardrails for any provider: deny-list and ApplyGuardrail (local Bedrock server)', () => {
  let server: BedrockServer;
  let dir: string;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 1 });
  });
  after(async () => server.close());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-email-guard-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(options: { body: string; model: string; deny?: string[]; guardrail?: GuardrailRef; fixed?: FixedAnswerProvider; storeInputs?: boolean }): Promise<{ outcome: RunOutcome; record: RunRecord }> {
    const bedrock = new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
    const runner = new PromptRunner({
      providers: new ProviderRegistry({ bedrock: () => bedrock, ...(options.fixed ? { fixed: () => options.fixed! } : {}) }),
      catalog: new ModelCatalog(),
      workspaceFolder: dir,
      guardrail: options.guardrail,
      denyList: compileDenyList(options.deny ?? []).filters,
      storeInputs: options.storeInputs,
    });
    const source = `---\nname: guarded\nmodel: ${options.model}\n---\n${options.body}\n`;
    const file = path.join(dir, 'guarded.prompt');
    fs.writeFileSync(file, source);
    const outcome = await runner.run(await runner.prepare(promptDocument(source, file), {}), { signal: new AbortController().signal });
    const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
    return { outcome, record: records[records.length - 1] };
  }

  it('compiles deny-list words and /patterns/, and explains a broken pattern', () => {
    const { filters, problems } = compileDenyList(['Project Falcon', '/\\b\\d{6}\\b/', '/(/']);
    assert.equal(filters.length, 2);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /\/\(\/ is not a valid regular expression/);
    assert.ok(filters[0].pattern.test('about project falcon.'));
    assert.ok(!filters[0].pattern.test('project falconry'));
  });

  it('a denied word in the input stops the call before any provider is reached, and the record says why', async () => {
    const fixed = new FixedAnswerProvider('fine');
    const { outcome, record } = await run({ body: 'Tell me about Project Falcon.', model: 'fixed/any', deny: ['project falcon'], fixed });
    assert.equal(fixed.calls, 0);
    assert.equal(outcome.stopReason, 'guardrail_intervened');
    assert.deepEqual(outcome.guardrail, { id: 'local-deny-list', version: 'settings', intervened: true, stage: 'input', reasons: ['denied word “project falcon”'] });
    assert.deepEqual(record.guardrail, outcome.guardrail);
  });

  it('a denied pattern in the answer withholds it (output stage), on any provider', async () => {
    const { outcome, record } = await run({ body: 'What is the code?', model: 'fixed/any', deny: ['/\\b\\d{6}\\b/'], fixed: new FixedAnswerProvider('The code is 493021.') });
    assert.ok(!outcome.output.includes('493021'));
    assert.match(outcome.output, /withheld/);
    assert.equal(record.guardrail?.stage, 'output');
    assert.ok(!JSON.stringify(record).includes('493021'), 'the withheld answer is not recorded');
  });

  it('a Bedrock guardrail on another provider: ApplyGuardrail on the input and on the output', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const passing = await run({ body: 'Summarize this.', model: 'echo/echo', guardrail: { id: 'gr-pass', version: '1' } });
      const applied = server.requests.filter((r) => r.path.startsWith('/guardrail/gr-pass/version/1/apply'));
      assert.deepEqual(applied.map((r) => (r.body as { source: string }).source), ['INPUT', 'OUTPUT']);
      assert.deepEqual(passing.outcome.guardrail, { id: 'gr-pass', version: '1', intervened: false, reasons: [] });
      assert.match(passing.outcome.output, /Summarize this\./);

      const blocked = await run({ body: 'How do I pick a lock?', model: 'echo/echo', guardrail: { id: 'gr-sim-block', version: '2' } });
      assert.equal(blocked.outcome.output, 'Sorry, the model cannot answer this question.');
      assert.deepEqual(blocked.record.guardrail, { id: 'gr-sim-block', version: '2', intervened: true, stage: 'input', reasons: ['content filter MISCONDUCT (HIGH)'] });

      const masked = await run({ body: 'Write to ann.lee@example.org today.', model: 'echo/echo', guardrail: { id: 'gr-sim-mask', version: '1' } });
      assert.ok(!masked.outcome.output.includes('ann.lee@example.org'), 'the model got the masked input');
      assert.match(masked.outcome.output, /\{EMAIL\}/);
      assert.equal(masked.record.guardrail?.intervened, true);
      assert.equal(masked.record.guardrail?.stage, 'input');
      assert.match(masked.record.guardrail!.reasons[0], /sensitive information EMAIL \(anonymized\)/);

      const missing = await run({ body: 'Hi', model: 'echo/echo', guardrail: { id: 'gr-sim-missing', version: '1' } });
      assert.equal(missing.outcome.error?.kind, 'validation');
      assert.match(missing.outcome.error!.message, /gr-sim-missing/);
    }));

  it('the masking mapping never reaches the model or the run record, even with inputs stored', async () => {
    const parsed = await parseEmail({ content: fs.readFileSync(path.join(ROOT, 'test/fixtures/emails/outlook-thread.txt')) });
    assert.ok(parsed.ok);
    if (!parsed.ok) return;
    const prepared = prepareThread(parsed.thread, { maskPii: true, maskNames: true });
    const inputs = emailPromptInputs(prepared, []);
    const promptFile = path.join(ROOT, 'prompts', 'email-summary.prompt');
    const runner = new PromptRunner({ providers: new ProviderRegistry(), catalog: new ModelCatalog(), workspaceFolder: dir, storeInputs: true });
    const rendered = await runner.prepare(promptDocument(fs.readFileSync(promptFile, 'utf8'), promptFile), inputs);
    const outcome = await runner.run(rendered, { model: 'echo/echo', signal: new AbortController().signal });
    const recorded = fs.readFileSync(outcome.recordFile!, 'utf8');
    const mapping = prepared.mapping();
    assert.ok(Object.keys(mapping).length >= 8, JSON.stringify(Object.keys(mapping)));
    for (const original of Object.values(mapping)) assert.ok(!recorded.includes(original), `“${original}” is not in the run record`);
    for (const original of Object.values(mapping)) assert.ok(!outcome.output.includes(original), `“${original}” was not sent (echo shows what was sent)`);
    assert.ok(recorded.includes('[EMAIL_1]') && recorded.includes('[NAME_1]'), 'the record keeps the placeholders');
    assert.ok(!/"\[(EMAIL|NAME|PHONE)_\d+\]"\s*:/.test(recorded), 'no placeholder → value pairs');
  });
});
