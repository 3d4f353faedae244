// Automatic checks, every kind: written in full or as one key; deterministic ones on known
// answers; similarity against hand-computed token F1 and ROUGE-L; the LLM judge through the
// real AWS SDK against the local Bedrock server (model `sim-judge`), and its verdict parser.
import * as assert from 'node:assert/strict';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { evaluateCheck, evaluateChecks, type CheckSubject } from '../../../src/core/datasets/checks';
import { parseCheckSpec, parseCheckSpecs, type CheckSpec } from '../../../src/core/datasets/checkSpecs';
import { createModelJudge, judgeMessages, parseJudgeVerdict } from '../../../src/core/datasets/llmJudge';
import { rougeL, tokenF1 } from '../../../src/core/datasets/similarity';
import { BedrockProvider } from '../../../src/core/providers/bedrock';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const subject = (output: string, extra: Partial<CheckSubject> = {}): CheckSubject => ({
  output,
  metrics: { latencyMs: 1200, costUsd: 0.0004 },
  inputs: { email: 'We decided to launch on Nov 12.' },
  model: 'bedrock/amazon.nova-lite-v1:0',
  ...extra,
});
const spec = (raw: unknown): CheckSpec => {
  const s = parseCheckSpec(raw);
  assert.equal(typeof s, 'object', `parses: ${String(s)}`);
  return s as CheckSpec;
};
const run = (raw: unknown, s: CheckSubject) => evaluateCheck(spec(raw), s);

