#!/usr/bin/env node
// Depthwise 3x3 convolution at MobileNetV2's layer shapes (batch 1, 'same'
// padding): two nnwasm builds (e.g. before and after a kernel change) beside
// tfjs-backend-wasm (XNNPACK) and onnxruntime-web (MLAS), at 1 and 2 threads.
//
//   node bench/dwconv.mjs [--old DIST] [--old-js DIR] [--new DIST] [--threads 1,2] [--rounds 3] [--only 56x144s2]
//
// DW_NODE_FLAGS="--no-wasm-dynamic-tiering" (say) passes V8 flags to the
// per-thread-count children.
//
// DIST is a folder holding a build's dist/ files (default: --old
// /tmp/dist-dw-old, --new ./dist); each build runs through its own copy of
// js/ (the old one from --old-js, default this checkout's js/; its own
// checkout's when the entry points changed) so both load in one process. nnwasm rows: NHWC through
// keras.layers.Conv2D({ groups: C, filters: C }), NCHW through
// torch.nn.functional.conv2d(x, w, b, stride, 1, 1, C); both reach the
// depthwise kernels. tfjs is channels-last only: its NHWC time stands beside
// both layouts; ORT is channels-first only (NCHW input, Keras's 'same' pads,
// timed as `await session.run()`, which copies the input in and the output
// out): its time stands beside both too. GB/s: the input read once and the
// output written once per call. Each thread count runs in a child process (tfjs fixes its
// thread count at start-up). In every round the libraries run in turn on
// each shape (the order reversed every other round); a cell is the lowest of
// the rounds' medians. Before timing, old and new outputs are compared.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

// MobileNetV2's depthwise layers: input side, channels, stride.
const LAYERS = [
  [112, 32, 1], [112, 96, 2], [56, 144, 1], [56, 144, 2], [28, 192, 1],
  [28, 192, 2], [14, 384, 1], [14, 576, 1], [14, 576, 2], [7, 960, 1],
].map(([hw, C, stride]) => ({ hw, C, stride, name: `${hw}x${C}s${stride}` }));

const oldDist = path.resolve(arg('old', '/tmp/dist-dw-old'));
const oldJs = path.resolve(arg('old-js', path.join(root, 'js')));
const newDist = path.resolve(arg('new', path.join(root, 'dist')));
const rounds = Number(arg('rounds', '3'));
const only = arg('only', null);
const layers = only ? LAYERS.filter((l) => only.split(',').includes(l.name)) : LAYERS;

// Deterministic inputs in [-1, 1).
function randoms(n, seed) {
  const out = new Float32Array(n);
  let s = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < n; ++i) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / (1 << 24) * 2 - 1;
  }
  return out;
}

