import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateRetrieval } from '../../../src/core/rag/retrievalEval';
import { appendRetrievalEval, readRetrievalEvals, retrievalEvalRecord, RETRIEVAL_EVAL_SCHEMA } from '../../../src/core/rag/retrievalEvalRecords';
import type { RagHit, RagQuery } from '../../../src/core/rag/types';

const hit = (p: string): RagHit => ({ id: p, path: p, startLine: 1, endLine: 2, text: '', score: 1 });

describe('rag retrieval evaluations kept in the workspace', () => {
  it('records hit@1, hit@k, MRR and the missed questions; reads newest first and skips a bad line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-reval-'));
    const file = path.join(dir, 'retrieval-evals.jsonl');
    // A search that finds a.md first, then b.md: question 1 is a hit at rank 1, question 2 at rank 2, question 3 a miss.
    const search = async (_q: RagQuery) => [hit('docs/a.md'), hit('docs/b.md')];
    const result = await evaluateRetrieval(search, [
      { question: 'one', files: ['docs/a.md'] },
      { question: 'two', files: ['docs/b.md'] },
      { question: 'three', files: ['docs/c.md'] },
    ], { k: 5, mode: 'keyword' });
    const older = retrievalEvalRecord(result, { questionsFile: 'datasets/q.jsonl', embedder: 'offline', now: new Date('2026-11-01T00:00:00Z') });
    const newer = retrievalEvalRecord(result, { questionsFile: 'datasets/q.jsonl', embedder: 'bedrock:amazon.titan-embed-text-v2:0@512', now: new Date('2026-11-02T00:00:00Z') });
    assert.equal(newer.schema, RETRIEVAL_EVAL_SCHEMA);
    assert.equal(newer.hitAt1, 1 / 3);
    assert.equal(newer.hitAtK, 2 / 3);
    assert.ok(Math.abs(newer.mrr - (1 + 0.5) / 3) < 1e-12);
    assert.deepEqual(newer.missed, ['three']);
    await appendRetrievalEval(file, older);
    fs.appendFileSync(file, '{"schema": "prompt-workbench.retrievalEval/1", "hitAt1": "x"\n');
    await appendRetrievalEval(file, newer);
    const { records, problems } = await readRetrievalEvals(file);
    assert.deepEqual(records.map((r) => r.embedder), ['bedrock:amazon.titan-embed-text-v2:0@512', 'offline'], 'newest first');
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 2);
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 3, 'the bad line stays in the file');
    assert.deepEqual(await readRetrievalEvals(path.join(dir, 'missing.jsonl')), { records: [], problems: [] });
  });
});
