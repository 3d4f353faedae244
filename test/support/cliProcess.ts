// Runs the built command line (dist/cli.js) as a child process, as a person or CI would: the
// exit code and both streams. Tests give the environment (AWS endpoints, credentials) explicitly.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const CLI_PATH = path.resolve(__dirname, '../../..', 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whole process time, from spawn to exit. */
  ms: number;
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: options.cwd, AWS_EC2_METADATA_DISABLED: 'true', ...options.env } as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}
