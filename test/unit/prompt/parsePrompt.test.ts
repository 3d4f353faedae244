import * as assert from 'assert';
import { contentHash } from '../../../src/core/prompt/contentHash';
import { parsePromptSource, type ParsedPrompt, type PromptDiagnostic } from '../../../src/core/prompt/parsePrompt';

const lines = (...text: string[]): string => text.join('\n') + '\n';

function only(parsed: ParsedPrompt, code: string): PromptDiagnostic {
  const matching = parsed.diagnostics.filter((diagnostic) => diagnostic.code === code);
  assert.strictEqual(matching.length, 1, `expected one ${code}, got ${JSON.stringify(parsed.diagnostics, null, 1)}`);
  return matching[0];
}

function assertAt(diagnostic: PromptDiagnostic, startLine: number, startCol: number): void {
  assert.deepStrictEqual([diagnostic.range.startLine, diagnostic.range.startCol], [startLine, startCol], diagnostic.message);
}

/** Every range must lie inside the file, so that an editor can show it. */
function assertRangesInside(source: string, parsed: ParsedPrompt): void {
  const fileLines = source.split(/\r\n|\r|\n/);
  for (const { range, message, code } of parsed.diagnostics) {
    assert.ok(message.length > 0 && code.length > 0);
    assert.ok(range.startLine >= 0 && range.startLine <= range.endLine && range.endLine < fileLines.length, `${code} ${JSON.stringify(range)}`);
    assert.ok(range.startCol >= 0 && range.startCol <= fileLines[range.startLine].length, `${code} ${JSON.stringify(range)}`);
    assert.ok(range.endCol >= 0 && range.endCol <= fileLines[range.endLine].length, `${code} ${JSON.stringify(range)}`);
  }
}

const REALISTIC_PROMPT = lines(
  '---',
  'name: email-summary',
  'version: 3',
  'description: Summarize an email thread',
  'model: bedrock/anthropic.claude-3-5-haiku-20241022-v1:0',
  'config: {temperature: 0.2, maxOutputTokens: 700, topP: 0.9, stopSequences: []}',
  'input:',
  '  schema: {email: string, audience?: string}',
  '  default: {audience: engineer}',
  'workbench.compare: [bedrock/amazon.nova-lite-v1:0, bedrock/meta.llama3-1-8b-instruct-v1:0]',
  'workbench.rag: {topK: 4, query: "{{email}}"}',
  '---',
  '{{role "system"}}You summarize email threads for a busy {{audience}}.',
  '{{role "user"}}{{email}}',
);