describe('Checks: specs, deterministic kinds, similarity', () => {
  it('reads full and one-key forms alike, and names what is wrong', () => {
    assert.deepEqual(spec({ contains: 'x' }), spec({ type: 'contains', value: ['x'] }));
    assert.deepEqual(spec('validJson'), { type: 'validJson' });
    assert.deepEqual(spec({ maxLength: 10 }), { type: 'maxLength', chars: 10 });
    assert.deepEqual(spec({ maxLength: { words: 5 }, name: 'short' }), { type: 'maxLength', words: 5, name: 'short' });
    assert.deepEqual(spec({ similarity: 0.7 }), { type: 'similarity', metric: 'tokenF1', threshold: 0.7 });
    assert.deepEqual(spec({ llmJudge: 'Polite' }), { type: 'llmJudge', rubric: 'Polite', threshold: 0.5 });
    const { checks, problems } = parseCheckSpecs([{ regex: '(' }, { latencyMs: 'fast' }, { bogus: 1 }, { contains: 'ok' }]);
    assert.equal(checks.length, 1);
    assert.match(problems[0], /check 1: regex:/);
    assert.match(problems[1], /check 2: latencyMs needs "max"/);
    assert.match(problems[2], /check 3: unknown check “bogus”/);
  });

  it('contains / notContains (case, lists), regex', async () => {
    assert.equal((await run({ contains: ['Launch', 'Nov 12'] }, subject('launch on Nov 12'))).pass, false);
    const missing = await run({ contains: ['Launch', 'Nov 12'] }, subject('launch on Nov 12'));
    assert.match(missing.detail, /missing “Launch”/);
    assert.equal((await run({ type: 'contains', value: 'LAUNCH', ignoreCase: true }, subject('launch'))).pass, true);
    const not = await run({ notContains: ['TBD', 'lorem'] }, subject('Dates TBD'));
    assert.deepEqual([not.pass, not.detail], [false, 'contains “TBD”']);
    assert.equal((await run({ notContains: 'TBD' }, subject('done'))).pass, true);
    assert.equal((await run({ type: 'regex', pattern: '^## Decisions$', flags: 'm' }, subject('x\n## Decisions\n- y'))).pass, true);
    assert.equal((await run({ regex: '\\d{4}-\\d{2}' }, subject('no date'))).pass, false);
  });

  it('validJson and jsonSchema (also inside a ```json fence)', async () => {
    assert.equal((await run('validJson', subject('{"a": 1}'))).pass, true);
    assert.equal((await run('validJson', subject('Sure! ```json\n{"a": 1}\n```'))).pass, true);
    const bad = await run('validJson', subject('{a: 1}'));
    assert.equal(bad.pass, false);
    assert.match(bad.detail, /not valid JSON/);
    const schema = { type: 'object', required: ['decisions'], properties: { decisions: { type: 'array', items: { type: 'string' } } } };
    assert.equal((await run({ jsonSchema: schema }, subject('{"decisions": ["launch"]}'))).pass, true);
    const wrong = await run({ jsonSchema: schema }, subject('{"decisions": [3]}'));
    assert.equal(wrong.pass, false);
    assert.match(wrong.detail, /\/decisions\/0 must be string/);
    assert.match((await run({ jsonSchema: schema }, subject('{}'))).detail, /must have required property 'decisions'/);
    assert.match((await run({ jsonSchema: { type: 'nonsense' } }, subject('{}'))).detail, /JSON Schema is not valid/);
  });

  it('maxLength in characters and words; latency and cost limits', async () => {
    assert.equal((await run({ maxLength: 5 }, subject('123456'))).pass, false);
    assert.equal((await run({ maxLength: { words: 3 } }, subject('one two, three!'))).pass, true);
    assert.equal((await run({ maxLength: { words: 2 } }, subject('one two three'))).detail, '3 words > 2');
    assert.equal((await run({ latencyMs: 1000 }, subject(''))).pass, false);
    assert.equal((await run({ latencyMs: 1200 }, subject(''))).pass, true);
    assert.equal((await run({ costUsd: 0.001 }, subject(''))).pass, true);
    const unknown = await run({ costUsd: 0.001 }, subject('', { metrics: { latencyMs: 1, costUsd: null } }));
    assert.deepEqual([unknown.pass, /unknown/.test(unknown.detail)], [false, true]);
  });

  it('similarity: token F1 and ROUGE-L against hand-computed values, with a threshold', async () => {
    // candidate 4 tokens, reference 5, 3 shared: P 3/4, R 3/5, F1 = 2PR/(P+R) = 2/3.
    assert.ok(Math.abs(tokenF1('the cat sat down', 'the cat is sitting down') - 2 / 3) < 1e-12);
    // LCS of "a b c d e" and "a x c y e" is a c e (3): P = R = 3/5.
    assert.ok(Math.abs(rougeL('a b c d e', 'a x c y e') - 0.6) < 1e-12);
    assert.ok(rougeL('e d c b a', 'a b c d e') < tokenF1('e d c b a', 'a b c d e'), 'ROUGE-L counts word order, F1 does not');
    assert.equal(tokenF1('', ''), 1);
    assert.equal(tokenF1('x', ''), 0);
    const s = subject('Launch on **Nov 12**.', { reference: 'launch on nov 12' });
    const sim = await run({ similarity: { metric: 'rougeL', threshold: 0.9 } }, s);
    assert.deepEqual([sim.pass, sim.score], [true, 1]);
    const none = await run({ similarity: 0.5 }, subject('x'));
    assert.deepEqual([none.pass, /no reference/.test(none.detail)], [false, true]);
  });

  it('evaluateChecks never throws and keeps the order; a judge check without a judge fails, saying so', async () => {
    const outcomes = await evaluateChecks([spec('validJson'), spec({ llmJudge: 'x' }), spec({ contains: 'a' })], subject('a'));
    assert.deepEqual(outcomes.map((o) => [o.check, o.pass]), [['validJson', false], ['llmJudge', false], ['contains', true]]);
    assert.match(outcomes[1].detail, /no judge/);
  });
});

