#!/usr/bin/env node
// RAG benchmarks (figures printed, not asserted). Needs `node esbuild.js && npx tsc -p .` first.
//   node bench/rag.js [--files 5000] [--quality-only] [--vectors-only (the 20,000 × 1024 query only)]
// 1. Retrieval quality on a corpus we did not write: the READMEs of the packages in node_modules,
//    with the questions of bench/retrieval-questions.jsonl (offline embedder: vector, keyword, hybrid).
// 2. First index of N synthetic Markdown files (sentences drawn from those READMEs) through the
//    worker, with the main thread's event-loop delay measured meanwhile (monitorEventLoopDelay).
// 3. Re-index with nothing changed. 4. Top-10 query over ~20k chunks: vectra's queryItems vs the
//    the exact Float32Array scan vs the int8 WebAssembly scan + float re-rank (with recall@10 against
//    the exact one), at 100 dims (offline) and 1024 dims (Titan-sized, random vectors).
// 5. Index size on disk vs the raw float32 vectors.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { monitorEventLoopDelay } = require('perf_hooks');

const root = path.resolve(__dirname, '..');
const out = (p) => path.join(root, 'out', 'src', 'core', 'rag', p);
const { WorkspaceIndex } = require(out('workspaceIndex'));
const { RagIndexClient } = require(out('indexClient'));
const { VectorStore } = require(out('vectorStore'));
const { evaluateRetrieval, parseRetrievalQuestions } = require(out('retrievalEval'));
const { OfflineEmbedder } = require(out('wordVectors'));
const { rng, unitVector } = require(path.join(root, 'out', 'test', 'support', 'randomVectors'));

