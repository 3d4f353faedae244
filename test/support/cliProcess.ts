/**
 * Runs the built command line (dist/cli.js) as a child process, asynchronously, so that servers
 * the test started in its own process (the Bedrock simulator, s3rver) keep answering while the
 * CLI calls them (spawnSync would block their event loop). Build first: `node esbuild.js`.
 *
 *   const r = await runCli(['release', 'list', '--json'], { cwd: workspace, env: { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: sim.url } });
 *   assert.equal(r.status, 0, r.stderr); r.json<{ releases: unknown[] }>();
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CLI_PATH = path.resolve(__dirname, '../../..', 'dist', 'cli.js');

export interface CliResult {
  status: number | null;
  /** The same exit code as `status`. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whole process time, from spawn to exit. */
  ms: number;
  /** stdout parsed as one JSON document (what `--json` prints); throws with stdout and stderr when it is not. */
  json<T = unknown>(): T;
}

export interface CliRunOptions {
  cwd?: string;
  /** Added to a clean environment: PATH and HOME are kept, every AWS_* variable of the test process is dropped. */
  env?: Record<string, string>;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
  if (!fs.existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: build first (node esbuild.js).`);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: options.cwd, env: { ...base, AWS_EC2_METADATA_DISABLED: 'true', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({
        status,
        code: status,
        ms: performance.now() - started,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not one JSON document:\n${stdout}\n--- stderr ---\n${stderr}`);
          }
        },
      });
    });
    child.stdin.end(options.input ?? '');
  });
}
