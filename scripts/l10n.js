// Localization upkeep, rerunnable at any time:
//   node scripts/l10n.js          moves every user-visible string of package.json into
//                                 package.nls.json (package.json keeps `%key%`), and exports
//                                 the strings of every `l10n.t(...)` (host and webviews) to
//                                 l10n/bundle.l10n.json; then reports what the Chinese files lack
//   node scripts/l10n.js --check  changes nothing; exits 1 when a translation is missing or
//                                 drops a {0} placeholder (the unit test runs the same check)
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const LANGS = ['zh-cn'];
const SOURCES = ['src/extension.ts', 'src/host', 'src/webview', 'src/core'];

/** Where each localizable string of the manifest lives, and its nls key. */
function manifestStrings(manifest) {
  const out = [];
  const at = (obj, field, key) => {
    if (obj && typeof obj[field] === 'string') out.push({ obj, field, key });
  };
  at(manifest, 'displayName', 'extension.displayName');
  at(manifest, 'description', 'extension.description');
  const caps = manifest.capabilities || {};
  at(caps.untrustedWorkspaces, 'description', 'capabilities.untrustedWorkspaces.description');
  at(caps.virtualWorkspaces, 'description', 'capabilities.virtualWorkspaces.description');
  const c = manifest.contributes || {};
  for (const cmd of c.commands || []) {
    const id = cmd.command.replace(/^promptWorkbench\./, '');
    at(cmd, 'title', `command.${id}.title`);
    at(cmd, 'category', 'command.category');
  }
  for (const conf of [].concat(c.configuration || [])) {
    at(conf, 'title', 'configuration.title');
    for (const [name, prop] of Object.entries(conf.properties || {})) {
      const id = name.replace(/^promptWorkbench\./, '');
      at(prop, 'description', `config.${id}.description`);
      at(prop, 'markdownDescription', `config.${id}.markdownDescription`);
      at(prop, 'deprecationMessage', `config.${id}.deprecationMessage`);
      for (const list of ['enumDescriptions', 'markdownEnumDescriptions']) {
        (prop[list] || []).forEach((_, i) => at(prop[list], i, `config.${id}.${list}.${i}`));
      }
      if (prop.items && typeof prop.items === 'object') {
        for (const [sub, subProp] of Object.entries(prop.items.properties || {})) at(subProp, 'description', `config.${id}.items.${sub}.description`);
      }
    }
  }
  for (const [container, list] of Object.entries(c.viewsContainers || {})) for (const v of list) at(v, 'title', `viewsContainer.${container}.${v.id}.title`);
  for (const list of Object.values(c.views || {})) {
    for (const v of list) {
      const id = v.id.replace(/^promptWorkbench\./, '');
      at(v, 'name', `view.${id}.name`);
      at(v, 'contextualTitle', `view.${id}.contextualTitle`);
    }
  }
  for (const w of c.viewsWelcome || []) at(w, 'contents', `viewsWelcome.${w.view.replace(/^promptWorkbench\./, '')}.contents`);
  for (const s of c.submenus || []) at(s, 'label', `submenu.${s.id.replace(/^promptWorkbench\./, '')}.label`);
  for (const w of c.walkthroughs || []) {
    const id = w.id.replace(/^promptWorkbench\./, '');
    at(w, 'title', `walkthrough.${id}.title`);
    at(w, 'description', `walkthrough.${id}.description`);
    for (const step of w.steps || []) {
      at(step, 'title', `walkthrough.${id}.${step.id}.title`);
      at(step, 'description', `walkthrough.${id}.${step.id}.description`);
      if (step.media) at(step.media, 'altText', `walkthrough.${id}.${step.id}.altText`);
    }
  }
  return out;
}

const readJson = (file, fallback) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : fallback);
const writeJson = (file, value) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** package.json → package.nls.json. Returns the English strings by key. */
function extractManifest({ write }) {
  const pkgFile = path.join(ROOT, 'package.json');
  const manifest = readJson(pkgFile);
  const nlsFile = path.join(ROOT, 'package.nls.json');
  const previous = readJson(nlsFile, {});
  const english = {};
  for (const { obj, field, key } of manifestStrings(manifest)) {
    const value = obj[field];
    const placeholder = /^%(.+)%$/.exec(value);
    if (placeholder) {
      if (previous[placeholder[1]] !== undefined) english[placeholder[1]] = previous[placeholder[1]];
      continue;
    }
    english[key] = value;
    obj[field] = `%${key}%`;
  }
  if (write) {
    writeJson(pkgFile, manifest);
    writeJson(nlsFile, english);
  }
  return english;
}

