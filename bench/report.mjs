// Turns the collected results into bench/RESULTS.md.
import fs from 'node:fs';
import { WORKLOADS, bytesMoved, flopsOf, outputShapeOf, product } from './workloads.mjs';

const LIB_ORDER = ['nnwasm', 'tfjs', 'ort'];
const LIB_NAMES = { nnwasm: 'nnwasm', tfjs: 'tfjs-backend-wasm', ort: 'onnxruntime-web' };

/** 3 significant digits, no exponent for the ranges we print. */
function sig(x, digits = 3) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 6));
}
const mib = (bytes) => `${sig(bytes / 2 ** 20)} MiB`;

/** Input size in MiB, rounded, as the key of the same-size bandwidth probe. */
export const inputMiB = (w) => Number((4 * product(w.inputShape) / 2 ** 20).toFixed(2));
/**
 * Buffer size of a row's same-size bandwidth probe: a pooling row's input;
 * an elementwise row's whole working set (inputs + output), which is what
 * stays or does not stay in cache between calls.
 */
export const probeMiB = (w) => (w.group === 'elementwise' ? Number((bytesMoved(w) / 2 ** 20).toFixed(2)) : inputMiB(w));
const BANDWIDTH_GROUPS = new Set(['pool', 'elementwise']);
const FLOPS_GROUPS = new Set(['conv', 'compute', 'block']);
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

function threadsCell(config) {
  const used = config.setup?.threadsUsed;
  return used === undefined || used === config.threads ? `${config.threads}` : `${config.threads} (used ${used})`;
}

function checkCell(row) {
  const c = row.check;
  if (!c) return '—';
  if (c.ok) return `✓ ${c.checked} pts`;
  if (!row.exact) return `≈ approximation, max rel. error ${sig(c.maxError, 2)}`;
  return `✗ WRONG: max rel. error ${sig(c.maxError, 2)}${c.worst ? ` at ${c.worst.index}: got ${sig(c.worst.got)}, expected ${sig(c.worst.expected)}` : ''}${c.message ? ` (${c.message})` : ''}`;
}

function callCell(row) {
  return `\`${cell(row.label)}\`${row.note ? ` — ${cell(row.note)}` : ''}`;
}

/** Rows of one workload for every config, in report order, with a status for missing ones. */
function rowsFor(workload, configs) {
  const out = [];
  for (const lib of LIB_ORDER) {
    for (const config of configs.filter((c) => c.lib === lib).sort((a, b) => a.threads - b.threads)) {
      const base = { config };
      if (config.setupError) { out.push({ ...base, status: 'unavailable', reason: config.setupError }); continue; }
      const rows = config.rows.filter((r) => r.workload === workload.id);
      if (rows.length === 0) {
        out.push({ ...base, status: 'not run', reason: config.crash ? `process crashed: ${config.crash}` : 'not run' });
      }
      for (const r of rows) out.push({ ...base, ...r });
    }
  }
  return out;
}

function tableFor(workload, configs, limits) {
  const kind = BANDWIDTH_GROUPS.has(workload.group) ? 'pool' : FLOPS_GROUPS.has(workload.group) ? 'conv' : workload.group;
  const header = {
    pool: ['library', 'threads', 'call', 'median ms', 'min–max ms', 'GB/s', '% of DRAM BW', '% of same-size BW', 'CPU/wall', 'check'],
    latency: ['library', 'threads', 'call', 'median µs/call', 'min–max µs', 'CPU/wall', 'check'],
    conv: ['library', 'threads', 'call', 'median ms', 'min–max ms', 'GFLOP/s', '% of SIMD peak', 'CPU/wall', 'check'],
  }[kind];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rowsFor(workload, configs)) {
    const lib = LIB_NAMES[r.config.lib] ?? r.config.lib;
    const threads = threadsCell(r.config);
    if (!r.timing) {
      const why = r.status === 'skipped' || r.status === 'unavailable' || r.status === 'not run'
        ? r.reason : `${r.status}: ${r.reason}`;
      const blanks = header.length - 3;
      lines.push(`| ${lib} | ${threads} | ${cell(why)} |${' — |'.repeat(blanks)}`);
      continue;
    }
    const t = r.timing;
    const cpu = sig(t.cpuPerWall, 2);
    if (kind === 'latency') {
      lines.push(`| ${lib} | ${threads} | ${callCell(r)} | ${sig(t.medianMs * 1000)} | ${sig(t.minMs * 1000)}–${sig(t.maxMs * 1000)} | ${cpu} | ${checkCell(r)} |`);
    } else if (kind === 'pool') {
      const gbps = bytesMoved(workload) / (t.medianMs / 1000) / 1e9;
      const pct = (bw) => (bw ? `${sig((100 * gbps) / bw, 2)} %` : '—');
      const dram = limits?.bandwidthNative?.[r.config.threads]?.gbps;
      const sameSize = limits?.bandwidthBySize?.[probeMiB(workload)]?.[r.config.threads]?.gbps;
      lines.push(`| ${lib} | ${threads} | ${callCell(r)} | ${sig(t.medianMs)} | ${sig(t.minMs)}–${sig(t.maxMs)} | ${sig(gbps)} | ${pct(dram)} | ${pct(sameSize)} | ${cpu} | ${checkCell(r)} |`);
    } else {
      const gflops = flopsOf(workload) / (t.medianMs / 1000) / 1e9;
      const peak = limits?.peak?.gflops ? limits.peak.gflops * (r.config.setup?.threadsUsed ?? r.config.threads) : null;
      lines.push(`| ${lib} | ${threads} | ${callCell(r)} | ${sig(t.medianMs)} | ${sig(t.minMs)}–${sig(t.maxMs)} | ${sig(gflops)} | ${peak ? sig((100 * gflops) / peak, 2) + ' %' : '—'} | ${cpu} | ${checkCell(r)} |`);
    }
  }
  return lines.join('\n');
}

