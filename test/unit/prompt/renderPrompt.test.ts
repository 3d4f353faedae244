import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contentHash } from '../../../src/core/prompt/contentHash';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { createPromptEngine, PromptError, renderPrompt, type RenderedPrompt } from '../../../src/core/prompt/renderPrompt';

// Compiled to out/test/unit/prompt/, four folders below the repository root.
const repoRoot = path.resolve(__dirname, '../../../..');
const lines = (...text: string[]): string => text.join('\n') + '\n';
const textOf = (rendered: RenderedPrompt, index = 0): unknown => (rendered.messages[index].content[0] as { text?: unknown }).text;

const SUMMARY_PROMPT = lines(
  '---',
  'name: email-summary',
  'version: 2',
  'model: bedrock/amazon.nova-lite-v1:0',
  'config: {temperature: 0.2, maxOutputTokens: 700}',
  'input:',
  '  schema: {email: string, audience?: string}',
  '  default: {audience: engineer}',
  '---',
  '{{role "system"}}You summarize email threads for a busy {{audience}}.',
  '{{role "user"}}{{email}}',
);

async function rejection(promise: Promise<unknown>): Promise<PromptError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PromptError, `expected a PromptError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the render to fail');
}

describe('renderPrompt', () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'render-prompt-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('renders {{role}} sections into a system and a user message, with the frontmatter metadata', async () => {
    const rendered = await renderPrompt(SUMMARY_PROMPT, { email: 'Hi team, we ship on Friday.' });
    assert.deepStrictEqual(rendered, {
      name: 'email-summary',
      version: 2,
      contentHash: contentHash(SUMMARY_PROMPT),
      source: SUMMARY_PROMPT,
      model: 'bedrock/amazon.nova-lite-v1:0',
      config: { temperature: 0.2, maxOutputTokens: 700 },
      messages: [
        { role: 'system', content: [{ text: 'You summarize email threads for a busy engineer.\n' }] },
        { role: 'user', content: [{ text: 'Hi team, we ship on Friday.' }] },
      ],
      missingInputs: [],
    });
  });

  it('lets given values override input.default, but not with undefined', async () => {
    const overridden = await renderPrompt(SUMMARY_PROMPT, { email: 'x', audience: 'manager' });
    assert.strictEqual(textOf(overridden), 'You summarize email threads for a busy manager.\n');
    const kept = await renderPrompt(SUMMARY_PROMPT, { email: 'x', audience: undefined });
    assert.strictEqual(textOf(kept), 'You summarize email threads for a busy engineer.\n');
  });

  it('names required Picoschema inputs that have no value, and still renders', async () => {
    const rendered = await renderPrompt(SUMMARY_PROMPT, {});
    assert.deepStrictEqual(rendered.missingInputs, ['email']);
    assert.strictEqual(rendered.messages[0].role, 'system');
  });

  it('names missing inputs from a JSON Schema required list', async () => {
    const source = lines('---', 'input:', '  schema: {type: object, properties: {a: {type: string}, b: {type: string}}, required: [a, b]}', '---', '{{a}} {{b}}');
    assert.deepStrictEqual((await renderPrompt(source, { b: 'set' })).missingInputs, ['a']);
  });

  it('without a schema, names the template variables that have no value', async () => {
    const source = 'Hello {{name}}! {{#each items}}{{title}}{{/each}} {{greeting}} {{@root.closing}}';
    assert.deepStrictEqual((await renderPrompt(source, { greeting: 'hi', closing: null })).missingInputs, ['name', 'items', 'closing']);
  });

  it("takes the file's name and version 1 when the frontmatter gives none", async () => {
    const rendered = await renderPrompt('Hello {{who}}', { who: 'Ada' }, { path: path.join(folder, 'greeting.prompt') });
    assert.deepStrictEqual([rendered.name, rendered.version, rendered.model, rendered.config], ['greeting', 1, undefined, {}]);
    assert.deepStrictEqual(rendered.messages, [{ role: 'user', content: [{ text: 'Hello Ada' }] }]);
  });

  it('throws a PromptError naming the file and line of the first error', async () => {
    const source = lines('---', 'name: broken', 'version: 1', 'description: "never closed', '---', 'Hi');
    const error = await rejection(renderPrompt(source, {}, { path: '/work/prompts/broken.prompt' }));
    assert.match(error.message, /^broken\.prompt line 4: YAML: /);
    assert.deepStrictEqual(error.diagnostics.map((diagnostic) => diagnostic.code), ['yaml-missing-char']);
  });

  it('turns schema problems that only dotprompt finds into a PromptError', async () => {
    const badInput = await rejection(renderPrompt(lines('---', 'input: {schema: NoSuchSchema}', '---', 'Hi'), {}));
    assert.strictEqual(badInput.diagnostics[0].code, 'input-schema-invalid');
    assert.match(badInput.message, /^prompt\.prompt line 1: Frontmatter: input\.schema: .*NoSuchSchema/);
    const badOutput = await rejection(renderPrompt(lines('---', 'name: out', 'output: {schema: NoSuchSchema}', '---', 'Hi'), {}));
    assert.strictEqual(badOutput.diagnostics[0].code, 'render-failed');
    assert.match(badOutput.message, /^out\.prompt line 5: Rendering failed: .*NoSuchSchema/);
  });

  it('includes partials from _name.prompt, then name.prompt, in the partial folder', async () => {
    fs.writeFileSync(path.join(folder, '_header.prompt'), 'Header for {{audience}}. {{> footer}}');
    fs.writeFileSync(path.join(folder, 'footer.prompt'), '(footer)');
    const source = lines('---', 'input: {default: {audience: engineers}}', '---', '{{> header}} / {{body}}');
    const rendered = await renderPrompt(source, { body: 'Body' }, { partialDir: folder });
    assert.deepStrictEqual(rendered.messages, [{ role: 'user', content: [{ text: 'Header for engineers. (footer) / Body' }] }]);
  });

  it("looks for partials next to the prompt by default, and reads them afresh on every render", async () => {
    const promptPath = path.join(folder, 'main.prompt');
    fs.writeFileSync(path.join(folder, '_sign.prompt'), 'Regards');
    assert.strictEqual(textOf(await renderPrompt('{{> sign}}', {}, { path: promptPath })), 'Regards');
    fs.writeFileSync(path.join(folder, '_sign.prompt'), 'Cheers');
    assert.strictEqual(textOf(await renderPrompt('{{> sign}}', {}, { path: promptPath })), 'Cheers');
  });

  it('reports a missing partial at its {{> reference}}', async () => {
    const error = await rejection(renderPrompt(lines('---', 'name: x', '---', 'Intro', '{{> absent}}'), {}, { partialDir: folder }));
    assert.strictEqual(error.diagnostics[0].code, 'partial-not-found');
    assert.strictEqual(error.diagnostics[0].range.startLine, 4);
    assert.ok(error.message.startsWith('x.prompt line 5: Template: partial {{> absent}} not found'), error.message);
  });

  it('does not read partials from outside the partial folder', async () => {
    const inner = path.join(folder, 'prompts');
    fs.mkdirSync(inner);
    fs.writeFileSync(path.join(folder, '_secret.prompt'), 'secret');
    fs.writeFileSync(path.join(folder, 'secret.prompt'), 'secret');
    const error = await rejection(renderPrompt('{{> ../secret}}', {}, { partialDir: inner }));
    assert.strictEqual(error.diagnostics[0].code, 'partial-not-found');
  });
});

describe('createPromptEngine', () => {
  it("passes render and renderMetadata through to dotprompt, with an async partial resolver", async () => {
    const engine = createPromptEngine({ partialResolver: async (name) => (name === 'hello' ? 'Hello {{who}}' : undefined) });
    const source = lines('---', 'model: bedrock/x', 'workbench.changelog: First', '---', '{{> hello}}!');
    const rendered = await engine.render(source, { input: { who: 'Ada' } });
    assert.deepStrictEqual(rendered.messages, [{ role: 'user', content: [{ text: 'Hello Ada!' }] }]);
    const metadata = await engine.renderMetadata(source);
    assert.strictEqual(metadata.model, 'bedrock/x');
    assert.deepStrictEqual(metadata.ext, { workbench: { changelog: 'First' } });
  });
});

describe('email-summary.prompt sample', () => {
  const samplePath = path.join(repoRoot, 'prompts', 'email-summary.prompt');
  const source = fs.readFileSync(samplePath, 'utf8');

  it('parses with no diagnostics and the documented frontmatter', () => {
    const parsed = parsePromptSource(source, { path: samplePath });
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.deepStrictEqual(
      { name: parsed.name, version: parsed.version, model: parsed.model, config: parsed.config, schema: parsed.inputSchema, defaults: parsed.inputDefaults },
      {
        name: 'email-summary',
        version: 1,
        model: 'bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0',
        config: { temperature: 0.2, maxOutputTokens: 700, topP: 0.9 },
        // Related workspace documents come in as `context` (issue 7); `language` overrides the thread's own (issue 8).
        schema: { email: 'string', 'audience?': 'string', 'language?': "string, the language to write the summary in; empty means the thread's own language", 'context?(array, workspace documents the thread refers to)': { path: 'string', lines: 'string', text: 'string' } },
        defaults: { audience: 'engineer' },
      },
    );
    assert.deepStrictEqual(parsed.workbench, {
      compare: ['bedrock/amazon.nova-lite-v1:0', 'bedrock/meta.llama3-1-8b-instruct-v1:0'],
      dataset: 'datasets/emails.jsonl',
      changelog: 'First version, with related workspace documents as context and placeholders such as [EMAIL_1] kept as they are',
    });
    assert.strictEqual(typeof parsed.frontmatter.description, 'string');
  });

  it('renders a system prompt asking for the four parts, and the email as the user message', async () => {
    const email = 'From: Dana\nSubject: Launch\n\nWe agreed to launch on 3 March. Sam will update the docs.';
    const rendered = await renderPrompt(source, { email }, { path: samplePath });
    assert.deepStrictEqual(rendered.messages.map((message) => message.role), ['system', 'user']);
    const system = String(textOf(rendered));
    for (const part of ['TL;DR', 'Decisions', 'Action items', 'owner', 'due', 'Open questions', 'Markdown', 'same language', 'engineer']) {
      assert.ok(system.includes(part), `system prompt should mention ${part}`);
    }
    assert.match(system, /never invent/i);
    assert.deepStrictEqual(rendered.messages[1].content, [{ text: email }]);
    assert.deepStrictEqual(rendered.missingInputs, []);
    assert.deepStrictEqual((await renderPrompt(source, {}, { path: samplePath })).missingInputs, ['email']);
  });

  it("answers in the thread's own language unless the language input says otherwise", async () => {
    const own = String(textOf(await renderPrompt(source, { email: 'x' }, { path: samplePath })));
    assert.match(own, /in the same language as the email thread/);
    const told = String(textOf(await renderPrompt(source, { email: 'x', language: 'English' }, { path: samplePath })));
    assert.match(told, /in English, with exactly these parts/);
    assert.doesNotMatch(told, /same language as the email thread/);
  });
});
