// Whole models (bench/models/networks.mjs): MobileNetV2 and the M5 audio CNN
// built with tfjs-layers, saved to layers-model artifacts in memory and
// loaded from them by nnwasm (keras.models.load_model) and by tfjs-layers on
// tfjs-backend-wasm (tf.loadLayersModel), both in one Node process per thread
// count (bench/models/child.mjs).
//
// Alone:    node bench/models/run.mjs [options]   (writes /tmp/nnwasm-models.md)
// In bench: npm run bench runs it after the workloads (--no-models skips it)
//
// Options (all optional):
//   --only mobilenetv2,m5   networks (or texts their ids contain)
//   --libs nnwasm,tfjs
//   --threads 1,2
//   --budget-ms 2000  timed predict sampling per cell, after warm-up
//   --loads 3         timed loads per library and pass (libraries take turns)
//   --rounds 2        passes per thread count, thread order reversed every
//                     other round; each cell keeps its lowest median
//   --out FILE        report path
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { modelsSection } from './report.mjs';

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));
const BUILD_DIR = path.join(MODELS_DIR, '..', '.build');

/**
 * Run the model bench; never throws for a library's failure (it is reported).
 * @param {{ threadCounts: number[], rounds?: number, budgetMs?: number, loads?: number,
 *   only?: string, libs?: string, log?: (s: string) => void }} options
 * @returns {Promise<{ passes, options, seconds }>}
 */
export async function runModels({ threadCounts, rounds = 2, budgetMs = 2000, loads = 3, only, libs, log = () => {} }) {
  const started = Date.now();
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const passes = [];
  for (let round = 0; round < rounds; round++) {
    for (const threads of round % 2 ? [...threadCounts].reverse() : threadCounts) {
      log(`models round ${round + 1}/${rounds}: ${threads} thread(s)...`);
      keepFaster(passes, await runChild({ threads, round, budgetMs, loads, only, libs, log }));
    }
  }
  passes.sort((a, b) => a.threads - b.threads);
  const results = { passes, options: { threadCounts, rounds, budgetMs, loads, only, libs }, seconds: (Date.now() - started) / 1000 };
  fs.writeFileSync(path.join(BUILD_DIR, 'models-results.json'), JSON.stringify(results, null, 1));
  return results;
}

/**
 * Merge one pass into `passes`. Per network and thread count the whole row of
 * one round is kept, the round whose predict medians sum lowest (the quietest
 * one), so each ratio compares times taken in the same minute; a row whose
 * outputs disagreed with tfjs or that failed is kept over any other, so the
 * failure stays visible. Every round's ratios are listed in `roundRatios`.
 */
export function keepFaster(passes, pass) {
  for (const net of pass.networks) net.roundRatios = [ratiosOf(net)];
  const seen = passes.find((p) => p.threads === pass.threads);
  if (!seen) { passes.push(pass); return; }
  for (const [lib, setup] of Object.entries(pass.setups)) if (seen.setups[lib]?.error && !setup.error) seen.setups[lib] = setup;
  if (pass.crash) seen.crash = [seen.crash, pass.crash].filter(Boolean).join('; ');
  for (const net of pass.networks) {
    const i = seen.networks.findIndex((n) => n.id === net.id);
    if (i < 0) { seen.networks.push(net); continue; }
    const old = seen.networks[i];
    net.roundRatios = [...old.roundRatios, ...net.roundRatios];
    const better = failed(net) ? true : failed(old) ? false : predictSum(net) < predictSum(old);
    if (better) seen.networks[i] = net;
    else old.roundRatios = net.roundRatios;
  }
}

const failed = (net) => !!net.error || Object.values(net.cells).some((c) => c.error || (c.check && !c.check.ok));
const predictSum = (net) => Object.values(net.cells).reduce((sum, c) => sum + (c.predict?.medianMs ?? Infinity), 0);

/** tfjs time / nnwasm time for predict, load, and load + first predict, in one round. */
function ratiosOf(net) {
  const ours = net.cells?.nnwasm, peer = net.cells?.tfjs;
  const r = (a, b) => (a && b ? a / b : null);
  const first = (c) => (c?.load && c?.firstPredict ? c.load.medianMs + c.firstPredict.medianMs : null);
  return { predict: r(peer?.predict?.medianMs, ours?.predict?.medianMs), load: r(peer?.load?.medianMs, ours?.load?.medianMs), loadAndFirst: r(first(peer), first(ours)) };
}

function runChild({ threads, round, budgetMs, loads, only, libs, log }) {
  const out = path.join(BUILD_DIR, `models-${threads}.json`);
  fs.rmSync(out, { force: true });
  const args = [path.join(MODELS_DIR, 'child.mjs'), '--threads', String(threads), '--out', out,
    '--budget-ms', String(budgetMs), '--loads', String(loads), '--round', String(round)];
  if (only) args.push('--only', only);
  if (libs) args.push('--libs', libs);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      tail = (tail + chunk).slice(-2000);
    });
    // A hung library must not hang the bench.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let pass;
      try {
        pass = JSON.parse(fs.readFileSync(out, 'utf8'));
      } catch {
        pass = { threads, setups: {}, networks: [] };
      }
      if (code !== 0) {
        pass.crash = `exited with ${signal ?? code}: ${tail.split('\n').filter(Boolean).slice(-3).join(' | ')}`;
        log(`  models x${threads} ${pass.crash}`);
      }
      resolve(pass);
    });
  });
}

// ---- standalone ------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      only: { type: 'string' },
      libs: { type: 'string' },
      threads: { type: 'string', default: '1,2' },
      'budget-ms': { type: 'string', default: '2000' },
      loads: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '2' },
      out: { type: 'string', default: path.join(os.tmpdir(), 'nnwasm-models.md') },
    },
  });
  const log = (msg) => process.stderr.write(msg + '\n');
  const load = os.loadavg()[0];
  const results = await runModels({
    threadCounts: args.threads.split(',').map(Number), rounds: Math.max(1, Number(args.rounds) || 1),
    budgetMs: Number(args['budget-ms']), loads: Math.max(1, Number(args.loads) || 1), only: args.only, libs: args.libs, log,
  });
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? os.cpus()[0]?.model;
  const header = [
    '# nnwasm whole-model bench', '',
    `Generated by \`node bench/models/run.mjs\` on ${new Date().toISOString()}: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ` +
    `1-minute load average ${load.toFixed(2)} before / ${os.loadavg()[0].toFixed(2)} after` +
    (load > 1 ? ' (**a busy machine: numbers are noisy**)' : '') + '. Raw numbers: bench/.build/models-results.json.',
    '',
  ];
  fs.writeFileSync(args.out, header.join('\n') + '\n' + modelsSection(results) + '\n');
  log(`wrote ${args.out} in ${results.seconds.toFixed(0)} s (models only)`);
}
