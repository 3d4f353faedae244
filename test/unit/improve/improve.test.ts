// Improve Prompt's core: the dotprompt ↔ plain {{variable}} mapping, candidate validation,
// the comparison statistics, parsing the improver's answer, and one whole round with the real
// PromptRunner and dataset runner on a scripted provider (a double for logic only).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { parseDataset } from '../../../src/core/datasets/datasetFile';
import type { DatasetCellResult } from '../../../src/core/datasets/datasetRuns';
import { candidateFileText, improveChangelog, validateCandidate } from '../../../src/core/improve/candidate';
import { compareVersions, MIN_CASES_TO_PICK, rankComparisons } from '../../../src/core/improve/comparison';
import { improverMessages, parseProposals, pickFailures } from '../../../src/core/improve/failuresSource';
import { improveRound } from '../../../src/core/improve/improveRound';
import { fromPlainText, toPlainText } from '../../../src/core/improve/plainText';
import { improvedVersions, saveCandidate } from '../../../src/core/improve/saveCandidate';
import { VersionStore } from '../../../src/core/versions/versionStore';
import { caseComments } from '../../../src/core/improve/caseComments';
import { appendRating } from '../../../src/core/ratings/ratingsStore';
import { WorkbenchPaths } from '../../../src/core/workspace/paths';
import { describeOptimizerError } from '../../../src/core/improve/bedrockOptimizer';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import type { ModelProvider, ModelRequest, StreamEvent } from '../../../src/core/providers/types';
import { PromptRunner } from '../../../src/core/runs/promptRunner';

const TEMPLATE = `{{role "system"}}You answer questions about orders.
{{#if tone}}Use a {{tone}} tone.{{/if}}
{{> _house-style}}
{{role "user"}}Question: {{question}}
Order: {{order.id}}`;

