// Adaptive concurrency benchmark (issue 15): 300 cases × 3 models against the local Bedrock
// simulator limited to 5 requests/s per model (`sim-rps5` model ids, test/support/sim/rateLimit.ts),
// through the built CLI with --no-cache. Ideal: 300 / 5 = 60 s. Reports wall time, failed cells,
// and the SDK's own retries show up as extra requests. Usage: node esbuild.js && npx tsc -p . && node bench/aimd.js [concurrency]
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const CLI = process.env.PW_CLI ?? path.join(root, 'dist', 'cli.js'); // PW_CLI: another build (e.g. fixed concurrency) to compare
const { startBedrockServer } = require(path.join(root, 'out', 'test', 'support', 'bedrockServer.js'));
const MODELS = ['bedrock/amazon.sim-rps5-a-v1:0', 'bedrock/amazon.sim-rps5-b-v1:0', 'bedrock/amazon.sim-rps5-c-v1:0'];
const CASES = Number(process.env.CASES ?? 300);

(async () => {
  const concurrency = process.argv[2] ?? '16';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-aimd-'));
  const server = await startBedrockServer({ firstTokenDelayMs: 20, tokenDelayMs: 1 });
  try {
    fs.writeFileSync(path.join(dir, 'p.prompt'), '---\nname: bench\ninput:\n  schema: {topic: string}\n---\n{{role "user"}}Explain {{topic}} briefly.\n');
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), Array.from({ length: CASES }, (_, i) => JSON.stringify({ id: `c${i}`, topic: `topic ${i}` })).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    const env = { PATH: process.env.PATH, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'), AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url };
    const started = performance.now();
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, 'eval', 'p.prompt', '--dataset', 'cases.jsonl', '--models', MODELS.join(','), '--json', '--no-record', '--concurrency', concurrency], { cwd: dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const ms = performance.now() - started;
    const doc = JSON.parse(r.stdout || '{"results":[]}');
    const failed = doc.results.filter((c) => c.status !== 'done').length;
    const requests = server.requests.filter((q) => q.path.includes('/converse')).length;
    console.log(JSON.stringify({ cases: CASES, models: MODELS.length, concurrency: Number(concurrency), wallS: Math.round(ms / 100) / 10, idealS: CASES / 5, failed, requests, exit: r.code }, null, 2));
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
