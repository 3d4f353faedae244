import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AwsConnection } from '../../../src/core/aws/awsConnection';
import { contentHash } from '../../../src/core/prompt/contentHash';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { BedrockProvider } from '../../../src/core/providers/bedrock';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { importPrompt, publishRelease, releaseDefinition } from '../../../src/core/releases/promptManagement';
import { approveRelease, readReleases } from '../../../src/core/releases/releaseStore';
import { verifyRelease, verifyReportMarkdown } from '../../../src/core/releases/verifyRelease';
import type { DatasetCase } from '../../../src/core/datasets/datasetFile';
import { VersionStore } from '../../../src/core/versions/versionStore';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';

const MODEL = 'bedrock/amazon.nova-lite-v1:0';
const PROMPT = `---
name: support-reply
version: 4
description: Answer a support question
model: ${MODEL}
config: {temperature: 0.3, maxOutputTokens: 300}
input:
  schema: {question: string, tone?: string}
  default: {tone: friendly}
---
{{role "system"}}You answer support questions in a {{tone}} tone.
{{> policy}}
{{role "user"}}{{question}}
`;

describe('Bedrock Prompt Management against the simulator: publish, verify, import (real AWS SDK clients)', function () {
  this.timeout(20000);
  let server: BedrockServer;
  let ws: string;
  let connection: AwsConnection;
  before(async () => {
    server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
    connection = { region: 'us-east-1', endpoints: { 'bedrock-agent': server.url, 'bedrock-runtime': server.url } };
  });
  after(async () => server?.close());
  beforeEach(async () => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-pm-'));
    fs.mkdirSync(path.join(ws, 'prompts'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'prompts', 'support-reply.prompt'), PROMPT);
    fs.writeFileSync(path.join(ws, 'prompts', '_policy.prompt'), 'Never promise refunds.\n');
    await new VersionStore(ws).save('support-reply', 4, PROMPT, 'saved', 'prompts/support-reply.prompt');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  const approve = (version = 4, hash = contentHash(PROMPT)) =>
    approveRelease(ws, {
      by: 'ana', note: 'ship it', prompt: { name: 'support-reply', version, contentHash: hash, path: 'prompts/support-reply.prompt' },
      model: MODEL, config: { temperature: 0.3, maxOutputTokens: 300 }, evidence: { runs: 3, ratings: 3, datasetRunIds: [] },
    });

  it('publishes a release (CreatePrompt + CreatePromptVersion), records ARN and version; a second release updates the same prompt', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const first = await approve();
      const published = await publishRelease(ws, first.id, 'ana', { connection });
      assert.match(published.promptArn, /^arn:aws:bedrock:us-east-1:123456789012:prompt\/[A-Z0-9]+$/);
      const second = await approve();
      const again = await publishRelease(ws, second.id, 'bo', { connection });
      assert.equal(again.promptId, published.promptId, 'UpdatePrompt of the linked prompt, not a second prompt');
      assert.equal(Number(again.promptVersion), Number(published.promptVersion) + 1);
      const { releases } = await readReleases(ws);
      assert.deepEqual(releases.map((r) => r.state), ['superseded', 'published']);
      assert.deepEqual(releases[1].published, again);
      const calls = server.requests.filter((r) => r.path.startsWith('/prompts')).map((r) => `${r.method} ${r.path.replace(/[A-Z0-9]{10}/, 'ID').replace(/\?.*/, '')}`);
      assert.deepEqual(calls.slice(-5), ['GET /prompts/', 'POST /prompts/', 'POST /prompts/ID/versions', 'PUT /prompts/ID/', 'POST /prompts/ID/versions']);
      const created = server.requests.find((r) => r.method === 'POST' && r.path === '/prompts/')!.body as { variants: { templateConfiguration: { chat: { system: { text: string }[] } } }[] };
      assert.equal(created.variants[0].templateConfiguration.chat.system[0].text, 'You answer support questions in a {{tone}} tone.\nNever promise refunds.', 'the partial is inlined');
    }));

  it('verify: the published version answers the dataset as the file does (parity), and says so in a readable report', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const release = await approve();
      await publishRelease(ws, release.id, 'ana', { connection });
      const published = (await readReleases(ws)).releases[0];
      const definition = await releaseDefinition(ws, published);
      const runner = new PromptRunner({ providers: new ProviderRegistry({ bedrock: () => new BedrockProvider({ region: 'us-east-1', endpoint: server.url }) }), catalog: new ModelCatalog() });
      const document = promptDocument(PROMPT, path.join(ws, 'prompts', 'support-reply.prompt'));
      const runFile = async (inputs: Record<string, unknown>) => {
        const outcome = await runner.run(await runner.prepare(document, inputs), { model: MODEL, signal: new AbortController().signal });
        return { output: outcome.output, error: outcome.error?.message ?? null };
      };
      const cases = [
        { id: 'c1', line: 1, inputs: { question: 'Where is my parcel?' }, checks: [{ type: 'contains' as const, value: ['parcel'], ignoreCase: true }] },
        { id: 'c2', line: 2, inputs: { question: 'Can I get a refund?', tone: 'formal' }, checks: [] },
      ] as DatasetCase[];
      const report = await verifyRelease(published, definition, cases, { connection, runFile });
      assert.equal(report.parity, true, JSON.stringify(report.cases, null, 2));
      assert.equal(report.matched, 2);
      assert.equal(report.cases[0].filePassed, true);
      assert.match(report.cases[1].publishedOutput, /refund/);
      assert.match(verifyReportMarkdown(report), /Parity: all 2 cases/);
      const converse = server.requests.filter((r) => r.modelId?.startsWith('arn:aws:bedrock'));
      assert.equal(converse.length, 2);
      assert.deepEqual((converse[1].body as { promptVariables: unknown }).promptVariables, { tone: { text: 'formal' }, question: { text: 'Can I get a refund?' } });

      // A lossy publish (the stored template lost its system prompt) is caught.
      const lossy = { ...definition, inputVariables: ['question'], inputDefaults: {} };
      const tampered = await verifyRelease(published, lossy, cases.slice(1), { connection, runFile: async () => ({ output: 'something else' }) });
      assert.equal(tampered.parity, false);
      assert.match(verifyReportMarkdown(tampered), /No parity: 1 of 1/);
    }));

  it('refuses to publish without permission, with the IAM actions it needs, and records nothing', () =>
    withAwsEnv({ AWS_ACCESS_KEY_ID: 'DENYPROMPTSKEY', AWS_SECRET_ACCESS_KEY: 'x' }, async () => {
      const release = await approve();
      await assert.rejects(publishRelease(ws, release.id, 'ana', { connection }), /ListPrompts was refused.*bedrock:CreatePrompt, bedrock:UpdatePrompt, bedrock:CreatePromptVersion/);
      assert.equal((await readReleases(ws)).releases[0].state, 'approved');
    }));

  it('refuses to publish a release whose kept text is not the approved text', async () => {
    const release = await approve(4, 'sha256:other');
    await assert.rejects(publishRelease(ws, release.id, 'ana', { connection }), /content hash sha256:other.*not kept/);
  });

  it('imports a published version as a new .prompt file, never over an existing one', () =>
    withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
      const release = await approve();
      const published = await publishRelease(ws, release.id, 'ana', { connection });
      const target = path.join(ws, 'prompts', 'imported.prompt');
      const text = await importPrompt(ws, published.promptArn, published.promptVersion, target, { connection });
      assert.equal(fs.readFileSync(target, 'utf8'), text);
      const doc = promptDocument(text, target);
      assert.ok(doc.parsed.ok, JSON.stringify(doc.parsed.diagnostics));
      assert.equal(doc.parsed.model, MODEL);
      assert.deepEqual(doc.parsed.config, { temperature: 0.3, maxOutputTokens: 300 });
      assert.match(text, /\{\{role "system"\}\}You answer support questions in a \{\{tone\}\} tone\.\nNever promise refunds\.\n\{\{role "user"\}\}\{\{question\}\}/);
      assert.match(text, new RegExp(`Imported from Bedrock Prompt Management: ${published.promptArn}:${published.promptVersion}`));
      await assert.rejects(importPrompt(ws, published.promptArn, published.promptVersion, target, { connection }), /exists already/);
      await assert.rejects(importPrompt(ws, published.promptArn, '99', path.join(ws, 'x.prompt'), { connection }), /GetPrompt failed/);
    }));
});