const argv = process.argv.slice(2);
const arg = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const FILES = Number(arg('--files', '5000'));
const settings = { include: ['**/*.md'], exclude: [], maxFileBytes: 512 * 1024, embedder: { kind: 'offline' } };
const rows = [];
const row = (what, figure, target, ok) => rows.push({ what, figure, target, verdict: ok === undefined ? '' : ok ? 'ok' : 'MISSED' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every package README (> 1.5 KB) under node_modules, copied to <dir>/<package>/README.md. */
function buildReadmeCorpus(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  const nm = path.join(root, 'node_modules');
  const packages = [];
  for (const name of fs.readdirSync(nm)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of fs.readdirSync(path.join(nm, name))) packages.push(`${name}/${sub}`);
    else packages.push(name);
  }
  let n = 0;
  for (const pkg of packages.sort()) {
    let files = [];
    try {
      files = fs.readdirSync(path.join(nm, pkg));
    } catch {
      continue;
    }
    const readme = files.find((f) => f.toLowerCase() === 'readme.md');
    if (!readme) continue;
    const src = path.join(nm, pkg, readme);
    if (fs.statSync(src).size < 1500) continue;
    fs.mkdirSync(path.join(dir, pkg), { recursive: true });
    fs.copyFileSync(src, path.join(dir, pkg, 'README.md'));
    n++;
  }
  return n;
}

async function retrievalQuality() {
  const dir = path.join(os.tmpdir(), 'pw-rag-readmes');
  const count = buildReadmeCorpus(dir);
  const index = new WorkspaceIndex({ root: dir, settings });
  const stats = await index.update({ rebuild: true });
  const { questions } = parseRetrievalQuestions(fs.readFileSync(path.join(__dirname, 'retrieval-questions.jsonl'), 'utf8'));
  console.log(`\nRetrieval quality: ${questions.length} questions over ${count} package READMEs (${stats.chunks} chunks), offline embedder`);
  console.log('mode     hit@1   hit@5   MRR');
  const results = {};
  for (const mode of ['vector', 'keyword', 'hybrid']) {
    const r = await evaluateRetrieval((q) => index.search(q), questions, { k: 5, mode });
    results[mode] = r;
    console.log(`${mode.padEnd(8)} ${(r.hitAt1 * 100).toFixed(1).padStart(5)}%  ${(r.hitAtK * 100).toFixed(1).padStart(5)}%  ${r.mrr.toFixed(3)}`);
  }
  if (argv.includes('--verbose')) for (const r of results.hybrid.results) if (r.rank !== 1) console.log(`  ${r.rank ?? 'miss'}  ${r.question} → ${r.retrieved.slice(0, 3).join(', ')}`);
  return dir;
}

/** N Markdown files of 3–6 sections, paragraphs of README sentences, now and then a code block. */
function buildSyntheticCorpus(dir, files, readmeDir) {
  fs.rmSync(dir, { recursive: true, force: true });
  const sentences = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue; // the README corpus's own .prompt-workbench/index
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.md')) for (const s of fs.readFileSync(path.join(d, e.name), 'utf8').split(/(?<=[.!?])\s+|\n/)) if (/^[A-Z][^`|<>#\[\]]{30,200}[.!?]$/.test(s.trim())) sentences.push(s.trim());
    }
  };
  walk(readmeDir);
  const rand = rng(42);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const lines = [`# ${pick(sentences).split(' ').slice(0, 5).join(' ')}`, ''];
    const sections = 3 + Math.floor(rand() * 4);
    for (let s = 0; s < sections; s++) {
      lines.push(`## ${pick(sentences).split(' ').slice(0, 4).join(' ')}`, '');
      const paragraphs = 1 + Math.floor(rand() * 3);
      for (let p = 0; p < paragraphs; p++) {
        const n = 2 + Math.floor(rand() * 4);
        for (let k = 0; k < n; k++) lines.push(pick(sentences));
        lines.push('');
      }
      if (rand() < 0.3) lines.push('```js', `const x${i} = require('pkg-${s}');`, 'x.run({ fast: true });', '```', '');
    }
    const file = path.join(dir, `area-${i % 50}`, `doc-${i}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const text = lines.join('\n');
    bytes += text.length;
    fs.writeFileSync(file, text);
  }
  return { bytes, sentences: sentences.length };
}

async function indexingThroughWorker(dir) {
  const workerPath = path.join(root, 'dist', 'rag-worker.js');
  const indexDir = path.join(dir, '.prompt-workbench', 'index');
  const client = new RagIndexClient({ workerPath, root: dir, indexDir, settings });
  // The same measurement with nothing running first: on a shared, busy machine the OS alone delays timers.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  idle.disable();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  // A busy main thread, as an extension host would be: timers every 10 ms measuring their own lateness.
  let maxLate = 0;
  let expected = Date.now() + 10;
  const ticker = setInterval(() => {
    maxLate = Math.max(maxLate, Date.now() - expected);
    expected = Date.now() + 10;
  }, 10);
  delay.enable();
  let t = Date.now();
  const cpu0 = process.cpuUsage();
  const first = await client.update({ rebuild: true });
  const firstMs = Date.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = ((cpu.user + cpu.system) / 1e6).toFixed(1);
  delay.disable();
  clearInterval(ticker);
  const maxDelayMs = delay.max / 1e6;
  row(`first index, ${first.files} files → ${first.chunks} chunks (offline, worker)`, `${(firstMs / 1000).toFixed(1)} s (process CPU ${cpuS} s)`, '< 60 s', firstMs < 60_000);
  row('main thread max event-loop delay while the worker indexes', `${maxDelayMs.toFixed(1)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(1)}, timer lateness ${maxLate} ms)`, '< 50 ms', maxDelayMs < 50);
  row('  same, 3 s with nothing running (machine noise)', `${(idle.max / 1e6).toFixed(1)} ms (p99 ${(idle.percentile(99) / 1e6).toFixed(1)})`, '', undefined);

  t = Date.now();
  const again = await client.update({});
  const againMs = Date.now() - t;
  row(`re-index, nothing changed (${again.unchanged} files)`, `${againMs} ms`, '< 2 s', againMs < 2000 && again.added + again.updated === 0);

  fs.appendFileSync(path.join(dir, 'area-1', 'doc-1.md'), '\n\nOne more paragraph about the retry policy of the uploader.\n');
  t = Date.now();
  const one = await client.update({ changed: [path.join(dir, 'area-1', 'doc-1.md')] });
  row(`update after one file changed (${one.updated} re-embedded)`, `${Date.now() - t} ms`, '', undefined);

  const times = [];
  const queries = ['how do I configure the retry policy', 'parse command line options', 'convert markdown to html', 'stream large files', 'unicode string width'];
  for (let i = 0; i < 50; i++) {
    t = process.hrtime.bigint();
    await client.search({ text: queries[i % queries.length], topK: 10 });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  row(`hybrid top-10 search over ${again.chunks} chunks via the worker (embed + vector + BM25 + RRF), median`, `${median(times).toFixed(1)} ms`, '< 30 ms', median(times) < 30);
  const status = await client.status();
  client.dispose();
  return { indexDir, chunks: again.chunks, status };
}

async function vectorQueryAndSize(indexDir, chunks, status) {
  const { LocalIndex, ProtobufCodec } = require('vectra');
  const pb = path.join(indexDir, 'index.pb');
  const rawBytes = chunks * status.dims * 4;
  const pbBytes = fs.statSync(pb).size;
  row(`vector file (vectra protobuf) vs raw float32, ${chunks} × ${status.dims}`, `${(pbBytes / 1e6).toFixed(2)} MB = ${(pbBytes / rawBytes).toFixed(2)}× raw`, '≤ 2×', pbBytes / rawBytes <= 2);
  row('whole index folder (vectors + BM25 + chunk texts + manifest)', `${(status.bytesOnDisk / 1e6).toFixed(2)} MB = ${(status.bytesOnDisk / rawBytes).toFixed(2)}× raw vectors`, '', undefined);

  const embedder = new OfflineEmbedder();
  await compareQuery(`${chunks} × ${status.dims}`, pb, status.dims, () => embedder.embedOne('how do I configure the retry policy'), LocalIndex, ProtobufCodec);
}

async function titanSized() {
  const { LocalIndex, ProtobufCodec } = require('vectra');
  // Titan-sized: 20k × 1024 random unit vectors, written the way the index writes them.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-rag-1024-'));
  const rand = rng(7);
  const unit = (dims) => unitVector(dims, rand);
  const store = new VectorStore(1024, 20000);
  for (let i = 0; i < 20000; i++) store.add(`f${i % 5000}.md#${Math.floor(i / 5000)}`, unit(1024), { path: `f${i % 5000}.md`, startLine: 1, endLine: 40 });
  let t = Date.now();
  const bytes = await store.save(path.join(dir, 'index.pb'));
  row('save 20,000 × 1024 in one go (vectra Protobuf format, vectraFormat.ts)', `${Date.now() - t} ms, ${(bytes / 1e6).toFixed(1)} MB = ${(bytes / (20000 * 1024 * 4)).toFixed(2)}× raw`, '≤ 2×', bytes / (20000 * 1024 * 4) <= 2);
  await compareQuery('20000 × 1024', path.join(dir, 'index.pb'), 1024, () => unit(1024), LocalIndex, ProtobufCodec);
  fs.rmSync(dir, { recursive: true, force: true });
}

