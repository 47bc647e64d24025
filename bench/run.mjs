// `npm run bench`: measures the machine's limits, runs every library at every
// thread count in its own child process (bench/child.mjs), then the whole
// models (bench/models/run.mjs) and the first calls (bench/firstcall/run.mjs),
// and writes bench/RESULTS.md (raw numbers in bench/.build/results.json,
// models-results.json and firstcall-results.json).
//
// Options (all optional):
//   --only a,b        workloads by id, or every id containing a given text (workloads.mjs)
//   --libs nnwasm,tfjs,ort
//   --threads 1,2
//   --budget-ms 600   timed sampling per cell, after warm-up
//   --no-limits       skip the bandwidth / peak probes
//   --out FILE        report path (default bench/RESULTS.md)
//   --wait-quiet S    first wait up to S seconds for the 1-minute load average
//                     to drop below 0.5 (other work on the machine skews timings)
//   --rounds 3        run every configuration this many times, the library
//                     order reversed every other round, and keep each cell's
//                     round with the lowest median: this machine's speed drifts
//                     by 2x or more for minutes at a time (a shared host), and a
//                     single pass can hand one library the slow minutes
//   --no-models       skip the whole models (bench/models/run.mjs: MobileNetV2
//                     and the M5 audio CNN loaded from layers-model artifacts
//                     by nnwasm and by tfjs-layers on tfjs-backend-wasm in one
//                     process per thread count, predict and load times; about
//                     2-4 minutes), which otherwise run after the workloads and
//                     add their "Whole models" section to the report;
//                     --models mobilenetv2,m5 picks networks, --models-rounds 2,
//                     --models-budget-ms 2000 and --models-loads 3 tune them
//   --no-firstcall    skip the first calls (bench/firstcall/run.mjs: the 1st
//                     and the 10th call of a Keras Conv2D and of four whole
//                     networks, nnwasm and tfjs, each in a fresh Node process;
//                     about 1-2 minutes), which otherwise run after the whole
//                     models and add their "First calls" section to the report;
//                     --firstcall conv,m5 picks cases, --firstcall-rounds 2
//   --no-workloads    skip the per-op workloads and the limit probes (the
//                     report then holds the machine and the whole models)
//   --sweep           then run the layer sweep (bench/sweep/run.mjs, about 4-5
//                     minutes) and append its section to the report;
//                     --sweep-rounds 1 and --sweep-budget-ms 150 tune it
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureLimits, BUILD_DIR } from './limits.mjs';
import { writeReport, probeMiB } from './report.mjs';
import { selectWorkloads } from './workloads.mjs';

const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    libs: { type: 'string', default: 'nnwasm,tfjs,ort' },
    threads: { type: 'string', default: '1,2' },
    'budget-ms': { type: 'string', default: '600' },
    'no-limits': { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(BENCH_DIR, 'RESULTS.md') },
    'wait-quiet': { type: 'string', default: '0' },
    rounds: { type: 'string', default: '3' },
    'no-models': { type: 'boolean', default: false },
    models: { type: 'string' },
    'models-rounds': { type: 'string', default: '2' },
    'models-budget-ms': { type: 'string', default: '2000' },
    'models-loads': { type: 'string', default: '3' },
    'no-firstcall': { type: 'boolean', default: false },
    firstcall: { type: 'string' },
    'firstcall-rounds': { type: 'string', default: '2' },
    'no-workloads': { type: 'boolean', default: false },
    sweep: { type: 'boolean', default: false },
    'sweep-rounds': { type: 'string', default: '1' },
    'sweep-budget-ms': { type: 'string', default: '150' },
  },
});
const libs = args.libs.split(',');
const threadCounts = args.threads.split(',').map(Number);
const log = (msg) => process.stderr.write(msg + '\n');
const started = Date.now();

fs.mkdirSync(BUILD_DIR, { recursive: true });

