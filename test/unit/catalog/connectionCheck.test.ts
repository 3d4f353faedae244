import * as assert from 'node:assert/strict';
import { BUILTIN_MODELS, type ModelInfo } from '../../../src/core/catalog/builtinModels';
import { accessFromAvailability, checkBedrockConnection, summarizeConnection } from '../../../src/core/catalog/connectionCheck';
import { FAKE_AWS_CREDENTIALS, withAwsEnv } from '../../support/awsEnv';
import { startBedrockServer, type BedrockServer } from '../../support/bedrockServer';

const known = (id: string): ModelInfo | undefined => BUILTIN_MODELS.find((m) => m.id === id);
const READY = { modelId: 'x', agreementAvailability: { status: 'AVAILABLE' as const }, authorizationStatus: 'AUTHORIZED' as const, entitlementAvailability: 'AVAILABLE' as const, regionAvailability: 'AVAILABLE' as const };

describe('Check connection: which models the account can call', () => {
  describe('accessFromAvailability', () => {
    it('everything available is ready', () => assert.deepEqual(accessFromAvailability(READY), { status: 'ready' }));
    it('an agreement not accepted, a missing entitlement or authorization need access; a pending request is pending', () => {
      assert.equal(accessFromAvailability({ ...READY, agreementAvailability: { status: 'NOT_AVAILABLE' } }).status, 'needs-access');
      assert.equal(accessFromAvailability({ ...READY, entitlementAvailability: 'NOT_AVAILABLE' }).status, 'needs-access');
      assert.match(accessFromAvailability({ ...READY, authorizationStatus: 'NOT_AUTHORIZED' }).detail ?? '', /IAM/);
      assert.equal(accessFromAvailability({ ...READY, agreementAvailability: { status: 'PENDING' } }).status, 'pending');
      assert.equal(accessFromAvailability({ ...READY, regionAvailability: 'NOT_AVAILABLE' }).status, 'not-in-region');
    });
  });

  describe('against the local Bedrock server through the real SDK', () => {
    let server: BedrockServer;
    before(async () => {
      server = await startBedrockServer({ tokenDelayMs: 1, firstTokenDelayMs: 1 });
    });
    after(async () => server.close());

    it('lists the text models with their access, ready first, profiles following their foundation model', () =>
      withAwsEnv(FAKE_AWS_CREDENTIALS, async () => {
        const before = server.requests.length;
        const report = await checkBedrockConnection({ region: 'us-east-1', endpoint: server.url }, known);
        assert.equal(report.ok, true, report.problem);
        assert.equal(report.region, 'us-east-1');
        const byId = new Map(report.models.map((m) => [m.id, m]));
        assert.equal(byId.get('bedrock/amazon.nova-lite-v1:0')?.status, 'ready');
        assert.equal(byId.get('bedrock/anthropic.claude-sonnet-4-20250514-v1:0')?.status, 'needs-access');
        assert.equal(byId.get('bedrock/meta.llama3-1-70b-instruct-v1:0')?.status, 'needs-access');
        assert.equal(byId.get('bedrock/mistral.mistral-large-2402-v1:0')?.status, 'pending');
        const profile = byId.get('bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0');
        assert.ok(profile, 'the cross-Region profile is listed');
        assert.equal(profile.status, 'needs-access', 'a profile is as callable as its foundation model');
        assert.ok(!report.models.some((m) => m.id.includes('embed')), 'embedding models are not in a text-model report');
        const statuses = report.models.map((m) => m.status);
        assert.equal(statuses[0], 'ready');
        assert.ok(statuses.lastIndexOf('ready') < statuses.indexOf('needs-access'), 'ready models come first');
        const asked = server.requests.slice(before).filter((r) => r.path.startsWith('/foundation-model-availability/'));
        const distinct = new Set(asked.map((r) => r.modelId));
        assert.equal(asked.length, distinct.size, 'each foundation model is asked once, however many profiles route to it');
        const blocked = report.models.filter((m) => ['anthropic.claude-sonnet-4-20250514-v1:0', 'meta.llama3-1-70b-instruct-v1:0'].includes(m.foundationModel));
        const ready = report.models.filter((m) => m.status === 'ready').length;
        assert.equal(summarizeConnection(report), `us-east-1: ${ready} ready, ${blocked.length} need access, 1 pending`);
      }));

    it('no credentials: a report with the credentials sentence, not a throw', () =>
      withAwsEnv({}, async () => {
        const report = await checkBedrockConnection({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 }, known);
        assert.equal(report.ok, false);
        assert.deepEqual(report.models, []);
        assert.match(report.problem ?? '', /No AWS credentials were found/);
        assert.equal(summarizeConnection(report), report.problem);
      }));

    it('a Bedrock API key (bearer token) is enough', () =>
      withAwsEnv({}, async () => {
        const report = await checkBedrockConnection({ region: 'us-east-1', endpoint: server.url, apiKey: 'test-api-key' }, known);
        assert.equal(report.ok, true, report.problem);
        assert.ok(report.models.some((m) => m.status === 'ready'));
      }));
  });
});