// Median ms per call: warm up (the engines' first calls run baseline code),
// then 7 samples of enough calls for about 5 ms each.
function time(fn) {
  let t0 = performance.now();
  let warm = 0;
  while (warm < 20 || (performance.now() - t0 < 150 && warm < 300)) { fn(); ++warm; }
  const per = (performance.now() - t0) / warm;
  const reps = Math.max(1, Math.round(5 / Math.max(per, 1e-3)));
  const samples = [];
  for (let s = 0; s < 7; ++s) {
    t0 = performance.now();
    for (let r = 0; r < reps; ++r) fn();
    samples.push((performance.now() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

// A build's own copy of js/ beside its dist/, so two builds are two module
// graphs with their own heaps and thread pools.
async function loadNnwasm(label, dist, js, threads) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nnwasm-dwbench-${label}-`));
  fs.cpSync(js, path.join(dir, 'js'), { recursive: true });
  fs.cpSync(dist, path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  const nn = await import(pathToFileURL(path.join(dir, 'js', 'index.js')).href);
  await nn.init({ threads, wasmDir: path.join(dir, 'dist') });
  return { label, nn, dir };
}

function nnwasmCase(lib, l, layout) {
  const { torch, keras } = lib.nn;
  const { hw, C, stride } = l;
  const w = randoms(9 * C, 2), b = randoms(C, 3);
  if (layout === 'NHWC') {
    const x = torch.tensor(randoms(hw * hw * C, 1), [1, hw, hw, C]);
    const layer = new keras.layers.Conv2D({
      filters: C, kernel_size: [3, 3], strides: [stride, stride], padding: 'same', groups: C,
    });
    layer.build([1, hw, hw, C]);
    layer.set_weights([torch.tensor(w, [3, 3, 1, C]), torch.tensor(b, [C])]);
    return { run: () => layer.apply(x), dispose: () => x.dispose() };
  }
  // PyTorch's layout (C, 1, 3, 3) from the same Keras-order weights.
  const wt = new Float32Array(9 * C);
  for (let c = 0; c < C; ++c) for (let t = 0; t < 9; ++t) wt[c * 9 + t] = w[t * C + c];
  const x = torch.tensor(randoms(hw * hw * C, 1), [1, C, hw, hw]);
  const wT = torch.tensor(wt, [C, 1, 3, 3]), bT = torch.tensor(b, [C]);
  const F = torch.nn.functional;
  return {
    run: () => F.conv2d(x, wT, bT, stride, 1, 1, C),
    dispose: () => { x.dispose(); wT.dispose(); bT.dispose(); },
  };
}

async function loadTfjs(threads) {
  const tf = await import('@tensorflow/tfjs-core');
  const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  let undo = () => {};
  if (threads > 1) {
    const { enableTfjsWasmThreadsInNode } = await import('./libs/tfjs-node-threads.mjs');
    undo = enableTfjsWasmThreadsInNode(tf, fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-threads-')), threads);
  }
  tfwasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend did not initialize');
  await tf.ready();
  undo();
  return { tf, threads: tfwasm.getThreadsCount() };
}

function tfjsCase(t, l) {
  const { tf } = t;
  const { hw, C, stride } = l;
  const x = tf.tensor4d(randoms(hw * hw * C, 1), [1, hw, hw, C]);
  const f = tf.tensor4d(randoms(9 * C, 2), [3, 3, C, 1]);
  const b = tf.tensor1d(randoms(C, 3));
  return {
    run: () => { const y = tf.add(tf.depthwiseConv2d(x, f, stride, 'same'), b); return y; },
    // tfjs-backend-wasm fuses the bias through the fused op when available.
    fused: () => tf.fused.depthwiseConv2d({ x, filter: f, strides: stride, pad: 'same', bias: b }),
    dispose: () => { x.dispose(); f.dispose(); b.dispose(); },
  };
}

async function loadOrt(threads) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return ort;
}

async function ortCase(ort, l) {
  const { singleOpModel } = await import('./onnx.mjs');
  const { hw, C, stride } = l;
  const oh = Math.ceil(hw / stride);
  const total = Math.max((oh - 1) * stride + 3 - hw, 0);
  const before = Math.floor(total / 2), after = total - before;
  // PyTorch's (C, 1, 3, 3) from the Keras-order weights, as nnwasmCase does.
  const w = randoms(9 * C, 2), wt = new Float32Array(9 * C);
  for (let c = 0; c < C; ++c) for (let t = 0; t < 9; ++t) wt[c * 9 + t] = w[t * C + c];
  const model = singleOpModel({
    op: 'Conv', inputDims: [1, C, hw, hw], outputDims: [1, C, oh, oh],
    attrs: { kernel_shape: [3, 3], strides: [stride, stride], dilations: [1, 1], pads: [before, before, after, after], group: C },
    initializers: [{ name: 'W', dims: [C, 1, 3, 3], data: wt }, { name: 'B', dims: [C], data: randoms(C, 3) }],
  });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const feeds = { x: new ort.Tensor('float32', randoms(hw * hw * C, 1), [1, C, hw, hw]) };
  return { run: () => session.run(feeds), dispose: () => session.release() };
}

async function timeAsync(fn) {
  let t0 = performance.now();
  let warm = 0;
  while (warm < 20 || (performance.now() - t0 < 150 && warm < 300)) { await fn(); ++warm; }
  const per = (performance.now() - t0) / warm;
  const reps = Math.max(1, Math.round(5 / Math.max(per, 1e-3)));
  const samples = [];
  for (let s = 0; s < 7; ++s) {
    t0 = performance.now();
    for (let r = 0; r < reps; ++r) await fn();
    samples.push((performance.now() - t0) / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

async function child(threads) {
  const libs = [await loadNnwasm('old', oldDist, oldJs, threads), await loadNnwasm('new', newDist, path.join(root, 'js'), threads)];
  const tfjs = await loadTfjs(threads);
  const ort = await loadOrt(threads);
  const rows = [];
  for (const l of layers) {
    // ORT once per layer (its time stands beside both layouts).
    const oc = await ortCase(ort, l);
    let ortBest = Infinity;
    for (let r = 0; r < rounds; ++r) ortBest = Math.min(ortBest, await timeAsync(oc.run));
    await oc.dispose();
    for (const layout of ['NHWC', 'NCHW']) {
      const cases = libs.map((lib) => ({ label: lib.label, c: nnwasmCase(lib, l, layout) }));
      // The two builds must agree before their times mean anything.
      const ys = cases.map(({ c }) => { const y = c.run(); const d = y.data; y.dispose(); return d; });
      let diff = 0;
      for (let i = 0; i < ys[0].length; ++i) diff = Math.max(diff, Math.abs(ys[0][i] - ys[1][i]));
      if (!(diff <= 1e-4)) throw new Error(`${l.name} ${layout}: old and new differ by ${diff}`);
      if (layout === 'NHWC') {
        const t = tfjsCase(tfjs, l);
        const ty = t.fused(); const td = ty.dataSync(); ty.dispose();
        let tdiff = 0;
        for (let i = 0; i < td.length; ++i) tdiff = Math.max(tdiff, Math.abs(td[i] - ys[1][i]));
        if (!(tdiff <= 1e-4)) throw new Error(`${l.name}: nnwasm and tfjs differ by ${tdiff}`);
        cases.push({ label: 'tfjs', c: { run: t.fused, dispose: t.dispose } });
      }
      const best = {};
      for (let r = 0; r < rounds; ++r) {
        const order = r % 2 === 0 ? cases : [...cases].reverse();
        for (const { label, c } of order) {
          const ms = time(() => c.run().dispose());
          best[label] = Math.min(best[label] ?? Infinity, ms);
        }
      }
      for (const { c } of cases) c.dispose();
      rows.push({ layer: l.name, layout, threads, ...best, ort: ortBest });
    }
  }
  for (const lib of libs) fs.rmSync(lib.dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ threads, tfjsThreads: tfjs.threads, rows })}\n`);
  process.exit(0);  // idle pthread workers would keep Node alive
}

function parent() {
  const threadCounts = arg('threads', '1,2').split(',').map(Number);
  const results = [];
  for (const threads of threadCounts) {
    const r = spawnSync(process.execPath, [...(process.env.DW_NODE_FLAGS ? process.env.DW_NODE_FLAGS.split(" ") : []), fileURLToPath(import.meta.url), ...process.argv.slice(2), '--child', String(threads)],
      { cwd: root, env: { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' },
        stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const line = r.stdout.toString().trim().split('\n').pop();
    if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`child for ${threads} threads failed (${r.status})`);
    results.push(JSON.parse(line));
  }
  const f = (x) => (x === undefined ? '-' : x.toFixed(3));
  console.log(`depthwise 3x3, batch 1, 'same'; ms per call (lowest of ${rounds} rounds' medians); old ${oldDist}, new ${newDist}`);
  console.log('| layer | layout | threads | old | new | tfjs (NHWC) | ort (NCHW) | new/old speed-up | best peer/new | new GB/s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const tfjsOf = {};
  for (const { rows } of results) for (const row of rows) if (row.tfjs) tfjsOf[`${row.layer}/${row.threads}`] = row.tfjs;
  const sums = {};
  for (const { threads, rows } of results) {
    for (const row of rows) {
      const tfjs = tfjsOf[`${row.layer}/${threads}`];
      const key = `${row.layout}/${threads}`;
      sums[key] ??= { old: 0, new: 0, tfjs: 0, ort: 0 };
      sums[key].old += row.old, sums[key].new += row.new, sums[key].tfjs += tfjs, sums[key].ort += row.ort;
      const l = LAYERS.find((x) => x.name === row.layer);
      const oh = Math.ceil(l.hw / l.stride);
      const gbps = (4 * l.C * (l.hw * l.hw + oh * oh)) / (row.new * 1e6);
      console.log(`| ${row.layer} | ${row.layout} | ${threads} | ${f(row.old)} | ${f(row.new)} | ${f(tfjs)} | ${f(row.ort)} | ` +
        `${(row.old / row.new).toFixed(2)}x | ${(Math.min(tfjs, row.ort) / row.new).toFixed(2)}x | ${gbps.toFixed(1)} |`);
    }
  }
  for (const [key, s] of Object.entries(sums)) {
    console.log(`| all 10 | ${key.replace('/', ' | ')} | ${f(s.old)} | ${f(s.new)} | ${f(s.tfjs)} | ${f(s.ort)} | ` +
      `${(s.old / s.new).toFixed(2)}x | ${(Math.min(s.tfjs, s.ort) / s.new).toFixed(2)}x | |`);
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(Number(process.argv[childAt + 1]));
else parent();