function workloadFacts(w) {
  const inBytes = 4 * product(w.inputShape);
  const outShape = outputShapeOf(w);
  const facts = [`input (${w.inputShape}) ${w.layout}, ${mib(inBytes)}; output (${outShape})`];
  if (w.inputCount > 1) facts.push(`${w.inputCount} inputs of that shape`);
  if (BANDWIDTH_GROUPS.has(w.group)) {
    facts.push(`bytes moved (input${w.inputCount > 1 ? 's' : ''} read + output written) ${mib(bytesMoved(w))}`);
  }
  if (FLOPS_GROUPS.has(w.group)) {
    const which = w.group === 'block' ? '; the three convolutions only' : '';
    facts.push(`${sig(flopsOf(w) / 1e9)} GFLOP per call (mul+add = 2${which})`);
  }
  if (w.tolerance) facts.push(`checked to max relative error ${w.tolerance}`);
  facts.push(`nnwasm API: ${w.group === 'block' ? 'keras.Input + layer.apply + keras.Model.predict'
    : w.api === 'torch' ? 'torch.nn.functional' : 'keras.layers'}`);
  return facts.join('; ');
}

/** Fastest exact, correct timing per (workload, library, threads). */
function best(workload, configs, predicate) {
  let bestRow = null;
  for (const r of rowsFor(workload, configs)) {
    if (!r.timing || r.status !== 'ok' || !r.exact || !predicate(r)) continue;
    if (!bestRow || r.timing.medianMs < bestRow.timing.medianMs) bestRow = r;
  }
  return bestRow;
}

function summaryTable(workloads, configs, threadCounts) {
  const lines = [
    '| workload | threads | nnwasm | fastest exact peer | peer time / nnwasm time |',
    '|---|---|---|---|---|',
  ];
  for (const w of workloads) {
    const unit = w.group === 'latency' ? ['µs', 1000] : ['ms', 1];
    for (const t of threadCounts) {
      const ours = best(w, configs, (r) => r.config.lib === 'nnwasm' && r.config.threads === t);
      const peer = best(w, configs, (r) => r.config.lib !== 'nnwasm' && r.config.threads === t);
      const fmt = (r) => (r ? `${sig(r.timing.medianMs * unit[1])} ${unit[0]}` : '—');
      const ratio = ours && peer ? `${sig(peer.timing.medianMs / ours.timing.medianMs, 2)}x` : '—';
      const oursText = ours ? fmt(ours) : nnwasmStatus(w, configs, t);
      lines.push(`| ${cell(w.title)} | ${t} | ${oursText} | ${peer ? `${fmt(peer)} (${LIB_NAMES[peer.config.lib]})` : '—'} | ${ratio} |`);
    }
  }
  return lines.join('\n');
}

function nnwasmStatus(w, configs, threads) {
  const r = rowsFor(w, configs).find((x) => x.config.lib === 'nnwasm' && x.config.threads === threads);
  if (!r) return 'not run';
  if (r.status === 'wrong') return '✗ wrong output';
  if (r.status === 'skipped' && /^not implemented yet/.test(r.reason)) return 'not implemented yet';
  return r.status ?? '—';
}

