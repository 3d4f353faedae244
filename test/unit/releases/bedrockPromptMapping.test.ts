import * as assert from 'node:assert/strict';
import { bedrockPromptName, PublishRefusedError, toBedrockPrompt, type MappingSource } from '../../../src/core/releases/bedrockPromptMapping';

const CHAT = `---
name: email-summary
version: 3
description: Summarize an email thread
model: bedrock/anthropic.claude-3-5-haiku-20241022-v1:0
config: {temperature: 0.2, maxOutputTokens: 700, topK: 40}
input:
  schema: {email: string, audience?: string}
  default: {audience: engineer}
---
{{role "system"}}You summarize email threads for a busy {{audience}}.
{{> rules}}
{{role "user"}}{{email}}
`;

const source = (text: string, partials: Record<string, string> = {}, over: Partial<MappingSource> = {}): MappingSource => ({
  text,
  file: '/ws/prompts/email-summary.prompt',
  model: 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0',
  config: { temperature: 0.2, maxOutputTokens: 700, topK: 40 },
  readPartial: (name) => partials[name],
  ...over,
});

async function refusals(fn: () => Promise<unknown>): Promise<{ file: string; line: number; message: string }[]> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof PublishRefusedError, String(err));
    return err.refusals;
  }
  assert.fail('expected a refusal');
}

describe('publish mapping: .prompt → Bedrock Prompt Management variant', () => {
  it('maps roles to a CHAT variant with system and messages, inlines partials, lists variables, maps config like a run does', async () => {
    const def = await toBedrockPrompt(source(CHAT, { rules: 'Answer in {{language}}.\n' }, { metadata: { 'workbench.contentHash': 'abc' } }));
    assert.equal(def.name, 'email-summary');
    assert.equal(def.description, 'Summarize an email thread');
    const v = def.variants[0];
    assert.equal(v.templateType, 'CHAT');
    assert.equal(v.modelId, 'anthropic.claude-3-5-haiku-20241022-v1:0');
    assert.deepEqual(v.templateConfiguration, {
      chat: {
        system: [{ text: 'You summarize email threads for a busy {{audience}}.\nAnswer in {{language}}.' }],
        messages: [{ role: 'user', content: [{ text: '{{email}}' }] }],
        inputVariables: [{ name: 'audience' }, { name: 'language' }, { name: 'email' }],
      },
    });
    assert.deepEqual(v.inferenceConfiguration, { text: { temperature: 0.2, maxTokens: 700 } });
    assert.deepEqual(v.additionalModelRequestFields, { top_k: 40 }, 'top-k where Anthropic models want it, as in a run');
    assert.deepEqual(v.metadata, [{ key: 'workbench.contentHash', value: 'abc' }]);
    assert.deepEqual(def.inputDefaults, { audience: 'engineer' });
  });

  it('a prompt with one user message and no system is a TEXT variant; model turns become assistant messages', async () => {
    const text = await toBedrockPrompt(source('---\nname: t\n---\nTranslate {{{text}}} to French.\n', {}, { config: {} }));
    assert.equal(text.variants[0].templateType, 'TEXT');
    assert.deepEqual(text.variants[0].templateConfiguration, { text: { text: 'Translate {{text}} to French.', inputVariables: [{ name: 'text' }] } });
    assert.equal(text.variants[0].inferenceConfiguration, undefined);
    const chat = await toBedrockPrompt(source('---\nname: c\n---\n{{role "user"}}Hi {{name}}{{role "model"}}Hello!{{role "user"}}{{question}}', {}, { config: {} }));
    const cfg = chat.variants[0].templateConfiguration as { chat: { messages: { role: string }[] } };
    assert.deepEqual(cfg.chat.messages.map((m) => m.role), ['user', 'assistant', 'user']);
  });

  it('refuses conditionals, loops, helpers, dotted paths and history with the line that uses them', async () => {
    const text = `---
name: x
---
{{role "system"}}Be brief.
{{#if audience}}For {{audience}}.{{/if}}
{{#each items}}- {{this}}
{{/each}}
{{json data}}
{{user.name}}
{{history}}
{{role "user"}}{{email}}
`;
    const found = await refusals(() => toBedrockPrompt(source(text)));
    assert.deepEqual(found.map((r) => r.line), [5, 6, 8, 9, 10]);
    assert.match(found[0].message, /\{\{#if\}\}.*conditional or loop/);
    assert.match(found[2].message, /helper call \{\{json …\}\}/);
    assert.match(found[3].message, /\{\{user\.name\}\} is not a plain variable/);
    assert.match(found[4].message, /history/);
    await assert.rejects(toBedrockPrompt(source(text)), (err: Error) => {
      assert.match(err.message, /^email-summary\.prompt line 5: .*5 problem\(s\).*\{\{variable\}\} only/);
      return true;
    });
  });

  it('refuses logic inside a partial naming the partial file and its line; a missing partial and a non-Bedrock model too', async () => {
    const found = await refusals(() => toBedrockPrompt(source(CHAT, { rules: 'Rules:\n{{#unless short}}Be thorough.{{/unless}}\n' })));
    assert.equal(found.length, 1);
    assert.equal(found[0].file, '/ws/prompts/_rules.prompt');
    assert.equal(found[0].line, 2);
    const missing = await refusals(() => toBedrockPrompt(source(CHAT, {})));
    assert.match(missing[0].message, /partial rules was not found/);
    assert.equal(missing[0].line, 12);
    const local = await refusals(() => toBedrockPrompt(source(CHAT, { rules: '' }, { model: 'openai/llama3' })));
    assert.match(local[0].message, /not an Amazon Bedrock model/);
  });

  it('makes a name Bedrock accepts', () => {
    assert.equal(bedrockPromptName('email summary (v2)!'), 'email-summary-v2-');
    assert.equal(bedrockPromptName('__'), 'prompt');
  });
});
