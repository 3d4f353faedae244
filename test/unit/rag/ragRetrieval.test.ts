// The keyword index (BM25), rank fusion, filters and diversity, and the retrieval evaluation.
import * as assert from 'node:assert/strict';
import { Bm25Index } from '../../../src/core/rag/bm25';
import { chunkFilter, diversify, reciprocalRankFusion, toHits } from '../../../src/core/rag/fusion';
import { evaluateRetrieval, parseRetrievalQuestions } from '../../../src/core/rag/retrievalEval';
import type { RagChunk, RagHit, RagQuery } from '../../../src/core/rag/types';

const DOCS: Record<string, string> = {
  'a#0': 'Install the extension from the marketplace, then reload the window.',
  'b#0': 'Bedrock throttling: the client retries with exponential backoff when throttled.',
  'c#0': 'The keyword index ranks chunks with BM25. BM25 weighs rare terms more than common terms.',
  'd#0': 'Release notes for version two: faster startup and a new theme.',
};

function index(): Bm25Index {
  const bm = new Bm25Index();
  for (const [id, text] of Object.entries(DOCS)) bm.add(id, text);
  return bm;
}

describe('rag BM25 keyword index', () => {
  it('ranks the document with the query terms first, stems and ignores stopwords', () => {
    const hits = index().search('how is throttling retried?', 3);
    assert.equal(hits[0].id, 'b#0');
    assert.equal(hits.length, 1, 'only documents sharing a term score');
    assert.equal(index().search('the and of', 5).length, 0);
  });

  it('prefers the document where a rare term is frequent', () => {
    const bm = index();
    bm.add('e#0', 'A note that mentions BM25 once among many other words about themes and windows and startup.');
    assert.equal(bm.search('BM25', 2)[0].id, 'c#0');
  });

  it('removes documents and re-adding replaces them', () => {
    const bm = index();
    assert.equal(bm.remove('b#0'), true);
    assert.equal(bm.remove('b#0'), false);
    assert.equal(bm.search('throttling', 5).length, 0);
    bm.add('a#0', 'Throttling explained again.');
    assert.equal(bm.size, 3);
    assert.deepEqual(bm.search('throttling', 5).map((h) => h.id), ['a#0']);
    assert.equal(bm.search('marketplace', 5).length, 0, 'the old text of a#0 is gone');
  });

  it('survives serialize/deserialize with identical rankings and rejects damaged bytes', () => {
    const bm = index();
    bm.remove('d#0');
    const copy = Bm25Index.deserialize(bm.serialize());
    assert.equal(copy.size, 3);
    for (const q of ['bm25 rare terms', 'install reload', 'backoff']) assert.deepEqual(copy.search(q, 5), bm.search(q, 5));
    const bytes = bm.serialize();
    assert.throws(() => Bm25Index.deserialize(bytes.subarray(0, bytes.length - 3)), /truncated|trailing/);
    assert.throws(() => Bm25Index.deserialize(Buffer.from('not an index at all')), /header/);
  });

  it('matches compounds either way: rollback ↔ roll back, sign-in ↔ signin ↔ sign in', () => {
    const bm = new Bm25Index();
    bm.add('runbook#0', 'Rollback runbook: flip the flag, drain the queue, then redeploy the previous build.');
    bm.add('limits#0', 'Rate limits: a burst of requests beyond the limit is rejected; new limits are rolled out slowly.');
    bm.add('login#0', 'Users sign in with single sign-on. A failed sign-in is logged.');
    bm.add('auth#0', 'The signin page accepts a password.');
    // The runbook only says "rollback": without joining "roll back" it would not match at all.
    assert.ok(bm.search('how do I roll back', 5).some((h) => h.id === 'runbook#0'), 'roll back → rollback');
    bm.add('old#0', 'To roll back, revert the deployment to the last good version.');
    const rollback = bm.search('rollback', 5).map((h) => h.id);
    assert.deepEqual(rollback.slice(0, 2).sort(), ['old#0', 'runbook#0'], 'the split query finds "roll back"');
    for (const q of ['signin', 'sign-in', 'sign in']) {
      assert.deepEqual(bm.search(q, 5).map((h) => h.id).sort(), ['auth#0', 'login#0'], q);
    }
  });

  it('re-analyzes a keyword file of the older analyzer instead of mixing terms', () => {
    const bytes = index().serialize();
    assert.equal(Bm25Index.sameAnalyzer(bytes), true);
    const old = Buffer.from(bytes);
    old.writeUInt32LE(0x31324d42, 0); // "BM21", the light stemmer's files
    assert.equal(Bm25Index.sameAnalyzer(old), false);
  });

  it('filters candidates with accept()', () => {
    const hits = index().search('bm25 throttling', 5, (id) => id !== 'c#0');
    assert.deepEqual(hits.map((h) => h.id), ['b#0']);
  });
});

const chunk = (path: string, n: number): RagChunk => ({ id: `${path}#${n}`, path, startLine: n * 10 + 1, endLine: n * 10 + 10, text: `${path} ${n}` });

