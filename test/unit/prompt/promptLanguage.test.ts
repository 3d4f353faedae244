// The `.prompt` language service (src/core/prompt/language/): semantic diagnostics at the right
// range, completion, hover, outline, go to definition, the New Prompt template.
import * as assert from 'assert';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import {
  checkPromptName,
  newPromptSource,
  partialNames,
  promptCompletions,
  promptDefinition,
  promptHover,
  promptSymbols,
  semanticDiagnostics,
  type LanguageContext,
  type PromptSymbol,
} from '../../../src/core/prompt/language/languageService';
import { didYouMean, editDistance } from '../../../src/core/prompt/language/promptVocabulary';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import type { DiagnosticRange } from '../../../src/core/prompt/promptDiagnostics';

const CURSOR = '¦';
const context: LanguageContext = {
  catalog: new ModelCatalog(),
  providers: ['bedrock', 'echo'],
  partials: { files: ['_header.prompt', 'email-summary.prompt', 'shared/_footer.prompt'], texts: { '_header.prompt': 'Hello {{greeting}}' } },
  fileName: 'email-summary.prompt',
};

/** The text without the cursor mark, and the mark's line and column. */
function at(marked: string): { text: string; position: { line: number; col: number } } {
  const offset = marked.indexOf(CURSOR);
  assert.ok(offset >= 0, 'the test text has a cursor mark');
  const before = marked.slice(0, offset).split('\n');
  return { text: marked.replace(CURSOR, ''), position: { line: before.length - 1, col: before[before.length - 1].length } };
}

/** The text a diagnostic's range covers. */
function covered(text: string, range: DiagnosticRange): string {
  const lines = text.split('\n');
  if (range.startLine === range.endLine) return lines[range.startLine].slice(range.startCol, range.endCol);
  return [lines[range.startLine].slice(range.startCol), ...lines.slice(range.startLine + 1, range.endLine), lines[range.endLine].slice(0, range.endCol)].join('\n');
}

function prompt(frontmatter: string, template = '{{role "user"}}{{email}}\n'): string {
  return `---\n${frontmatter.trim()}\n---\n${template}`;
}

const HAIKU = 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0';
const SCHEMA = 'input:\n  schema: {email: string}';

