import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { createPromptEngine } from '../../src/core/prompt/renderPrompt';

// Compiled to out/test/conformance/, three folders below the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..');
// A copy of the spec's cases lives in the repo (test/conformance/dotprompt-spec, Apache-2.0, see its README)
// so a fresh clone tests itself; DOTPROMPT_CONFORMANCE_DIR points at another copy, e.g. a newer spec.
const specDir = process.env.DOTPROMPT_CONFORMANCE_DIR ?? path.resolve(repoRoot, 'test', 'conformance', 'dotprompt-spec');

interface SpecTest {
  desc?: string;
  data?: Record<string, unknown>;
  options?: Record<string, unknown>;
  expect: Record<string, unknown>;
}

interface SpecSuite {
  name: string;
  template: string;
  data?: Record<string, unknown>;
  schemas?: Record<string, unknown>;
  tools?: Record<string, unknown>;
  partials?: Record<string, string>;
  resolverPartials?: Record<string, string>;
  tests: SpecTest[];
}

function findSpecFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? findSpecFiles(path.join(dir, entry.name)) : entry.name.endsWith('.yaml') ? [path.join(dir, entry.name)] : []))
    .sort();
}

/**
 * The upstream runner compares with vitest's `toEqual`, which treats a property holding
 * `undefined` as absent; dropping such properties first gives deepStrictEqual that meaning.
 */
function withoutUndefinedProperties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefinedProperties);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, property]) => property !== undefined)
      .map(([key, property]) => [key, withoutUndefinedProperties(property)]),
  );
}

function assertSameAs(actual: unknown, expected: unknown, message: string): void {
  assert.deepStrictEqual(withoutUndefinedProperties(actual), withoutUndefinedProperties(expected), message);
}

/** What upstream expects when a case leaves these out: dotprompt always returns them. */
function withMetadataDefaults(expected: Record<string, unknown>): Record<string, unknown> {
  return { ...expected, ext: expected.ext ?? {}, config: expected.config ?? {}, metadata: expected.metadata ?? {} };
}

const specFiles = findSpecFiles(specDir);

describe('dotprompt conformance', () => {
  if (specFiles.length === 0) {
    it('finds the conformance data', () => assert.fail(`no .yaml files under ${specDir}; set DOTPROMPT_CONFORMANCE_DIR`));
  }

  for (const file of specFiles) {
    const suites = parseYaml(fs.readFileSync(file, 'utf8')) as SpecSuite[];
    describe(path.relative(specDir, file).replace(/\.yaml$/, ''), () => {
      for (const suite of suites) {
        describe(suite.name, () => {
          for (const testCase of suite.tests) {
            it(testCase.desc || 'should match expected output', async () => {
              const engine = createPromptEngine({
                schemas: suite.schemas,
                tools: suite.tools,
                partialResolver: (name) => suite.resolverPartials?.[name],
              });
              for (const [name, source] of Object.entries(suite.partials ?? {})) engine.definePartial(name, source);

              const result = await engine.render(suite.template, { ...suite.data, ...testCase.data }, testCase.options);
              const { raw, ...prunedResult } = result;
              // dotprompt's render leaves `input` out of its result; renderMetadata below checks it.
              const { raw: expectedRaw, input: _inputCheckedByMetadata, ...expected } = testCase.expect;
              assertSameAs(prunedResult, withMetadataDefaults(expected), 'render should produce the expected result');
              if (testCase.expect.raw) assertSameAs(raw, expectedRaw, 'render should produce the expected raw frontmatter');

              const metadata = await engine.renderMetadata(suite.template, testCase.options);
              const { raw: _metadataRaw, ...prunedMetadata } = metadata;
              const { messages: _messages, raw: _expectedMetadataRaw, ...expectedMetadata } = testCase.expect;
              assertSameAs(prunedMetadata, withMetadataDefaults(expectedMetadata), 'renderMetadata should produce the expected result');
            });
          }
        });
      }
    });
  }
});
