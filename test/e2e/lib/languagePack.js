// A Chinese display language for an offline code-server. VS Code only switches its display
// language to one a language pack provides, and the real pack comes from the marketplace, which
// these machines cannot reach. test/fixtures/zh-cn-language-pack is an empty pack (VS Code's own
// UI stays English) that makes zh-cn available, so the tests see Prompt Workbench's own Chinese
// strings: package.nls.zh-cn.json and l10n/bundle.l10n.zh-cn.json, webviews included.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/zh-cn-language-pack');
const PACK_ID = 'prompt-workbench-tests.test-language-pack-zh-hans';

/** Packs the fixture into a .vsix (with the repo's @vscode/vsce) and returns its path. */
function buildTestLanguagePack() {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-langpack-')), 'zh-cn-pack.vsix');
  const vsce = require.resolve('@vscode/vsce/vsce', { paths: [REPO_ROOT] });
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: FIXTURE, stdio: 'pipe' });
  return out;
}

/**
 * Switches the server's display language the way "Configure Display Language" does: the
 * language pack index (languagepacks.json, which VS Code writes when a pack is installed from
 * its UI; a command-line install leaves it out) and `locale` in argv.json. The next page load
 * is in that language. Returns a function that restores English.
 */
function useDisplayLanguage({ userDataDir, extensionsDir }, locale = 'zh-cn') {
  const packDir = fs.readdirSync(extensionsDir).find((d) => d.startsWith(`${PACK_ID}-`));
  if (!packDir) throw new Error(`the test language pack is not installed in ${extensionsDir}`);
  const index = path.join(userDataDir, 'languagepacks.json');
  const argv = path.join(userDataDir, 'User', 'argv.json');
  fs.writeFileSync(
    index,
    JSON.stringify({
      [locale]: {
        hash: `test-${Date.now()}`,
        extensions: [{ extensionIdentifier: { id: PACK_ID }, version: '1.0.0' }],
        translations: { vscode: path.join(extensionsDir, packDir, 'translations', 'main.i18n.json') },
        label: '中文(简体)',
      },
    }),
  );
  fs.writeFileSync(argv, JSON.stringify({ locale }));
  return () => {
    fs.rmSync(argv, { force: true });
    fs.rmSync(index, { force: true });
  };
}

module.exports = { buildTestLanguagePack, useDisplayLanguage, PACK_ID };
