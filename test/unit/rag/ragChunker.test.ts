// Structure-aware chunking: headings, fenced code, overlap, line ranges, HTML line numbers.
import * as assert from 'node:assert/strict';
import { chunkDocument, htmlToText } from '../../../src/core/rag/chunker';
import { queryTerms, stem, terms, words } from '../../../src/core/rag/tokenize';

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} sentence number ${i + 1} of the paragraph.`);

/** Every chunk's text must be exactly its line range of the source. */
function assertRangesMatch(source: string, chunks: ReturnType<typeof chunkDocument>): void {
  const all = source.split('\n');
  for (const c of chunks) assert.equal(c.text, all.slice(c.startLine - 1, c.endLine).join('\n').replace(/\s+$/, ''), `${c.id} ${c.startLine}-${c.endLine}`);
}

describe('rag chunker', () => {
  it('starts a chunk at each heading and records the heading path', () => {
    const source = ['# Guide', '', 'Intro text.', '', '## Install', '', 'Run npm install.', '', '### From source', '', 'Clone it.', '', '## Use', '', 'Call run().'].join('\n');
    const chunks = chunkDocument('docs/guide.md', source);
    assert.deepEqual(
      chunks.map((c) => [c.heading, c.startLine, c.endLine]),
      [['Guide', 1, 3], ['Guide > Install', 5, 7], ['Guide > Install > From source', 9, 11], ['Guide > Use', 13, 15]],
    );
    assert.deepEqual(chunks.map((c) => c.id), ['docs/guide.md#0', 'docs/guide.md#1', 'docs/guide.md#2', 'docs/guide.md#3']);
    assertRangesMatch(source, chunks);
  });

  it('keeps a heading directly followed by a sub-heading in one chunk', () => {
    const source = ['# API', '## Client', '', 'The client connects.'].join('\n');
    const chunks = chunkDocument('a.md', source);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].heading, 'API > Client');
    assert.equal(chunks[0].startLine, 1);
  });

  it('keeps a fenced code block whole, blank lines inside included', () => {
    const code = ['```ts', 'const a = 1;', '', '', 'const b = 2;', '', 'export { a, b };', '```'];
    const source = ['# Code', '', ...lines(30, 'Before'), '', ...code, '', 'After the code.'].join('\n');
    const chunks = chunkDocument('c.md', source, { chunkLines: 34, overlapLines: 0 });
    const withFence = chunks.filter((c) => c.text.includes('```ts'));
    assert.equal(withFence.length, 1, 'the fence opens in exactly one chunk');
    assert.ok(withFence[0].text.includes('export { a, b };\n```'), 'and closes in the same one');
    assertRangesMatch(source, chunks);
  });

  it('splits long sections with overlapping line ranges that cover every line', () => {
    const paragraphs: string[] = [];
    for (let p = 0; p < 10; p++) paragraphs.push(...lines(8, `P${p}`), '');
    const source = ['# Long', '', ...paragraphs].join('\n');
    const chunks = chunkDocument('long.md', source, { chunkLines: 20, overlapLines: 4 });
    assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
    for (let i = 1; i < chunks.length; i++) {
      assert.ok(chunks[i].startLine <= chunks[i - 1].endLine, `chunk ${i} overlaps the one before (${chunks[i - 1].endLine} → ${chunks[i].startLine})`);
      assert.ok(chunks[i].startLine > chunks[i - 1].startLine);
      assert.ok(chunks[i].endLine - chunks[i].startLine + 1 <= 20 + 4);
    }
    assert.equal(chunks[0].startLine, 1);
    assert.equal(chunks[chunks.length - 1].endLine, source.split('\n').length - 1);
    assertRangesMatch(source, chunks);
  });

  it('windows a single paragraph longer than a chunk', () => {
    const source = lines(100, 'Run-on').join('\n');
    const chunks = chunkDocument('notes.txt', source, { chunkLines: 30, overlapLines: 5 });
    assert.ok(chunks.length >= 4);
    assert.equal(chunks[1].startLine, chunks[0].endLine - 4, 'five lines of overlap');
    assert.equal(chunks[chunks.length - 1].endLine, 100);
    assertRangesMatch(source, chunks);
  });

  it('knows reStructuredText and AsciiDoc headings', () => {
    const rst = chunkDocument('x.rst', ['Title', '=====', '', 'Text.', '', 'Part', '----', '', 'More.'].join('\n'));
    assert.deepEqual(rst.map((c) => c.heading), ['Title', 'Title > Part']);
    const adoc = chunkDocument('x.adoc', ['= Book', '', 'Intro.', '', '== Chapter', '', 'Body.'].join('\n'));
    assert.deepEqual(adoc.map((c) => [c.heading, c.startLine]), [['Book', 1], ['Book > Chapter', 5]]);
  });

  it('turns HTML into text with the same line numbers and its headings', () => {
    const html = ['<html><head><style>', 'body { color: red }', '</style></head>', '<body>', '  <h1>Release notes</h1>', '  <p>Version <b>2</b> adds &amp; fixes.</p>', '<script>', 'var x = "<p>no</p>";', '</script>', '  <h2>Fixes</h2>', '  <p>The crash on save.</p>', '</body></html>'].join('\n');
    const text = htmlToText(html);
    assert.equal(text.split('\n').length, html.split('\n').length);
    assert.ok(!text.includes('color') && !text.includes('var x'), 'style and script are dropped');
    const chunks = chunkDocument('notes.html', html);
    assert.deepEqual(chunks.map((c) => [c.heading, c.startLine]), [['Release notes', 5], ['Release notes > Fixes', 10]]);
    assert.match(chunks[0].text, /Version 2 adds & fixes\./);
    assert.equal(chunks[1].endLine, 11);
  });

  it('returns nothing for an empty or blank document', () => {
    assert.deepEqual(chunkDocument('e.md', ''), []);
    assert.deepEqual(chunkDocument('e.md', '\n\n   \n'), []);
  });
});

