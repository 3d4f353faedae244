/**
 * A real S3-compatible server for tests and the demo: s3rver (from npm) on a free local port,
 * with its objects in a folder on disk. Batch inference uploads its input here and the Bedrock
 * simulator writes the results back; invocation logs can be imported from here. The AWS SDK's
 * S3 client reaches it with a custom endpoint and path-style addressing
 * (core/aws/awsConnection.ts), signing with any credentials.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface S3ServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where objects are kept; a new temporary folder by default (removed on close). */
  directory?: string;
  /** Buckets that exist from the start. */
  buckets?: string[];
  /**
   * Access key ids the server knows (any secret is accepted: signatures are not checked). By
   * default the tests' fake key and s3rver's own; any other key gets `InvalidAccessKeyId` (403),
   * which is how tests script "S3 access denied".
   */
  accessKeyIds?: string[];
}

export interface S3Server {
  url: string;
  port: number;
  directory: string;
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (o: Record<string, unknown>) => S3rverInstance;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
  for (const id of options.accessKeyIds ?? ['AKIDEXAMPLE']) DUMMY_ACCOUNT.createKeyPair(id, 'signatures-not-checked');
  const temporary = !options.directory;
  const directory = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pw-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    // The SDK signs with whatever credentials the test has; s3rver would check them against its own.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    close: async () => {
      await server.close();
      if (temporary) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  startS3Server({ port: Number(at('--port') ?? 0), directory: at('--directory'), buckets: at('--buckets')?.split(',').filter(Boolean) }).then(
    (server) => {
      process.stdout.write(`S3_SERVER_URL=${server.url}\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`s3Server: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
