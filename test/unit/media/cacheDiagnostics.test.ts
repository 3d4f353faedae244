import * as assert from 'node:assert/strict';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { promptCompletions, promptHover, semanticDiagnostics, type LanguageContext } from '../../../src/core/prompt/language/languageService';

const context: LanguageContext = { catalog: new ModelCatalog(), providers: ['bedrock', 'echo'] };
const LONG = 'Refunds go to the original payment method within five business days of the return arriving. '.repeat(60);
const prompt = (model: string, template: string, extra = '') => `---\nmodel: ${model}\n${extra}---\n${template}`;
const cacheFindings = (text: string) => semanticDiagnostics(text, context).filter((d) => d.code.startsWith('cache-'));

describe('prompt caching in the editor: diagnostics, completion and hover', () => {
  it('warns on a cache point that follows fewer tokens than the model’s minimum, on the point itself', () => {
    const text = prompt('bedrock/amazon.nova-lite-v1:0', '{{role "system"}}A short handbook.{{cachePoint}}\n{{role "user"}}{{q}}');
    const [finding] = cacheFindings(text);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /About 5 tokens come before this cache point; bedrock\/amazon\.nova-lite-v1:0 caches only from 1000 tokens/);
    assert.equal(text.split('\n')[finding.range.startLine].slice(finding.range.startCol, finding.range.endCol), '{{cachePoint}}');
  });

  it('says nothing past the minimum, and only informs when inputs before the point may make up the difference', () => {
    assert.deepEqual(cacheFindings(prompt('bedrock/amazon.nova-lite-v1:0', `{{role "system"}}${LONG}{{cachePoint}}\n{{role "user"}}{{q}}`)), []);
    // Claude Haiku 4.5 needs 4,096 tokens: the same text is too short for it.
    assert.equal(cacheFindings(prompt('bedrock/global.anthropic.claude-haiku-4-5-20251001-v1:0', `{{role "system"}}${LONG}{{cachePoint}}`))[0]?.severity, 'warning');
    const dynamic = cacheFindings(prompt('bedrock/amazon.nova-lite-v1:0', '{{role "system"}}{{handbook}}{{cachePoint}}'));
    assert.equal(dynamic[0]?.severity, 'info');
  });

  it('warns about a model without a prompt cache and about an unknown workbench.cache target', () => {
    const noCache = cacheFindings(prompt('bedrock/meta.llama3-1-8b-instruct-v1:0', `{{role "system"}}${LONG}{{cachePoint}}`));
    assert.match(noCache[0]?.message ?? '', /has no prompt cache/);
    const unknown = cacheFindings(prompt('bedrock/amazon.nova-lite-v1:0', '{{role "user"}}hi', 'workbench.cache: [system, everything]\n'));
    assert.match(unknown[0]?.message ?? '', /“everything” is not one of system, tools, messages/);
    assert.ok(!semanticDiagnostics(prompt('bedrock/amazon.nova-lite-v1:0', '{{role "user"}}hi', 'workbench.cache: system\n'), context).some((d) => d.code === 'frontmatter-unknown-key'));
  });

  it('completes and explains workbench.cache, {{cachePoint}} and the media input type', () => {
    const text = '---\nmodel: bedrock/amazon.nova-lite-v1:0\nworkbench.ca\n---\nhi';
    const keys = promptCompletions(text, { line: 2, col: 12 }, context).map((c) => c.label);
    assert.ok(keys.includes('workbench.cache'), keys.join(', '));
    const helpers = promptCompletions('---\nmodel: x\n---\n{{cach', { line: 3, col: 6 }, context).map((c) => c.label);
    assert.ok(helpers.includes('cachePoint'), helpers.join(', '));
    const hover = promptHover('---\nmodel: x\n---\n{{cachePoint}}', { line: 3, col: 4 }, context);
    assert.match(hover?.markdown ?? '', /prompt-cache point/);
    const types = promptCompletions('---\ninput:\n  schema:\n    photo: me\n---\nhi', { line: 3, col: 13 }, context).map((c) => c.label);
    assert.ok(types.includes('media'), types.join(', '));
  });
});
