// Response cache benchmark (issue 15). Through the built CLI (dist/cli.js), the real AWS SDK and
// the local Bedrock simulator (out/test/support, built by `npx tsc -p .`):
//  1. a first `eval` of 200 cases × 3 models, then a second one of the unchanged dataset: the
//     second must make zero model calls; its whole-process time is reported (target < 1.5 s);
//  2. a cache of 100,000 entries: lookup time p50/p95 (target p95 < 1 ms), and what opening it costs.
// Usage: node esbuild.js && npx tsc -p . && node bench/cache.js
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const CLI = path.join(root, 'dist', 'cli.js');
const { startBedrockServer } = require(path.join(root, 'out', 'test', 'support', 'bedrockServer.js'));
const { ResponseCache, responseCacheKey } = require(path.join(root, 'out', 'src', 'core', 'cache', 'responseCache.js'));
const MODELS = ['bedrock/amazon.nova-lite-v1:0', 'bedrock/amazon.nova-micro-v1:0', 'bedrock/meta.llama3-1-8b-instruct-v1:0'];

function cli(args, cwd, env) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

async function secondEval() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-cache-'));
  const server = await startBedrockServer({ firstTokenDelayMs: 20, tokenDelayMs: 1 });
  try {
    fs.writeFileSync(path.join(dir, 'p.prompt'), '---\nname: bench\nmodel: bedrock/amazon.nova-lite-v1:0\ninput:\n  schema: {topic: string}\n---\n{{role "user"}}Explain {{topic}} briefly.\n');
    fs.writeFileSync(path.join(dir, 'cases.jsonl'), Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `c${i}`, topic: `topic number ${i}`, checks: [{ contains: 'topic' }] })).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    const env = { AWS_CONFIG_FILE: path.join(dir, 'empty'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'), AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url };
    const args = ['eval', 'p.prompt', '--dataset', 'cases.jsonl', '--models', MODELS.join(','), '--json', '--concurrency', '16'];
    const first = await cli(args, dir, env);
    if (first.code !== 0) throw new Error(first.stderr);
    const calls = () => server.requests.filter((r) => r.path.includes('/converse')).length;
    const afterFirst = calls();
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const second = await cli(args, dir, env);
      if (second.code !== 0) throw new Error(second.stderr);
      runs.push({ ms: Math.round(second.ms), calls: calls() - afterFirst, cache: JSON.parse(second.stdout).cache });
    }
    return { firstMs: Math.round(first.ms), firstCalls: afterFirst, second: runs };
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function lookups() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-cache100k-'));
  try {
    const cache = new ResponseCache({ workspaceFolder: dir, maxBytes: 1024 * 1024 * 1024 });
    const N = 100000;
    const keys = [];
    const answer = { answer: 'x'.repeat(400), stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 100 }, metrics: { ttftMs: 100, latencyMs: 900, inputTokens: 10, outputTokens: 100, costUsd: 0.0001 }, runId: 'r_bench' };
    // Filled with plain writes (the bench measures lookups, not 100k atomic renames).
    await cache.put('0'.repeat(64), answer);
    for (let i = 0; i < N; i++) {
      const key = responseCacheKey({ provider: 'bedrock', request: { modelId: 'm', messages: [{ role: 'user', content: [{ text: `case ${i}` }] }], config: {} } });
      keys.push(key);
      fs.writeFileSync(path.join(cache.dir, `${key}.json`), JSON.stringify({ format: 'prompt-workbench.cache-entry/1', key, ts: new Date().toISOString(), ...answer }));
    }
    const fresh = new ResponseCache({ workspaceFolder: dir });
    const t0 = performance.now();
    await fresh.get(keys[0]); // the first lookup checks the folder once
    const openMs = performance.now() - t0;
    const times = [];
    for (let i = 0; i < 5000; i++) {
      const key = keys[Math.floor(Math.random() * N)];
      const t = performance.now();
      const hit = await fresh.get(key);
      times.push(performance.now() - t);
      if (!hit) throw new Error('miss');
    }
    times.sort((a, b) => a - b);
    const q = (p) => Math.round(times[Math.floor((times.length - 1) * p)] * 1000) / 1000;
    return { entries: N, firstLookupMs: Math.round(openMs * 1000) / 1000, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  const result = { when: new Date().toISOString(), node: process.version, secondEval: await secondEval(), lookup: await lookups() };
  console.log(JSON.stringify(result, null, 2));
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
