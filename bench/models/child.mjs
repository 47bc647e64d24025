// One whole-model pass at one thread count: nnwasm and tfjs-layers on
// tfjs-backend-wasm in this one process, network after network, so both
// libraries' cells of a network are timed within seconds of each other.
// Usage: node bench/models/child.mjs --threads N --out file.json
//        [--only mobilenetv2,m5] [--budget-ms 2000] [--loads 3] [--round R] [--libs nnwasm,tfjs]
// Writes { threads, setups: { lib: setup | { error } }, networks: [...] } to --out.
//
// Per network: tfjs-layers builds it (seeded weights) and saves it to
// artifacts in memory; each library then loads its own copy of them --loads
// times (the libraries taking turns), each load timed to the resolved model
// and, apart, its first predict; the last model loaded is checked against
// the other library and its predict timed, the libraries' calls interleaved
// (timeInTurns below).
//
// Timed predict, end to end as a user's loop runs it: the input tensor made
// from a Float32Array, model.predict, the output read back into JS, both
// tensors disposed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as nnwasmLib from '../libs/nnwasm.mjs';
import * as tfjsLib from '../libs/tfjs.mjs';
import { selectNetworks, buildArtifacts, copyArtifacts, makeInput, TOLERANCE } from './networks.mjs';

const LIBS = ['nnwasm', 'tfjs'];

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    out: { type: 'string' },
    only: { type: 'string' },
    libs: { type: 'string', default: LIBS.join(',') },
    'budget-ms': { type: 'string', default: '2000' },
    loads: { type: 'string', default: '3' },
    round: { type: 'string', default: '0' },
  },
});
const threads = Number(args.threads);
const budgetMs = Number(args['budget-ms']);
const loads = Math.max(1, Number(args.loads) || 1);
const round = Number(args.round);
const libs = args.libs.split(',').filter((l) => LIBS.includes(l));
const scratchDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.build');
const log = (msg) => process.stderr.write(`  [models x${threads}] ${msg}\n`);

const result = { threads, setups: {}, networks: [] };
const save = () => fs.writeFileSync(args.out, JSON.stringify(result, null, 1));

// tfjs is needed even when only nnwasm is timed: tfjs-layers builds the networks.
const SETUP = { nnwasm: nnwasmLib.setup, tfjs: tfjsLib.setup };
const ready = [];
for (const lib of new Set(['tfjs', ...libs])) {
  let timer;
  try {
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('setup did not finish within 120 s')), 120_000);
    });
    result.setups[lib] = await Promise.race([SETUP[lib]({ threads, scratchDir }), timeout]);
    if (libs.includes(lib)) ready.push(lib);
    log(`${lib} ready: version ${result.setups[lib].version}, threads used ${result.setups[lib].threadsUsed}`);
  } catch (err) {
    result.setups[lib] = { error: String(err?.message ?? err) };
    log(`${lib} unavailable: ${result.setups[lib].error}`);
  } finally {
    clearTimeout(timer);
  }
}
save();
if (result.setups.tfjs?.error) process.exit(0); // nothing can build the networks

const tf = await import('@tensorflow/tfjs-core');
const tfl = await import('@tensorflow/tfjs-layers');
const nn = ready.includes('nnwasm') ? await import(new URL('../../js/index.js', import.meta.url).href) : null;

/** Each library: load(artifacts) -> model, predict(model, input) -> Float32Array, free(model). */
const LOADERS = {
  nnwasm: {
    load: (a) => nn.keras.models.load_model(a),
    predict(model, input, shape) {
      const x = nn.torch.tensor(input, shape);
      try {
        const y = model.predict(x);
        const out = y.dataSync();
        y.dispose();
        return out;
      } finally {
        x.dispose();
      }
    },
    free(model) {
      for (const layer of model.layers) layer.dispose?.();
      model.dispose();
    },
    label: 'keras.models.load_model(artifacts); model.predict(torch.tensor(x, shape)).dataSync()',
  },
  tfjs: {
    load: (a) => tfl.loadLayersModel(tf.io.fromMemory(a)),
    predict(model, input, shape) {
      const x = tf.tensor(input, shape);
      try {
        const y = model.predict(x);
        const out = y.dataSync();
        y.dispose();
        return out;
      } finally {
        x.dispose();
      }
    },
    free: (model) => model.dispose(),
    label: 'tf.loadLayersModel(tf.io.fromMemory(artifacts)); model.predict(tf.tensor(x, shape)).dataSync()',
  },
};

/**
 * Time each of `fns` (one predict each) in turns, A B, B A, A B, ...: a whole
 * model takes tens of milliseconds, so one call is one sample, and the
 * libraries' samples are interleaved so this shared machine's drift hits
 * them alike. Warm-up: each at least 3 calls and 200 ms. Then turns until
 * every fn has had `budgetMs` of calls and at least 7 samples. Returns per fn
 * { medianMs, minMs, maxMs, samples, cpuPerWall } (process CPU, all threads,
 * over that fn's calls).
 */
