// Node's door to scripts/system-deps.sh (the one check of the Debian packages the demo and the
// test layers need; `.ci/run` calls the script itself). Linux only: elsewhere the packages
// have other names and code-server's install says what it lacks.
const { spawnSync } = require('child_process');
const path = require('path');

const SCRIPT = path.join(__dirname, 'system-deps.sh');

/**
 * Checks (and, as root with apt-get, installs) the system packages for `purpose`. The script
 * prints what it does or what is missing.
 * @param {'test'|'demo'} purpose
 * @returns {boolean} true when everything is there (or was just installed)
 */
function ensureSystemPackages(purpose) {
  if (process.platform !== 'linux') return true;
  const r = spawnSync('bash', [SCRIPT, purpose], { stdio: 'inherit' });
  return r.status === 0;
}

module.exports = { ensureSystemPackages, SYSTEM_DEPS_SCRIPT: SCRIPT };
