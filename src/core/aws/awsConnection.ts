/**
 * The one place that turns "how this person reaches AWS" (Region, profile, Bedrock API key,
 * endpoint overrides) into the configuration of an AWS SDK client, for every service the
 * workbench calls: Bedrock runtime and control plane, Agents for Amazon Bedrock (Prompt
 * Management) and its runtime (OptimizePrompt, Retrieve), S3 and CloudWatch Logs.
 *
 * Credentials are never part of this: the SDK's own chain (or the named profile) resolves
 * them. A Bedrock API key is a bearer token for Bedrock's own endpoints only; it is never
 * handed to another service's client.
 */
import { isLocalEndpoint } from '../providers/openaiEndpoints';

/** The services the workbench calls, named as in the SDK's `AWS_ENDPOINT_URL_<SERVICE>` variables. */
export type AwsService = 'bedrock-runtime' | 'bedrock' | 'bedrock-agent' | 'bedrock-agent-runtime' | 's3' | 'cloudwatch-logs';

export const AWS_SERVICES: readonly AwsService[] = ['bedrock-runtime', 'bedrock', 'bedrock-agent', 'bedrock-agent-runtime', 's3', 'cloudwatch-logs'];

/** Where and as whom to call AWS (settings in the extension, flags and the environment in the CLI). */
export interface AwsConnection {
  /** Falls back to the SDK's chain (AWS_REGION, the profile's region…). */
  region?: string;
  /** A profile from ~/.aws/config; otherwise the SDK's default chain picks credentials. */
  profile?: string;
  /** A Bedrock API key: sent as `authorization: Bearer …` to Bedrock's runtime and control plane only. */
  apiKey?: string;
  /** Attempts per call including the first (SDK default 3). */
  maxAttempts?: number;
  /** Endpoint overrides per service; a service without one uses the SDK's (which reads `AWS_ENDPOINT_URL_<SERVICE>`). */
  endpoints?: Partial<Record<AwsService, string>>;
}

/** What one client needs, already resolved for its service. */
export interface AwsClientOptions {
  region?: string;
  profile?: string;
  endpoint?: string;
  apiKey?: string;
  maxAttempts?: number;
}

const BEDROCK_SERVICES: ReadonlySet<AwsService> = new Set(['bedrock-runtime', 'bedrock', 'bedrock-agent', 'bedrock-agent-runtime']);
/** Services that accept a Bedrock API key as a bearer token. */
const BEARER_SERVICES: ReadonlySet<AwsService> = new Set(['bedrock-runtime', 'bedrock']);

/**
 * The options of one service's client. A Bedrock service without its own endpoint follows the
 * runtime endpoint when that is a local server (the simulator answers every Bedrock API on one
 * port); S3 and CloudWatch Logs never follow it.
 */
export function clientOptions(service: AwsService, connection: AwsConnection): AwsClientOptions {
  const endpoints = connection.endpoints ?? {};
  let endpoint = endpoints[service];
  const runtime = endpoints['bedrock-runtime'];
  if (!endpoint && BEDROCK_SERVICES.has(service) && runtime && isLocalEndpoint(runtime)) endpoint = runtime;
  return {
    ...(connection.region ? { region: connection.region } : {}),
    ...(connection.profile ? { profile: connection.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(connection.apiKey && BEARER_SERVICES.has(service) ? { apiKey: connection.apiKey } : {}),
    ...(connection.maxAttempts !== undefined ? { maxAttempts: connection.maxAttempts } : {}),
  };
}

/** The endpoint a service's calls go to when it is not AWS's own, for messages ("answers come from …"). */
export function effectiveEndpoint(service: AwsService, options: AwsClientOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const variable = `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/-/g, '_')}`;
  return options.endpoint ?? env[variable] ?? env.AWS_ENDPOINT_URL;
}

/** The SDK client configuration (any `@aws-sdk/client-*` constructor takes it). */
export interface SdkClientConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  maxAttempts?: number;
  forcePathStyle?: boolean;
  token?: { token: string };
  authSchemePreference?: string[];
}

export function sdkClientConfig(service: AwsService, options: AwsClientOptions): SdkClientConfig {
  const config: SdkClientConfig = {};
  if (options.region) config.region = options.region;
  if (options.profile) config.profile = options.profile;
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts;
  // A custom S3 endpoint (an S3-compatible server, a VPC endpoint) is addressed path-style.
  const s3Endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  if (service === 's3' && s3Endpoint) config.forcePathStyle = true;
  if (options.apiKey && BEARER_SERVICES.has(service)) {
    // SDK 3.1164 resolves `token` for its httpBearerAuth scheme; the preference makes it win over SigV4.
    config.token = { token: options.apiKey };
    config.authSchemePreference = ['httpBearerAuth'];
  }
  return config;
}