export function writeReport(results, file) {
  const { machine, limits, configs, options } = results;
  const threadCounts = options.threadCounts;
  const seen = new Set(configs.flatMap((c) => c.rows.map((r) => r.workload)));
  const workloads = WORKLOADS.filter((w) => seen.has(w.id));
  const setupOf = (lib, t) => configs.find((c) => c.lib === lib && c.threads === t);
  const out = [];

  out.push('# nnwasm benchmark results', '');
  out.push(`Generated by \`npm run bench\` (bench/run.mjs) on ${machine.date}; rerun it to refresh this file. ` +
    `Raw numbers: bench/.build/results.json. The run took ${sig(results.seconds, 2)} s.` +
    (Number(options.rounds) > 1 ? ` Every configuration ran ${options.rounds} times, the library order reversed every other ` +
      'round; each cell is the round with the lowest median (this shared machine\'s speed drifts for minutes at a time).' : ''), '');

  out.push('## Machine', '');
  out.push(`- CPU: ${machine.cpu}, ${machine.cores} cores; ${sig(machine.memoryGiB)} GiB RAM; ${machine.os} (Linux ${machine.kernel})`);
  out.push(`- Node ${machine.node}`);
  out.push(`- load average (1 min) before / after: ${sig(machine.loadAverageBefore[0], 2)} / ${sig(machine.loadAverageAfter?.[0], 2)}` +
    (machine.loadAverageBefore[0] > 0.5 ? ' — **the machine was busy before the run started; numbers may be noisy**' : ''));
  // A 1-thread process that got much less than a core was sharing the CPU.
  const starved = configs.filter((c) => c.threads === 1).map((c) => {
    const ratios = c.rows.filter((r) => r.timing).map((r) => r.timing.cpuPerWall).sort((a, b) => a - b);
    return { c, cpu: ratios.length ? ratios[ratios.length >> 1] : 1 };
  }).filter(({ cpu }) => cpu < 0.85);
  if (starved.length) {
    out.push(`- **Warning: other processes were using the CPU** — 1-thread runs got only ${starved
      .map(({ c, cpu }) => `${sig(cpu, 2)} (${LIB_NAMES[c.lib]})`).join(', ')} of a core (median CPU/wall). ` +
      'Treat every number below as noisy; rerun on an idle machine (`npm run bench -- --wait-quiet 600`).');
  }
  for (const lib of LIB_ORDER) {
    const cs = configs.filter((c) => c.lib === lib);
    if (!cs.length) continue;
    const version = cs.find((c) => c.setup)?.setup.version;
    const per = cs.map((c) => c.setup
      ? `${c.threads} thread(s) asked: ${c.setup.threadsUsed} used, build ${c.setup.build}`
      : `${c.threads} thread(s): unavailable (${c.setupError ?? c.crash})`).join('; ');
    out.push(`- ${LIB_NAMES[lib]} ${version ?? ''}: ${per}`);
  }
  const nnBackend = setupOf('nnwasm', threadCounts[0])?.setup?.backend;
  if (nnBackend) out.push(`- nnwasm \`backend()\`: ${threadCounts.map((t) => `${t} thread(s) → \`${JSON.stringify(setupOf('nnwasm', t)?.setup?.backend)}\``).join(', ')}`);
  out.push('');

  if (limits) {
    out.push('## Machine limits (measured in this run)', '');
    out.push(`| measure | ${threadCounts.map((t) => `${t} thread${t > 1 ? 's' : ''}`).join(' | ')} |`);
    out.push(`|---|${threadCounts.map(() => '---').join('|')}|`);
    const bwRow = (name, table) => `| ${name} | ${threadCounts.map((t) => (table?.[t] ? `${sig(table[t].gbps)} GB/s` : '—')).join(' | ')} |`;
    out.push(bwRow('DRAM read bandwidth: C sum loop, gcc -O2, 1 GiB buffer, best of 20 passes', limits.bandwidthNative));
    out.push(bwRow('same loop compiled with emcc -O3 -msimd128, run in Node', limits.bandwidthWasm));
    for (const [size, table] of Object.entries(limits.bandwidthBySize ?? {}).sort((a, b) => a[0] - b[0])) {
      out.push(bwRow(`read bandwidth, native, ${size} MiB buffer (a pooling input's or an elementwise working set's size; partly cache-resident)`, table));
    }
    const peak = limits.peak?.gflops;
    out.push(`| WASM SIMD f32 mul+add peak, ${limits.peak?.accumulators ?? 12} independent f32x4 chains (× threads for the % column) | ${threadCounts.map((t) => (peak ? `${sig(peak * t)} GFLOP/s${t > 1 ? ' (scaled)' : ''}` : '—')).join(' | ')} |`);
    out.push('');
    out.push('"% of DRAM BW" divides a pooling row\'s GB/s by the 1 GiB native bandwidth at the same thread count, ' +
      '"% of same-size BW" by the native bandwidth on a buffer the size of that row\'s input (the fairer ceiling when ' +
      'the input partly stays in the last-level cache between calls); ' +
      'for elementwise rows the same-size buffer is the row\'s whole working set (inputs + output); ' +
      '"% of SIMD peak" divides a conv row\'s GFLOP/s by the one-core peak times the threads the library used.');
    if (limits.errors.length) out.push('', `Probe errors: ${limits.errors.map(cell).join('; ')}`);
    out.push('');
  }

  out.push('## Summary', '');
  out.push(summaryTable(workloads, configs, threadCounts), '');

  out.push('## How these numbers are made', '');
  out.push(
    '- Each library × thread count runs in its own Node process; all get the same seeded inputs (bench/workloads.mjs).',
    '- Before timing, every library\'s output is checked against a plain-JS float64 reference at 2048 seeded positions (all positions for small outputs). ✓ = max relative error ≤ 1e-3.',
    '- Timing: warm-up (≥ 100 ms), then samples until the time budget ' +
      `(${options['budget-ms']} ms per cell) is spent, at least 7. Calls shorter than 2 ms are grouped so a sample lasts ≥ 2 ms; ` +
      'times are per call. Median and min–max over samples.',
    '- nnwasm: the input tensor is made once; timed = op + `dispose()` of its output (what a user\'s loop costs).',
    '- tfjs-backend-wasm: input uploaded once (`tf.tensor`); timed = op + `dispose()`; its wasm ops are synchronous. ' +
      'Its kernels are channels-last: channels-first inputs are transposed before timing.',
    '- onnxruntime-web: a one-node ONNX model per row, built in memory; timed = `await session.run()`, which by its API ' +
      'copies the input into the wasm heap and the output out on every call. ONNX pooling/Conv are channels-first: ' +
      'channels-last inputs are transposed before timing. Reductions run on the input as it is.',
    '- CPU/wall = process CPU time (all threads) / wall time while sampling: how many cores were really busy.',
    '- Layers between the convolutions (issue 12): elementwise rows are timed as GB/s (every input read once + the ' +
      'output written once, per call), Dense, Conv2DTranspose and DepthwiseConv2D as GFLOP/s. ONNX BatchNormalization, ' +
      'ConvTranspose and Conv are channels-first: ORT gets the NCHW input (transposed before timing); ReLU6 (Clip), Add and ' +
      'Concat run on the NHWC input as it is. The MobileNetV2 block is checked against a float64 plain-JS ' +
      'evaluation of the whole block at max relative error 1e-4; nnwasm runs it as a functional `keras.Model`, ' +
      'tfjs as a tfjs-layers `tf.model`, ORT as a 9-node NCHW graph, all with the same seeded weights.',
    '- Peers have no exact op for adaptive pooling with uneven windows (L=1024 → 10): their rows use an exact ' +
      'equivalent (a matmul with an averaging matrix), labelled. Rows marked ≈ are labelled approximations.',
    '',
  );

  const groups = [
    ['pool', 'Pooling'],
    ['latency', 'Per-call latency (tiny input)'],
    ['conv', 'Convolution'],
    ['elementwise', 'Layers between the convolutions: elementwise (issue 12)'],
    ['compute', 'Layers between the convolutions: Dense, transposed and depthwise convolution (issue 12)'],
    ['block', 'MobileNetV2 inverted-residual block, end to end (issue 12)'],
  ];
  for (const [group, heading] of groups) {
    const ws = workloads.filter((w) => w.group === group);
    if (!ws.length) continue;
    out.push(`## ${heading}`, '');
    for (const w of ws) {
      out.push(`### ${w.title}`, '', workloadFacts(w), '', tableFor(w, configs, limits), '');
    }
  }

  const notes = configs.flatMap((c) => (c.setup?.notes ?? []).map((n) => `${LIB_NAMES[c.lib]} (${c.threads} threads): ${n}`));
  if (notes.length) {
    out.push('## Library notes', '', ...[...new Set(notes)].map((n) => `- ${n}`), '');
  }
  fs.writeFileSync(file, out.join('\n'));
}
