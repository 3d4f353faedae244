// Starts the local Bedrock-compatible server (test/support/bedrockServer.ts, compiled by
// `tsc -p .` to out/test/support/bedrockServer.js) as a child process in its own process
// group, and returns its URL. Shared by test/run-all.js and the demo.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SERVER_JS = path.join(REPO_ROOT, 'out/test/support/bedrockServer.js');

/** Fake static credentials: the simulator never checks them, the SDK needs some. */
const SIMULATOR_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * @param {{port?: number, quiet?: boolean, logFile?: string}} [o]
 * @returns {Promise<{url: string, pid: number, stop: () => Promise<void>}>}
 */
function startSimulator(o = {}) {
  if (!fs.existsSync(SERVER_JS)) {
    return Promise.reject(new Error(`${path.relative(REPO_ROOT, SERVER_JS)} is missing: run \`npx tsc -p .\` first`));
  }
  const args = [SERVER_JS];
  if (o.port) args.push('--port', String(o.port));
  if (o.quiet) args.push('--quiet');
  const err = o.logFile ? fs.openSync(o.logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', err] });
  if (typeof err === 'number') fs.closeSync(err);
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* gone */
    }
  };
  const onExit = () => kill('SIGKILL');
  process.on('exit', onExit);
  let exited = false;
  const exitP = new Promise((r) => child.once('exit', () => r((exited = true))));

  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      kill('SIGKILL');
      reject(new Error(`the Bedrock simulator printed no URL within 15 s (stdout: ${JSON.stringify(out)})`));
    }, 15000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const m = /BEDROCK_SIMULATOR_URL=(\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: m[1],
        pid: child.pid,
        async stop() {
          if (!exited) {
            kill('SIGTERM');
            await Promise.race([exitP, new Promise((r) => setTimeout(r, 3000))]);
            if (!exited) kill('SIGKILL');
          }
          process.removeListener('exit', onExit);
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the Bedrock simulator exited (code ${code}, signal ${signal}) before printing its URL`));
    });
  });
}

module.exports = { startSimulator, SIMULATOR_AWS_ENV, SERVER_JS };
