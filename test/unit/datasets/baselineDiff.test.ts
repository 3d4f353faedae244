// The CI gate's diff against a baseline: per-case changes, the two-proportion interval, the
// --max-drop and --must-pass decisions, and the Markdown report.
import * as assert from 'node:assert/strict';
import { compareWithBaseline, gateMarkdown, twoProportionInterval, type GateCell } from '../../../src/core/datasets/baselineDiff';

const cell = (caseId: string, pass: boolean | null, scores: Record<string, number> = {}, model = 'm'): GateCell => ({ caseId, model, pass, scores });

describe('baseline diff (CI gate)', () => {
  it('the two-proportion interval matches the textbook value and is clamped to [-1, 1]', () => {
    // p1 = 40/50 = 0.8, p0 = 45/50 = 0.9: diff −0.1, se = sqrt(.8·.2/50 + .9·.1/50) = 0.0707
    const r = twoProportionInterval(40, 50, 45, 50)!;
    assert.ok(Math.abs(r.diff + 0.1) < 1e-12);
    assert.ok(Math.abs(r.lo - (-0.1 - 1.959964 * Math.sqrt(0.16 / 50 + 0.09 / 50))) < 1e-6);
    assert.ok(Math.abs(r.hi - (-0.1 + 1.959964 * Math.sqrt(0.16 / 50 + 0.09 / 50))) < 1e-6);
    assert.deepEqual(twoProportionInterval(1, 1, 0, 1), { diff: 1, lo: 1, hi: 1 });
    assert.equal(twoProportionInterval(0, 0, 3, 4), null);
  });

  it('names newly failing, newly passing, score moves and new cases; regression past --max-drop only', () => {
    const baseline = [cell('a', true), cell('b', false), cell('c', true, { similarity: 0.8 }), cell('d', true)];
    const current = [cell('a', false), cell('b', true), cell('c', true, { similarity: 0.6 }), cell('d', true), cell('e', false)];
    const r = compareWithBaseline(current, baseline, { maxDrop: 0 });
    assert.deepEqual(r.changes.map((c) => [c.caseId, c.change]), [['a', 'newly-failing'], ['b', 'newly-passing'], ['c', 'score'], ['e', 'new']]);
    assert.ok(Math.abs(r.changes[2].scoreDeltas.similarity + 0.2) < 1e-9);
    // 3/4 before, 3/5 now: a drop of 15 points.
    assert.equal(r.models[0].baseline.rate, 0.75);
    assert.equal(r.models[0].current.rate, 0.6);
    assert.equal(r.regressed, true);
    assert.equal(compareWithBaseline(current, baseline, { maxDrop: 0.15 }).regressed, false, 'a drop of exactly --max-drop passes');
    assert.equal(compareWithBaseline(current, baseline, { maxDrop: 0.14 }).regressed, true);
    assert.equal(compareWithBaseline(baseline, baseline, { maxDrop: 0 }).regressed, false);
  });

  it('--must-pass fails the gate for a listed case that failed on any model, whatever the rates', () => {
    const both = [cell('a', true, {}, 'x'), cell('a', false, {}, 'y'), cell('b', true, {}, 'x'), cell('b', true, {}, 'y')];
    const r = compareWithBaseline(both, both, { maxDrop: 1, mustPass: ['a'] });
    assert.deepEqual(r.mustPassFailures, [{ caseId: 'a', model: 'y' }]);
    assert.equal(r.regressed, true);
    assert.equal(compareWithBaseline(both, both, { maxDrop: 1, mustPass: ['b'] }).regressed, false);
  });

  it('writes a Markdown report with the table, the interval and the changed cases', () => {
    const r = compareWithBaseline([cell('a', false), cell('b', true)], [cell('a', true), cell('b', true)], { maxDrop: 0 });
    const md = gateMarkdown(r, { prompt: 'explain', baseline: 'HEAD', maxDrop: 0, datasetRunId: 'd_1' });
    assert.match(md, /^## Prompt Workbench: explain against HEAD/);
    assert.match(md, /\*\*Regression\*\*/);
    assert.match(md, /\| m \| 100\.0% \(2\/2\) \| 50\.0% \(1\/2\) \| −50\.0 pts \(−100\.0 to \+19\.3\) \| ❌ regressed \|/);
    assert.match(md, /### Newly failing \(1\)\n\n- `a` on m/);
  });
});
