// Bad input for the `.prompt` language features: truncated frontmatter, tabs, duplicate keys, a
// binary file renamed .prompt, a 5 MB file, unbalanced blocks and random edits. Each gives
// diagnostics (where it is a problem), every feature answers at every position, and no feature
// fails inside: the service reports its own caught errors, which these tests collect.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import {
  EDITOR_CHECK_LIMIT_CHARS,
  onLanguageServiceError,
  promptCompletions,
  promptDefinition,
  promptHover,
  promptSymbols,
  semanticDiagnostics,
  type LanguageContext,
  type PromptSymbol,
} from '../../../src/core/prompt/language/languageService';
import { parsePromptSource, type PromptDiagnostic } from '../../../src/core/prompt/parsePrompt';
import type { DiagnosticRange } from '../../../src/core/prompt/promptDiagnostics';

const EMAIL_SUMMARY = fs.readFileSync(path.join(__dirname, '../../../../prompts/email-summary.prompt'), 'utf8');
const context: LanguageContext = { catalog: new ModelCatalog(), providers: ['bedrock', 'echo'], partials: { files: ['_header.prompt'] } };

const internalErrors: string[] = [];

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

function assertInside(text: string, range: DiagnosticRange, what: string): void {
  const lines = text.split(/\r\n|\r|\n/);
  assert.ok(range.startLine >= 0 && range.endLine < lines.length, `${what}: line ${range.endLine} is past the last line`);
  assert.ok(range.startLine < range.endLine || (range.startLine === range.endLine && range.startCol <= range.endCol), `${what}: range ends before it starts`);
  assert.ok(range.endCol <= lines[range.endLine].length, `${what}: column ${range.endCol} is past the end of line ${range.endLine}`);
}

function everySymbol(symbols: PromptSymbol[]): PromptSymbol[] {
  return symbols.flatMap((symbol) => [symbol, ...everySymbol(symbol.children)]);
}

/** Runs every feature over a text at a spread of positions; returns parse + semantic diagnostics. */
function exercise(text: string, positions = 12): PromptDiagnostic[] {
  const parsed = parsePromptSource(text);
  const semantic = semanticDiagnostics(text, context);
  const diagnostics = [...parsed.diagnostics, ...semantic];
  for (const diagnostic of diagnostics) assertInside(text, diagnostic.range, `diagnostic ${diagnostic.code}`);
  for (const symbol of everySymbol(promptSymbols(text))) {
    assertInside(text, symbol.range, `symbol ${symbol.name}`);
    assertInside(text, symbol.selectionRange, `symbol ${symbol.name}`);
  }
  const lines = text.split(/\r\n|\r|\n/);
  const step = Math.max(1, Math.floor(lines.length / positions));
  for (let line = 0; line < lines.length; line += step) {
    for (const col of [0, Math.floor(lines[line].length / 2), lines[line].length]) {
      const position = { line, col };
      for (const item of promptCompletions(text, position, context)) assert.ok(item.replaceFrom.col >= 0 && item.replaceFrom.col <= col, 'completion replaces only text before the cursor');
      const hover = promptHover(text, position, context);
      if (hover) assertInside(text, hover.range, 'hover');
      promptDefinition(text, position, context);
    }
  }
  return diagnostics;
}

function codes(diagnostics: PromptDiagnostic[]): string[] {
  return diagnostics.map((diagnostic) => diagnostic.code);
}

