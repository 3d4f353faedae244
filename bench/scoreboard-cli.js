// `prompt-workbench scoreboard --json` as a whole process over a generated workspace (the
// generator of bench/scoreboard.js: runs in two month files, ratings with stars, thumbs,
// pairwise and 2% supersedes), timed with its peak resident memory (GNU time). Targets:
// 100,000 + 100,000 well under a second; 1,000,000 + 1,000,000 under 5 s with memory bounded.
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
    const times = [];
    // CPU time (user + system) as well as wall time: on a loaded machine the wall time says more about the neighbours.
    const cpu = [];
    let rss = 0;
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, cli, 'scoreboard', '--json', '--workspace', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const ms = performance.now() - t;
      if (r.status !== 0) throw new Error(`the CLI failed (${r.status}): ${r.stderr.slice(-2000)}`);
      const rows = JSON.parse(r.stdout).rows.length;
      const [user, sys, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
      rss = Math.max(rss, kb / 1024);
      cpu.push((user + sys) * 1000);
      times.push(ms);
      console.log(`run ${i + 1}: ${ms.toFixed(0)} ms wall, ${((user + sys) * 1000).toFixed(0)} ms CPU → ${rows} rows`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const cpuMedian = [...cpu].sort((a, b) => a - b)[Math.floor(cpu.length / 2)];
    console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms wall, ${cpuMedian.toFixed(0)} ms CPU, peak RSS ${rss.toFixed(0)} MB (${cli})`);
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
