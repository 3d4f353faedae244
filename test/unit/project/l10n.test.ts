// The Simplified Chinese translation is complete: every string of package.json (package.nls.json)
// and every `l10n.t(...)` of the host and the webviews (exported by @vscode/l10n-dev, as
// `npm run l10n` does) has a translation that keeps its {0} placeholders. package.json holds
// only %placeholders% for its user-visible strings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as l10nRuntime from '@vscode/l10n';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { evaluateChecks } from '../../../src/core/datasets/checks';
import { parseEmail } from '../../../src/core/email/parseEmail';
import { parseCheckSpec } from '../../../src/core/datasets/checkSpecs';
import { semanticDiagnostics } from '../../../src/core/prompt/language/semanticChecks';
import { piiKindName } from '../../../src/core/privacy/piiMasker';
import { describeBedrockError } from '../../../src/core/providers/bedrockErrors';
import * as vocabulary from '../../../src/core/prompt/language/promptVocabulary';
import { promptCompletions } from '../../../src/core/prompt/language/completions';
import { promptHover } from '../../../src/core/prompt/language/hover';
import { PromptError } from '../../../src/core/prompt/renderPrompt';
import { RAG_CONFIG_KEYS, readRagConfig } from '../../../src/core/prompt/ragConfig';

const ROOT = path.resolve(__dirname, '../../../..');
interface L10nScript {
  extractManifest(o: { write: boolean }): Record<string, string>;
  extractCode(): Record<string, string>;
  check(o: { manifestEnglish: Record<string, string>; codeEnglish: Record<string, string> }): {
    lang: string;
    manifest: { missing: string[]; placeholders: string[] };
    code: { missing: string[]; placeholders: string[] };
  }[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const l10n = require(path.join(ROOT, 'scripts/l10n.js')) as L10nScript;

describe('localization', function () {
  this.timeout(240000); // the string export runs @vscode/l10n-dev over the whole tree: slow on a loaded 2-core machine
  it('package.json keeps its user-visible strings in package.nls.json, and zh-cn translates all of them and every l10n.t string', () => {
    const manifestEnglish = l10n.extractManifest({ write: false });
    const codeEnglish = l10n.extractCode();
    assert.ok(Object.keys(manifestEnglish).length > 80, 'the manifest strings were found');
    assert.ok(Object.keys(codeEnglish).length > 400, 'the code strings (host and webviews) were found');
    assert.ok(Object.keys(codeEnglish).some((k) => k === 'Run again'), 'webview and panel strings are exported');
    const raw = require(path.join(ROOT, 'package.json')) as { contributes: { commands: { title: string }[] } };
    assert.ok(raw.contributes.commands.every((c) => /^%.+%$/.test(c.title)), 'command titles are %placeholders% (run `npm run l10n`)');
    for (const r of l10n.check({ manifestEnglish, codeEnglish })) {
      assert.deepEqual(r.manifest.missing, [], `package.nls.${r.lang}.json lacks these keys`);
      assert.deepEqual(r.code.missing, [], `l10n/bundle.l10n.${r.lang}.json lacks these strings`);
      assert.deepEqual([...r.manifest.placeholders, ...r.code.placeholders], [], `${r.lang} translations that drop or add a {N} placeholder`);
    }
  });

  it("core's messages (Bedrock's error sentences) follow the bundle the host hands @vscode/l10n, and stay English without one", () => {
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const english = describeBedrockError(credentials, { modelId: 'amazon.nova-lite-v1:0', region: 'us-east-1' }).message;
    assert.match(english, /^No AWS credentials were found\./);
    const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    try {
      l10nRuntime.config({ contents: zh });
      const chinese = describeBedrockError(credentials, { modelId: 'amazon.nova-lite-v1:0', region: 'us-east-1' }).message;
      assert.equal(chinese, zh[english]);
      const throttled = describeBedrockError(Object.assign(new Error('Too many requests'), { name: 'ThrottlingException', $metadata: { attempts: 3 } }), { modelId: 'amazon.nova-lite-v1:0', region: 'us-east-1' });
      assert.match(throttled.message, /已重试 2 次/);
      assert.match(throttled.message, /us\.amazon\.nova-lite-v1:0/);
    } finally {
      l10nRuntime.config({ contents: {} });
    }
    assert.equal(describeBedrockError(credentials, { modelId: 'm' }).message, english, 'English again without a bundle');
  });

  it("core's .prompt diagnostics, dataset check details, email-parser messages and masking kind names follow the bundle too; English is unchanged without one", async () => {
    const text = '---\nmodel: bedrock/amazon.nova-lite-v1:0\nconfig: {topP: 1.2}\ninput:\n  schema: {email: string}\n---\n{{emial}}\n';
    const context = { catalog: new ModelCatalog(), providers: ['bedrock'], fileName: 'x.prompt' };
    const checks = [{ contains: 'rollback' }, { maxLength: { words: 2 } }].map((raw) => {
      const spec = parseCheckSpec(raw);
      if (typeof spec === 'string') throw new Error(spec);
      return spec;
    });
    const subject = { output: 'the launch moves to May 12', model: 'bedrock/amazon.nova-lite-v1:0', metrics: { latencyMs: 10, costUsd: null }, inputs: {} };
    const run = async () => ({
      diagnostics: semanticDiagnostics(text, context).map((d) => d.message),
      checks: (await evaluateChecks(checks, subject)).map((o) => o.detail),
      kinds: (['email', 'phone', 'name'] as const).map(piiKindName),
      email: await parseEmail({ content: '   ' }).then((r) => (r.ok ? '' : r.error.message)),
    });
    const english = await run();
    assert.ok(english.diagnostics.includes('Frontmatter: config.topP must be from 0 to 1, found 1.2'), english.diagnostics.join(' | '));
    assert.ok(english.diagnostics.includes('Template: "emial" is not declared in input.schema, so it renders empty unless a run passes it; did you mean "email"?'), english.diagnostics.join(' | '));
    assert.deepEqual(english.checks, ['missing “rollback”', '6 words > 2']);
    assert.deepEqual(english.kinds, ['email', 'phone', 'name']);
    assert.match(english.email, /^There is nothing to summarize: the text is empty\./);
    const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    try {
      l10nRuntime.config({ contents: zh });
      const chinese = await run();
      assert.ok(chinese.diagnostics.includes('Frontmatter：config.topP 必须在 0 到 1 之间，当前为 1.2'), chinese.diagnostics.join(' | '));
      assert.ok(chinese.diagnostics.includes('模板："emial" 未在 input.schema 中声明，除非运行时传入，否则渲染为空；是否想写 "email"？'), chinese.diagnostics.join(' | '));
      assert.deepEqual(chinese.checks, ['缺少 “rollback”', '6 个词 > 2']);
      assert.deepEqual(chinese.kinds, ['邮箱', '电话', '姓名']);
      assert.match(chinese.email, /^没有可总结的内容：文本为空。/);
    } finally {
      l10nRuntime.config({ contents: {} });
    }
    assert.deepEqual(await run(), english, 'English again without a bundle');
  });

  it('workbench.rag: its problems (as diagnostics) and its keys\' completion texts follow the bundle; English without one', () => {
    const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const untranslated = RAG_CONFIG_KEYS.flatMap((entry) => [entry.summary, entry.doc]).filter((text) => !zh[text]);
    assert.deepEqual(untranslated, [], 'every workbench.rag key sentence has a Chinese translation (run node scripts/l10n.js)');
    const text = '---\nmodel: bedrock/amazon.nova-lite-v1:0\nworkbench.rag: {topk: 3, topK: 99, folders: docs}\n---\nHi\n';
    const context = { catalog: new ModelCatalog(), providers: ['bedrock'], fileName: 'x.prompt' };
    const show = () => ({
      diagnostics: semanticDiagnostics(text, context).map((d) => d.message).filter((m) => m.includes('workbench.rag')),
      notMapping: readRagConfig('yes').problems[0].message,
      completion: promptCompletions('---\nworkbench.rag: {topK: 4, }\n---\nhi\n', { line: 1, col: 'workbench.rag: {topK: 4, '.length }, context).find((item) => item.label === 'topK')?.detail,
    });
    const english = show();
    assert.deepEqual(english.diagnostics, [
      'Frontmatter: workbench.rag.topk is not a setting; known: topK, query, minScore, folders, fileTypes, knowledgeBaseId, numberOfResults, searchType, filter; did you mean "topK"?',
      'Frontmatter: workbench.rag.topK must be from 1 to 50, found 99',
      'Frontmatter: workbench.rag.folders must be a list of texts, e.g. [docs]',
    ]);
    assert.equal(english.completion, 'How many chunks to retrieve');
    assert.equal(english.notMapping, 'workbench.rag must be a mapping such as {topK: 4, query: "{{question}}"}');
    try {
      l10nRuntime.config({ contents: zh });
      const chinese = show();
      assert.deepEqual(chinese.diagnostics, [
        'Frontmatter：workbench.rag.topk 不是可用设置；已知设置：topK, query, minScore, folders, fileTypes, knowledgeBaseId, numberOfResults, searchType, filter；是否想写 "topK"？',
        'Frontmatter：workbench.rag.topK 必须在 1 到 50 之间，当前为 99',
        'Frontmatter：workbench.rag.folders 必须是文本列表，例如 [docs]',
      ]);
      assert.equal(chinese.notMapping, 'workbench.rag 必须是映射，例如 {topK: 4, query: "{{question}}"}');
      assert.equal(chinese.completion, '要检索的片段数量');
    } finally {
      l10nRuntime.config({ contents: {} });
    }
    assert.deepEqual(show(), english, 'English again without a bundle');
  });

  it('the .prompt vocabulary (completion and hover texts) and the render error prefix are translated, English without a bundle', () => {
    const zh = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const tables = Object.values(vocabulary).filter((value): value is readonly vocabulary.VocabularyEntry[] => Array.isArray(value));
    const untranslated = tables.flat().flatMap((entry) => [entry.summary, entry.doc]).filter((text) => !zh[text]);
    assert.deepEqual(untranslated, [], 'every vocabulary sentence has a Chinese translation (run node scripts/l10n.js)');
    const text = '---\nmodel: bedrock/amazon.nova-lite-v1:0\nver\n---\nHi {{name}}\n';
    const context = { catalog: new ModelCatalog(), providers: ['bedrock'], fileName: 'x.prompt' };
    const show = () => ({
      version: promptCompletions(text, { line: 2, col: 3 }, context).find((item) => item.label === 'version')?.detail,
      hover: promptHover(text, { line: 1, col: 2 }, context)?.markdown ?? '',
      error: PromptError.fromDiagnostics('x.prompt', [{ severity: 'error', message: 'm', range: { startLine: 3, startCol: 0, endLine: 3, endCol: 1 } } as never]).message,
    });
    const english = show();
    assert.equal(english.version, 'Version number (1, 2, 3 …)');
    assert.equal(english.error, 'x.prompt line 4: m');
    try {
      l10nRuntime.config({ contents: zh });
      const chinese = show();
      assert.equal(chinese.version, '版本号（1、2、3 …）');
      assert.match(chinese.hover, /模型/, chinese.hover);
      assert.equal(chinese.error, 'x.prompt 第 4 行：m');
    } finally {
      l10nRuntime.config({ contents: {} });
    }
    assert.deepEqual(show(), english, 'English again without a bundle');
  });
});
