// The layer sweep (bench/sweep/layers.mjs): nnwasm, tfjs-backend-wasm and
// onnxruntime-web on every distinct layer shape of four networks, one Node
// process per thread count holding all three (bench/sweep/child.mjs).
//
// Alone:   node bench/sweep/run.mjs [options]   (writes bench/sweep/RESULTS.md)
// In bench: npm run bench -- --sweep           (appends to bench/RESULTS.md)
//
// Options (all optional):
//   --only mobilenetv2,resnet18,unet,m5   networks (or texts their ids contain)
//   --libs nnwasm,tfjs,ort
//   --threads 1,2
//   --budget-ms 150   timed sampling per cell, after warm-up
//   --rounds 1        passes per thread count, thread order reversed every
//                     other round; each cell keeps its lowest median
//   --no-limits       skip the bandwidth / peak probes (no share column)
//   --out FILE        report path (default bench/sweep/RESULTS.md)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sweepSection } from './report.mjs';

const SWEEP_DIR = path.dirname(fileURLToPath(import.meta.url));
const BUILD_DIR = path.join(SWEEP_DIR, '..', '.build');

/**
 * Run the sweep; never throws for a library's failure (it is reported).
 * @param {{ threadCounts: number[], rounds?: number, budgetMs?: number, only?: string,
 *   libs?: string, limits?: object|null, log?: (s: string) => void }} options
 * @returns {Promise<{ passes, limits, options, seconds }>}
 */
export async function runSweep({ threadCounts, rounds = 1, budgetMs = 150, only, libs, limits = null, log = () => {} }) {
  const started = Date.now();
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const passes = [];
  for (let round = 0; round < rounds; round++) {
    for (const threads of round % 2 ? [...threadCounts].reverse() : threadCounts) {
      log(`sweep round ${round + 1}/${rounds}: ${threads} thread(s)...`);
      let pass = await runChild({ threads, round, budgetMs, only, libs, log });
      // tfjs's threaded start-up now and then never finishes (its pthread
      // workers do not report back); one retry of the whole pass, so every
      // library of a row is timed in the same pass.
      const stuck = Object.entries(pass.setups).filter(([, s]) => /did not finish/.test(s.error ?? ''));
      if (stuck.length) {
        log(`sweep x${threads}: ${stuck.map(([lib]) => lib).join(', ')} did not start; running the pass again`);
        pass = await runChild({ threads, round, budgetMs, only, libs, log });
      }
      keepFaster(passes, pass);
    }
  }
  passes.sort((a, b) => a.threads - b.threads);
  const results = { passes, limits, options: { threadCounts, rounds, budgetMs, only, libs }, seconds: (Date.now() - started) / 1000 };
  fs.writeFileSync(path.join(BUILD_DIR, 'sweep-results.json'), JSON.stringify(results, null, 1));
  return results;
}

/** Merge one pass into `passes`, keeping each variant's lowest median. */
function keepFaster(passes, pass) {
  const seen = passes.find((p) => p.threads === pass.threads);
  if (!seen) { passes.push(pass); return; }
  for (const [lib, setup] of Object.entries(pass.setups)) if (seen.setups[lib]?.error && !setup.error) seen.setups[lib] = setup;
  if (pass.crash) seen.crash = [seen.crash, pass.crash].filter(Boolean).join('; ');
  for (const row of pass.layers) {
    const old = seen.layers.find((r) => r.id === row.id);
    if (!old) { seen.layers.push(row); continue; }
    for (const [lib, c] of Object.entries(row.cells)) {
      const before = old.cells[lib];
      if (!before?.variants) { old.cells[lib] = c; continue; }
      for (const v of c.variants ?? []) {
        const i = before.variants.findIndex((b) => b.label === v.label);
        if (i < 0) before.variants.push(v);
        else if (v.timing && v.status === 'ok' && (!before.variants[i].timing || v.timing.medianMs < before.variants[i].timing.medianMs)) before.variants[i] = v;
      }
    }
  }
}

function runChild({ threads, round, budgetMs, only, libs, log }) {
  const out = path.join(BUILD_DIR, `sweep-${threads}.json`);
  fs.rmSync(out, { force: true });
  const args = [path.join(SWEEP_DIR, 'child.mjs'), '--threads', String(threads), '--out', out,
    '--budget-ms', String(budgetMs), '--round', String(round)];
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
        pass = { threads, setups: {}, layers: [] };
      }
      if (code !== 0) {
        pass.crash = `exited with ${signal ?? code}: ${tail.split('\n').filter(Boolean).slice(-3).join(' | ')}`;
        log(`  sweep x${threads} ${pass.crash}`);
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
      'budget-ms': { type: 'string', default: '150' },
      rounds: { type: 'string', default: '1' },
      'no-limits': { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(SWEEP_DIR, 'RESULTS.md') },
    },
  });
  const log = (msg) => process.stderr.write(msg + '\n');
  const threadCounts = args.threads.split(',').map(Number);
  let limits = null;
  if (!args['no-limits']) {
    const { measureLimits } = await import('../limits.mjs');
    log('machine limits:');
    limits = measureLimits({ threadCounts, sizesMiB: [], log });
  }
  const load = os.loadavg()[0];
  const results = await runSweep({
    threadCounts, rounds: Math.max(1, Number(args.rounds) || 1), budgetMs: Number(args['budget-ms']),
    only: args.only, libs: args.libs, limits, log,
  });
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) ?? [])[1] ?? os.cpus()[0]?.model;
  const header = [
    '# nnwasm layer sweep', '',
    `Generated by \`node bench/sweep/run.mjs\` on ${new Date().toISOString()}: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ` +
    `1-minute load average ${load.toFixed(2)} before / ${os.loadavg()[0].toFixed(2)} after` +
    (load > 1 ? ' (**a busy machine: numbers are noisy**)' : '') + '. Raw numbers: bench/.build/sweep-results.json.',
    '',
  ];
  if (limits) {
    header.push(`Limits measured in this run: DRAM read bandwidth ${threadCounts.map((t) => `${limits.bandwidthNative?.[t]?.gbps?.toFixed(1) ?? '—'} GB/s at ${t} thread(s)`).join(', ')}; ` +
      `WASM SIMD mul+add peak ${limits.peak?.gflops?.toFixed(1) ?? '—'} GFLOP/s per core.`, '');
  }
  fs.writeFileSync(args.out, header.join('\n') + '\n' + sweepSection(results));
  log(`wrote ${path.relative(process.cwd(), args.out)} in ${results.seconds.toFixed(0)} s (sweep only)`);
}
