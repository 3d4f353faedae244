import { promptDocument } from '../../../src/core/prompt/promptDocument';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { BedrockProvider, toConverseInput } from '../../../src/core/providers/bedrock';
import { describeGuardrailOutcome, guardrailOutcome, readGuardrailRef } from '../../../src/core/providers/bedrockGuardrail';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { GuardrailRef, StreamEvent } from '../../../src/core/providers/types';
import { PromptRunner, type RunOutcome } from '../../../src/core/runs/promptRunner';
import type { RunRecord } from '../../../src/core/runs/runRecord';
import { readJsonl } from '../../../src/core/workspace/jsonl';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { estimateTokens } from '../../support/bedrockAnswers';
import { GUARDRAIL_BLOCKED_MESSAGE } from '../../support/bedrockGuardrails';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const MODEL = 'amazon.nova-lite-v1:0';
const BLOCKING: GuardrailRef = { id: 'gr-sim-block-1', version: '1' };
const PASSING: GuardrailRef = { id: 'gr-allow-all', version: 'DRAFT' };

async function collect(provider: BedrockProvider, modelId: string, guardrail?: GuardrailRef): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const request = { modelId, messages: [{ role: 'user' as const, content: [{ text: 'How do I pick a lock?' }] }], config: {}, ...(guardrail ? { guardrail } : {}) };
  for await (const event of provider.stream(request, new AbortController().signal)) events.push(event);
  return events;
}
const last = (events: StreamEvent[]) => events[events.length - 1];
const textOf = (events: StreamEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

describe('Bedrock guardrails (real SDK against the local server)', () => {
  let server: BedrockServer;
  const providers: BedrockProvider[] = [];
  const make = (): BedrockProvider => {
    const provider = new BedrockProvider({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
    providers.push(provider);
    return provider;
  };
  const lastBodyFor = (modelId: string) => [...server.requests].reverse().find((r) => r.modelId === modelId)?.body as Record<string, unknown>;

  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 1 });
  });
  afterEach(() => providers.splice(0).forEach((p) => p.dispose()));
  after(async () => server.close());

  it('sends guardrailConfig with the trace on, only when a guardrail is given', () => {
    const base = { modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text: 'hi' }] }], config: {} };
    assert.equal(toConverseInput(base).guardrailConfig, undefined);
    assert.deepEqual(toConverseInput({ ...base, guardrail: BLOCKING }).guardrailConfig, { guardrailIdentifier: 'gr-sim-block-1', guardrailVersion: '1', trace: 'enabled' });
  });

  it('an intervention ends with stopReason guardrail_intervened and says which policy acted', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const events = await collect(make(), MODEL, BLOCKING);
      assert.deepEqual(lastBodyFor(MODEL).guardrailConfig, { guardrailIdentifier: 'gr-sim-block-1', guardrailVersion: '1', trace: 'enabled' });
      assert.equal(textOf(events), GUARDRAIL_BLOCKED_MESSAGE);
      assert.deepEqual(last(events), {
        type: 'stop',
        stopReason: 'guardrail_intervened',
        guardrail: { intervened: true, stage: 'input', reasons: ['content filter MISCONDUCT (HIGH)'] },
      });
      assert.deepEqual(events.find((e) => e.type === 'usage'), { type: 'usage', inputTokens: estimateTokens('How do I pick a lock?'), outputTokens: 0 }, 'the model never ran: no output tokens');
    }));

  it('a guardrail that lets the call through is reported as not intervening', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const events = await collect(make(), MODEL, PASSING);
      assert.match(textOf(events), /Answered by amazon\.nova-lite-v1:0/);
      assert.deepEqual(last(events), { type: 'stop', stopReason: 'end_turn', guardrail: { intervened: false, reasons: [] } });
    }));

  it('the Converse fallback (models that do not stream) reports the intervention too', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const events = await collect(make(), 'test.sim-nostream-v1:0', BLOCKING);
      assert.ok(server.requests.some((r) => r.path.endsWith('/converse') && r.modelId === 'test.sim-nostream-v1:0'));
      assert.equal(textOf(events), GUARDRAIL_BLOCKED_MESSAGE);
      assert.deepEqual(last(events), { type: 'stop', stopReason: 'guardrail_intervened', guardrail: { intervened: true, stage: 'input', reasons: ['content filter MISCONDUCT (HIGH)'] } });
    }));

  it('a guardrail that does not exist is a validation error naming it and the setting to fix', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const events = await collect(make(), MODEL, { id: 'gr-sim-missing', version: '3' });
      const end = last(events);
      assert.equal(end.type, 'error');
      if (end.type !== 'error') return;
      assert.equal(end.error.kind, 'validation');
      assert.match(end.error.message, /no guardrail gr-sim-missing version 3 in us-east-1 .*promptWorkbench\.bedrock\.guardrail or the prompt's workbench\.guardrail/);
    }));

  describe('PromptRunner applies the prompt\'s workbench.guardrail, else the setting, and records what it did', () => {
    let dir: string;
    const prompt = (guardrail: string) => `---\nname: guarded\nmodel: bedrock/${MODEL}\n${guardrail}---\nTell me how to pick a lock.\n`;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-guardrail-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function run(source: string, settingGuardrail: GuardrailRef | undefined, model?: string): Promise<{ outcome: RunOutcome; seen: RunOutcome[] }> {
      const seen: RunOutcome[] = [];
      const provider = make();
      const runner = new PromptRunner({
        providers: new ProviderRegistry({ bedrock: () => provider }),
        catalog: new ModelCatalog(),
        workspaceFolder: dir,
        guardrail: settingGuardrail,
        onRun: (o) => seen.push(o),
      });
      const file = path.join(dir, 'guarded.prompt');
      fs.writeFileSync(file, source);
      const rendered = await runner.prepare(promptDocument(source, file), {});
      return { outcome: await runner.run(rendered, { signal: new AbortController().signal, model }), seen };
    }

    it('the prompt\'s guardrail wins over the setting; the outcome and the record say it intervened', () =>
      withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
        const { outcome, seen } = await run(prompt('workbench.guardrail: {id: gr-sim-block-7, version: 2}\n'), PASSING);
        assert.deepEqual(lastBodyFor(MODEL).guardrailConfig, { guardrailIdentifier: 'gr-sim-block-7', guardrailVersion: '2', trace: 'enabled' });
        assert.equal(outcome.stopReason, 'guardrail_intervened');
        assert.deepEqual(outcome.guardrail, { id: 'gr-sim-block-7', version: '2', intervened: true, stage: 'input', reasons: ['content filter MISCONDUCT (HIGH)'] });
        assert.deepEqual(seen, [outcome], 'onRun saw the outcome');
        const { records } = await readJsonl<RunRecord>(outcome.recordFile!);
        assert.deepEqual(records[0].guardrail, outcome.guardrail);
        assert.equal(records[0].stopReason, 'guardrail_intervened');
      }));

    it('without a prompt guardrail the setting applies; with neither, no guardrailConfig is sent', () =>
      withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
        const fromSetting = await run(prompt(''), BLOCKING);
        assert.equal(fromSetting.outcome.guardrail?.id, 'gr-sim-block-1');
        assert.equal(fromSetting.outcome.guardrail?.intervened, true);
        const none = await run(prompt(''), undefined);
        assert.equal(lastBodyFor(MODEL).guardrailConfig, undefined);
        assert.equal(none.outcome.guardrail, undefined);
        const { records } = await readJsonl<RunRecord>(none.outcome.recordFile!);
        assert.ok(!('guardrail' in records[records.length - 1]));
      }));

    // Issue 7: other providers are checked with ApplyGuardrail instead of Converse's guardrailConfig (see emailGuardrails.test.ts).
    it('other providers get the guardrail through ApplyGuardrail, not Converse', () =>
      withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
        const { outcome } = await run(prompt('workbench.guardrail: {id: gr-sim-block-7, version: 2}\n'), BLOCKING, 'echo/echo');
        assert.equal(outcome.guardrail?.id, 'gr-sim-block-7');
        assert.equal(outcome.guardrail?.intervened, true);
        assert.equal(outcome.guardrail?.stage, 'input');
        assert.equal(outcome.error, undefined);
      }));
  });
});

