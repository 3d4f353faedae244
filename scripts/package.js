// `npm run package`: a production build, then a .vsix made by @vscode/vsce from an allow-list
// (.vscodeignore). Everything the extension runs is bundled by esbuild into dist/, so the
// package carries no node_modules (--no-dependencies). Prints the package's size and file
// count, and fails if something the extension loads at run time is missing from it.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const manifest = require(path.join(ROOT, 'package.json'));
const outDir = path.join(ROOT, 'dist-package');
const vsix = path.join(outDir, `${manifest.name}-${manifest.version}.vsix`);

/** Files the installed extension needs: its entry points, lazily loaded bundles, webviews, samples, walkthrough. */
const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/engine.js',
  'extension/dist/cli.js',
  'extension/dist/vendor/bedrock-runtime.js',
  'extension/dist/vendor/bedrock-control.js',
  'extension/dist/webview/run.js',
  'extension/dist/webview/compare.js',
  'extension/media/icon.png',
  'extension/prompts/email-summary.prompt',
  'extension/LICENSE.txt',
];

function main() {
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [path.join(ROOT, 'esbuild.js'), '--production'], { cwd: ROOT, stdio: 'inherit' });
  }
  fs.mkdirSync(outDir, { recursive: true });
  const vsce = require.resolve('@vscode/vsce/vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const listing = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const missing = REQUIRED.filter((f) => !listing.includes(f));
  const workers = fs.existsSync(path.join(ROOT, 'dist/rag-worker.js')) ? ['extension/dist/rag-worker.js'] : [];
  missing.push(...workers.filter((f) => !listing.includes(f)));
  // The samples' tool definitions and mocks are copied into a workspace by Open Sample Prompts.
  const sampleTools = (f) => f.startsWith('extension/samples/.prompt-workbench/tools/');
  const stray = listing.filter((f) => !sampleTools(f) && (/(^|\/)(src|test|node_modules|out|bench|\.prompt-workbench)\//.test(f.replace(/^extension\//, '')) || f.endsWith('.map') || f.endsWith('.ts')));
  const bytes = fs.statSync(vsix).size;
  console.log(`\n${path.relative(ROOT, vsix)}: ${(bytes / 1024 / 1024).toFixed(2)} MB, ${listing.filter((f) => !f.endsWith('/')).length} files`);
  if (missing.length || stray.length) {
    if (missing.length) console.error(`missing from the package: ${missing.join(', ')}`);
    if (stray.length) console.error(`in the package but not needed at run time: ${stray.slice(0, 20).join(', ')}`);
    process.exit(1);
  }
  return vsix;
}

if (require.main === module) main();
module.exports = { main, vsixPath: vsix };
