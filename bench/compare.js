// Comparing N models costs about the slowest one: wall(compare 6) ≤ 1.10 × wall(run slowest alone),
// through the built CLI (dist/cli.js), the real AWS SDK and the local Bedrock-compatible server
// with fixed latency. The slowest model is the simulator's `sim-slow` (200 ms between tokens);
// the others stream at `--token-delay-ms` each. Runs alternate (run, compare, run, …) so drift
// hits both alike; the first pair warms the disk cache and is not counted.
//
// With --promptfoo DIR (a folder outside the repo where `npm i promptfoo` was run; it is no
// dependency of this project), also times `promptfoo eval` of the same prompt on the same six
// models and server (its `bedrock:converse:` provider, default concurrency) against the CLI's
// compare: the design asks for compare ≤ 0.4 × promptfoo's eval.
// Usage: node esbuild.js && npx tsc -p . && node bench/compare.js [--runs 5] [--first-token-delay-ms 300] [--promptfoo DIR]
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 5);
const PROMPTFOO_DIR = process.argv.includes('--promptfoo') ? path.resolve(process.argv[process.argv.indexOf('--promptfoo') + 1]) : null;
const FIRST_TOKEN_DELAY_MS = arg('first-token-delay-ms', 300);
const TOKEN_DELAY_MS = arg('token-delay-ms', 20);
/** The slow model's answer: 300 ms + 6 × 200 ms ≈ 1.5 s. */
const MAX_TOKENS = arg('max-tokens', 7);

const SLOWEST = 'bedrock/anthropic.sim-slow-v1:0';
const OTHERS = [
  'bedrock/amazon.nova-lite-v1:0',
  'bedrock/amazon.nova-micro-v1:0',
  'bedrock/meta.llama3-1-8b-instruct-v1:0',
  'bedrock/mistral.mistral-large-2407-v1:0',
  'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0',
];

const CLI = path.join(root, 'dist', 'cli.js');
const SERVER = path.join(root, 'out', 'test', 'support', 'bedrockServer.js');
for (const f of [CLI, SERVER]) {
  if (!fs.existsSync(f)) {
    console.error(`${path.relative(root, f)} is missing: run \`node esbuild.js && npx tsc -p .\` first`);
    process.exit(1);
  }
}

function time(args, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`prompt-workbench ${args[0]} exited ${code}: ${stderr}`));
      const doc = JSON.parse(stdout);
      resolve({ ms, doc });
    });
  });
}