async function compareQuery(label, file, dims, makeQuery, LocalIndex, ProtobufCodec) {
  let t = Date.now();
  const store = await VectorStore.load(file, dims);
  const loadOurs = Date.now() - t;
  const vectra = new LocalIndex(path.dirname(file), path.basename(file), undefined, new ProtobufCodec());
  t = Date.now();
  await vectra.listItems();
  const loadVectra = Date.now() - t;
  // Wall time and this thread's CPU time (the machine is shared: CPU time is what the code costs).
  const ours = [];
  const exact = [];
  const theirs = [];
  let found = 0;
  for (let i = 0; i < 50; i++) {
    const q = makeQuery();
    let fast;
    let truth;
    ours.push(timed(() => (fast = store.search(q, 10))));
    exact.push(timed(() => (truth = store.searchExact(q, 10))));
    const ids = new Set(truth.map((h) => h.id));
    found += fast.filter((h) => ids.has(h.id)).length;
    const arr = Array.from(q);
    theirs.push(await timedAsync(() => vectra.queryItems(arr, '', 10)));
  }
  const recall = found / 500;
  const fmt = (xs) => `${median(xs.map((x) => x.wall)).toFixed(1)} ms wall, ${median(xs.map((x) => x.cpu)).toFixed(1)} ms CPU`;
  const cpuBelow = (xs, ms) => median(xs.map((x) => x.cpu)) < ms;
  const target = dims >= 1024 ? 15 : 30;
  row(`top-10 vector query ${label}: vectra queryItems, median of 50`, `${fmt(theirs)} (load ${loadVectra} ms)`, '', undefined);
  row(`top-10 vector query ${label}: exact Float32Array scan (before), median of 50`, fmt(exact), '', undefined);
  row(`top-10 vector query ${label}: int8 WebAssembly scan + float re-rank (after), median of 50`, `${fmt(ours)} (load ${loadOurs} ms)`, `≤ ${target} ms`, cpuBelow(ours, target) && cpuBelow(ours, median(theirs.map((x) => x.cpu))));
  row(`  recall@10 of that against the exact scan, 50 queries`, recall.toFixed(3), '≥ 0.99', recall >= 0.99);
}

