// One build for the extension and the CLI (Node, cjs, `vscode` external), one per webview
// (browser, iife), and one bundle per heavy dependency, loaded lazily at run time.
// Usage: node esbuild.js [--watch] [--production]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Heavy packages each get a bundle of their own under dist/vendor/, required only on first use. */
const VENDOR = {
  '@aws-sdk/client-bedrock-runtime': 'vendor/bedrock-runtime.js',
  // The control plane (model listing), used only when the model picker refreshes its list.
  '@aws-sdk/client-bedrock': 'vendor/bedrock-control.js',
  // The AWS Price List (live Bedrock prices), read when the model list is refreshed, at most daily.
  '@aws-sdk/client-pricing': 'vendor/pricing.js',
  // .eml parsing (Summarize Email), loaded when the first MIME message is read.
  mailparser: 'vendor/mailparser.js',
  // Batch inference uploads and reads results, invocation logs are imported, from S3.
  '@aws-sdk/client-s3': 'vendor/s3.js',
  // Prompt Management (publish, import) on the Agents for Amazon Bedrock control plane.
  '@aws-sdk/client-bedrock-agent': 'vendor/bedrock-agent.js',
  // OptimizePrompt (Improve Prompt) and Retrieve (Knowledge Bases).
  '@aws-sdk/client-bedrock-agent-runtime': 'vendor/bedrock-agent-runtime.js',
  // Model invocation logs from CloudWatch Logs.
  '@aws-sdk/client-cloudwatch-logs': 'vendor/cloudwatch-logs.js',
};

/** Rewrites imports of a vendored package to a run-time require of its own bundle. */
const lazyVendor = {
  name: 'lazy-vendor',
  setup(build) {
    const names = Object.keys(VENDOR).map((n) => n.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
      path: `./${VENDOR[args.path]}`,
      external: true,
    }));
  },
};

/** The host's heavy half (src/host/engine.ts) is its own bundle, dist/engine.js, required on first use. */
const lazyEngine = {
  name: 'lazy-engine',
  setup(build) {
    build.onResolve({ filter: /^\.\/engine$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'host', 'loadEngine.ts')) ? { path: './engine.js', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // `import()` of a lazily loaded bundle becomes a plain `require` when first called.
  supported: { 'dynamic-import': false },
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [lazyVendor, lazyEngine] },
  { ...nodeCommon, entryPoints: { engine: 'src/host/engine.ts' }, outdir: 'dist', plugins: [lazyVendor] },
  {
    ...nodeCommon,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    plugins: [lazyVendor],
    banner: { js: '#!/usr/bin/env node' },
  },
  // The RAG indexer's worker thread (src/core/rag/indexWorker.ts), started on first use of the index. It writes
  // vectra's index format itself (src/core/rag/vectraFormat.ts), so vectra (≈11 MB bundled) is not shipped.
  { ...nodeCommon, entryPoints: { 'rag-worker': 'src/core/rag/indexWorker.ts' }, outdir: 'dist', plugins: [lazyVendor] },
  ...Object.entries(VENDOR).map(([pkg, out]) => ({
    ...nodeCommon,
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: __dirname, loader: 'js' },
    outfile: path.join('dist', out),
  })),
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { run: 'src/webview/run/main.ts', compare: 'src/webview/compare/main.ts', preview: 'src/webview/preview/main.ts', scoreboard: 'src/webview/scoreboard/main.ts', dataset: 'src/webview/dataset/main.ts', email: 'src/webview/email/main.ts', improve: 'src/webview/improve/main.ts', lineage: 'src/webview/lineage/main.ts' },
    outdir: 'dist/webview',
    tsconfig: 'src/webview/tsconfig.json',
  },
];

async function main() {
  if (watch) {
    for (const options of builds) {
      const ctx = await esbuild.context(options);
      await ctx.watch();
    }
    console.log('[esbuild] watching…');
    return;
  }
  const started = Date.now();
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  if (production) {
    const merged = { inputs: {}, outputs: {} };
    for (const r of results) {
      Object.assign(merged.inputs, r.metafile.inputs);
      Object.assign(merged.outputs, r.metafile.outputs);
    }
    fs.writeFileSync('dist/meta.json', JSON.stringify(merged));
  }
  const sizes = results
    .flatMap((r) => Object.entries(r.metafile.outputs))
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, o]) => `${file} ${(o.bytes / 1024).toFixed(0)} KB`);
  console.log(`[esbuild] built in ${Date.now() - started} ms${production ? ' (production)' : ''}: ${sizes.join(', ')}`);
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
