// Issue 13, findings 1, 3, 4, 6 and 7 at the unit layer: a hostile workspace's paths, settings,
// deny patterns and URLs fail with a clear sentence, and nothing outside is read.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDataset, datasetFormat } from '../../src/core/datasets/datasetFile';
import { compileDenyList, denyListReasons } from '../../src/core/privacy/denyList';
import { guardProvider, PARTIAL_WITHHELD_DENY, PARTIAL_WITHHELD_UNCHECKED } from '../../src/core/privacy/guardedProvider';
import { redactUrlCredentials } from '../../src/core/privacy/urlCredentials';
import { resolveInputFiles } from '../../src/core/prompt/samples';
import { describeEndpointError } from '../../src/core/providers/openaiErrors';
import { describeBedrockError } from '../../src/core/providers/bedrockErrors';
import { endpointSecretKey, readEndpointConfigs } from '../../src/core/providers/openaiEndpoints';
import type { ModelProvider, StreamEvent } from '../../src/core/providers/types';
import { WorkspaceIndex } from '../../src/core/rag/workspaceIndex';
import { embedderIdOf } from '../../src/core/rag/embedders';
import { CREDENTIALS, hostileWorkspace, type HostileWorkspace } from './hostileWorkspace';

describe('security: paths inside workspace files stay inside (finding 3)', () => {
  let h: HostileWorkspace;
  beforeEach(() => (h = hostileWorkspace()));
  afterEach(() => h.cleanup());

  it('a sample set value @../… or @/absolute is refused with a sentence, and the file is not read', async () => {
    for (const value of [`@${h.credentials}`, '@../home/credentials']) {
      await assert.rejects(resolveInputFiles({ notes: value }, h.ws), (err: Error) => {
        assert.match(err.message, /Input “notes”: .*outside the workspace folder.*--allow-outside/);
        assert.doesNotMatch(err.message, /AKIA/);
        return true;
      });
    }
  });

  it('a link inside the workspace that leads outside is refused too (real paths are compared)', async () => {
    h.plant('docs/notes.txt', h.credentials);
    await assert.rejects(resolveInputFiles({ notes: '@docs/notes.txt' }, h.ws), /leads to .*credentials/);
  });

  it('an outside path is read only when allowed (--allow-outside PATH) or confirmed (the editor asks)', async () => {
    assert.deepEqual(await resolveInputFiles({ notes: `@${h.credentials}` }, h.ws, { allowOutside: [h.outside] }), { notes: CREDENTIALS });
    const asked: string[] = [];
    const no = resolveInputFiles({ notes: `@${h.credentials}` }, h.ws, { confirmOutside: async (file) => (asked.push(file), false) });
    await assert.rejects(no, /outside the workspace folder/);
    assert.deepEqual(asked, [h.credentials]);
    fs.writeFileSync(path.join(h.ws, 'inside.txt'), 'fine');
    assert.deepEqual(await resolveInputFiles({ notes: '@inside.txt', other: '@@at' }, h.ws), { notes: 'fine', other: '@at' });
  });

  it('workbench.dataset pointing outside is refused; the dataset extension must be .jsonl, .csv or .tsv', async () => {
    fs.writeFileSync(path.join(h.outside, 'cases.jsonl'), '{"who":"x"}\n');
    await assert.rejects(readDataset(path.join(h.ws, '../home/cases.jsonl'), { policy: { root: h.ws } }), /outside the workspace folder/);
    await assert.rejects(readDataset(h.bashrc, { policy: { root: h.ws } }), /bashrc is not a dataset file: a dataset is a \.jsonl, \.csv or \.tsv file/);
    assert.throws(() => datasetFormat('cases.json'), /not a dataset file/);
    assert.equal(datasetFormat('cases.TSV'), 'csv');
    fs.writeFileSync(path.join(h.ws, 'cases.jsonl'), '{"who":"x"}\n');
    assert.equal((await readDataset(path.join(h.ws, 'cases.jsonl'), { policy: { root: h.ws } })).cases.length, 1);
  });
});