describe('LLM judge: verdict parsing, and the judge model through the real SDK and the local Bedrock server', function () {
  this.timeout(20000);
  let server: BedrockServer;
  before(async () => (server = await startBedrockServer({ firstTokenDelayMs: 1, tokenDelayMs: 0 })));
  after(() => server.close());

  it('parses verdicts robustly: fences, prose, string booleans, scores out of 5/10/100', () => {
    assert.deepEqual(parseJudgeVerdict('{"pass": true, "score": 0.8, "reason": "ok"}'), { pass: true, score: 0.8, reason: 'ok' });
    assert.deepEqual(parseJudgeVerdict('Verdict:\n```json\n{"Pass": "no", "Score": "2", "Reason": "vague {really}"}\n```'), { pass: false, score: 0.4, reason: 'vague {really}' });
    assert.deepEqual(parseJudgeVerdict('I think {not json} then {"score": 8}', 0.7), { pass: true, score: 0.8, reason: '' });
    assert.deepEqual(parseJudgeVerdict('{"score": 45}', 0.5), { pass: false, score: 0.45, reason: '' });
    assert.match(parseJudgeVerdict('It looks fine to me.') as string, /no JSON verdict/);
    assert.match(parseJudgeVerdict('{"other": 1}') as string, /no JSON verdict/);
  });

  it('asks with the rubric, inputs, reference and output, and gets a verdict from the judge model', async () => {
    const messages = judgeMessages({ rubric: 'Names "Nov 12"', inputs: { email: 'E' }, output: 'O', reference: 'R' });
    const user = messages[1].content.map((p) => ('text' in p ? p.text : '')).join('');
    assert.match(user, /<rubric>\nNames "Nov 12"\n<\/rubric>[\s\S]*<input>\nemail: E\n<\/input>[\s\S]*<reference>\nR\n<\/reference>[\s\S]*<output>\nO\n<\/output>/);

    await withAwsEnv({ ...FAKE_AWS_CREDENTIALS, AWS_REGION: 'us-east-1' }, async () => {
      const providers = new ProviderRegistry({ bedrock: () => new BedrockProvider({ endpoint: server.url, region: 'us-east-1' }) });
      const judge = createModelJudge({ providers, catalog: new ModelCatalog() });
      const judgeSpec = spec({ llmJudge: { rubric: 'Mentions "nov 12" and "marco"', model: 'bedrock/anthropic.sim-judge-v1:0' } });
      const good = await evaluateCheck(judgeSpec, subject('Launch on Nov 12; Marco runs the load test.'), { judge });
      assert.equal(good.pass, true, good.detail);
      assert.equal(good.score, 1);
      assert.match(good.detail, /^bedrock\/anthropic\.sim-judge-v1:0: pass \(1\) — The output mentions nov 12, marco\./);
      const half = await evaluateCheck(judgeSpec, subject('Launch on Nov 12.'), { judge });
      assert.deepEqual([half.pass, half.score], [true, 0.5]);
      const bad = await evaluateCheck(spec({ llmJudge: { rubric: 'Mentions "refund"', threshold: 0.9 } }), subject('Launch.'), { judge, judgeModel: 'anthropic.sim-judge-v1:0' });
      assert.deepEqual([bad.pass, bad.score], [false, 0]);
      assert.match(bad.detail, /does not mention refund/);
      // The judge really was called through the SDK: Converse(Stream) requests to the judge's id.
      const judged = server.requests.filter((r) => r.modelId === 'anthropic.sim-judge-v1:0');
      assert.equal(judged.length, 3);
      assert.match(JSON.stringify(judged[0].body), /<rubric>/);
      // A judge that answers prose, or fails, gives a failing check that says why.
      const prose = await evaluateCheck(spec({ llmJudge: { rubric: 'x', model: 'bedrock/amazon.nova-lite-v1:0' } }), subject('y'), { judge });
      assert.equal(prose.pass, false);
      assert.match(prose.detail, /no JSON verdict/);
      const denied = await evaluateCheck(spec({ llmJudge: { rubric: 'x', model: 'bedrock/anthropic.sim-denied-v1:0' } }), subject('y'), { judge });
      assert.equal(denied.pass, false);
      assert.match(denied.detail, /judge bedrock\/anthropic\.sim-denied-v1:0 failed/);
    });
  });
});
