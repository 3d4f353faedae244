// The real VS Code, served by code-server 4.100.3 (VS Code 1.100.3) on loopback, for the
// extension-host suite, the browser tests and the demo. See
// /work/shared/notes/offline-vscode-testing.md for why code-server and not test-electron.
//
//   ensureInstalled()                         installs test/e2e's own package (code-server +
//                                             playwright-core) if missing; idempotent
//   startCodeServer({folder, env, userSettings, extensionsDir?, port?, host?})
//                                           → {url, port, host, scratch, logFile, stop()}
//
// code-server runs in its own process group (detached = setsid) with a scratch HOME, TMPDIR,
// user-data-dir and extensions-dir; stop() kills the whole group, and so does an exit of
// this process (Ctrl+C, crash), so no extension host is left waiting for a reconnect.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const E2E_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(E2E_DIR, '../..');
const CODE_SERVER_VERSION = '4.100.3';
const CODE_SERVER_DIR = path.join(E2E_DIR, 'node_modules/code-server');
const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out/node/entry.js');
const VSCODE_DIR = path.join(CODE_SERVER_DIR, 'lib/vscode');
// @vscode/ripgrep's postinstall looks for this file in $TMPDIR before it tries GitHub.
const RIPGREP_CACHE_NAME = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Files a complete install has: code-server's postinstall and the native builds all ran. */
const INSTALL_MARKERS = [
  'node_modules/code-server/out/node/entry.js',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'node_modules/code-server/lib/vscode/extensions/node_modules',
  'node_modules/code-server/lib/vscode/node_modules.asar',
  'node_modules/playwright-core/package.json',
];

function missingInstallMarkers() {
  const missing = INSTALL_MARKERS.filter((m) => !fs.existsSync(path.join(E2E_DIR, m)));
  const argon2 = path.join(E2E_DIR, 'node_modules/argon2/lib/binding');
  const hasArgon2 = fs.existsSync(argon2) && findFile(argon2, (f) => f.endsWith('.node'));
  if (!hasArgon2) missing.push('node_modules/argon2/lib/binding/**/argon2.node');
  return missing;
}

function findFile(dir, pred) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const hit = findFile(p, pred);
      if (hit) return hit;
    } else if (pred(p)) return p;
  }
  return null;
}

function log(msg) {
  console.log(`[code-server] ${msg}`);
}

/**
 * Installs code-server + playwright-core into test/e2e/node_modules unless a complete
 * install is there. Uses `npm ci` against test/e2e/package-lock.json (exact versions),
 * as root-safe as the notes say, with Debian's rg standing in for the GitHub download.
 * @returns {{installed: boolean, ms: number}}
 */