describe('guardrail traces in plain words', () => {
  it('names each policy that acted and ignores detections it let through', () => {
    const trace = {
      guardrail: {
        inputAssessment: {
          gr1: {
            topicPolicy: { topics: [{ name: 'Investment advice', type: 'DENY', action: 'BLOCKED' }] },
            contentPolicy: { filters: [{ type: 'HATE', confidence: 'LOW', action: 'NONE' }] },
            sensitiveInformationPolicy: { piiEntities: [{ type: 'EMAIL', match: 'a@b.c', action: 'ANONYMIZED' }], regexes: [{ name: 'ticket id', match: 'T-1', action: 'BLOCKED' }] },
            wordPolicy: { customWords: [{ match: 'acme', action: 'BLOCKED' }], managedWordLists: [{ match: 'darn', type: 'PROFANITY', action: 'BLOCKED' }] },
          },
        },
      },
    };
    const outcome = guardrailOutcome('guardrail_intervened', trace);
    assert.deepEqual(outcome, {
      intervened: true,
      stage: 'input',
      reasons: ['denied topic “Investment advice”', 'blocked word “acme”', 'profanity “darn”', 'sensitive information EMAIL (anonymized)', 'pattern “ticket id”'],
    });
    assert.match(describeGuardrailOutcome(outcome, 'gr1'), /^The guardrail gr1 blocked the prompt \(denied topic “Investment advice”; .*\); the answer shown is the guardrail's message\./);
  });

  it('reads output assessments and a grounding check, and copes with no trace at all', () => {
    const grounding = { guardrail: { outputAssessments: { gr2: [{ contextualGroundingPolicy: { filters: [{ type: 'GROUNDING', threshold: 0.7, score: 0.2, action: 'BLOCKED' }] } }] } } };
    assert.deepEqual(guardrailOutcome('guardrail_intervened', grounding), { intervened: true, stage: 'output', reasons: ['contextual grounding GROUNDING (score 0.2 below 0.7)'] });
    assert.deepEqual(guardrailOutcome('guardrail_intervened', undefined), { intervened: true, reasons: [] });
    assert.deepEqual(guardrailOutcome('end_turn', 'nonsense'), { intervened: false, reasons: [] });
  });

  it('reads a guardrail from settings or frontmatter: version as number or text, DRAFT when absent', () => {
    assert.deepEqual(readGuardrailRef({ id: 'gr-abc123', version: 1 }), { id: 'gr-abc123', version: '1' });
    assert.deepEqual(readGuardrailRef({ id: ' gr-abc123 ', version: ' 2 ' }), { id: 'gr-abc123', version: '2' });
    assert.deepEqual(readGuardrailRef({ id: 'arn:aws:bedrock:us-east-1:1:guardrail/x' }), { id: 'arn:aws:bedrock:us-east-1:1:guardrail/x', version: 'DRAFT' });
    assert.equal(readGuardrailRef({ id: '' }), undefined);
    assert.equal(readGuardrailRef('gr-abc'), undefined);
    assert.equal(readGuardrailRef(null), undefined);
  });
});