function timeInTurns(fns, budgetMs) {
  for (const fn of fns) {
    const t0 = performance.now();
    for (let calls = 0; calls < 3 || performance.now() - t0 < 200; calls++) fn();
  }
  const stats = fns.map(() => ({ times: [], wall: 0, cpu: 0 }));
  for (let turn = 0; ; turn++) {
    if (stats.every((s) => s.times.length >= 7 && s.wall >= budgetMs)) break;
    for (const i of (turn % 2 ? [...fns.keys()].reverse() : [...fns.keys()])) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      fns[i]();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      stats[i].times.push(ms);
      stats[i].wall += ms;
      stats[i].cpu += (cpu.user + cpu.system) / 1000;
    }
  }
  return stats.map(({ times, wall, cpu }) => ({
    medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), samples: times.length, cpuPerWall: cpu / wall,
  }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const [index, net] of selectNetworks(args.only).entries()) {
  const row = { id: net.id, title: net.title, inputShape: net.inputShape, cells: {} };
  result.networks.push(row);
  let built;
  try {
    built = await buildArtifacts(tf, tfl, net);
    row.params = built.params;
    row.layers = built.layers;
    row.weightBytes = built.artifacts.weightData.byteLength;
  } catch (err) {
    row.error = `tfjs-layers could not build it: ${err?.message ?? err}`;
    log(`${net.id}: ERROR ${row.error}`);
    save();
    continue;
  }
  const shape = [1, ...net.inputShape];
  const input = makeInput(net);
  // The library order turns with the network and the round.
  const shift = (index + round) % Math.max(ready.length, 1);
  const order = [...ready.slice(shift), ...ready.slice(0, shift)];
  const models = {}, outputs = {};

  // Loads, the libraries taking turns; the last model of each is kept.
  for (const lib of order) row.cells[lib] = { label: LOADERS[lib].label, loadMs: [], firstPredictMs: [] };
  for (let k = 0; k < loads; k++) {
    for (const lib of order) {
      const cell = row.cells[lib];
      if (cell.error) continue;
      const L = LOADERS[lib];
      const copy = copyArtifacts(built.artifacts);
      let model;
      try {
        const t0 = performance.now();
        model = await L.load(copy);
        const t1 = performance.now();
        const out = L.predict(model, input, shape);
        const t2 = performance.now();
        cell.loadMs.push(t1 - t0);
        cell.firstPredictMs.push(t2 - t1);
        if (k === loads - 1) {
          models[lib] = model;
          outputs[lib] = out;
          model = null;
        }
      } catch (err) {
        cell.error = String(err?.message ?? err);
        log(`${net.id} ${lib}: ERROR ${cell.error}`);
        if (err?.stack) process.stderr.write(err.stack + '\n');
      } finally {
        if (model) {
          try { L.free(model); } catch { /* a failed free must not stop the run */ }
        }
      }
    }
  }

  // Outputs against tfjs, relative to the largest tfjs output.
  const want = outputs.tfjs;
  for (const lib of order) {
    const cell = row.cells[lib];
    if (cell.error) continue;
    cell.load = { medianMs: median(cell.loadMs), minMs: Math.min(...cell.loadMs) };
    cell.firstPredict = { medianMs: median(cell.firstPredictMs), minMs: Math.min(...cell.firstPredictMs) };
    const got = outputs[lib];
    cell.outputLength = got.length;
    if (lib !== 'tfjs' && want) {
      let diff = 0, scale = 0;
      for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
      if (got.length !== want.length) diff = Infinity;
      else for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]) || (got[i] === want[i] ? 0 : Infinity));
      cell.check = { maxAbsDiff: diff, maxAbsTfjs: scale, relative: diff / scale, ok: diff <= TOLERANCE * scale };
      if (!cell.check.ok) log(`${net.id} ${lib}: outputs DIFFER from tfjs: max |diff| ${diff.toExponential(2)}, max |tfjs| ${scale.toExponential(2)}`);
    }
  }
  if (want) {
    let top = 0;
    for (let i = 1; i < want.length; i++) if (want[i] > want[top]) top = i;
    row.tfjsTop = { index: top, probability: want[top] };
  }

  const timed = order.filter((lib) => !row.cells[lib].error && models[lib]);
  try {
    const timings = timeInTurns(timed.map((lib) => () => LOADERS[lib].predict(models[lib], input, shape)), budgetMs);
    timed.forEach((lib, i) => { row.cells[lib].predict = timings[i]; });
  } catch (err) {
    for (const lib of timed) row.cells[lib].error = String(err?.message ?? err);
  }
  for (const lib of order) {
    if (models[lib]) {
      try { LOADERS[lib].free(models[lib]); } catch { /* as above */ }
    }
  }
  const summary = order.map((lib) => {
    const c = row.cells[lib];
    if (c.error) return `${lib} ERROR`;
    return `${lib} predict ${c.predict?.medianMs.toFixed(2)} ms, load ${c.load.medianMs.toFixed(1)} ms + first ${c.firstPredict.medianMs.toFixed(1)} ms` +
      (c.check ? ` (max diff ${c.check.relative.toExponential(1)} rel${c.check.ok ? '' : ', WRONG'})` : '');
  });
  log(`${net.id}: ${summary.join('; ')}`);
  save();
}
save();
// Libraries with pthread pools may keep the event loop alive; we are done.
process.exit(0);