function ensureInstalled({ quiet = false } = {}) {
  const started = Date.now();
  if (missingInstallMarkers().length === 0) return { installed: false, ms: 0 };
  if (!quiet) log(`installing code-server ${CODE_SERVER_VERSION} + playwright-core into test/e2e (about 2 minutes)…`);

  const problems = [];
  if (Number(process.versions.node.split('.')[0]) !== 20) {
    problems.push(`code-server ${CODE_SERVER_VERSION} needs Node 20, this is Node ${process.versions.node}`);
  }
  const rg = whichSync('rg');
  if (!rg) problems.push('ripgrep is missing: apt-get install -y ripgrep (its rg replaces a GitHub download)');
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h') && !fs.existsSync('/usr/include/gssapi.h')) {
    problems.push('gssapi.h is missing: apt-get install -y libkrb5-dev (for code-server\'s kerberos module)');
  }
  if (problems.length) throw new Error(`cannot install code-server:\n  - ${problems.join('\n  - ')}`);

  // TMPDIR holding the ripgrep "download" cache, private to this install.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-cs-install-'));
  try {
    const cache = path.join(tmp, RIPGREP_CACHE_NAME);
    fs.mkdirSync(cache, { recursive: true });
    const tar = spawnSync('tar', ['czf', path.join(cache, RIPGREP_TARBALL), '-C', path.dirname(rg), path.basename(rg)], {
      stdio: 'inherit',
    });
    if (tar.status !== 0) throw new Error('could not pack /usr/bin/rg into the ripgrep cache tarball');

    const env = {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // root: code-server's postinstall insists on it
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
      npm_config_ignore_scripts: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
    };
    // node-gyp builds (node-pty, kerberos, argon2, …) need Node's headers; use the ones the
    // Node package installed instead of downloading them from nodejs.org.
    if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/common.gypi')) env.npm_config_nodedir = '/usr';
    // Leftovers of an interrupted install make `npm ci` start from scratch anyway.
    const hasLock = fs.existsSync(path.join(E2E_DIR, 'package-lock.json'));
    const args = hasLock ? ['ci'] : ['install', '--save-exact'];
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = spawnSync(npm, args, { cwd: E2E_DIR, env, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
    if (res.status !== 0) {
      if (quiet) process.stderr.write(`${res.stdout || ''}${res.stderr || ''}`);
      throw new Error(`npm ${args[0]} in test/e2e failed (exit ${res.status})`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const missing = missingInstallMarkers();
  if (missing.length) {
    throw new Error(
      `code-server installed but its install scripts did not all run (missing: ${missing.join(', ')}).\n` +
        'Check that npm runs the install scripts approved in test/e2e/package.json "allowScripts".'
    );
  }
  const ms = Date.now() - started;
  if (!quiet) log(`installed in ${(ms / 1000).toFixed(1)} s`);
  return { installed: true, ms };
}

function whichSync(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** A free TCP port on the loopback interface. */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be bound on `host`. */
function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

const DEFAULT_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'files.hotExit': 'off',
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
};

// Process groups still running, killed if this process goes away without stop().
const liveGroups = new Set();
let exitHooksInstalled = false;
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
    liveGroups.clear();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAll();
      // Exit only when nobody else (the demo, a runner) handles the signal with its own cleanup.
      if (process.listenerCount(sig) <= 1) process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143);
    });
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts code-server on loopback and waits until /healthz answers.
 * @param {object} o
 * @param {string} [o.folder] folder opened when the URL has no ?folder=
 * @param {Record<string,string>} [o.env] extra environment (e.g. fake AWS credentials)
 * @param {Record<string,unknown>} [o.userSettings] merged over DEFAULT_USER_SETTINGS
 * @param {number} [o.port] fixed port (default: a free one)
 * @param {string} [o.host] default 127.0.0.1
 * @param {string} [o.extensionsDir] default: a scratch folder
 * @param {boolean} [o.linkAwsDir] make ~/.aws of the real HOME visible in the scratch HOME
 * @param {boolean} [o.inheritAwsEnv] keep AWS_* variables of this process (default: drop them)
 * @param {number} [o.timeoutMs] how long to wait for /healthz (default 60 s)
 * @param {string|string[]} [o.installVsix] .vsix files to install (`--install-extension`) before the server starts
 */
async function startCodeServer(o = {}) {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) throw new Error('code-server is not installed: call ensureInstalled() first');
  installExitHooks();
  const host = o.host || '127.0.0.1';
  const port = o.port || (await freePort(host));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-code-server-'));
  const home = path.join(scratch, 'home');
  const tmp = path.join(scratch, 'tmp');
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = o.extensionsDir || path.join(scratch, 'extensions');
  for (const d of [home, tmp, path.join(userDataDir, 'User'), extensionsDir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User/settings.json'),
    JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...(o.userSettings || {}) }, null, 2)
  );
  // The server's own (remote machine) settings: machine-scoped settings such as the Bedrock endpoint
  // are read from here by the extension host itself, with no wait for the browser's user settings.
  fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'Machine/settings.json'), JSON.stringify(o.userSettings || {}, null, 2));
  if (o.linkAwsDir) {
    const realAws = path.join(os.homedir(), '.aws');
    if (fs.existsSync(realAws)) fs.symlinkSync(realAws, path.join(home, '.aws'));
  }

  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!o.inheritAwsEnv && /^AWS_/.test(k)) continue;
    if (/^(VSCODE_|ELECTRON_)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    HOME: home,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    EXTENSIONS_GALLERY: '{}',
    CS_DISABLE_FILE_DOWNLOADS: undefined,
    ...(o.env || {}),
  });
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];

  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    `${host}:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  if (o.folder) args.push(o.folder);

  const logFile = path.join(scratch, 'code-server.log');
  for (const vsix of [].concat(o.installVsix || [])) {
    // The way a user installs it: code-server's own --install-extension, into this server's extensions dir.
    const install = spawnSync(process.execPath, [CODE_SERVER_ENTRY, '--install-extension', path.resolve(vsix), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], {
      cwd: scratch,
      env,
      encoding: 'utf8',
      timeout: 120000,
    });
    fs.appendFileSync(logFile, `--install-extension ${vsix}\n${install.stdout || ''}${install.stderr || ''}\n`);
    if (install.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${install.status}): ${(install.stderr || install.stdout || '').trim().slice(-500)}`);
  }
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: scratch, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const pid = child.pid;
  liveGroups.add(pid);
  let exited = null;
  const exitedP = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));

  const url = `http://${host}:${port}/`;
  const deadline = Date.now() + (o.timeoutMs || 60000);
  let healthy = false;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await httpGet(`${url}healthz`);
      if (res.status === 200) {
        healthy = true;
        break;
      }
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  let stopped = false;
  async function stop({ keepScratch = false } = {}) {
    if (stopped) return;
    stopped = true;
    if (groupAlive(pid)) {
      killGroup(pid, 'SIGTERM');
      const t0 = Date.now();
      while (groupAlive(pid) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
    }
    await Promise.race([exitedP, new Promise((r) => setTimeout(r, 2000))]);
    liveGroups.delete(pid);
    if (!keepScratch && !process.env.PW_KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
  }

  if (!healthy) {
    const why = exited ? `exited (code ${exited.code}, signal ${exited.signal})` : 'did not answer /healthz in time';
    const logTail = tail(logFile);
    await stop();
    throw new Error(`code-server ${why} on ${host}:${port}. Log:\n${logTail}`);
  }
  return { url, port, host, pid, scratch, logFile, userDataDir, extensionsDir, stop, logTail: (n) => tail(logFile, n) };
}

module.exports = {
  ensureInstalled,
  startCodeServer,
  freePort,
  portIsFree,
  missingInstallMarkers,
  DEFAULT_USER_SETTINGS,
  REPO_ROOT,
  E2E_DIR,
  CODE_SERVER_ENTRY,
  VSCODE_DIR,
};
