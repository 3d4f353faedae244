// `prompt-workbench scoreboard --json` as a whole process over a generated workspace (the
// generator of bench/scoreboard.js: runs in two month files, ratings with stars, thumbs,
// pairwise and 2% supersedes), timed with its peak resident memory (GNU time). Targets:
// 100,000 + 100,000 well under a second; 1,000,000 + 1,000,000 under 5 s with memory bounded.
// Each size three ways: cold (no aggregate in .prompt-workbench/cache/), warm (the aggregate
// stored by the last run) and warm with one rating appended since.
// Usage: node esbuild.js && node bench/scoreboard-cli.js [--records 1000000] [--ratings 1000000] [--cli path/to/cli.js] [--runs 3]
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const argValue = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const cli = path.resolve(argValue('--cli', path.join(root, 'dist', 'cli.js')));
const RUNS = Number(argValue('--runs', 3));

function main() {
  // bench/scoreboard.js reads --records and --ratings from this process's argv.
  const { generate } = require('./scoreboard');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-cli-'));
  try {
    let t = performance.now();
    generate(dir);
    const bytes = (f) => fs.statSync(f).size;
    const pw = path.join(dir, '.prompt-workbench');
    const total = bytes(path.join(pw, 'ratings.jsonl')) + fs.readdirSync(path.join(pw, 'runs')).reduce((s, f) => s + bytes(path.join(pw, 'runs', f)), 0);
    console.log(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s: ${(total / 1e6).toFixed(0)} MB of JSONL`);
    // CPU time (user + system) as well as wall time: on a loaded machine the wall time says more about the neighbours.
    const cache = path.join(pw, 'cache');
    const once = () => {
      const t0 = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, cli, 'scoreboard', '--json', '--workspace', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`the CLI failed (${r.status}): ${r.stderr.slice(-2000)}`);
      const rows = JSON.parse(r.stdout).rows.length;
      const [user, sys, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
      return { ms, cpu: (user + sys) * 1000, rss: kb / 1024, rows };
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratingsFile = path.join(pw, 'ratings.jsonl');
    const lastRating = JSON.parse(fs.readFileSync(ratingsFile, 'utf8').trimEnd().split('\n').pop());
    let appended = 0;
    // cold: no aggregate on disk (every line read); warm: the aggregate of the last run, nothing appended;
    // +1 rating: one rating appended since the last run (read from the stored offsets).
    for (const phase of ['cold', 'warm', '+1 rating']) {
      const results = [];
      for (let i = 0; i < RUNS; i++) {
        if (phase === 'cold') fs.rmSync(cache, { recursive: true, force: true });
        if (phase === '+1 rating') fs.appendFileSync(ratingsFile, JSON.stringify({ ...lastRating, id: `g_bench_${appended++}`, supersedes: null }) + '\n');
        const r = once();
        results.push(r);
        console.log(`${phase} run ${i + 1}: ${r.ms.toFixed(0)} ms wall, ${r.cpu.toFixed(0)} ms CPU, peak RSS ${r.rss.toFixed(0)} MB → ${r.rows} rows`);
      }
      const aggregateMb = fs.existsSync(path.join(cache, 'scoreboard.json')) ? fs.statSync(path.join(cache, 'scoreboard.json')).size / 1e6 : 0;
      console.log(`${phase}: median ${median(results.map((r) => r.ms)).toFixed(0)} ms wall, ${median(results.map((r) => r.cpu)).toFixed(0)} ms CPU, peak RSS ${Math.max(...results.map((r) => r.rss)).toFixed(0)} MB; aggregate file ${aggregateMb.toFixed(1)} MB`);
    }
    console.log(`(${cli}) load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
