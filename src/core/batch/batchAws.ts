/**
 * The AWS side of batch jobs: S3 URIs, the S3 and Bedrock control-plane clients (built only
 * through awsConnection.ts, their SDKs loaded on first use), and AWS errors turned into a
 * sentence that names what to set or grant.
 */
import * as l10n from '@vscode/l10n';
import type * as ControlSdk from '@aws-sdk/client-bedrock';
import type * as S3Sdk from '@aws-sdk/client-s3';
import { clientOptions, sdkClientConfig, type AwsConnection } from '../aws/awsConnection';

export interface S3Location {
  bucket: string;
  /** The key prefix without a leading slash; '' or ending in '/'. */
  prefix: string;
}

/** `s3://bucket/prefix` → bucket and prefix (ending in `/` when not empty); undefined when it is not an S3 URI. */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim());
  if (!match) return undefined;
  const prefix = (match[2] ?? '').replace(/^\/+/, '');
  return { bucket: match[1], prefix: prefix && !prefix.endsWith('/') ? prefix + '/' : prefix };
}

export function s3UriOf(location: S3Location, key = ''): string {
  return `s3://${location.bucket}/${location.prefix}${key}`;
}

/** An IAM role ARN as CreateModelInvocationJob takes it. */
export const ROLE_ARN = /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/;

export interface BatchClients {
  s3Sdk: typeof S3Sdk;
  s3: S3Sdk.S3Client;
  bedrockSdk: typeof ControlSdk;
  bedrock: ControlSdk.BedrockClient;
  destroy(): void;
}

/** The S3 and Bedrock control-plane clients of a connection (their SDK bundles load here, on first use). */
export async function batchClients(connection: AwsConnection): Promise<BatchClients> {
  const [s3Sdk, bedrockSdk] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/client-bedrock')]);
  const s3 = new s3Sdk.S3Client(sdkClientConfig('s3', clientOptions('s3', connection)));
  const bedrock = new bedrockSdk.BedrockClient(sdkClientConfig('bedrock', clientOptions('bedrock', connection)));
  return {
    s3Sdk,
    s3,
    bedrockSdk,
    bedrock,
    destroy: () => {
      s3.destroy();
      bedrock.destroy();
    },
  };
}

/** Whether an AWS error is an access refusal (S3's `AccessDenied`/`InvalidAccessKeyId`, Bedrock's `AccessDeniedException`, a 403). */
export function isAccessDenied(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return /AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|Forbidden/.test(`${e?.name ?? ''} ${e?.Code ?? ''}`) || e?.$metadata?.httpStatusCode === 403;
}

/** A sentence for an S3 failure on `location`, naming the permission to grant. */
export function describeS3Error(err: unknown, location: S3Location, action: 's3:PutObject' | 's3:GetObject' | 's3:ListBucket'): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'NoSuchBucket' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404) {
    return l10n.t('The S3 bucket “{0}” does not exist (or is in another account). Create it, or set promptWorkbench.batch.s3Uri (--s3 on the command line) to a bucket you own.', location.bucket);
  }
  if (isAccessDenied(err)) {
    return l10n.t('Your AWS identity may not use s3://{0}/{1}: grant {2} (and s3:ListBucket, s3:GetObject) on arn:aws:s3:::{0}/{1}* in your IAM policy.', location.bucket, location.prefix, action);
  }
  return l10n.t('S3 refused the request for s3://{0}/{1}: {2}', location.bucket, location.prefix, e?.message ?? String(err));
}

/** A sentence for a Bedrock control-plane failure (CreateModelInvocationJob and friends). */
export function describeBedrockJobError(err: unknown, roleArn?: string): string {
  const e = err as { name?: string; message?: string };
  const message = e?.message ?? String(err);
  if (e?.name === 'AccessDeniedException' && /PassRole/i.test(message)) {
    return l10n.t('Your AWS identity may not pass the role {0} to Bedrock: grant iam:PassRole on that role (with the condition iam:PassedToService = bedrock.amazonaws.com).', roleArn ?? '');
  }
  if (e?.name === 'AccessDeniedException') {
    return l10n.t('Your AWS identity may not manage Bedrock batch jobs: grant bedrock:CreateModelInvocationJob, bedrock:GetModelInvocationJob, bedrock:ListModelInvocationJobs and bedrock:StopModelInvocationJob. ({0})', message);
  }
  return l10n.t('Bedrock refused the batch job: {0}', message);
}