describe('security: endpoints and keys (finding 1)', () => {
  it('apiKeyEnv names only *_API_KEY variables, never AWS_*, and says so', () => {
    const { endpoints, problems } = readEndpointConfigs([
      { name: 'evil', baseUrl: 'https://evil.example/v1', apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' },
      { name: 'home', baseUrl: 'https://x.example/v1', apiKeyEnv: 'HOME' },
      { name: 'aws-like', baseUrl: 'https://x.example/v1', apiKeyEnv: 'AWS_BEARER_API_KEY' },
      { name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
    ]);
    assert.deepEqual(endpoints.map((e) => [e.name, e.apiKeyEnv]), [['evil', undefined], ['home', undefined], ['aws-like', undefined], ['openai', 'OPENAI_API_KEY']]);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /apiKeyEnv “AWS_SECRET_ACCESS_KEY” is not used: name a variable in capitals that ends in _API_KEY and does not start with AWS_/);
  });

  it('a stored key is bound to the endpoint name and origin: the same name at another address has another key', () => {
    const mine = endpointSecretKey('openai', 'https://api.openai.com/v1');
    assert.equal(mine, endpointSecretKey('openai', 'https://api.openai.com/v2/'));
    assert.notEqual(mine, endpointSecretKey('openai', 'https://evil.example/v1'));
    assert.notEqual(mine, endpointSecretKey('openai', 'http://api.openai.com/v1'));
    assert.notEqual(mine, endpointSecretKey('other', 'https://api.openai.com/v1'));
  });

  it('every setting that points at a URL, a model, a profile or endpoints is machine-scoped; untrusted and virtual workspaces are declared', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    const props: Record<string, { scope?: string }> = manifest.contributes.configuration.properties;
    const pointing = Object.keys(props).filter((k) => /url|endpoint|^promptWorkbench\.(defaultModel|datasets\.judgeModel|bedrock\.profile)$/i.test(k));
    assert.ok(pointing.length >= 7, pointing.join(', '));
    for (const key of pointing) assert.equal(props[key].scope, 'machine', `${key} is machine-scoped`);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const key of ['promptWorkbench.filters.deny', 'promptWorkbench.privacy.maskPii', 'promptWorkbench.bedrock.guardrail', 'promptWorkbench.email.prompt']) {
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
    }
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
    const run = manifest.contributes.commands.find((c: { command: string }) => c.command === 'promptWorkbench.runPrompt');
    assert.equal(run.enablement, 'isWorkspaceTrusted');
  });
});

describe('security: URL credentials never reach messages or records (finding 7)', () => {
  it('user:password@ is masked in endpoint and Bedrock error messages and the embedder id', () => {
    const fetchError = new TypeError('Request cannot be constructed from a URL that includes credentials: https://alice:s3cret@proxy.example/v1/chat/completions');
    const endpoint = describeEndpointError(fetchError, { endpoint: 'proxy', baseUrl: 'https://alice:s3cret@proxy.example/v1', sentApiKey: false });
    assert.doesNotMatch(endpoint.message, /s3cret|alice/);
    assert.match(endpoint.message, /https:\/\/\*\*\*@proxy\.example/);
    const bedrock = describeBedrockError(Object.assign(new Error('getaddrinfo ENOTFOUND https://bob:pw@bedrock.example'), { code: 'ENOTFOUND' }), { modelId: 'm', endpoint: 'https://bob:pw@bedrock.example' } as never);
    assert.doesNotMatch(bedrock.message, /bob:pw/);
    assert.equal(embedderIdOf({ kind: 'openai', baseUrl: 'http://u:p@127.0.0.1:1/v1', model: 'e' }), 'openai:http://***@127.0.0.1:1/v1#e');
    assert.equal(redactUrlCredentials('see https://a:b@x.y/z and http://x.y'), 'see https://***@x.y/z and http://x.y');
  });
});