/** Every `l10n.t(...)` message of the code, by running @vscode/l10n-dev's exporter. */
function extractCode() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-l10n-'));
  try {
    const cli = require.resolve('@vscode/l10n-dev/dist/cli.js');
    execFileSync(process.execPath, [cli, 'export', '-o', out, ...SOURCES.map((s) => path.join(ROOT, s))], { cwd: ROOT, stdio: 'pipe' });
    const file = path.join(out, 'bundle.l10n.json');
    const bundle = readJson(file, {});
    // The exporter keeps {message, comment} objects for strings with comments: the key is the message.
    const code = Object.fromEntries(Object.entries(bundle).map(([k, v]) => [k, typeof v === 'string' ? v : v.message]));
    return { ...code, ...extractVocabulary() };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The sentences of the `.prompt` vocabulary (completion and hover texts): table fields, not
 * `l10n.t` calls, because the tables are module constants read before a bundle is loaded; the
 * language service translates them when it shows them (`l10n.t(entry.doc)`).
 */
// The `workbench.rag` keys' table (ragConfig.ts) is the same kind of vocabulary.
const VOCABULARY_FILES = ['src/core/prompt/language/promptVocabulary.ts', 'src/core/prompt/ragConfig.ts'];
function extractVocabulary() {
  const source = VOCABULARY_FILES.map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8')).join('\n');
  const out = {};
  const literal = /\b(?:summary|doc):\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\$]|\\.)*`)/g;
  for (const match of source.matchAll(literal)) {
    const text = new Function(`return ${match[1]};`)();
    out[text] = text;
  }
  return out;
}

const placeholdersOf = (s) => [...new Set(String(s).match(/\{\d+\}/g) || [])].sort().join(',');

/** What a translation lacks: missing keys, and translations whose {N} placeholders differ. */
function problems(english, translated) {
  const missing = Object.keys(english).filter((k) => typeof translated[k] !== 'string' || !translated[k].trim());
  const placeholders = Object.keys(english).filter((k) => typeof translated[k] === 'string' && placeholdersOf(english[k]) !== placeholdersOf(translated[k]));
  return { missing, placeholders };
}

function check({ manifestEnglish, codeEnglish }) {
  const report = [];
  for (const lang of LANGS) {
    const nls = readJson(path.join(ROOT, `package.nls.${lang}.json`), {});
    const bundle = readJson(path.join(ROOT, 'l10n', `bundle.l10n.${lang}.json`), {});
    const m = problems(manifestEnglish, nls);
    const b = problems(codeEnglish, bundle);
    report.push({ lang, manifest: m, code: b });
  }
  return report;
}

function main() {
  const write = !process.argv.includes('--check');
  const manifestEnglish = extractManifest({ write });
  const codeEnglish = extractCode();
  if (write) {
    fs.mkdirSync(path.join(ROOT, 'l10n'), { recursive: true });
    writeJson(path.join(ROOT, 'l10n', 'bundle.l10n.json'), codeEnglish);
  }
  let bad = 0;
  for (const r of check({ manifestEnglish, codeEnglish })) {
    const n = r.manifest.missing.length + r.manifest.placeholders.length + r.code.missing.length + r.code.placeholders.length;
    bad += n;
    console.log(`${r.lang}: package.nls ${Object.keys(manifestEnglish).length - r.manifest.missing.length}/${Object.keys(manifestEnglish).length}, bundle ${Object.keys(codeEnglish).length - r.code.missing.length}/${Object.keys(codeEnglish).length} translated`);
    for (const k of r.manifest.missing.slice(0, 30)) console.log(`  missing (package.nls.${r.lang}.json): ${k}`);
    for (const k of r.code.missing.slice(0, 30)) console.log(`  missing (l10n/bundle.l10n.${r.lang}.json): ${JSON.stringify(k)}`);
    for (const k of [...r.manifest.placeholders, ...r.code.placeholders]) console.log(`  placeholders differ: ${JSON.stringify(k)}`);
  }
  if (!write && bad) process.exitCode = 1;
}

if (require.main === module) main();
module.exports = { extractManifest, extractCode, extractVocabulary, check, problems, manifestStrings };