/** A small deterministic generator, so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('prompt language: bad input', function () {
  this.timeout(60000);

  before(() => onLanguageServiceError((feature, error) => internalErrors.push(`${feature}: ${error instanceof Error ? error.stack : String(error)}`)));
  afterEach(() => {
    const found = internalErrors.splice(0);
    assert.deepStrictEqual(found, [], 'a language feature failed inside');
  });
  after(() => onLanguageServiceError(() => undefined));

  it('frontmatter truncated after every line: each cut that leaves it open says so, and every feature answers', () => {
    const lines = EMAIL_SUMMARY.split('\n');
    const closing = lines.indexOf('---', 1);
    for (let cut = 1; cut < closing; cut++) {
      const text = lines.slice(0, cut + 1).join('\n');
      assert.ok(codes(exercise(text)).includes('frontmatter-unclosed'), `cut after line ${cut + 1}`);
    }
  });

  it('the prompt cut at every 7th character never fails', () => {
    for (let cut = 0; cut <= EMAIL_SUMMARY.length; cut += 11) exercise(EMAIL_SUMMARY.slice(0, cut), 4);
  });

  it('tabs as YAML indentation are reported on the tab', () => {
    const text = '---\nname: x\nconfig:\n\ttemperature: 0.2\n---\nhello\n';
    const tab = exercise(text).find((diagnostic) => /tab/i.test(diagnostic.message));
    assert.ok(tab, 'a diagnostic names the tab');
    assert.strictEqual(tab.range.startLine, 3);
  });

  it('duplicate keys are reported, at the second one', () => {
    const text = '---\nname: x\nmodel: echo/echo\nmodel: echo/echo\n---\nhello\n';
    const duplicate = exercise(text).find((diagnostic) => diagnostic.code === 'yaml-duplicate-key');
    assert.ok(duplicate);
    assert.strictEqual(duplicate.range.startLine, 3);
  });

  it('a binary file renamed .prompt says it looks binary', () => {
    const next = random(11);
    const bytes = Buffer.from(Array.from({ length: 48 * 1024 }, () => Math.floor(next() * 256)));
    for (const text of [bytes.toString('latin1'), bytes.toString('utf8'), `---\n${bytes.toString('latin1')}`]) {
      assert.ok(codes(exercise(text, 4)).includes('binary-content'));
    }
  });

  it('a 5 MB file gets one diagnostic saying it is too large to check, and an outline', () => {
    const body = `${EMAIL_SUMMARY}\n${'Another line with {{audience}} in it, and some more words.\n'.repeat(Math.ceil(5_000_000 / 58))}`;
    assert.ok(body.length > 5_000_000 && body.length > EDITOR_CHECK_LIMIT_CHARS);
    const found = semanticDiagnostics(body, context);
    assert.deepStrictEqual(codes(found), ['file-too-large']);
    assert.match(found[0].message, /This file has 5\.\d million characters/);
    assert.deepStrictEqual(promptSymbols(body).map((symbol) => symbol.name), ['Frontmatter', 'system', 'user']);
    assert.ok(promptCompletions(body, { line: 5, col: 0 }, context).length > 0, 'frontmatter completion still answers');
  });

  it('an unbalanced {{#if}} names the block and its line', () => {
    const text = '---\nname: x\n---\n{{role "user"}}\n{{#if audience}}\nFor {{audience}}\n{{#each items}}{{this}}{{/each}}\n';
    const unclosed = exercise(text).find((diagnostic) => diagnostic.code === 'template-unclosed-block');
    assert.ok(unclosed);
    assert.match(unclosed.message, /\{\{#if\}\} block opened on line 5/);
    assert.strictEqual(unclosed.range.startLine, 4);
  });

  it('CRLF and lone CR line breaks keep every range inside the text', () => {
    exercise(EMAIL_SUMMARY.replace(/\n/g, '\r\n'));
    exercise(EMAIL_SUMMARY.replace(/\n/g, '\r'));
  });

  it('250 random edits of a real prompt: every feature answers at every position without failing', () => {
    const next = random(2026);
    const pieces = ['{{', '}}', '{{#if x}}', '{{/if}}', '{{> ', '---\n', '\n', '\t', ':', '"', "'", '[', ']', '{', '}', '#', '\u0000', '\uFFFD', 'model: ', '  ', '{{!--', '--}}', '\r'];
    let text = EMAIL_SUMMARY;
    for (let round = 0; round < 250; round++) {
      const at = Math.floor(next() * (text.length + 1));
      if (next() < 0.6) text = text.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + text.slice(at);
      else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
      exercise(text, 3);
      if (round % 50 === 49) text = EMAIL_SUMMARY;
    }
    assert.ok(lineCount(text) > 1);
  });
});
