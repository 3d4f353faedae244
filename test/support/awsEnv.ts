/**
 * Runs a test body with exactly the AWS variables it names (all others cleared) and empty
 * AWS config files, so the SDK never reads the developer's ~/.aws, then restores the
 * environment.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const AWS_ENV_NAMES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_AUTH_SCHEME_PREFERENCE', 'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN',
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ENDPOINT_URL_BEDROCK', 'AWS_ENDPOINT_URL_PRICING', 'AWS_MAX_ATTEMPTS',
];

export async function withAwsEnv<T>(values: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = new Map(AWS_ENV_NAMES.map((name) => [name, process.env[name]]));
  for (const name of AWS_ENV_NAMES) delete process.env[name];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-aws-env-'));
  fs.writeFileSync(path.join(dir, 'config'), '');
  fs.writeFileSync(path.join(dir, 'credentials'), '');
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') }, values);
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Static fake credentials: the local servers never check them, the SDK needs some. */
export const FAKE_AWS_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-test-secret' };