describe('rag fusion, filters and diversity', () => {
  it('fuses by reciprocal rank: agreement beats a single first place', () => {
    const fused = reciprocalRankFusion(
      [{ id: 'x', score: 0.9 }, { id: 'y', score: 0.8 }, { id: 'z', score: 0.1 }],
      [{ id: 'y', score: 12 }, { id: 'w', score: 11 }],
    );
    assert.equal(fused[0].id, 'y');
    assert.equal(fused[0].vectorRank, 2);
    assert.equal(fused[0].keywordRank, 1);
    assert.ok(fused[0].score <= 1 && fused[0].score > fused[1].score);
    const first = reciprocalRankFusion([{ id: 'a', score: 1 }], [{ id: 'a', score: 1 }]);
    assert.equal(first[0].score, 1, 'first in both rankings scores 1');
  });

  it('weights the vector vote', () => {
    const v = [{ id: 'v1', score: 1 }];
    const k = [{ id: 'k1', score: 1 }];
    assert.equal(reciprocalRankFusion(v, k, { vectorWeight: 0.3 })[0].id, 'k1');
    assert.equal(reciprocalRankFusion(v, k, { keywordWeight: 0.3 })[0].id, 'v1');
  });

  it('filters by folder and file type', () => {
    const f = chunkFilter({ folders: ['docs/', './guides'], fileTypes: ['.md'] });
    assert.equal(f(chunk('docs/a.md', 0)), true);
    assert.equal(f(chunk('guides/x/b.md', 0)), true);
    assert.equal(f(chunk('docsextra/a.md', 0)), false, 'a folder is a path prefix at a / boundary');
    assert.equal(f(chunk('docs/a.txt', 0)), false);
    assert.equal(chunkFilter({})(chunk('anything.bin', 0)), true);
  });

  it('keeps at most N chunks per file unless fewer files match', () => {
    const ranked = [chunk('a', 0), chunk('a', 1), chunk('a', 2), chunk('b', 0), chunk('a', 3), chunk('c', 0)];
    assert.deepEqual(diversify(ranked, 4, 2).map((c) => c.id), ['a#0', 'a#1', 'b#0', 'c#0']);
    assert.deepEqual(diversify([chunk('a', 0), chunk('a', 1), chunk('a', 2)], 3, 1).map((c) => c.id), ['a#0', 'a#1', 'a#2'], 'one file: its chunks fill the places');
  });

  it('applies minScore and topK when turning fused ids into hits', () => {
    const chunks = new Map([chunk('a', 0), chunk('b', 0), chunk('c', 0)].map((c) => [c.id, c]));
    const fused = [{ id: 'a#0', score: 0.9 }, { id: 'b#0', score: 0.5 }, { id: 'c#0', score: 0.2 }];
    assert.deepEqual(toHits(fused, chunks, { text: 'q', minScore: 0.4 }).map((h) => h.id), ['a#0', 'b#0']);
    assert.deepEqual(toHits(fused, chunks, { text: 'q', topK: 1 }).map((h) => h.id), ['a#0']);
  });
});

describe('rag retrieval evaluation', () => {
  it('parses JSONL questions and reports bad lines', () => {
    const { questions, problems } = parseRetrievalQuestions('{"question":"q1","files":["docs/a.md"]}\nnot json\n{"question":"q2"}\n\n');
    assert.equal(questions.length, 1);
    assert.deepEqual(problems.map((p) => p.line), [2, 3]);
  });

  it('computes hit@1, hit@k and MRR from the first answering file', async () => {
    const results: Record<string, string[]> = { q1: ['docs/a.md', 'docs/b.md'], q2: ['docs/b.md', 'docs/a.md', 'docs/c.md'], q3: ['x.md', 'y.md'] };
    const seen: RagQuery[] = [];
    const search = async (q: RagQuery): Promise<RagHit[]> => {
      seen.push(q);
      return results[q.text].map((p, i) => ({ ...chunk(p, 0), score: 1 - i / 10 }));
    };
    const r = await evaluateRetrieval(search, [
      { question: 'q1', files: ['docs/a.md'] },
      { question: 'q2', files: ['docs/c.md', 'docs/'] },
      { question: 'q3', files: ['z.md'] },
    ], { k: 3 });
    assert.deepEqual(r.results.map((x) => x.rank), [1, 1, null]);
    assert.equal(r.hitAt1, 2 / 3);
    assert.equal(r.hitAtK, 2 / 3);
    assert.equal(r.mrr, 2 / 3);
    assert.equal(seen[0].maxPerFile, 1, 'ranks count distinct files');
    const r2 = await evaluateRetrieval(search, [{ question: 'q2', files: ['docs/c.md'] }], { k: 3 });
    assert.equal(r2.results[0].rank, 3);
    assert.ok(Math.abs(r2.mrr - 1 / 3) < 1e-12);
  });
});
