// `npm run bench`: measures the machine's limits, runs every library at every
// thread count in its own child process (bench/child.mjs), and writes
// bench/RESULTS.md (raw numbers in bench/.build/results.json).
//
// Options (all optional):
//   --only a,b        workloads whose id contains any of these (see workloads.mjs)
//   --libs nnwasm,tfjs,ort
//   --threads 1,2
//   --budget-ms 600   timed sampling per cell, after warm-up
//   --no-limits       skip the bandwidth / peak probes
//   --out FILE        report path (default bench/RESULTS.md)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureLimits, BUILD_DIR } from './limits.mjs';
import { writeReport } from './report.mjs';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    libs: { type: 'string', default: 'nnwasm,tfjs,ort' },
    threads: { type: 'string', default: '1,2' },
    'budget-ms': { type: 'string', default: '600' },
    'no-limits': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(BENCH_DIR, 'RESULTS.md') },
  },
});
const libs = args.libs.split(',');
const threadCounts = args.threads.split(',').map(Number);
const log = (msg) => process.stderr.write(msg + '\n');
const started = Date.now();

fs.mkdirSync(BUILD_DIR, { recursive: true });

const machine = {
  date: new Date().toISOString(),
  cpu: (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? os.cpus()[0]?.model,
  cores: os.cpus().length,
  memoryGiB: os.totalmem() / 2 ** 30,
  os: (readOr('/etc/os-release', '').match(/^PRETTY_NAME="?([^"\n]+)/m) ?? [])[1] ?? `${os.type()} ${os.release()}`,
  kernel: os.release(),
  node: process.version,
  loadAverageBefore: os.loadavg(),
};
log(`nnwasm bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageBefore.map((l) => l.toFixed(2)).join(' ')}`);

let limits = null;
if (!args['no-limits']) {
  log('machine limits:');
  limits = measureLimits({ threadCounts, log });
}

const configs = [];
for (const lib of libs) {
  for (const threads of threadCounts) {
    log(`running ${lib} with ${threads} thread(s)...`);
    configs.push(await runChild(lib, threads));
  }
}
machine.loadAverageAfter = os.loadavg();

const results = { machine, limits, configs, options: { ...args, threadCounts, libs }, seconds: (Date.now() - started) / 1000 };
fs.writeFileSync(path.join(BUILD_DIR, 'results.json'), JSON.stringify(results, null, 1));
writeReport(results, args.out);
log(`wrote ${path.relative(process.cwd(), args.out)} in ${results.seconds.toFixed(0)} s`);

function readOr(file, fallback) {
  try { return fs.readFileSync(file, 'utf8'); } catch { return fallback; }
}

/** Run one configuration in a fresh Node process; never throws. */
function runChild(lib, threads) {
  const out = path.join(BUILD_DIR, `result-${lib}-${threads}.json`);
  fs.rmSync(out, { force: true });
  const childArgs = [path.join(BENCH_DIR, 'child.mjs'), '--lib', lib, '--threads', String(threads),
    '--out', out, '--budget-ms', args['budget-ms']];
  if (args.only) childArgs.push('--only', args.only);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderrTail = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-2000);
    });
    // A hung library must not hang the whole run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let result;
      try {
        result = JSON.parse(fs.readFileSync(out, 'utf8'));
      } catch {
        result = { lib, threads, rows: [] };
      }
      if (code !== 0) {
        result.crash = `exited with ${signal ?? code}: ${stderrTail.split('\n').filter(Boolean).slice(-3).join(' | ')}`;
        log(`  ${lib} x${threads} ${result.crash}`);
      }
      resolve(result);
    });
  });
}
