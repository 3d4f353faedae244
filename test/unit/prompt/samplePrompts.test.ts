// Every sample prompt the extension ships (prompts/*.prompt, which "Open Sample Prompts" copies
// into a workspace) passes the project's own checks: it parses, the language service finds no
// error or warning (partials resolved against the real files next to it), and it renders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { semanticDiagnostics, type LanguageContext } from '../../../src/core/prompt/language/languageService';
import { parsePromptSource } from '../../../src/core/prompt/parsePrompt';
import { renderPrompt } from '../../../src/core/prompt/renderPrompt';

const PROMPTS = path.resolve(__dirname, '../../../../prompts');
const files = fs.readdirSync(PROMPTS).filter((f) => f.endsWith('.prompt')).sort();
const partialFiles = files.filter((f) => f.startsWith('_'));

describe('the shipped sample prompts', () => {
  it('there are several: the email summary, a partial and the others', () => {
    assert.ok(files.includes('email-summary.prompt'));
    assert.ok(partialFiles.length >= 1, 'at least one partial shows the format');
    assert.ok(files.length >= 4, `samples: ${files.join(', ')}`);
  });

  for (const file of files.filter((f) => !f.startsWith('_'))) {
    it(`${file} parses, has no error or warning, and renders with its declared inputs`, async () => {
      const text = fs.readFileSync(path.join(PROMPTS, file), 'utf8');
      assert.deepEqual(parsePromptSource(text).diagnostics, [], 'parse diagnostics');
      const context: LanguageContext = {
        catalog: new ModelCatalog(),
        providers: ['bedrock', 'echo'],
        partials: { files, texts: Object.fromEntries(partialFiles.map((f) => [f, fs.readFileSync(path.join(PROMPTS, f), 'utf8')])) },
        fileName: file,
      };
      const problems = semanticDiagnostics(text, context).filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(problems.map((d) => `${d.range.startLine + 1}: ${d.message}`), [], 'language service errors and warnings');
      const vars: Record<string, unknown> = { context: [{ text: 'A passage.', path: 'docs/a.md', lines: '1-3', startLine: 1, endLine: 3, score: 0.5 }] };
      for (const name of text.match(/^ {4}([a-zA-Z_]+)\??(?:\([^)]*\))?:/gm) ?? []) vars[name.trim().replace(/[?(:].*$/, '')] = 'sample value';
      const rendered = await renderPrompt(text, vars, { path: path.join(PROMPTS, file), partialDir: PROMPTS });
      assert.ok(rendered.messages.length >= 1, 'renders to at least one message');
    });
  }
});