describe('Improve Prompt: dotprompt ↔ plain text', () => {
  it('keeps simple variables and turns roles, blocks and partials into placeholder variables', () => {
    const m = toPlainText(TEMPLATE);
    assert.equal(m.plain, '{{pw_role_system}}You answer questions about orders.\n{{pw_block_1}}\n{{pw_partial__house_style}}\n{{pw_role_user}}Question: {{question}}\nOrder: {{order.id}}');
    assert.deepEqual(m.variables, ['question', 'order']);
    assert.deepEqual(m.placeholders.map((p) => p.kind), ['role', 'block', 'partial', 'role']);
    assert.equal(m.placeholders[1].tag, '{{#if tone}}Use a {{tone}} tone.{{/if}}');
    assert.equal(m.placeholders[3].anchor, 'question');
  });

  it('maps an unchanged text back to the very same template', () => {
    const m = toPlainText(TEMPLATE);
    assert.deepEqual(fromPlainText(m.plain, m), { template: TEMPLATE, notCarriedOver: [] });
  });

  it('puts the structure back where the optimizer left the placeholders, with its changes around them', () => {
    const m = toPlainText(TEMPLATE);
    const optimized = m.plain.replace('You answer questions about orders.', 'You are a support agent. Answer questions about orders, citing the order id.');
    const back = fromPlainText(optimized, m);
    assert.equal(back.template, TEMPLATE.replace('You answer questions about orders.', 'You are a support agent. Answer questions about orders, citing the order id.'));
    assert.deepEqual(back.notCarriedOver, []);
  });

  it('places lost role markers by their anchors and says what else could not be carried over', () => {
    const m = toPlainText(TEMPLATE);
    const optimized = 'You are a support agent for orders.\n\nQuestion: {{question}}\nOrder: {{order.id}}';
    const back = fromPlainText(optimized, m);
    assert.equal(back.template, '{{role "system"}}You are a support agent for orders.\n\n{{role "user"}}Question: {{question}}\nOrder: {{order.id}}');
    assert.equal(back.notCarriedOver.length, 2);
    assert.match(back.notCarriedOver[0], /conditional or repeated block .*\{\{#if tone\}\}/);
    assert.match(back.notCarriedOver[1], /partial \(\{\{> _house-style\}\}\)/);
  });
});

const FILE = `---
name: orders
version: 2
output:
  format: json
  schema: {answer: string}
workbench.changelog: Second
---
{{role "system"}}Answer.
{{role "user"}}{{question}} {{order}}`;

describe('Improve Prompt: candidates', () => {
  it('builds the next version with parent and an "Improve Prompt:" changelog, frontmatter otherwise unchanged', () => {
    const text = candidateFileText(FILE, '{{role "system"}}Answer briefly.\n{{role "user"}}{{question}} {{order}}', { version: 3, parent: 2, changelog: improveChangelog('bedrock', 'Clarified the instruction.') });
    const parsed = parsePromptSource(text);
    assert.equal(parsed.version, 3);
    assert.equal(parsed.workbench.parent, 2);
    assert.equal(parsed.workbench.changelog, "Improve Prompt: Bedrock's prompt optimizer: Clarified the instruction.");
    assert.deepEqual(parsed.frontmatter.output, { format: 'json', schema: { answer: 'string' } });
    assert.match(parsed.template, /Answer briefly\./);
    assert.deepEqual(validateCandidate(FILE, text), []);
  });

  it('rejects a candidate that drops an input variable, a role or the output schema, saying why', () => {
    const dropped = candidateFileText(FILE, 'Answer {{question}}.', { version: 3, parent: 2, changelog: 'x' });
    const reasons = validateCandidate(FILE, dropped);
    assert.ok(reasons.includes('it drops the input variable {{order}}'), reasons.join('; '));
    assert.ok(reasons.includes('it drops the required role system'));
    assert.ok(reasons.includes('it drops the required role user'));
    const noSchema = dropped.replace(/output:\n  format: json\n  schema: \{answer: string\}\n/, '');
    assert.ok(validateCandidate(FILE, noSchema).includes('it changes or drops the output schema'));
    const broken = candidateFileText(FILE, '{{role "system"}}{{#if x}}open\n{{role "user"}}{{question}} {{order}}', { version: 3, parent: 2, changelog: 'x' });
    assert.match(validateCandidate(FILE, broken).join('; '), /does not parse/);
  });
});

const cell = (caseId: string, pass: boolean, extra: Partial<DatasetCellResult> = {}): DatasetCellResult => ({
  caseId,
  model: 'm',
  status: 'done',
  runId: `r_${caseId}_${pass}`,
  output: pass ? 'good' : 'bad',
  metrics: { latencyMs: 100, costUsd: 0.001, ttftMs: 10, outputTokens: 5 },
  error: null,
  checks: [{ check: 'contains', pass, detail: pass ? 'ok' : 'missing', score: pass ? 0.9 : 0.2 }],
  ...extra,
});

describe('Improve Prompt: comparison statistics', () => {
  const cells = (n: number, passing: (i: number) => boolean) => Array.from({ length: n }, (_, i) => cell(`c${i}`, passing(i)));

  it('pass rate with a Wilson interval, score with a t interval, cost and time per 1,000 calls, flipped cases', () => {
    const before = cells(30, (i) => i < 6);
    const after = cells(30, (i) => i !== 0 && i < 28);
    const c = compareVersions(before, after);
    assert.equal(c.baseline.passRate.rate, 0.2);
    assert.ok(c.baseline.passRate.lo! > 0.09 && c.baseline.passRate.hi! < 0.39);
    assert.equal(c.candidate.checked, 30);
    assert.ok(Math.abs(c.candidate.costPer1kUsd! - 1) < 1e-9);
    assert.equal(c.candidate.secondsPer1k, 100);
    assert.equal(c.newlyPassing.length, 22);
    assert.deepEqual(c.newlyFailing.map((f) => f.caseId), ['c0']);
    assert.equal(c.newlyFailing[0].before.output, 'good');
    assert.deepEqual(c.newlyFailing[0].after.failed, ['contains: missing']);
    assert.equal(c.verdict, 'better');
    assert.ok(c.candidate.score.lo! > c.baseline.score.hi!);
  });

  it('says "no better" when the intervals overlap, and never picks on fewer than 20 cases without saying so', () => {
    const overlap = compareVersions(cells(30, (i) => i % 2 === 0), cells(30, (i) => i % 2 === 0 || i === 1));
    assert.equal(overlap.verdict, 'no-better');
    assert.match(overlap.summary, /No better than the current version/);
    const few = compareVersions(cells(MIN_CASES_TO_PICK - 1, () => false), cells(MIN_CASES_TO_PICK - 1, () => true));
    assert.equal(few.verdict, 'too-few');
    assert.match(few.summary, /Only 19 cases: too few to call a winner/);
    const ranked = rankComparisons([{ name: 'a', comparison: overlap }, { name: 'b', comparison: compareVersions(cells(30, () => false), cells(30, () => true)) }]);
    assert.deepEqual(ranked.map((r) => r.name), ['b', 'a']);
  });
});

describe('Improve Prompt: from your failures', () => {
  it('picks failing and low-scored cases first, and asks for N tagged rewrites with the evidence', () => {
    const samples = [
      { caseId: 'ok', model: 'm', inputs: { q: 'fine' }, output: 'good', checks: [{ check: 'contains', pass: true, detail: 'ok', score: 1 }] },
      { caseId: 'bad', model: 'm', inputs: { q: 'hard' }, output: 'wrong', checks: [{ check: 'contains', pass: false, detail: 'missing “refund”' }] },
      { caseId: 'low', model: 'm', inputs: { q: 'meh' }, output: 'so-so', checks: [{ check: 'llmJudge', pass: true, detail: 'weak', score: 0.6 }] },
    ];
    const picked = pickFailures(samples);
    assert.deepEqual(picked.map((s) => s.caseId), ['bad', 'low']);
    const messages = improverMessages({ plain: 'Answer {{q}}.', rubric: 'accuracy: right', failures: picked, count: 3 });
    const user = (messages[1].content[0] as { text: string }).text;
    assert.match(user, /<prompt>\nAnswer \{\{q\}\}\.\n<\/prompt>/);
    assert.match(user, /FAIL contains: missing “refund”/);
    assert.match(user, /<rubric>\naccuracy: right/);
    assert.match(user, /Propose 3 different rewrites/);
  });

  it('parses <candidate> blocks with reasoning and prompt, skipping empty ones and tolerating prose around them', () => {
    const answer = 'Sure!\n<candidate>\n<reasoning>Ask for the refund policy.</reasoning>\n<prompt>\nAnswer {{q}} and cite the refund policy.\n</prompt>\n</candidate>\n<candidate><reasoning>x</reasoning><prompt> </prompt></candidate>\n<candidate>\n<reasoning>Be brief.</reasoning>\n<prompt>Briefly answer {{q}}.</prompt>';
    assert.deepEqual(parseProposals(answer), [
      { reasoning: 'Ask for the refund policy.', text: 'Answer {{q}} and cite the refund policy.' },
      { reasoning: 'Be brief.', text: 'Briefly answer {{q}}.' },
    ]);
  });

  it('turns optimizer failures into sentences with the fix', () => {
    assert.match(describeOptimizerError({ name: 'ThrottlingException', message: 'Rate exceeded' }, 'm'), /throttling.*Wait a minute/);
    assert.match(describeOptimizerError({ name: 'AccessDeniedException', message: 'no' }, 'm'), /Allow bedrock:OptimizePrompt/);
    assert.match(describeOptimizerError({ name: 'ValidationException', message: 'Unsupported target model' }, 'x.y'), /does not support the target model x\.y/);
  });
});

/** Answers "REFUND" only when the system text asks for the refund policy (a double for logic only). */
class PolicyProvider implements ModelProvider {
  readonly id = 'sim';
  async *stream(request: ModelRequest): AsyncIterable<StreamEvent> {
    const all = request.messages.map((m) => m.content.map((p) => ('text' in p ? p.text : '')).join('')).join(' ');
    yield { type: 'text', text: /refund policy/.test(all) ? 'See the REFUND policy.' : 'Thanks for asking.' };
    yield { type: 'usage', inputTokens: 10, outputTokens: 5 };
    yield { type: 'stop', stopReason: 'end_turn' };
  }
}

describe('Improve Prompt: a round', function () {
  this.timeout(20000);
  it('runs the baseline, validates the proposals, tries the valid ones on the same cases and ranks them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-improve-'));
    try {
      const text = `---\nname: support\nversion: 1\nmodel: sim/a\nworkbench.checks:\n  - contains: REFUND\n---\n{{role "system"}}Answer the customer.\n{{role "user"}}{{question}}\n`;
      const file = path.join(dir, 'support.prompt');
      fs.writeFileSync(file, text);
      const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `Question ${i}?` })).join('\n');
      const dataset = parseDataset(rows, path.join(dir, 'q.jsonl'));
      const runner = new PromptRunner({ providers: new ProviderRegistry({ sim: () => new PolicyProvider() }), catalog: new ModelCatalog(), workspaceFolder: dir });
      const events: string[] = [];
      const result = await improveRound({
        runner,
        document: promptDocument(text, file),
        text,
        dataset,
        models: ['sim/a', 'sim/b'],
        promptChecks: [{ type: 'contains', value: ['REFUND'], ignoreCase: false }],
        source: 'failures',
        count: 2,
        signal: new AbortController().signal,
        workspaceFolder: dir,
        propose: async ({ mapping, failures, onAnalysis }) => {
          assert.equal(failures.filter((f) => f.checks.some((c) => !c.pass)).length, 48);
          onAnalysis('The answers never cite the policy.');
          return [
            { reasoning: 'Drop the question.', text: mapping.plain.replace('{{question}}', '') },
            { reasoning: 'Cite the refund policy.', text: mapping.plain.replace('Answer the customer.', 'Answer the customer and cite the refund policy.') },
          ];
        },
        onEvent: (e) => events.push(e.type),
      });
      assert.deepEqual(result.candidates[0].rejected, ['it drops the input variable {{question}}']);
      assert.deepEqual(result.candidates[1].rejected, []);
      assert.equal(result.ranked.length, 1);
      const best = result.ranked[0];
      assert.equal(best.candidate.index, 2);
      assert.equal(best.comparison.verdict, 'better');
      assert.equal(best.comparison.newlyPassing.length, 48);
      assert.equal(best.comparison.candidate.passRate.rate, 1);
      const saved = parsePromptSource(best.candidate.text);
      assert.equal(saved.version, 2);
      assert.equal(saved.workbench.parent, 1);
      assert.match(String(saved.workbench.changelog), /^Improve Prompt: your failures: Cite the refund policy\./);
      assert.ok(events.includes('analysis') && events.includes('candidate-result'));
      assert.deepEqual(result.analysis, ['The answers never cite the policy.']);
      // A rater's comment on a baseline answer reaches the next round's evidence, by case.
      const rated = result.baseline.cells.find((c) => c.caseId === 'q3')!;
      await appendRating(new WorkbenchPaths(dir).ratingsFile, { kind: 'stars', value: 1, runId: rated.runId!, model: rated.model, prompt: { name: 'support', version: 1, contentHash: null }, comment: 'Never cites the policy' });
      await appendRating(new WorkbenchPaths(dir).ratingsFile, { kind: 'stars', value: 5, runId: result.baseline.cells[0].runId!, model: 'sim/a', prompt: { name: 'support', version: 1, contentHash: null } });
      assert.deepEqual([...(await caseComments(dir, { name: 'support', version: 1 }))], [['q3', ['1★ Never cites the policy']]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Improve Prompt: Save as New Version', () => {
  it('keeps the current version, writes the candidate at the next one, and the scoreboard can tell which versions Improve Prompt made', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-improve-save-'));
    try {
      const file = path.join(dir, 'orders.prompt');
      fs.writeFileSync(file, FILE);
      const changelog = improveChangelog('failures', 'Be brief.');
      const candidate = candidateFileText(FILE, '{{role "system"}}Answer briefly.\n{{role "user"}}{{question}} {{order}}', { version: 3, parent: 2, changelog });
      const saved = await saveCandidate({ workspaceFolder: dir, file, currentText: FILE, candidateText: candidate });
      assert.deepEqual(saved, { version: 3, adoptedRuns: 0, notice: null });
      assert.equal(fs.readFileSync(file, 'utf8'), candidate);
      assert.equal(fs.readFileSync(path.join(dir, '.prompt-workbench', 'versions', 'orders', 'v2.prompt'), 'utf8'), FILE);
      assert.deepEqual(await improvedVersions(dir, 'orders'), []);
      await new VersionStore(dir).keepRanText('orders', 3, candidate, 'orders.prompt');
      assert.deepEqual(await improvedVersions(dir, 'orders'), [3]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
