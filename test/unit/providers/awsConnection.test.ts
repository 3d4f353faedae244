import * as assert from 'node:assert/strict';
import { clientOptions, effectiveEndpoint, sdkClientConfig } from '../../../src/core/aws/awsConnection';

describe('AWS connection: one client configuration for every service', () => {
  const local = { region: 'us-west-2', profile: 'dev', apiKey: 'bedrock-key', maxAttempts: 5, endpoints: { 'bedrock-runtime': 'http://127.0.0.1:4010' } };

  it('sends the Bedrock API key to Bedrock runtime and control plane only, never to S3, Logs or the Agents APIs', () => {
    assert.equal(clientOptions('bedrock-runtime', local).apiKey, 'bedrock-key');
    assert.equal(clientOptions('bedrock', local).apiKey, 'bedrock-key');
    for (const service of ['s3', 'cloudwatch-logs', 'bedrock-agent', 'bedrock-agent-runtime'] as const) {
      assert.equal(clientOptions(service, local).apiKey, undefined, service);
      assert.equal(sdkClientConfig(service, { ...clientOptions(service, local), apiKey: 'leak' }).token, undefined, service);
    }
    assert.deepEqual(sdkClientConfig('bedrock', clientOptions('bedrock', local)).authSchemePreference, ['httpBearerAuth']);
  });

  it('lets the Bedrock services follow a local runtime endpoint, but never S3 or CloudWatch Logs', () => {
    assert.equal(clientOptions('bedrock-agent', local).endpoint, 'http://127.0.0.1:4010');
    assert.equal(clientOptions('bedrock-agent-runtime', local).endpoint, 'http://127.0.0.1:4010');
    assert.equal(clientOptions('s3', local).endpoint, undefined);
    assert.equal(clientOptions('cloudwatch-logs', local).endpoint, undefined);
    const remote = { endpoints: { 'bedrock-runtime': 'https://bedrock-runtime.vpce.example.com' } };
    assert.equal(clientOptions('bedrock-agent', remote).endpoint, undefined, 'a non-local runtime endpoint is not a Prompt Management endpoint');
    assert.equal(clientOptions('bedrock-agent', { endpoints: { ...local.endpoints, 'bedrock-agent': 'http://127.0.0.1:9' } }).endpoint, 'http://127.0.0.1:9');
  });

  it('addresses a custom S3 endpoint path-style and keeps Region, profile and attempts', () => {
    const config = sdkClientConfig('s3', clientOptions('s3', { ...local, endpoints: { s3: 'http://127.0.0.1:4569' } }));
    assert.deepEqual(config, { region: 'us-west-2', profile: 'dev', endpoint: 'http://127.0.0.1:4569', maxAttempts: 5, forcePathStyle: true });
    assert.equal(effectiveEndpoint('s3', {}, { AWS_ENDPOINT_URL_S3: 'http://s3.local' }), 'http://s3.local');
    assert.equal(effectiveEndpoint('cloudwatch-logs', {}, { AWS_ENDPOINT_URL: 'http://all.local' }), 'http://all.local');
  });
});