function timed(fn) {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  fn();
  const u = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: (u.user + u.system) / 1e3 };
}

async function timedAsync(fn) {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  await fn();
  const u = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: (u.user + u.system) / 1e3 };
}

/** The full hybrid search in this thread (embed the query, vector + BM25, fuse), CPU time. */
async function hybridInProcess(dir, chunks) {
  const index = new WorkspaceIndex({ root: dir, settings });
  await index.search({ text: 'warm up' });
  const queries = ['how do I configure the retry policy', 'parse command line options', 'convert markdown to html', 'stream large files', 'unicode string width'];
  const xs = [];
  for (let i = 0; i < 50; i++) xs.push(await timedAsync(() => index.search({ text: queries[i % queries.length], topK: 10 })));
  const cpu = median(xs.map((x) => x.cpu));
  row(`hybrid top-10 search over ${chunks} chunks in process, median of 50`, `${median(xs.map((x) => x.wall)).toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU`, '< 30 ms', cpu < 30);
}

function printTable() {
  const w = [Math.max(...rows.map((r) => r.what.length)), Math.max(...rows.map((r) => r.figure.length)), 8];
  console.log(`\n${'benchmark'.padEnd(w[0])}  ${'figure'.padEnd(w[1])}  ${'target'.padEnd(w[2])}  verdict`);
  for (const r of rows) console.log(`${r.what.padEnd(w[0])}  ${r.figure.padEnd(w[1])}  ${r.target.padEnd(w[2])}  ${r.verdict}`);
}

async function main() {
  if (argv.includes('--vectors-only')) {
    await titanSized();
    return printTable();
  }
  const readmes = await retrievalQuality();
  if (argv.includes('--quality-only')) return;
  const dir = path.join(os.tmpdir(), 'pw-rag-synthetic');
  let t = Date.now();
  const corpus = buildSyntheticCorpus(dir, FILES, readmes);
  console.log(`\nSynthetic corpus: ${FILES} Markdown files, ${(corpus.bytes / 1e6).toFixed(1)} MB, from ${corpus.sentences} README sentences (${Date.now() - t} ms)`);
  const { indexDir, chunks, status } = await indexingThroughWorker(dir);
  await hybridInProcess(dir, chunks);
  await vectorQueryAndSize(indexDir, chunks, status);
  await titanSized();
  printTable();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
