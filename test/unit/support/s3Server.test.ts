import * as assert from 'node:assert/strict';
import { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, CreateBucketCommand } from '@aws-sdk/client-s3';
import { sdkClientConfig } from '../../../src/core/aws/awsConnection';
import { startS3Server, type S3Server } from '../../support/s3Server';

describe('S3-compatible test server (s3rver) with the real AWS SDK S3 client', () => {
  let server: S3Server;
  let client: S3Client;
  before(async () => {
    server = await startS3Server({ buckets: ['ready'] });
    client = new S3Client({
      ...sdkClientConfig('s3', { region: 'us-east-1', endpoint: server.url }),
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
  });
  after(async () => {
    client?.destroy();
    await server?.close();
  });

  it('creates a bucket, stores a multi-line object under a prefix, lists and reads it back byte for byte', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'batch-bucket' }));
    const body = Array.from({ length: 500 }, (_, i) => JSON.stringify({ recordId: `r${i}`, modelInput: { messages: [{ role: 'user', content: [{ text: `ünïcode ${i}` }] }] } })).join('\n') + '\n';
    await client.send(new PutObjectCommand({ Bucket: 'batch-bucket', Key: 'in/job-1/part-0001.jsonl', Body: body }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'batch-bucket', Prefix: 'in/' }));
    assert.deepEqual(listed.Contents?.map((c) => c.Key), ['in/job-1/part-0001.jsonl']);
    const read = await client.send(new GetObjectCommand({ Bucket: 'batch-bucket', Key: 'in/job-1/part-0001.jsonl' }));
    assert.equal(await read.Body?.transformToString('utf8'), body);
    const ready = await client.send(new ListObjectsV2Command({ Bucket: 'ready' }));
    assert.equal(ready.KeyCount, 0);
  });
});
