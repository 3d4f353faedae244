// The comparison panel's added latency from a token reaching the extension host to its paint,
// at 6 columns × 100 tokens/s. Loads the built webview (dist/webview/compare.js + media/compare.css)
// in Chromium (playwright-core + Debian's chromium, as the e2e tests) in a page that stands in
// for VS Code: `acquireVsCodeApi` is stubbed, and the "extension host" is a Worker (another
// thread, as the real host is another process) that produces the tokens and sends them
// through the host's own DeltaBatcher (src/core/runs/deltaBatcher.ts, bundled here) as the
// panel's `deltas` messages, dispatched to the webview as message events.
// Per token: its push time in the worker → the first paint that shows it (MutationObserver on
// `.output[data-length]`; a task posted from there runs once the frame is painted), on one
// clock (timeOrigin + now). Reports p50/p95/max, whether latency grows over the run
// (backlog), the time to drain after the last token, the render work per frame, long frames
// and resyncs. Not included: VS Code's own IPC hop from the extension host to the webview.
// --panel run: the run panel instead (dist/webview/run.js, one answer, one `delta` message per
// token as src/host/run/runPanel.ts posts them), after a snapshot whose answer already holds
// --prefill-kb of Markdown (2048: the 2 MB answer that must keep painting ≥ 10 frames/s).
// Usage: node esbuild.js && node bench/webview-stream.js [--panel compare|run] [--seconds 15] [--columns 6] [--rate 100] [--prefill-kb 0]
const esbuild = require('esbuild');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const root = path.resolve(__dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PANEL = process.argv.includes('--panel') ? process.argv[process.argv.indexOf('--panel') + 1] : 'compare';
const RUN = PANEL === 'run';
const SECONDS = arg('seconds', 15);
const COLUMNS = RUN ? 1 : arg('columns', 6);
const RATE = arg('rate', 100);
const PREFILL = prefillMarkdown(arg('prefill-kb', 0) * 1024);

const WEBVIEW = path.join(root, 'dist', 'webview', RUN ? 'run.js' : 'compare.js');
if (!fs.existsSync(WEBVIEW)) {
  console.error(`${path.relative(root, WEBVIEW)} is missing: run \`node esbuild.js\` first`);
  process.exit(1);
}

/** About `bytes` of a long Markdown answer: headings, paragraphs, lists and code fences. */
function prefillMarkdown(bytes) {
  const block = (i) =>
    `## Part ${i}\n\nThe rollout plan keeps the pool at eighty connections while the load test runs, and **rolls back** on errors (see \`pool.size\`).\n\n` +
    `- check the limit\n- rerun the test\n- post the p99\n\n\`\`\`js\nconst pool = ${i};\n\`\`\`\n\n`;
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += block(i);
  return text;
}

/** The run panel's page as src/host/run/runPanel.ts writes it (the elements its script looks up). */
const RUN_BODY = `<header><div class="title-row"><h1 id="title"></h1><span id="model"></span><span id="status"></span></div>
<ul id="metrics">${['ttft', 'latency', 'inputTokens', 'outputTokens', 'tokensPerSecond', 'cost'].map((m) => `<li data-metric="${m}"><span class="label">${m}</span><span class="value">—</span></li>`).join('')}</ul>
<div class="toolbar"><button id="stop">Stop</button><button id="rerun">Run again</button><button id="copy">Copy</button><button id="scoreboard">Scoreboard</button></div>
<p id="endpoint-notice" hidden></p><p id="error" hidden></p></header>
<details id="inputs-panel"><summary><span class="summary-label">Inputs</span> <span id="inputs-summary"></span></summary>
<div class="inputs-bar"><select id="sample-set"></select><button id="save-set" type="button">Save</button><button id="delete-set" type="button">Delete</button></div>
<form id="inputs-form" novalidate><div id="input-fields"></div><p id="inputs-message" hidden></p><button id="run" type="submit">Run</button></form></details>
<main id="output"></main>`;

/** The "extension host": RATE tokens/s per column through DeltaBatcher, posted to the page. */
const HOST_WORKER = `
const COLUMNS = ${COLUMNS}, RATE = ${RATE}, SECONDS = ${SECONDS}, RUN = ${RUN}, PREFILL = ${PREFILL.length};
const WORDS = 'the rollout plan keeps the pool at eighty connections while the load test runs and rolls back on errors'.split(' ');
const clock = () => performance.timeOrigin + performance.now();
const sent = Array(COLUMNS).fill(PREFILL);
const texts = Array(COLUMNS).fill('');
let pushes = [];
const batcher = new PW.DeltaBatcher((batch) => {
  const items = [...batch].map(([column, text]) => ({ column, text, length: (sent[column] += text.length) }));
  postMessage({ message: { type: 'deltas', items }, pushes });
  pushes = [];
});
function token(column, k) {
  if (k % 40 === 39) return '\\n\\n';
  if (k % 120 === 60) return '\\n\\n\`\`\`js\\nconst pool = 80;\\n\`\`\`\\n\\n';
  if (k % 15 === 0) return '\\n- ';
  return WORDS[(k * 7 + column) % WORDS.length] + ' ';
}
onmessage = () => {
  const t0 = performance.now();
  const interval = 1000 / RATE;
  const total = Math.round(SECONDS * RATE);
  const next = Array(COLUMNS).fill(0);
  const ends = Array(COLUMNS).fill(PREFILL);
  const lateness = [];
  const timer = setInterval(() => {
    const now = performance.now();
    let all = true;
    for (let c = 0; c < COLUMNS; c++) {
      // Columns are offset so their tokens do not all land at the same instant.
      while (next[c] < total && t0 + next[c] * interval + (c * interval) / COLUMNS <= now) {
        lateness.push(now - (t0 + next[c] * interval + (c * interval) / COLUMNS));
        const text = token(c, next[c]);
        ends[c] += text.length;
        texts[c] += text;
        pushes.push({ column: c, end: ends[c], at: clock() });
        // The run panel posts each piece of text as it comes (src/host/run/runPanel.ts appendText).
        if (RUN) {
          postMessage({ message: { type: 'delta', text, length: (sent[c] += text.length) }, pushes });
          pushes = [];
        } else batcher.push(c, text);
        next[c]++;
      }
      if (next[c] < total) all = false;
    }
    if (all) {
      clearInterval(timer);
      batcher.flush();
      postMessage({ finished: clock(), lateness, texts });
    }
  }, 2);
};`;

/** The page side: forwards the host's messages to the webview and watches what gets painted. */
const PAGE_PROBE = `
(() => {
  const COLUMNS = ${COLUMNS}, RUN = ${RUN};
  const OUTPUTS = RUN ? '#output' : '.output';
  const columnOf = (el) => (RUN ? 0 : Number(el.closest('section.column').dataset.column));
  const clock = () => performance.timeOrigin + performance.now();
  const pushes = Array.from({ length: COLUMNS }, () => []);
  const painted = Array(COLUMNS).fill(0);
  const latencies = [];
  const longFrames = [];
  const bench = (window.__bench = { latencies, longFrames, paints: [], resyncs: 0, lastPushAt: 0, drainedAt: 0, done: false, lateness: [], tokens: 0 });
  const worker = new Worker(URL.createObjectURL(new Blob([document.getElementById('host-src').textContent], { type: 'text/javascript' })));
  const deliver = (message) => window.dispatchEvent(new MessageEvent('message', { data: message }));
  worker.onmessage = (e) => {
    if (e.data.finished) {
      bench.lastPushAt = e.data.finished;
      bench.lateness = e.data.lateness;
      bench.texts = e.data.texts;
      return;
    }
    for (const p of e.data.pushes) pushes[p.column].push(p);
    bench.tokens += e.data.pushes.length;
    deliver(e.data.message);
  };
  window.__fromWebview = (m) => {
    if (m.type === 'ready') start();
    if (m.type === 'resync') bench.resyncs++;
  };
  function start() {
    const now = Date.now();
    if (RUN) {
      deliver({ type: 'snapshot', state: { promptName: 'bench', promptVersion: 1, model: 'bedrock/model-0', status: 'streaming', output: document.getElementById('prefill').textContent,
        metrics: { ttftMs: null, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null }, error: null, partial: false, endpointNotice: null, runId: null, startedAt: now } });
      const waitOutput = () => (document.getElementById('output').dataset.length ? begin() : requestAnimationFrame(waitOutput));
      return waitOutput();
    }
    deliver({ type: 'snapshot', state: {
      comparisonId: 'c_BENCH', promptName: 'bench', promptVersion: 1, promptPath: 'bench.prompt', workspaceFolder: null,
      origin: 'live', endpointNotice: null, notice: null,
      columns: Array.from({ length: COLUMNS }, (_, i) => ({ column: i, model: 'bedrock/model-' + i, status: 'streaming', output: '',
        metrics: { ttftMs: null, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null }, startedAt: now, error: null, partial: false, runId: null })),
    } });
    const waitColumns = () => (document.querySelectorAll('section.column').length === COLUMNS ? begin() : requestAnimationFrame(waitColumns));
    waitColumns();
  }
  function begin() {
    const mo = new MutationObserver((records) => {
      const changed = new Map();
      for (const r of records) changed.set(columnOf(r.target), Number(r.target.dataset.length));
      // A task posted now runs once this frame has been painted.
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        const t = clock();
        bench.paints.push(t);
        for (const [column, length] of changed) {
          const list = pushes[column];
          let i = painted[column];
          while (i < list.length && list[i].end <= length) latencies.push({ ms: t - list[i].at, at: list[i].at }), i++;
          painted[column] = i;
        }
        if (bench.lastPushAt && !bench.drainedAt && pushes.every((list, c) => painted[c] === list.length)) {
          bench.drainedAt = t;
          bench.done = true;
        }
      };
      ch.port2.postMessage(0);
    });
    for (const out of document.querySelectorAll(OUTPUTS)) mo.observe(out, { attributes: true, attributeFilter: ['data-length'] });
    let last = performance.now();
    const frame = () => {
      const t = performance.now();
      if (t - last > 50) longFrames.push(Math.round(t - last));
      last = t;
      if (!bench.done) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    worker.postMessage('start');
  }
})();`;

const STUB = `window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__fromWebview && window.__fromWebview(m), getState: () => null, setState: () => {} });
// Times the work of each animation-frame callback (the panel renders there), apart from waiting.
window.__frameWork = [];
const raf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb) => raf((t) => { const s = performance.now(); cb(t); window.__frameWork.push(performance.now() - s); });`;

async function main() {
  let chromium;
  try {
    chromium = require(path.join(root, 'test/e2e/node_modules/playwright-core')).chromium;
  } catch {
    console.error('playwright-core is missing: run the e2e install (npm test does it) first');
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-webview-'));
  const batcher = await esbuild.build({ entryPoints: [path.join(root, 'src/core/runs/deltaBatcher.ts')], bundle: true, format: 'iife', globalName: 'PW', platform: 'browser', write: false });
  const hostSource = `${batcher.outputFiles[0].text}\n${HOST_WORKER}`;
  fs.writeFileSync(path.join(dir, 'stub.js'), STUB);
  fs.writeFileSync(path.join(dir, 'probe.js'), PAGE_PROBE);
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(path.join(root, RUN ? 'media/run.css' : 'media/compare.css')).href}"></head>
<body>${RUN ? RUN_BODY : '<div id="app"></div>'}
<script type="text/plain" id="prefill">${PREFILL.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</script>
<script type="text/plain" id="host-src">${hostSource.replace(/<\/script/gi, '<\\/script')}</script>
<script src="stub.js"></script><script src="probe.js"></script>
<script src="${pathToFileURL(WEBVIEW).href}"></script></body></html>`,
  );
  const browser = await chromium.launch({ executablePath: process.env.PW_CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href, { timeout: 180000 });
    await page.waitForFunction(() => window.__bench && window.__bench.done, null, { timeout: (SECONDS + 240) * 1000, polling: 500 });
    const r = await page.evaluate((RUN) => ({
      latencies: window.__bench.latencies,
      longFrames: window.__bench.longFrames,
      resyncs: window.__bench.resyncs,
      drainMs: window.__bench.drainedAt - window.__bench.lastPushAt,
      tokens: window.__bench.tokens,
      lastPushAt: window.__bench.lastPushAt,
      lateness: window.__bench.lateness,
      frameWork: window.__frameWork.filter((x) => x > 0.05),
      renderedLength: [...document.querySelectorAll(RUN ? '#output' : '.output')].map((o) => Number(o.dataset.length)),
      paints: window.__bench.paints,
    }), RUN);
    // The streamed rendering (finished blocks kept, the open one redone) must read the same as
    // the whole answer rendered at once, which the panel shows when a column completes.
    const consistency = await page.evaluate(async (RUN) => {
      const squash = (t) => t.replace(/\s+/g, ' ').trim();
      const out = document.querySelector(RUN ? '#output' : 'section.column[data-column="0"] .output');
      const streamed = squash(out.textContent);
      const now = Date.now();
      const metrics = { ttftMs: 1, latencyMs: 2, inputTokens: 1, outputTokens: 1, costUsd: null };
      const done = RUN
        ? { type: 'snapshot', state: { promptName: 'bench', promptVersion: 1, model: 'bedrock/model-0', status: 'done', output: document.getElementById('prefill').textContent + window.__bench.texts[0],
            metrics, error: null, partial: false, endpointNotice: null, runId: null, startedAt: now } }
        : { type: 'column', state: { column: 0, model: 'bedrock/model-0', status: 'done', output: window.__bench.texts[0], metrics, startedAt: now, error: null, partial: false, runId: 'r_1' } };
      window.dispatchEvent(new MessageEvent('message', { data: done }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const whole = squash(out.textContent);
      return { same: streamed === whole, streamedLength: streamed.length, wholeLength: whole.length };
    }, RUN);
    if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
    const latency = stats(r.latencies.map((l) => l.ms));
    const firstAt = Math.min(...r.latencies.map((l) => l.at));
    const lastAt = Math.max(...r.latencies.map((l) => l.at));
    const p95Between = (from, to) => stats(r.latencies.filter((l) => l.at >= from && l.at < to).map((l) => l.ms))?.p95 ?? null;
    const paintsPerSecond = round(r.paints.filter((t) => t >= firstAt && t <= r.lastPushAt).length / ((r.lastPushAt - firstAt) / 1000));
    const result = {
      benchmark: 'webview-stream',
      panel: PANEL,
      prefillCharacters: PREFILL.length,
      columns: COLUMNS,
      tokensPerSecondPerColumn: RATE,
      seconds: SECONDS,
      tokensSent: r.tokens,
      tokensPainted: r.latencies.length,
      charactersPerColumnAtEnd: r.renderedLength[0],
      tokenToPaintMs: latency,
      p95FirstTwoSecondsMs: p95Between(firstAt, firstAt + 2000),
      p95LastTwoSecondsMs: p95Between(lastAt - 2000, lastAt + 1),
      drainAfterLastTokenMs: round(r.drainMs),
      renderWorkPerFrameMs: stats(r.frameWork),
      hostTimerLatenessMs: stats(r.lateness),
      longFramesOver50ms: r.longFrames.length,
      longestFrameMs: r.longFrames.length ? Math.max(...r.longFrames) : null,
      resyncs: r.resyncs,
      paintsPerSecondWhileStreaming: paintsPerSecond,
      streamedRenderingMatchesWhole: consistency.same,
      loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
      target: RUN ? 'token→paint under 50 ms, no backlog, at least 10 paints a second' : 'token→paint under 50 ms, no backlog',
      pass: latency.p95 < 50 && r.drainMs < 50 && r.resyncs === 0 && consistency.same && (!RUN || paintsPerSecond >= 10),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `${COLUMNS}×${RATE} tokens/s: token→paint p50 ${latency.p50} ms, p95 ${latency.p95} ms, max ${latency.max} ms; ` +
        `p95 first 2 s ${result.p95FirstTwoSecondsMs} ms vs last 2 s ${result.p95LastTwoSecondsMs} ms; drained ${result.drainAfterLastTokenMs} ms after the last token; ` +
        `render work per frame p50 ${result.renderWorkPerFrameMs.p50} ms; ${result.paintsPerSecondWhileStreaming} paints/s (target p95 < 50 ms: ${result.pass ? 'met' : 'NOT met'})`,
    );
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** p50/p95/max of a list of milliseconds. */
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return null;
  const at = (p) => round(s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(s[s.length - 1]) };
}

function round(x) {
  return Math.round(x * 10) / 10;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
