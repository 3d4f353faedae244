// Improve Prompt: time from the command to the first candidate's scores, on a 50-case dataset ×
// 2 models against the local Bedrock simulator (fixed latency), through the built CLI
// (dist/cli.js), the real AWS SDK and the simulator's OptimizePrompt event stream. One
// Bedrock-source round = the baseline (100 calls) + the optimizer + the candidate (100 calls),
// so the whole command is the time to the first (and only) candidate's scores. Recorded, not asserted.
// Usage: node esbuild.js && npx tsc -p . && node bench/improve.js [--runs 3] [--first-token-delay-ms 100] [--token-delay-ms 5] [--concurrency 4]
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 3);
const FIRST_TOKEN_DELAY_MS = arg('first-token-delay-ms', 100);
const TOKEN_DELAY_MS = arg('token-delay-ms', 5);
const CONCURRENCY = arg('concurrency', 4);
const CLI = path.join(root, 'dist', 'cli.js');
const SERVER = path.join(root, 'out', 'test', 'support', 'bedrockServer.js');
for (const f of [CLI, SERVER]) if (!fs.existsSync(f)) throw new Error(`${f} is missing: node esbuild.js && npx tsc -p .`);
const { startBedrockServer } = require(SERVER);

function cli(args, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function main() {
  const server = await startBedrockServer({ firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, tokenDelayMs: TOKEN_DELAY_MS });
  const walls = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-improve-'));
      fs.mkdirSync(path.join(dir, 'prompts'));
      fs.mkdirSync(path.join(dir, 'datasets'));
      fs.copyFileSync(path.join(root, 'prompts', 'support-reply.prompt'), path.join(dir, 'prompts', 'support-reply.prompt'));
      const shipped = fs.readFileSync(path.join(root, 'samples', 'datasets', 'support-messages.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const rows = Array.from({ length: 50 }, (_, i) => ({ id: `case-${i + 1}`, message: `${shipped[i % shipped.length].message} (ticket ${i + 1})` }));
      fs.writeFileSync(path.join(dir, 'datasets', 'support-messages.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      fs.writeFileSync(path.join(dir, 'empty'), '');
      const env = {
        AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'), AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url, AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: server.url,
      };
      const started = performance.now();
      const r = await cli(['improve', 'prompts/support-reply.prompt', '--source', 'bedrock', '--models', 'bedrock/amazon.nova-lite-v1:0,bedrock/meta.llama3-1-8b-instruct-v1:0', '--concurrency', String(CONCURRENCY), '--json'], env, dir);
      const wall = performance.now() - started;
      if (r.code !== 0) throw new Error(`improve failed (${r.code}): ${r.stderr}`);
      const doc = JSON.parse(r.stdout);
      const first = doc.candidates[0];
      console.log(`run ${run + 1}: ${Math.round(wall)} ms; baseline pass ${doc.baseline.passRate.rate}, candidate pass ${first.figures.passRate.rate} (${first.verdict}, ${first.figures.checked} checked)`);
      walls.push(wall);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await server.close();
  }
  walls.sort((a, b) => a - b);
  console.log(`\ncommand → first candidate's scores, 50 cases × 2 models (${2 * 2 * 50} model calls, concurrency ${CONCURRENCY}, first token ${FIRST_TOKEN_DELAY_MS} ms, ${TOKEN_DELAY_MS} ms/token): median ${Math.round(walls[walls.length >> 1])} ms, min ${Math.round(walls[0])} ms`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