/** `promptfoo eval` of the same prompt, models and server, RUNS times after one warm-up. */
async function timePromptfoo(dir, env, models) {
  const bin = path.join(PROMPTFOO_DIR, 'node_modules', '.bin', 'promptfoo');
  const version = JSON.parse(fs.readFileSync(path.join(PROMPTFOO_DIR, 'node_modules', 'promptfoo', 'package.json'), 'utf8')).version;
  const config = path.join(dir, 'promptfooconfig.yaml');
  fs.writeFileSync(
    config,
    [
      'prompts:',
      '  - "Explain {{topic}} in one paragraph."',
      'providers:',
      ...models.map((m) => `  - id: bedrock:converse:${m.replace(/^bedrock\//, '')}\n    config: {region: us-east-1, maxTokens: ${MAX_TOKENS}}`),
      'tests:',
      '  - vars: {topic: rate limits}',
      '',
    ].join('\n'),
  );
  const out = path.join(dir, 'promptfoo-out.json');
  const pfEnv = { ...env, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1' };
  const ms = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = process.hrtime.bigint();
    const code = await new Promise((r) =>
      spawn(bin, ['eval', '-c', config, '--no-cache', '--no-write', '--no-table', '--no-progress-bar', '-o', out], { cwd: dir, env: pfEnv, stdio: 'ignore' }).on('close', r),
    );
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    const stats = JSON.parse(fs.readFileSync(out, 'utf8')).results.stats;
    if (code !== 0 || stats.successes !== models.length) throw new Error(`promptfoo eval: exit ${code}, ${JSON.stringify(stats).slice(0, 200)}`);
    if (i > 0) ms.push(elapsed);
  }
  return { version, ms };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const { startBedrockServer } = require(SERVER);
  const server = await startBedrockServer({ firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, tokenDelayMs: TOKEN_DELAY_MS });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-compare-'));
  const prompt = path.join(dir, 'bench.prompt');
  fs.writeFileSync(
    prompt,
    `---\nname: bench-compare\nconfig: {maxOutputTokens: ${MAX_TOKENS}}\ninput:\n  schema: {topic: string}\n---\n{{role "user"}}Explain {{topic}} in one paragraph.\n`,
  );
  fs.writeFileSync(path.join(dir, 'empty'), '');
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(dir, 'empty'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'empty'),
  };
  const common = [prompt, '--var', 'topic=rate limits', '--json', '--workspace', dir];
  const runArgs = ['run', ...common, '--model', SLOWEST];
  const compareArgs = ['compare', ...common, '--models', [SLOWEST, ...OTHERS].join(',')];
  const runs = [];
  const compares = [];
  let modelLatency = null;
  try {
    const help = [];
    for (let i = 0; i < 3; i++) {
      const started = process.hrtime.bigint();
      await new Promise((r) => spawn(process.execPath, [CLI, '--help'], { env, stdio: 'ignore' }).on('close', r));
      help.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    for (let i = 0; i <= RUNS; i++) {
      const run = await time(runArgs, env, dir);
      const compare = await time(compareArgs, env, dir);
      if (compare.doc.runs.length !== 6 || compare.doc.runs.some((r) => r.error)) throw new Error(`compare failed: ${JSON.stringify(compare.doc.runs.map((r) => r.error))}`);
      if (i === 0) continue;
      runs.push(run.ms);
      compares.push(compare.ms);
      modelLatency = run.doc.runs[0].metrics.latencyMs;
    }
    const promptfoo = PROMPTFOO_DIR ? await timePromptfoo(dir, env, [SLOWEST, ...OTHERS]) : null;
    const ratio = median(compares) / median(runs);
    const result = {
      benchmark: 'compare',
      server: { firstTokenDelayMs: FIRST_TOKEN_DELAY_MS, tokenDelayMs: TOKEN_DELAY_MS, slowestPerTokenMs: 200, maxTokens: MAX_TOKENS },
      slowestModel: SLOWEST,
      slowestModelLatencyMs: modelLatency,
      cliHelpMs: Math.round(median(help)),
      runSlowestMs: { median: Math.round(median(runs)), all: runs.map(Math.round) },
      compare6Ms: { median: Math.round(median(compares)), all: compares.map(Math.round) },
      ratio: Number(ratio.toFixed(3)),
      target: '≤ 1.10',
      pass: ratio <= 1.1,
      promptfoo: promptfoo && {
        version: promptfoo.version,
        evalMs: { median: Math.round(median(promptfoo.ms)), all: promptfoo.ms.map(Math.round) },
        compareOverPromptfoo: Number((median(compares) / median(promptfoo.ms)).toFixed(3)),
        target: '≤ 0.4',
        pass: median(compares) / median(promptfoo.ms) <= 0.4,
      },
      node: process.version,
      cpus: os.cpus().length,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `compare 6 models: ${result.compare6Ms.median} ms vs run of the slowest alone: ${result.runSlowestMs.median} ms → ratio ${result.ratio} (target ≤ 1.10: ${result.pass ? 'met' : 'NOT met'})`,
    );
    if (result.promptfoo) {
      console.log(`promptfoo ${result.promptfoo.version} eval of the same 6 models: ${result.promptfoo.evalMs.median} ms → compare/promptfoo ${result.promptfoo.compareOverPromptfoo} (target ≤ 0.4: ${result.promptfoo.pass ? 'met' : 'NOT met'})`);
    }
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
