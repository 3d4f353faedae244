/**
 * Where invocation logs are read from: a local file (JSON lines, gzip or not), an S3 prefix
 * (every object under it, streamed through the S3 SDK) or a CloudWatch Logs group over a time
 * range (FilterLogEvents, page by page). Each yields the JSON values of its lines or events;
 * what cannot be read goes to `problems` and the rest is kept. AWS clients come from the one
 * connection module; their SDKs load on first use.
 */
import * as fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import { clientOptions, sdkClientConfig, type AwsConnection } from '../aws/awsConnection';
import { resolveReadable, type ReadPolicy } from '../workspace/guardedFs';
import type { LogValue } from './importLogs';
import { jsonLines, type LogLineProblem } from './logLines';

/** The lines of a local log file, read under the workspace's read policy (a file outside needs the person's say-so). */
export async function* fileLogValues(file: string, policy: ReadPolicy, problems: LogLineProblem[]): AsyncGenerator<LogValue> {
  const real = await resolveReadable(file, policy);
  const stat = await fs.promises.stat(real).catch(() => undefined);
  if (!stat?.isFile()) throw new Error(l10n.t('{0} is not a log file that can be read.', file));
  for await (const { value, line } of jsonLines(file, fs.createReadStream(real), (p) => problems.push(p))) yield { source: file, line, value };
}

/** `s3://bucket/prefix` split; undefined when it is not an S3 URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri.trim());
  return m ? { bucket: m[1], prefix: m[2] } : undefined;
}

function awsProblem(error: unknown, what: string): Error {
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (name === 'NoSuchBucket') return new Error(l10n.t('{0}: the bucket does not exist ({1}).', what, message));
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'InvalidAccessKeyId') return new Error(l10n.t('{0}: access denied; the caller needs s3:ListBucket and s3:GetObject, or logs:FilterLogEvents ({1}).', what, message));
  if (name === 'ResourceNotFoundException') return new Error(l10n.t('{0}: the log group does not exist ({1}).', what, message));
  return new Error(l10n.t('{0}: {1}', what, message));
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** Every object under an S3 prefix, line by line (gzip objects un-gzipped as they stream). */
export async function* s3LogValues(uri: string, connection: AwsConnection, problems: LogLineProblem[], loadSdk: () => Promise<S3Sdk> = () => import('@aws-sdk/client-s3')): AsyncGenerator<LogValue> {
  const where = parseS3Uri(uri);
  if (!where) throw new Error(l10n.t('{0} is not an S3 URI such as s3://bucket/AWSLogs/…', uri));
  const sdk = await loadSdk();
  const client = new sdk.S3Client(sdkClientConfig('s3', clientOptions('s3', connection)));
  try {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await client.send(new sdk.ListObjectsV2Command({ Bucket: where.bucket, Prefix: where.prefix || undefined, ContinuationToken: token }));
      } catch (error) {
        throw awsProblem(error, uri);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        const source = `s3://${where.bucket}/${object.Key}`;
        let body: AsyncIterable<Uint8Array>;
        try {
          const answer = await client.send(new sdk.GetObjectCommand({ Bucket: where.bucket, Key: object.Key }));
          body = answer.Body as unknown as AsyncIterable<Uint8Array>;
        } catch (error) {
          problems.push({ source, line: 0, message: awsProblem(error, source).message });
          continue;
        }
        for await (const { value, line } of jsonLines(source, body, (p) => problems.push(p))) yield { source, line, value };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
}

type LogsSdk = typeof import('@aws-sdk/client-cloudwatch-logs');

/** The events of a log group between two times (FilterLogEvents, every page), each event's message as JSON. */
export async function* cloudWatchLogValues(
  logGroupName: string,
  range: { since?: Date; until?: Date },
  connection: AwsConnection,
  problems: LogLineProblem[],
  loadSdk: () => Promise<LogsSdk> = () => import('@aws-sdk/client-cloudwatch-logs'),
): AsyncGenerator<LogValue> {
  const sdk = await loadSdk();
  const client = new sdk.CloudWatchLogsClient(sdkClientConfig('cloudwatch-logs', clientOptions('cloudwatch-logs', connection)));
  const source = `log group ${logGroupName}`;
  let n = 0;
  try {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await client.send(new sdk.FilterLogEventsCommand({ logGroupName, startTime: range.since?.getTime(), endTime: range.until?.getTime(), nextToken: token }));
      } catch (error) {
        throw awsProblem(error, source);
      }
      for (const event of page.events ?? []) {
        n++;
        try {
          yield { source, line: n, value: JSON.parse(event.message ?? '') as unknown };
        } catch {
          problems.push({ source, line: n, message: `event ${event.eventId ?? n} is not a whole JSON record; skipped` });
        }
      }
      token = page.nextToken;
    } while (token);
  } finally {
    client.destroy();
  }
}