describe('prompt language: diagnostics', () => {
  it('an unknown frontmatter key gets a warning on the key with a did-you-mean', () => {
    const text = prompt(`name: x\nmodle: ${HAIKU}\n${SCHEMA}`);
    const found = semanticDiagnostics(text, context).filter((d) => d.code === 'frontmatter-unknown-key');
    assert.strictEqual(found.length, 1);
    assert.strictEqual(found[0].severity, 'warning');
    assert.match(found[0].message, /did you mean "model"\?/);
    assert.strictEqual(covered(text, found[0].range), 'modle');
    assert.deepStrictEqual([found[0].range.startLine, found[0].range.startCol], [2, 0]);
  });

  it('a mistyped workbench key is named with the right one; other tools\' dotted keys pass', () => {
    const text = prompt(`model: ${HAIKU}\nworkbench.compre: [${HAIKU}]\ngenkit.flow: x\n${SCHEMA}`);
    const found = semanticDiagnostics(text, context).filter((d) => d.code === 'frontmatter-unknown-key');
    assert.deepStrictEqual(found.map((d) => covered(text, d.range)), ['workbench.compre']);
    assert.match(found[0].message, /did you mean "workbench.compare"/);
  });

  it('unknown keys under input and output, and typos of config keys, are flagged; model-specific config keys are not', () => {
    const text = prompt(`model: ${HAIKU}\nconfig: {temprature: 0.2, reasoning_config: {budget: 10}}\ninput:\n  schema: {email: string}\n  defaults: {email: x}\noutput: {fromat: json}`);
    const found = semanticDiagnostics(text, context);
    const byCode = (code: string) => found.filter((d) => d.code === code).map((d) => covered(text, d.range));
    assert.deepStrictEqual(byCode('config-unknown-key'), ['temprature']);
    assert.deepStrictEqual(byCode('frontmatter-unknown-key'), ['defaults', 'fromat']);
    assert.match(found.find((d) => covered(text, d.range) === 'defaults')!.message, /did you mean "default"/);
  });

  it('config values out of range: errors on the value where no model accepts it', () => {
    const text = prompt(`model: ${HAIKU}\nconfig:\n  temperature: 2.5\n  topP: 1.2\n  topK: 0\n  maxOutputTokens: -5\n${SCHEMA}`);
    const found = semanticDiagnostics(text, context).filter((d) => d.code === 'config-out-of-range');
    assert.deepStrictEqual(found.map((d) => [d.severity, covered(text, d.range)]), [
      ['error', '2.5'],
      ['error', '1.2'],
      ['error', '0'],
      ['error', '-5'],
    ]);
    assert.match(found[0].message, /temperature must be from 0 to 1/);
  });

  it('a temperature above 1 warns for Bedrock models only', () => {
    const onBedrock = semanticDiagnostics(prompt(`model: ${HAIKU}\nconfig: {temperature: 1.4}\n${SCHEMA}`), context);
    assert.deepStrictEqual(onBedrock.map((d) => [d.code, d.severity]), [['config-out-of-range', 'warning']]);
    const onEcho = semanticDiagnostics(prompt(`model: echo/echo\nconfig: {temperature: 1.4}\n${SCHEMA}`), context);
    assert.deepStrictEqual(onEcho, []);
  });

  it('maxOutputTokens above what the catalog says a model writes warns, for the prompt\'s model and each compared one', () => {
    const text = prompt(`model: ${HAIKU}\nworkbench.compare: [bedrock/meta.llama3-1-8b-instruct-v1:0]\nconfig: {maxOutputTokens: 4000}\n${SCHEMA}`);
    const found = semanticDiagnostics(text, context).filter((d) => d.code === 'config-out-of-range');
    assert.strictEqual(found.length, 1);
    assert.strictEqual(found[0].severity, 'warning');
    assert.match(found[0].message, /Llama 3\.1 8B Instruct .* at most 2,048 tokens/);
    assert.strictEqual(covered(text, found[0].range), '4000');
  });

  it('the default model counts when the prompt names none', () => {
    const text = prompt(`config: {maxOutputTokens: 9000}\n${SCHEMA}`);
    const found = semanticDiagnostics(text, { ...context, defaultModel: 'bedrock/anthropic.claude-3-haiku-20240307-v1:0' });
    assert.deepStrictEqual(found.map((d) => d.code), ['config-out-of-range']);
  });

  it('a model the catalog does not know is a warning on the id, with the full id suggested', () => {
    const text = prompt(`model: bedrock/anthropic.claude-3-5-haiku\nworkbench.compare: [bedrock/amazon.nova-lite-v1:0, bedrock/amazon.nova-lte-v1:0]\n${SCHEMA}`);
    const found = semanticDiagnostics(text, context).filter((d) => d.code === 'model-unknown');
    assert.deepStrictEqual(found.map((d) => [d.severity, covered(text, d.range)]), [
      ['warning', 'bedrock/anthropic.claude-3-5-haiku'],
      ['warning', 'bedrock/amazon.nova-lte-v1:0'],
    ]);
    assert.match(found[0].message, /Did you mean "bedrock\/anthropic\.claude-3-5-haiku-20241022-v1:0"/);
    assert.match(found[1].message, /Did you mean "bedrock\/amazon\.nova-lite-v1:0"/);
  });

  it('inference profiles, ARNs, echo and models of providers the catalog cannot list pass; unknown providers warn', () => {
    const ok = ['bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0', 'arn:aws:bedrock:us-east-1:123456789012:imported-model/abc', 'echo/echo'];
    for (const id of ok) assert.deepStrictEqual(semanticDiagnostics(prompt(`model: ${id}\n${SCHEMA}`), context), [], id);
    assert.deepStrictEqual(semanticDiagnostics(prompt(`model: openai/llama3.1\n${SCHEMA}`), { ...context, providers: ['bedrock', 'echo', 'openai'] }), []);
    const unknown = semanticDiagnostics(prompt(`model: bedrok/amazon.nova-lite-v1:0\n${SCHEMA}`), context);
    assert.deepStrictEqual(unknown.map((d) => d.code), ['model-unknown-provider']);
    assert.match(unknown[0].message, /did you mean "bedrock\/…"/);
  });

  it('an embedding model as the prompt\'s model warns', () => {
    const found = semanticDiagnostics(prompt(`model: bedrock/amazon.titan-embed-text-v2:0\n${SCHEMA}`), context);
    assert.deepStrictEqual(found.map((d) => d.code), ['model-embedding']);
  });

  it('a variable used but not declared warns at each use; a declared one never used warns at its key', () => {
    const text = prompt(`model: ${HAIKU}\ninput:\n  schema:\n    email: string\n    audience?: string`, '{{role "user"}}{{emial}} and {{#if emial}}again{{/if}}\n');
    const found = semanticDiagnostics(text, context);
    const undeclared = found.filter((d) => d.code === 'input-undeclared');
    assert.deepStrictEqual(undeclared.map((d) => covered(text, d.range)), ['emial', 'emial']);
    assert.match(undeclared[0].message, /did you mean "email"/);
    const unused = found.filter((d) => d.code === 'input-unused');
    assert.deepStrictEqual(unused.map((d) => covered(text, d.range)), ['email', 'audience?']);
  });

  it('uses in workbench.rag and in an included partial count; a (*) wildcard schema accepts any name', () => {
    const text = prompt(`model: ${HAIKU}\ninput:\n  schema: {email: string, greeting: string, topic: string}\nworkbench.rag: {topK: 4, query: "{{topic}}"}`, '{{> header}}{{email}}\n');
    assert.deepStrictEqual(semanticDiagnostics(text, context), []);
    const open = prompt(`model: ${HAIKU}\ninput:\n  schema: {email: string, (*): string}`, '{{email}} {{anything}}\n');
    assert.deepStrictEqual(semanticDiagnostics(open, context), []);
  });

  it('JSON Schema inputs are read too', () => {
    const text = prompt(`model: ${HAIKU}\ninput:\n  schema:\n    type: object\n    properties:\n      email: {type: string}\n      unused: {type: number}`, '{{email}}\n');
    const found = semanticDiagnostics(text, context);
    assert.deepStrictEqual(found.map((d) => [d.code, covered(text, d.range)]), [['input-unused', 'unused']]);
  });

  it('no variable checks without a schema or while the template does not parse', () => {
    assert.deepStrictEqual(semanticDiagnostics(prompt(`model: ${HAIKU}`, '{{anything}}\n'), context), []);
    const broken = prompt(`model: ${HAIKU}\n${SCHEMA}`, '{{#if email}}unclosed\n');
    assert.deepStrictEqual(semanticDiagnostics(broken, context), []);
  });

  it('a partial that does not exist is an error on its tag; nested and existing ones pass', () => {
    const text = prompt(`model: ${HAIKU}\n${SCHEMA}`, '{{> header}}{{> shared/footer}}{{> missing}}{{email}}\n');
    const found = semanticDiagnostics(text, context);
    assert.deepStrictEqual(found.map((d) => [d.code, d.severity, covered(text, d.range)]), [['partial-not-found', 'error', '{{> missing}}']]);
    assert.match(found[0].message, /create _missing\.prompt next to this prompt/);
    const outside = semanticDiagnostics(prompt(`model: ${HAIKU}\n${SCHEMA}`, '{{> ../secret}}{{email}}\n'), context);
    assert.match(outside[0].message, /outside this prompt's folder/);
    assert.deepStrictEqual(semanticDiagnostics(text, { ...context, partials: undefined }), [], 'no partial list, no partial check');
  });

  it('the shipped email-summary prompt has no diagnostic at all', () => {
    const text = require('fs').readFileSync(require('path').join(__dirname, '../../../../prompts/email-summary.prompt'), 'utf8') as string;
    assert.deepStrictEqual(parsePromptSource(text).diagnostics, []);
    assert.deepStrictEqual(semanticDiagnostics(text, context), []);
  });

  it('did-you-mean takes typos, not unrelated words', () => {
    assert.strictEqual(editDistance('modle', 'model'), 1);
    assert.strictEqual(didYouMean('modle', ['name', 'model']), 'model');
    assert.strictEqual(didYouMean('Temprature', ['temperature', 'topP']), 'temperature');
    assert.strictEqual(didYouMean('foo', ['model', 'name', 'config']), undefined);
  });
});

describe('prompt language: completion', () => {
  const labels = (marked: string, ctx: LanguageContext = context): string[] => {
    const { text, position } = at(marked);
    return promptCompletions(text, position, ctx).map((item) => item.label);
  };

  it('frontmatter keys on an empty line, without those already written', () => {
    const found = labels(`---\nname: x\n${CURSOR}\n---\nhi\n`);
    for (const key of ['model', 'config', 'input', 'output', 'description', 'workbench.compare', 'workbench.rag']) assert.ok(found.includes(key), key);
    assert.ok(!found.includes('name'));
  });

  it('frontmatter keys while the frontmatter is still unclosed, replacing what is typed', () => {
    const { text, position } = at(`---\nmo${CURSOR}`);
    const items = promptCompletions(text, position, context);
    const model = items.find((item) => item.label === 'model');
    assert.ok(model);
    assert.deepStrictEqual(model.replaceFrom, { line: 1, col: 0 });
    assert.strictEqual(model.insertText, 'model: ${1}');
  });

  it('model ids after model:, with provider, context window and price in the detail', () => {
    const { text, position } = at(`---\nmodel: ${CURSOR}\n---\nhi\n`);
    const items = promptCompletions(text, position, context);
    const haiku = items.find((item) => item.label === 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.ok(haiku);
    assert.strictEqual(haiku.detail, 'Anthropic · 200K context · $0.80 / $4.00 per M tokens');
    assert.ok(!items.some((item) => item.label.includes('embed')), 'no embedding models');
  });

  it('model ids in workbench.compare, flow and block lists, replacing the typed part', () => {
    assert.ok(labels(`---\nworkbench.compare: [${HAIKU}, bedrock/amaz${CURSOR}]\n---\nhi\n`).includes('bedrock/amazon.nova-lite-v1:0'));
    const { text, position } = at(`---\nworkbench.compare:\n  - bedrock/ama${CURSOR}\n---\nhi\n`);
    const item = promptCompletions(text, position, context).find((i) => i.label === 'bedrock/amazon.nova-pro-v1:0');
    assert.ok(item);
    assert.deepStrictEqual(item.replaceFrom, { line: 2, col: 4 });
  });

  it('after workbench.compare: a model id written as a list', () => {
    const { text, position } = at(`---\nworkbench.compare: ${CURSOR}\n---\nhi\n`);
    const item = promptCompletions(text, position, context).find((i) => i.label === 'bedrock/amazon.nova-lite-v1:0');
    assert.ok(item);
    assert.strictEqual(item.insertText, '[bedrock/amazon.nova-lite-v1:0${1}]');
    assert.strictEqual(item.snippet, true);
  });

  it('config keys inside config, block and flow', () => {
    assert.deepStrictEqual(labels(`---\nconfig:\n  ${CURSOR}\n---\nhi\n`), ['temperature', 'maxOutputTokens', 'topP', 'topK', 'stopSequences']);
    const { text, position } = at(`---\nconfig: {temperature: 0.2, ${CURSOR}}\n---\nhi\n`);
    const items = promptCompletions(text, position, context);
    assert.ok(items.some((item) => item.label === 'maxOutputTokens' && item.insertText === 'maxOutputTokens: $1'));
  });

  it('types in input.schema and formats in output.format', () => {
    assert.ok(labels(`---\ninput:\n  schema:\n    email: ${CURSOR}\n---\nhi\n`).includes('string'));
    assert.deepStrictEqual(labels(`---\noutput:\n  format: ${CURSOR}\n---\nhi\n`), ['text', 'json']);
  });

  it('variables and helpers inside {{ }}; block helpers after {{#; roles inside role "', () => {
    const head = prompt(`${SCHEMA}\n  default: {audience: engineer}`, `{{${CURSOR}}}\n`);
    const found = labels(head);
    assert.deepStrictEqual(found.slice(0, 2), ['email', 'audience']);
    for (const helper of ['role', 'history', 'section', 'json', 'media', 'else']) assert.ok(found.includes(helper), helper);
    const block = labels(prompt(SCHEMA, `{{#${CURSOR}}}\n`));
    for (const helper of ['if', 'each', 'unless', 'with', 'ifEquals']) assert.ok(block.includes(helper), helper);
    assert.ok(!block.includes('role'));
    assert.deepStrictEqual(labels(prompt(SCHEMA, `{{role "${CURSOR}"}}\n`)), ['system', 'user', 'model', 'tool']);
    assert.deepStrictEqual(labels(prompt(SCHEMA, `{{#if ${CURSOR}}}\n`)), ['email']);
  });

  it('the typed part of a variable is replaced, and the variable\'s type is the detail', () => {
    const { text, position } = at(prompt(SCHEMA, `Hello {{em${CURSOR}}}\n`));
    const item = promptCompletions(text, position, context).find((i) => i.label === 'email');
    assert.ok(item);
    assert.strictEqual(item.detail, 'string');
    assert.deepStrictEqual(item.replaceFrom, { line: position.line, col: position.col - 2 });
  });

  it('partial names after {{>, underscore partials first, without the file itself', () => {
    assert.deepStrictEqual(labels(prompt(SCHEMA, `{{> ${CURSOR}}}\n`)), ['header', 'shared/footer']);
    assert.deepStrictEqual(partialNames(['a.prompt', '_a.prompt', 'b.prompt'], 'b.prompt'), [{ name: 'a', path: '_a.prompt', underscore: true }]);
  });

  it('the innermost open block after {{/', () => {
    assert.deepStrictEqual(labels(prompt(SCHEMA, `{{#each items}}{{#if email}}x{{/${CURSOR}`)), ['if', 'each']);
  });

  it('nothing in comments, plain text, strings or on the opening fence', () => {
    assert.deepStrictEqual(labels(prompt(SCHEMA, `{{!-- ${CURSOR} --}}\n`)), []);
    assert.deepStrictEqual(labels(prompt(SCHEMA, `plain ${CURSOR} text\n`)), []);
    assert.deepStrictEqual(labels(prompt(SCHEMA, `{{section "ab${CURSOR}"}}\n`)), []);
    assert.deepStrictEqual(labels(`--${CURSOR}-\nname: x\n---\n`), []);
  });
});

describe('prompt language: hover', () => {
  const hover = (marked: string) => {
    const { text, position } = at(marked);
    return promptHover(text, position, context);
  };

  it('model details on the model id: name, context window, longest answer, prices', () => {
    const found = hover(`---\nmodel: bedrock/anthropic.cla${CURSOR}ude-3-5-haiku-20241022-v1:0\n---\nhi\n`);
    assert.ok(found);
    for (const part of ['**Claude 3.5 Haiku** · Anthropic', '200,000 tokens', '8,192 tokens', '$0.80 input · $4.00 output']) assert.ok(found.markdown.includes(part), part);
    assert.deepStrictEqual(found.range, { startLine: 1, startCol: 7, endLine: 1, endCol: 7 + 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0'.length });
    assert.ok(found.markdown.includes('| Price source | built-in table, as of 2026-12-04 |'), found.markdown);
    assert.ok(found.markdown.includes('| Lifecycle | **Legacy** · end of life 2026-06-19 · move to `bedrock/anthropic.claude-haiku-4-5-20251001-v1:0` |'), found.markdown);
  });

  it('a compared model and an inference profile say what they are; an unknown id says it is unknown', () => {
    const profile = hover(`---\nworkbench.compare: [us.amazon.nova-li${CURSOR}te-v1:0]\n---\nhi\n`);
    assert.ok(profile?.markdown.includes('Cross-region inference profile'));
    assert.ok(profile?.markdown.includes('Amazon Nova Lite'));
    const unknown = hover(`---\nmodel: bedrock/mystery-mo${CURSOR}del\n---\nhi\n`);
    assert.match(unknown?.markdown ?? '', /Not in the model catalog/);
  });

  it('a variable\'s schema type, description and default, in the template and on its schema key', () => {
    const text = `---\ninput:\n  schema:\n    audience?: string, who reads the summary\n  default: {audience: engineer}\n---\nFor a {{audi${CURSOR}ence}}\n`;
    const found = hover(text);
    assert.ok(found);
    assert.strictEqual(found.markdown, '**audience**: `string` (optional input)\n\nwho reads the summary\n\nDefault: `"engineer"`');
    const onKey = hover(text.replace(CURSOR, '').replace('audience?:', `aud${CURSOR}ience?:`));
    assert.strictEqual(onKey?.markdown, found.markdown);
  });

  it('helpers, frontmatter keys and partials have hovers too', () => {
    assert.match(hover(prompt(SCHEMA, `{{ro${CURSOR}le "user"}}{{email}}`))?.markdown ?? '', /\*\*role\*\* \(helper\)/);
    assert.match(hover(`---\nconfig:\n  tempe${CURSOR}rature: 0.2\n---\nx\n`)?.markdown ?? '', /\*\*config\.temperature\*\*/);
    assert.match(hover(prompt(SCHEMA, `{{> hea${CURSOR}der}}`))?.markdown ?? '', /From `_header\.prompt`/);
    assert.strictEqual(hover(prompt(SCHEMA, `plain te${CURSOR}xt`)), undefined);
  });
});

describe('prompt language: outline and definition', () => {
  const flat = (symbols: PromptSymbol[], depth = 0): string[] => symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.kind}:${s.name}`, ...flat(s.children, depth + 1)]);

  it('frontmatter keys, then each message with its headings, sections, history and partials', () => {
    const text = prompt(`name: x\nmodel: ${HAIKU}\n${SCHEMA}`, '{{role "system"}}You help.\n# Rules\n## Tone\nBe brief.\n# Output\n{{section "format"}}\n{{history}}\n{{role "user"}}{{> header}}{{email}}\n');
    assert.deepStrictEqual(flat(promptSymbols(text)), [
      'frontmatter:Frontmatter',
      '  key:name',
      '  key:model',
      '  key:input',
      'role:system',
      '  heading:Rules',
      '    heading:Tone',
      '  heading:Output',
      '    section:format',
      '    history:history',
      'role:user',
      '  partial:header',
    ]);
    const system = promptSymbols(text)[1];
    assert.deepStrictEqual([system.range.startLine, system.range.endLine], [6, 13]);
  });

  it('go to definition: a partial to its file, a variable to its schema key', () => {
    const { text, position } = at(prompt(SCHEMA, `{{> shared/foo${CURSOR}ter}}{{email}}\n`));
    assert.deepStrictEqual(promptDefinition(text, position, context)?.kind === 'file' && promptDefinition(text, position, context), {
      kind: 'file',
      path: 'shared/_footer.prompt',
      originRange: { startLine: 4, startCol: 4, endLine: 4, endCol: 17 },
    });
    const variable = at(prompt(SCHEMA, `{{em${CURSOR}ail}}\n`));
    const found = promptDefinition(variable.text, variable.position, context);
    assert.ok(found?.kind === 'range');
    assert.strictEqual(covered(variable.text, found.range), 'email');
    assert.strictEqual(found.range.startLine, 2);
  });
});

describe('prompt language: New Prompt', () => {
  it('the template parses cleanly and has no semantic warning', () => {
    const text = newPromptSource('ticket-triage', HAIKU);
    const parsed = parsePromptSource(text);
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.strictEqual(parsed.name, 'ticket-triage');
    assert.deepStrictEqual(semanticDiagnostics(text, context), []);
  });

  it('names are checked with a sentence saying what to do', () => {
    assert.strictEqual(checkPromptName('ticket-triage'), undefined);
    assert.match(checkPromptName('') ?? '', /Type a name/);
    assert.match(checkPromptName('../evil') ?? '', /letters, digits/);
    assert.match(checkPromptName('a b') ?? '', /letters, digits/);
  });
});
