import * as assert from 'node:assert/strict';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import type { ChatMessage } from '../../../src/core/providers/types';
import {
  estimateComparisonCost,
  estimateCost,
  estimateInputTokens,
  estimateOutputTokens,
  exceedsThreshold,
  OUTPUT_TOKENS_CAP,
  SessionCost,
  totalCost,
} from '../../../src/core/runs/costEstimate';

const HAIKU = 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0';
const OPUS = 'bedrock/anthropic.claude-opus-4-20250514-v1:0';
const LLAMA = 'bedrock/meta.llama3-1-8b-instruct-v1:0';

const messages = (chars: number): ChatMessage[] => [
  { role: 'system', content: [{ text: 'x'.repeat(40) }] },
  { role: 'user', content: [{ text: 'y'.repeat(chars - 40) }] },
];

describe('cost estimate before a run or a comparison', () => {
  const catalog = new ModelCatalog();

  it('counts input tokens as characters / 4 (rounded up) plus a fixed cost per image', () => {
    assert.equal(estimateInputTokens(messages(4000)), 1000);
    assert.equal(estimateInputTokens([{ role: 'user', content: [{ text: 'abcde' }] }]), 2);
    assert.equal(estimateInputTokens([{ role: 'user', content: [{ text: 'abcd' }, { media: { url: 'data:image/png;base64,AAAA' } }] }]), 1 + 1600);
  });

  it("takes output tokens from the prompt's maxOutputTokens, else the model's maximum capped at 4096", () => {
    assert.equal(estimateOutputTokens(catalog, HAIKU, { maxOutputTokens: 700 }), 700);
    assert.equal(estimateOutputTokens(catalog, HAIKU, {}), OUTPUT_TOKENS_CAP, 'Haiku may write 8192: capped');
    assert.equal(estimateOutputTokens(catalog, LLAMA, {}), 2048, "Llama's own maximum is lower than the cap");
    assert.equal(estimateOutputTokens(catalog, 'ollama/llama3.2', {}), OUTPUT_TOKENS_CAP, 'unknown model');
  });

  it('prices each model from the catalog, settings overrides included; unknown prices stay null', () => {
    const haiku = estimateCost(catalog, HAIKU, messages(4000), { maxOutputTokens: 1000 });
    assert.deepEqual(haiku, { model: HAIKU, inputTokens: 1000, outputTokens: 1000, usd: (1000 * 0.8 + 1000 * 4) / 1e6 });
    assert.equal(estimateCost(catalog, 'bedrock/vendor.unknown-v1:0', messages(400), {}).usd, null);
    const overridden = new ModelCatalog(undefined, { [HAIKU]: { inputPerMTok: 1, outputPerMTok: 1 } });
    assert.equal(estimateCost(overridden, HAIKU, messages(4000), { maxOutputTokens: 1000 }).usd, 0.002);
  });

  it('a comparison totals the priced models, lists the unpriced, and asks only when strictly over the threshold', () => {
    const estimates = estimateComparisonCost(catalog, [HAIKU, OPUS, 'ollama/llama3.2'], messages(4000), {});
    const total = totalCost(estimates);
    const expected = (1000 * 0.8 + 4096 * 4) / 1e6 + (1000 * 15 + 4096 * 75) / 1e6;
    assert.ok(Math.abs(total.usd - expected) < 1e-12, `${total.usd} vs ${expected}`);
    assert.deepEqual(total.unpriced, ['ollama/llama3.2']);
    assert.equal(exceedsThreshold(estimates, 0.1), true, 'Opus with 4096 output tokens costs about $0.32');
    assert.equal(exceedsThreshold(estimates, 1), false);
    assert.equal(exceedsThreshold(estimateComparisonCost(catalog, ['ollama/llama3.2'], messages(4000), {}), 0), false, 'unknown prices alone never ask');
    assert.equal(exceedsThreshold([{ model: HAIKU, inputTokens: 1, outputTokens: 1, usd: 0.1 }], 0.1), false, 'equal to the threshold does not ask');
  });

  it('the session total adds every run, counts unpriced ones apart, and tells its listeners', () => {
    const session = new SessionCost();
    let told = 0;
    const subscription = session.onChange(() => told++);
    session.add(0.01);
    session.add(null);
    session.add(0.0025);
    assert.deepEqual(session.snapshot, { usd: 0.0125, runs: 3, unpriced: 1 });
    assert.equal(told, 3);
    subscription.dispose();
    session.add(1);
    assert.equal(told, 3);
  });
});