describe('parsePromptSource', () => {
  it('reads the frontmatter fields and the template of a well-formed prompt', () => {
    const parsed = parsePromptSource(REALISTIC_PROMPT);
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.strictEqual(parsed.ok, true);
    assert.strictEqual(parsed.name, 'email-summary');
    assert.strictEqual(parsed.version, 3);
    assert.strictEqual(parsed.model, 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.deepStrictEqual(parsed.config, { temperature: 0.2, maxOutputTokens: 700, topP: 0.9, stopSequences: [] });
    assert.deepStrictEqual(parsed.inputSchema, { email: 'string', 'audience?': 'string' });
    assert.deepStrictEqual(parsed.inputDefaults, { audience: 'engineer' });
    assert.strictEqual(parsed.templateStartLine, 12);
    assert.ok(parsed.template.startsWith('{{role "system"}}You summarize'));
    assert.deepStrictEqual(parsed.variables, ['audience', 'email']);
    assert.strictEqual(parsed.frontmatter.description, 'Summarize an email thread');
  });

  it('collects the dotted workbench.* keys without their prefix', () => {
    const parsed = parsePromptSource(REALISTIC_PROMPT);
    assert.deepStrictEqual(parsed.workbench, {
      compare: ['bedrock/amazon.nova-lite-v1:0', 'bedrock/meta.llama3-1-8b-instruct-v1:0'],
      rag: { topK: 4, query: '{{email}}' },
    });
  });

  it('warns that a workbench: block (not dotted keys) is ignored by dotprompt', () => {
    const parsed = parsePromptSource(lines('---', 'name: x', 'workbench: {compare: [a]}', '---', 'Hi'));
    assertAt(only(parsed, 'workbench-block'), 2, 11);
    assert.strictEqual(parsed.ok, true);
    assert.deepStrictEqual(parsed.workbench, {});
  });

  it('accepts a file with no frontmatter as a template', () => {
    const parsed = parsePromptSource('Hello {{name}}!\n');
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.deepStrictEqual([parsed.template, parsed.templateStartLine, parsed.frontmatter], ['Hello {{name}}!\n', 0, {}]);
    assert.deepStrictEqual(parsed.variables, ['name']);
  });

  it('puts an unclosed quote on the line where the quote opens', () => {
    const source = lines('---', 'name: x', 'description: "unclosed', 'model: y', '---', 'Hi');
    const diagnostic = only(parsePromptSource(source), 'yaml-missing-char');
    assertAt(diagnostic, 2, 13);
    assert.strictEqual(diagnostic.severity, 'error');
    assert.match(diagnostic.message, /^YAML: .*never closed/);
  });

  it('reports a duplicate key at the repeat, naming the first line', () => {
    const parsed = parsePromptSource(lines('---', 'name: a', 'version: 1', 'name: b', '---', 'Hi'));
    const diagnostic = only(parsed, 'yaml-duplicate-key');
    assertAt(diagnostic, 3, 0);
    assert.strictEqual(diagnostic.range.endCol, 4);
    assert.match(diagnostic.message, /duplicate key "name" \(first set on line 2\)/);
    assert.strictEqual(parsed.ok, false);
  });

  it('reports tabs used as YAML indentation where they are', () => {
    const parsed = parsePromptSource(lines('---', 'config:', '\ttemperature: 1', '---', 'Hi'));
    assertAt(only(parsed, 'yaml-tab-as-indent'), 2, 0);
  });

  for (const [written, shown] of [['2.5', '2.5'], ['0', '0'], ['-1', '-1'], ['"3"', '"3"'], ['[1]', 'a list']]) {
    it(`rejects version: ${written}, pointing at the value`, () => {
      const parsed = parsePromptSource(lines('---', 'name: a', `version: ${written}`, '---', 'Hi'));
      const diagnostic = only(parsed, 'version-invalid');
      assertAt(diagnostic, 2, 9);
      assert.ok(diagnostic.message.includes(`found ${shown}`), diagnostic.message);
      assert.strictEqual(parsed.version, undefined);
      assert.strictEqual(parsed.ok, false);
    });
  }

  it('reports wrongly typed fields and config values', () => {
    const parsed = parsePromptSource(lines('---', 'name: [a]', 'model: 3', 'config: {temperature: hot, stopSequences: stop}', 'input: {default: [a]}', '---', 'Hi'));
    const messages = parsed.diagnostics.map((diagnostic) => [diagnostic.range.startLine, diagnostic.message]);
    assert.deepStrictEqual(messages, [
      [1, 'Frontmatter: name must be text, found a list'],
      [2, 'Frontmatter: model must be text, found 3'],
      [3, 'Frontmatter: config.temperature must be a number, found "hot"'],
      [3, 'Frontmatter: config.stopSequences must be a list of text, found "stop"'],
      [4, 'Frontmatter: input.default must be a mapping of key: value, found a list'],
    ]);
  });

  it('reports frontmatter that is never closed', () => {
    const parsed = parsePromptSource(lines('---', 'name: x', 'Hello {{name}}'));
    assertAt(only(parsed, 'frontmatter-unclosed'), 0, 0);
    assert.strictEqual(parsed.ok, false);
  });

  it('reports a closing --- with no line break after it, which dotprompt would not see', () => {
    assertAt(only(parsePromptSource('---\nname: x\n---'), 'frontmatter-fence-at-end'), 2, 0);
  });

  it('reports empty frontmatter, which dotprompt would send as text', () => {
    assertAt(only(parsePromptSource('---\n---\nHello\n'), 'frontmatter-empty'), 0, 0);
  });

  it('reports frontmatter that is not a mapping', () => {
    assertAt(only(parsePromptSource(lines('---', '- a', '- b', '---', 'Hi')), 'frontmatter-not-mapping'), 1, 0);
  });

  it('names the line of an unclosed {{#if}} and points at it', () => {
    const source = lines('---', 'name: x', '---', 'Intro', '', '  {{#if urgent}}', 'Reply today.');
    const diagnostic = only(parsePromptSource(source), 'template-unclosed-block');
    assert.strictEqual(diagnostic.message, 'Template: unclosed {{#if}} block opened on line 6');
    assert.deepStrictEqual(diagnostic.range, { startLine: 5, startCol: 2, endLine: 5, endCol: 16 });
  });

  it('reports a {{/each}} that closes nothing', () => {
    const source = lines('---', 'name: x', '---', '{{#if a}}', 'x', '{{/each}}', '{{/if}}');
    const diagnostic = only(parsePromptSource(source), 'template-unopened-block');
    assert.strictEqual(diagnostic.message, 'Template: {{/each}} on line 6 has no opening {{#each}}');
    assertAt(diagnostic, 5, 0);
  });

  it('reports the block left open when {{/each}} closes the block around it', () => {
    const source = lines('{{#each items}}', '  {{#if done}}', '{{/each}}');
    const diagnostic = only(parsePromptSource(source), 'template-unclosed-block');
    assert.match(diagnostic.message, /^Template: unclosed \{\{#if\}\} block opened on line 2 \(\{\{\/each\}\} on line 3/);
    assertAt(diagnostic, 1, 2);
  });

  it('turns other Handlebars syntax errors into a sentence on the right line', () => {
    const source = lines('---', 'name: x', '---', 'ok', 'Dear {{name=}}');
    const diagnostic = only(parsePromptSource(source), 'template-syntax');
    assert.strictEqual(diagnostic.range.startLine, 4);
    assert.match(diagnostic.message, /^Template: unexpected/);
    assert.doesNotMatch(diagnostic.message, /Parse error|-\^/);
  });

  it('reports an unknown helper, which dotprompt refuses to compile', () => {
    const diagnostic = only(parsePromptSource('Hi {{upper name}}'), 'template-unknown-helper');
    assert.match(diagnostic.message, /unknown helper "upper"/);
    assertAt(diagnostic, 0, 5);
  });

  it('warns about a role that is not a message role', () => {
    const parsed = parsePromptSource('{{role "assistant"}}Hi');
    assert.strictEqual(only(parsed, 'template-unknown-role').severity, 'warning');
    assert.strictEqual(parsed.ok, true);
  });

  it('lists top-level variables only: no helpers, @data, this, block params or item fields', () => {
    const template = [
      '{{#each items as |item i|}}{{item.name}} {{i}} {{@index}} {{this}} {{field}} {{../title}}{{/each}}',
      '{{#with person}}{{age}}{{/with}} {{#if flag}}{{shown}}{{else}}{{other}}{{/if}}',
      '{{json data}} {{@root.top}} {{this.explicit}} {{> card ctx=cardData}} {{history}}',
    ].join('\n');
    const parsed = parsePromptSource(template);
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.deepStrictEqual(parsed.variables, ['items', 'title', 'person', 'flag', 'shown', 'other', 'data', 'top', 'explicit', 'cardData']);
    assert.deepStrictEqual(parsed.partials.map((reference) => reference.name), ['card']);
  });

  it('maps positions right in a file with CRLF line endings', () => {
    const source = ['---', 'name: x', 'version: 0', '---', 'Hi', '{{#if a}}', ''].join('\r\n');
    const parsed = parsePromptSource(source);
    assertAt(only(parsed, 'version-invalid'), 2, 9);
    assertAt(only(parsed, 'template-unclosed-block'), 5, 0);
    assert.strictEqual(parsed.templateStartLine, 4);
  });

  it('survives binary input and says it looks binary', () => {
    let seed = 7;
    const bytes = Buffer.from(Array.from({ length: 64 * 1024 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 255));
    for (const source of [bytes.toString('latin1'), `---\n${bytes.toString('utf8')}`, `---\nname: x\n---\n${bytes.toString('latin1')}`]) {
      const parsed = parsePromptSource(source);
      assert.strictEqual(only(parsed, 'binary-content').severity, 'warning');
      assertRangesInside(source, parsed);
    }
  });

  it('never throws on any prefix or corruption of a realistic prompt, and keeps ranges inside the file', () => {
    const sources = [REALISTIC_PROMPT, REALISTIC_PROMPT.replace(/\n/g, '\r\n'), `${REALISTIC_PROMPT}{{#each x}}{{#if y}}{{/each}}{{> p}}`];
    let seed = 42;
    const random = (below: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below;
    const junk = ['{{', '}}', '---', '\n', '\t', '"', ':', '{{/if}}', '{{#if', '\u0000', '\r', ' ', '&a', '*a', '[', ']'];
    for (const [index, source] of sources.entries()) {
      const step = index === 0 ? 1 : 7; // every prefix of the first; a sample of the others keeps this test quick
      for (let end = 0; end <= source.length; end += step) assertRangesInside(source.slice(0, end), parsePromptSource(source.slice(0, end)));
      for (let round = 0; round < 100; round++) {
        const at = random(source.length);
        const mutated = source.slice(0, at) + junk[random(junk.length)] + source.slice(at + random(4));
        assertRangesInside(mutated, parsePromptSource(mutated));
      }
    }
  });

  it('handles a 5 MB template: says it was only partly checked, still finds its unclosed block and partials', () => {
    const body = 'Text about {{topic}} with words enough to fill a long line of an email.\n'.repeat(70_000);
    const source = `---\nname: big\n---\n${body}{{> footer}}{{#if tail}}\n`;
    assert.ok(source.length > 5_000_000);
    const parsed = parsePromptSource(source);
    assert.strictEqual(parsed.name, 'big');
    assert.strictEqual(only(parsed, 'template-too-large').severity, 'warning');
    assertAt(only(parsed, 'template-unclosed-block'), 3 + 70_000, 12);
    assert.deepStrictEqual(parsed.partials.map((reference) => [reference.name, reference.range.startLine]), [['footer', 3 + 70_000]]);
  });

  it('handles 5 MB after an opening --- that is never closed', () => {
    const parsed = parsePromptSource(`---${'\n'.repeat(5_000_000)}`);
    assertAt(only(parsed, 'frontmatter-unclosed'), 0, 0);
  });

  it('refuses to read a frontmatter of megabytes, without parsing it', () => {
    const parsed = parsePromptSource(`---\n${'key: value\n'.repeat(500_000)}---\nHi {{name}}\n`);
    assertAt(only(parsed, 'frontmatter-too-large'), 0, 0);
    assert.deepStrictEqual(parsed.variables, ['name']);
  });

  it('does not throw for input that is not a string', () => {
    const parsed = parsePromptSource(undefined as unknown as string);
    assert.strictEqual(parsed.template, '');
  });
});

describe('contentHash', () => {
  it('is the first 8 hex characters of the sha256 of the text', () => {
    assert.strictEqual(contentHash('hello\n'), '5891b5b5');
  });

  it('is the same for CRLF, CR and LF line endings', () => {
    assert.strictEqual(contentHash('a\r\nb\r\n'), contentHash('a\nb\n'));
    assert.strictEqual(contentHash('a\rb\r'), contentHash('a\nb\n'));
    assert.strictEqual(contentHash(REALISTIC_PROMPT.replace(/\n/g, '\r\n')), contentHash(REALISTIC_PROMPT));
  });

  it('changes when the text changes', () => {
    assert.notStrictEqual(contentHash(REALISTIC_PROMPT), contentHash(REALISTIC_PROMPT.replace('version: 3', 'version: 4')));
    assert.match(contentHash(REALISTIC_PROMPT), /^[0-9a-f]{8}$/);
  });
});