describe('rag tokenizer', () => {
  it('splits identifiers, lowercases, drops stopwords and stems', () => {
    assert.deepEqual(words('beginUpdate snake_case'), ['beginupdate', 'begin', 'update', 'snakecase', 'snake', 'case']);
    assert.deepEqual(terms('The indexes are indexed by indexing'), ['index', 'index', 'index']);
    // Porter2: inflections meet, short words and words with digits stay whole.
    for (const [a, b] of [['libraries', 'library'], ['releases', 'released'], ['rolling', 'rolls'], ['configured', 'configuration'], ['deployments', 'deploying']]) {
      assert.equal(stem(a), stem(b), `${a} / ${b}`);
    }
    assert.equal(stem('class'), 'class');
    assert.equal(stem('string'), 'string');
    assert.equal(stem('utf8'), 'utf8');
    assert.equal(stem('größe'), 'größe');
  });

  it('adds compounds written the other way to a query, only where the index knows them', () => {
    const vocabulary = new Set(['rollback', 'roll', 'back', 'releas', 'sign', 'signin', 'setup', 'data', 'base']);
    const known = (t: string) => vocabulary.has(t);
    const q = queryTerms('how do I roll back a bad release', known);
    assert.equal(q.get('rollback'), 1, 'roll back → rollback');
    assert.equal(q.get('roll'), 1);
    assert.equal(q.get('releas'), 1);
    assert.equal(q.has('how'), false, 'stopwords are no terms');
    assert.equal(queryTerms('sign in', known).get('signin'), 1, 'a stopword may end the pair');
    assert.equal(queryTerms('set up the server', known).get('setup'), 1);
    const split = queryTerms('rollback', known);
    assert.deepEqual([...split], [['rollback', 1], ['roll', 0.5], ['back', 0.5]]);
    assert.deepEqual([...queryTerms('signin', known)], [['signin', 1], ['sign', 0.5]], 'a stopword part adds nothing');
    assert.deepEqual([...queryTerms('roll back', () => false)], [['roll', 1], ['back', 1]], 'nothing the index lacks');
    assert.deepEqual([...queryTerms('in on', known)], [], 'two stopwords are not joined');
  });
});