const quietDeadline = Date.now() + Number(args['wait-quiet']) * 1000;
if (Date.now() < quietDeadline && os.loadavg()[0] >= 0.5) {
  log(`waiting up to ${args['wait-quiet']} s for the machine to be idle (load ${os.loadavg()[0].toFixed(2)})...`);
  while (Date.now() < quietDeadline && os.loadavg()[0] >= 0.5) await new Promise((r) => setTimeout(r, 5000));
}

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
if (!args['no-limits'] && !args['no-workloads']) {
  log('machine limits:');
  const selected = selectWorkloads(args.only);
  const sizesMiB = [...new Set(selected.filter((w) => w.group === 'pool' || w.group === 'elementwise').map(probeMiB))]
    .sort((a, b) => a - b);
  limits = measureLimits({ threadCounts, sizesMiB, log });
}

const rounds = Math.max(1, Number(args.rounds) || 1);
const order = libs.flatMap((lib) => threadCounts.map((threads) => ({ lib, threads })));
const configs = [];
for (let round = 0; round < (args['no-workloads'] ? 0 : rounds); round++) {
  for (const { lib, threads } of round % 2 ? [...order].reverse() : order) {
    log(`round ${round + 1}/${rounds}: running ${lib} with ${threads} thread(s)...`);
    keepFaster(configs, await runChild(lib, threads));
  }
}

// Whole models: nnwasm against tfjs only (ORT has no layers-model loader).
let models = null;
const modelLibs = libs.filter((l) => l === 'nnwasm' || l === 'tfjs');
if (!args['no-models'] && modelLibs.length) {
  const { runModels } = await import('./models/run.mjs');
  models = await runModels({
    threadCounts, rounds: Math.max(1, Number(args['models-rounds']) || 1), budgetMs: Number(args['models-budget-ms']),
    loads: Math.max(1, Number(args['models-loads']) || 1), only: args.models, libs: modelLibs.join(','), log,
  });
}
// First calls: nnwasm against tfjs, a fresh process per cell.
let firstCalls = null;
if (!args['no-firstcall'] && modelLibs.length) {
  const { runFirstCalls } = await import('./firstcall/run.mjs');
  firstCalls = await runFirstCalls({
    threadCounts, rounds: Math.max(1, Number(args['firstcall-rounds']) || 1), only: args.firstcall, libs: modelLibs.join(','), log,
  });
}
machine.loadAverageAfter = os.loadavg();

const results = { machine, limits, configs, options: { ...args, threadCounts, libs }, seconds: (Date.now() - started) / 1000 };
fs.writeFileSync(path.join(BUILD_DIR, 'results.json'), JSON.stringify(results, null, 1));
writeReport(results, args.out);
if (models) {
  const { modelsSection } = await import('./models/report.mjs');
  fs.appendFileSync(args.out, '\n' + modelsSection(models) + '\n');
}
if (firstCalls) {
  const { firstCallSection } = await import('./firstcall/report.mjs');
  fs.appendFileSync(args.out, '\n' + firstCallSection(firstCalls) + '\n');
}
log(`wrote ${path.relative(process.cwd(), args.out)} in ${results.seconds.toFixed(0)} s`);

if (args.sweep) {
  const { runSweep } = await import('./sweep/run.mjs');
  const { sweepSection } = await import('./sweep/report.mjs');
  const sweep = await runSweep({
    threadCounts, rounds: Math.max(1, Number(args['sweep-rounds']) || 1), budgetMs: Number(args['sweep-budget-ms']),
    libs: args.libs, limits, log,
  });
  fs.appendFileSync(args.out, '\n' + sweepSection(sweep) + '\n');
  log(`appended the layer sweep to ${path.relative(process.cwd(), args.out)} (${sweep.seconds.toFixed(0)} s)`);
}

/** Merge a configuration's run into `configs`, keeping each row's lowest median. */
function keepFaster(configs, run) {
  const seen = configs.find((c) => c.lib === run.lib && c.threads === run.threads);
  if (!seen) {
    configs.push(run);
    return;
  }
  if (!seen.setup && run.setup) Object.assign(seen, { setup: run.setup, setupError: undefined, crash: undefined });
  for (const row of run.rows) {
    const i = seen.rows.findIndex((r) => r.workload === row.workload && r.label === row.label);
    if (i < 0) seen.rows.push(row);
    else if (row.timing && (!seen.rows[i].timing || row.timing.medianMs < seen.rows[i].timing.medianMs)) seen.rows[i] = row;
  }
}

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