/** A provider that streams `parts` and then fails (or stops). */
function scripted(parts: string[], end: StreamEvent): ModelProvider {
  return {
    id: 'endpoint',
    async *stream() {
      yield { type: 'start' } as StreamEvent;
      for (const text of parts) yield { type: 'text', text } as StreamEvent;
      yield end;
    },
  } as ModelProvider;
}
async function collect(provider: ModelProvider): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of provider.stream({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'hi' }] }] } as never, new AbortController().signal)) out.push(e);
  return out;
}
const textOf = (events: StreamEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');

describe('security: deny-list and guardrail on partial output (finding 4, 7)', () => {
  const broken: StreamEvent = { type: 'error', error: { kind: 'stream-broken', message: 'broke' }, partial: true } as StreamEvent;
  const cancelled: StreamEvent = { type: 'error', error: { kind: 'cancelled', message: 'Stop' }, partial: true } as StreamEvent;

  it('an error or Stop after denied text releases the withheld sentence, never the text', async () => {
    const deny = compileDenyList(['secret']).filters;
    for (const end of [broken, cancelled]) {
      const events = await collect(guardProvider(scripted(['the ', 'secret is 42'], end), { deny }));
      assert.equal(textOf(events), PARTIAL_WITHHELD_DENY);
      assert.equal(events[events.length - 1].type, 'error');
    }
    // Clean partial text still comes through.
    assert.equal(textOf(await collect(guardProvider(scripted(['all ', 'fine'], broken), { deny }))), 'all fine');
  });

  it('the guardrail checks partial text: blocked or unchecked text is withheld, masked text shown masked', async () => {
    const pass = { intervened: false, blocked: false, masked: false, outputs: [], reasons: [] };
    const checker = (output: 'throw' | 'block' | 'mask') => ({
      async applyGuardrail(_g: unknown, source: string) {
        if (source === 'INPUT') return pass;
        if (output === 'throw') throw new Error('ApplyGuardrail is unreachable');
        return output === 'block' ? { ...pass, intervened: true, blocked: true, outputs: ['Blocked by policy.'], reasons: ['topic'] } : { ...pass, intervened: true, masked: true, outputs: ['call {PHONE}'], reasons: ['PHONE'] };
      },
    });
    const guarded = (output: 'throw' | 'block' | 'mask') => guardProvider(scripted(['call 555-0100'], broken), { deny: [], guardrail: { id: 'g', version: '1' }, checker: checker(output) });
    assert.equal(textOf(await collect(guarded('throw'))), PARTIAL_WITHHELD_UNCHECKED);
    assert.equal(textOf(await collect(guarded('block'))), 'Blocked by policy.');
    assert.equal(textOf(await collect(guarded('mask'))), 'call {PHONE}');
  });

  it('a catastrophic deny regex is refused when read, with a sentence', () => {
    const { filters, problems } = compileDenyList(['/(a+)+$/', '/^(\\w+\\s?)*$/', 'fine']);
    assert.equal(filters.length, 1);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /The deny-list pattern \/\(a\+\)\+\$\/ could take very long on some texts .*it was ignored/);
  });

  it('a slow pattern the check misses runs out of its time budget: reported, text held back, switched off', () => {
    const { filters } = compileDenyList(['/a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b/']);
    assert.equal(filters.length, 1);
    const problems: string[] = [];
    const started = Date.now();
    assert.deepEqual(denyListReasons('a'.repeat(20000), filters, (p) => problems.push(p)), ['denied pattern /a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b/ (too slow to check: switched off)']);
    assert.ok(Date.now() - started < 5000, 'the budget stopped it');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /took longer than 100 ms .* switched off/);
    assert.deepEqual(denyListReasons('a'.repeat(20000), filters), [], 'not run again');
  });
});

describe('security: index updates from file events do not follow links (finding 7)', () => {
  let h: HostileWorkspace;
  beforeEach(() => (h = hostileWorkspace()));
  afterEach(() => h.cleanup());

  it('a changed file that is a link to a file outside is not indexed', async () => {
    fs.mkdirSync(path.join(h.ws, 'docs'));
    fs.writeFileSync(path.join(h.ws, 'docs', 'a.md'), '# Refunds\nRefunds take five days.\n');
    fs.copyFileSync(h.credentials, path.join(h.outside, 'creds.md'));
    const index = new WorkspaceIndex({ root: h.ws, settings: { include: ['**/*.md'], exclude: [], maxFileBytes: 100_000, embedder: { kind: 'offline' } } });
    await index.update();
    const link = h.plant('docs/creds.md', path.join(h.outside, 'creds.md'));
    const linkedFolder = h.plant('linked', h.outside);
    await index.update({ changed: [link, path.join(linkedFolder, 'creds.md')] });
    const hits = await index.search({ text: 'aws_secret_access_key outside-secret-never-read' });
    assert.ok(hits.every((hit) => hit.path === 'docs/a.md'), JSON.stringify(hits.map((x) => x.path)));
  });
});
