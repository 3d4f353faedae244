// `npm run demo`: the extension in a real VS Code (code-server) in your browser, on a
// scratch copy of the sample workspace.
//
// - shows the shipped samples only (samples/ and prompts/, what Open Sample Prompts gives a
//   user), not the test fixtures;
// - installs what it needs: the system packages (scripts/system-deps.sh), the root's
//   node_modules (npm ci) if missing, the build, the compiled test support, and code-server
//   (test/e2e) if missing;
// - answers come from the local Bedrock simulator, UNLESS AWS credentials are configured
//   (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_BEARER_TOKEN_BEDROCK, or ~/.aws/credentials or
//   ~/.aws/config): then from Amazon Bedrock through the AWS SDK's own chain. Force one with
//   DEMO_BEDROCK=simulator|aws;
// - the built extension is copied into code-server's extensions folder as
//   prompt-workbench.prompt-workbench-<version> (package.json, dist, media, prompts, …), so
//   the plain URL shows it: no development-mode query needed;
// - code-server listens on 127.0.0.1:$PORT (default 8080, or a free port when that is taken);
// - runs until Ctrl+C, then stops everything and removes the scratch folders.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');

function run(cmd, args, what) {
  console.log(`[demo] ${what}…`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
}

function awsCredentialsConfigured() {
  const forced = process.env.DEMO_BEDROCK;
  if (forced === 'simulator') return false;
  if (forced === 'aws') return true;
  if (process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_BEARER_TOKEN_BEDROCK) return true;
  const aws = path.join(os.homedir(), '.aws');
  return fs.existsSync(path.join(aws, 'credentials')) || fs.existsSync(path.join(aws, 'config'));
}

/** Copies what the packaged extension holds into `<extensionsDir>/<publisher>.<name>-<version>`. */
function installBuiltExtension(extensionsDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'package.nls.json', 'dist', 'media', 'prompts', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    const from = path.join(ROOT, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true, filter: (src) => !src.endsWith('.map') });
  }
  return target;
}

async function main() {
  const started = Date.now();
  // ripgrep, libkrb5-dev, build tools: code-server's install needs them (root + apt: installed here).
  if (!require('../../scripts/systemDeps').ensureSystemPackages('demo')) process.exit(1);
  if (!fs.existsSync(path.join(ROOT, 'node_modules/esbuild')) || !fs.existsSync(path.join(ROOT, 'node_modules/typescript'))) {
    run('npm', ['ci'], 'installing the extension\'s dependencies (npm ci)');
  }
  run(process.execPath, ['esbuild.js'], 'building the extension');
  // The simulator is compiled with the tests; type errors elsewhere do not stop the demo.
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', '.'], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  if (tsc.status !== 0) console.log(`[demo] note: tsc reported errors (the demo goes on):\n${(tsc.stdout || '').split('\n').slice(0, 5).join('\n')}`);

  const { ensureInstalled, startCodeServer, portIsFree } = require('./lib/codeServer');
  const { makeDemoWorkspace, SIMULATOR_JUDGE } = require('./lib/workspace');
  const { startSimulator, SIMULATOR_AWS_ENV } = require('./lib/simulator');
  ensureInstalled();

  const cleanups = [];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\n[demo] stopping…');
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((e) => console.error(`[demo] ${e.message}`));
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  process.on('SIGHUP', () => stopAll(0));

  try {
    const useAws = awsCredentialsConfigured();
    let env;
    let endpointUrl;
    if (useAws) {
      console.log('[demo] AWS credentials found: answers come from Amazon Bedrock (your AWS account is charged for them).');
      env = {};
    } else {
      const sim = await startSimulator({ quiet: true });
      cleanups.push(() => sim.stop());
      endpointUrl = sim.url;
      env = { ...SIMULATOR_AWS_ENV };
      console.log(`[demo] no AWS credentials: answers come from the local Bedrock simulator at ${sim.url}.`);
    }

    const ws = makeDemoWorkspace({ endpointUrl, simulator: !useAws });
    cleanups.push(() => ws.cleanup());

    const scratchExt = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-demo-extensions-'));
    cleanups.push(() => fs.rmSync(scratchExt, { recursive: true, force: true }));
    installBuiltExtension(scratchExt);

    const wanted = Number(process.env.PORT) || 8080;
    const port = (await portIsFree(wanted)) ? wanted : undefined;
    if (!port) console.log(`[demo] port ${wanted} is taken: using a free one.`);
    const server = await startCodeServer({
      folder: ws.dir,
      port,
      env,
      extensionsDir: scratchExt,
      // The endpoint is machine-scoped (a workspace cannot set it): the simulator goes in user settings.
      userSettings: endpointUrl ? { 'promptWorkbench.bedrock.endpointUrl': endpointUrl, 'promptWorkbench.datasets.judgeModel': SIMULATOR_JUDGE } : undefined,
      // The real AWS chain needs ~/.aws although code-server gets a scratch HOME.
      linkAwsDir: useAws,
      inheritAwsEnv: useAws,
    });
    cleanups.push(() => server.stop());

    const url = `${server.url}?folder=${encodeURIComponent(ws.dir)}`;
    console.log('');
    console.log(`[demo] ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open this in your browser:`);
    console.log('');
    console.log(`    ${url}`);
    console.log('');
    console.log('[demo] then open prompts/email-summary.prompt, press F1 → "Prompt Workbench: Run Prompt",');
    console.log('       and answer the input box with @emails/launch-thread.txt (or paste an email).');
    console.log('       Compare Models runs it on the models of its workbench.compare; Run Dataset runs it on');
    console.log('       datasets/emails.jsonl; prompts/docs-qa.prompt answers from docs/ (retrieval).');
    console.log('[demo] (remote machine? forward the port first, e.g. ssh -L 8080:127.0.0.1:8080 …)');
    console.log('[demo] Ctrl+C stops the demo.');
    await new Promise(() => {});
  } catch (err) {
    console.error(`[demo] ${err.stack || err}`);
    await stopAll(1);
  }
}

main().catch((err) => {
  console.error(`[demo] ${err.stack || err}`);
  process.exit(1);
});
