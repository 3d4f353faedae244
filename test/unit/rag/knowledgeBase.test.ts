import * as assert from 'node:assert/strict';
import { ModelCatalog } from '../../../src/core/catalog/modelCatalog';
import { promptDocument } from '../../../src/core/prompt/promptDocument';
import { knowledgeBaseQueryFor, ragContext, readRagConfig, retrievedRefs } from '../../../src/core/prompt/ragConfig';
import { isExternalLocation, knowledgeBaseHits, knowledgeBaseLocation, knowledgeBaseRetriever, retrieveInput } from '../../../src/core/rag/knowledgeBase';
import { ProviderRegistry } from '../../../src/core/providers/providerRegistry';
import { PromptRunner } from '../../../src/core/runs/promptRunner';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';
import { SIM_DENIED_KNOWLEDGE_BASE_ID, SIM_KNOWLEDGE_BASE_ID, SIM_MISSING_KNOWLEDGE_BASE_ID } from '../../support/sim/knowledgeBase';

const KB_PROMPT = (kb: string) => `---
name: kb-qa
model: echo/echo
input:
  schema: {question: string}
workbench.rag: {knowledgeBaseId: ${kb}, numberOfResults: 2, searchType: SEMANTIC, query: "{{question}}"}
---
{{role "user"}}{{#each context}}[{{location}} {{score}}] {{text}}
{{/each}}Question: {{question}}
`;

describe('Knowledge Bases in workbench.rag (knowledgeBase.ts)', () => {
  it('reads the knowledge base keys and refuses wrong ones with sentences', () => {
    const { config, problems } = readRagConfig({ knowledgeBaseId: 'KB12345678', numberOfResults: 8, searchType: 'HYBRID', filter: { equals: { key: 'team', value: 'infra' } } });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, { topK: 4, knowledgeBaseId: 'KB12345678', numberOfResults: 8, searchType: 'HYBRID', filter: { equals: { key: 'team', value: 'infra' } } });
    const bad = readRagConfig({ knowledgeBaseId: 'not a kb id!', numberOfResults: 500, searchType: 'FUZZY', filter: 'team=infra' });
    assert.deepEqual(bad.problems.map((p) => p.key), ['knowledgeBaseId', 'numberOfResults', 'searchType', 'filter']);
    assert.match(bad.problems[2].message, /HYBRID or SEMANTIC/);
    assert.match(readRagConfig({ searchType: 'HYBRID' }).problems[0].message, /knowledge base only: add knowledgeBaseId/);
    assert.match(readRagConfig({ knowledgeBaseId: 'KB1', folders: ['docs'] }).problems[0].message, /not to a knowledge base/);
  });

  it('maps the query to a Retrieve request and the results to hits with their locations', () => {
    const query = knowledgeBaseQueryFor(readRagConfig({ knowledgeBaseId: 'KB1', topK: 3, query: 'about {{q}}', filter: { equals: { key: 'a', value: 'b' } } }).config!, { q: 'rotation' });
    assert.deepEqual(retrieveInput(query!), {
      knowledgeBaseId: 'KB1',
      retrievalQuery: { text: 'about rotation' },
      retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 3, filter: { equals: { key: 'a', value: 'b' } } } },
    });
    assert.equal(knowledgeBaseQueryFor(readRagConfig({ knowledgeBaseId: 'KB1', query: '{{q}}' }).config!, {}), undefined);
    assert.equal(knowledgeBaseLocation({ type: 'S3', s3Location: { uri: 's3://b/k.md' } }), 's3://b/k.md');
    assert.equal(knowledgeBaseLocation({ type: 'WEB', webLocation: { url: 'https://x.example/a' } }), 'https://x.example/a');
    assert.equal(knowledgeBaseLocation({ type: 'CUSTOM', customDocumentLocation: { id: 'doc-7' } }), 'custom:doc-7');
    assert.ok(isExternalLocation('s3://b/k.md') && isExternalLocation('https://x') && !isExternalLocation('docs/a.md'));
    const hits = knowledgeBaseHits([{ content: { text: 'A' }, location: { type: 'S3', s3Location: { uri: 's3://b/k.md' } }, score: 0.61234567 }]);
    assert.deepEqual(ragContext(hits), [{ text: 'A', path: 's3://b/k.md', lines: '', startLine: 0, endLine: 0, score: 0.6123, heading: '', location: 's3://b/k.md' }]);
    assert.deepEqual(retrievedRefs(hits), [{ id: 's3://b/k.md#1', path: 's3://b/k.md', startLine: 0, endLine: 0, score: 0.6123 }]);
  });

  describe('against the simulator (the real Agents runtime SDK)', () => {
    let server: BedrockServer;
    before(async () => (server = await startBedrockServer({ tokenDelayMs: 0, firstTokenDelayMs: 0 })));
    after(() => server.close());
    const runner = () =>
      new PromptRunner({
        providers: new ProviderRegistry(),
        catalog: new ModelCatalog(),
        retrieve: async () => assert.fail('the workspace index must not be searched for a knowledge base prompt'),
        retrieveKnowledgeBase: knowledgeBaseRetriever(() => ({ region: 'us-east-1', endpoints: { 'bedrock-agent-runtime': server.url } })),
      });

    it('prepare() retrieves from the knowledge base and gives the template the same context shape', () =>
      withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
        const prepared = await runner().prepare(promptDocument(KB_PROMPT(SIM_KNOWLEDGE_BASE_ID), 'kb.prompt'), { question: 'How do I rotate the database credentials?' });
        const text = JSON.stringify(prepared.messages);
        assert.match(text, /\[s3:\/\/sim-kb-docs\/runbooks\/rotate-credentials\.md 0\.\d+\] To rotate the database credentials/);
        assert.equal(prepared.retrieved?.length, 2);
        assert.equal(prepared.retrieved?.[0].path, 's3://sim-kb-docs/runbooks/rotate-credentials.md');
        assert.equal(prepared.ragQuery, 'How do I rotate the database credentials?');
        const sent = server.requests.find((r) => r.path === `/knowledgebases/${SIM_KNOWLEDGE_BASE_ID}/retrieve`);
        assert.deepEqual((sent?.body as { retrievalConfiguration: unknown }).retrievalConfiguration, { vectorSearchConfiguration: { numberOfResults: 2, overrideSearchType: 'SEMANTIC' } });
      }));

    it('says in a sentence when the knowledge base does not exist or access is denied', () =>
      withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
        await assert.rejects(runner().prepare(promptDocument(KB_PROMPT(SIM_MISSING_KNOWLEDGE_BASE_ID), 'kb.prompt'), { question: 'x y z' }), /The knowledge base KBMISSING0 does not exist in us-east-1/);
        await assert.rejects(runner().prepare(promptDocument(KB_PROMPT(SIM_DENIED_KNOWLEDGE_BASE_ID), 'kb.prompt'), { question: 'x y z' }), /not allowed to search the knowledge base KBDENIED00.*bedrock:Retrieve/);
      }));
  });
});
