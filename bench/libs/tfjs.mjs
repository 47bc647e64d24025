// TensorFlow.js with its WebAssembly backend (XNNPACK kernels), the closest
// "JS + WASM SIMD" peer. Its kernels are channels-last only: channels-first
// workloads get their input transposed once before timing (noted per row).
// Timed: the op and disposing its result; wasm ops run synchronously.
import { createRequire } from 'node:module';
import path from 'node:path';
import { enableTfjsWasmThreadsInNode } from './tfjs-node-threads.mjs';
import { Skip, inputAs, outputBack, weightAs, splitShape } from './common.mjs';
import { adaptiveWindow, windowGeometry, outputShapeOf, outputLayoutOf, relayout, concatAxis } from '../workloads.mjs';

export const name = 'tfjs-backend-wasm';

let tf, tfwasm;

export async function setup({ threads, scratchDir }) {
  tf = await import('@tensorflow/tfjs-core');
  tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  const notes = [];
  let undoShim = () => {};
  if (threads > 1) {
    undoShim = enableTfjsWasmThreadsInNode(tf, path.join(scratchDir, 'tfjs-threads'), threads);
    notes.push('threads in Node need our shim (bench/libs/tfjs-node-threads.mjs): tfjs turns its threaded build off in Node, ' +
      'gives Node blob: worker URLs it cannot load, and caps threads at logical cores / 2 (= 1 here, in browsers too)');
  }
  tfwasm.setThreadsCount(threads);
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  undoShim();
  if (!ok || tf.getBackend() !== 'wasm') throw new Error('tfjs wasm backend did not initialize');
  const require = createRequire(import.meta.url);
  const version = require('@tensorflow/tfjs-backend-wasm/package.json').version;
  const threadsUsed = tfwasm.getThreadsCount();
  return {
    version,
    threadsUsed,
    build: threads > 1 ? 'threaded-simd' : 'simd',
    notes,
  };
}

const mean = (x, axes, keepDims) => tf.mean(x, axes, keepDims);

export async function prepare(w, inputs) {
  const op = w.op;
  const spatialDims = splitShape(w.inputShape, w.layout).spatial.length;
  const outLayout = outputLayoutOf(w);
  const outShape = outputShapeOf(w);
  const variants = [];
  const owned = []; // tensors made in setup, freed by dispose()
  const keep = (t) => { owned.push(t); return t; };
  const variant = (label, fn, read, extra = {}) => variants.push({
    label,
    exact: true,
    run: () => fn().dispose(),
    output: () => { const y = fn(); const out = read(y.dataSync(), y.shape); y.dispose(); return out; },
    dispose: () => { for (const t of owned.splice(0)) t.dispose(); },
    ...extra,
  });
  // Output already in the workload's layout.
  const asIs = (data) => data;

  if (LAYER_OPS[op.type]) {
    await LAYER_OPS[op.type](w, inputs, { keep, variant, asIs });
    return variants;
  }

  // Reductions work in any layout: use the input as it is.
  const spatialAxes = [...w.layout].flatMap((l, i) => (l === 'N' || l === 'C' ? [] : [i]));
  if (op.type === 'global_avg_pool') {
    const x = keep(tf.tensor(inputs.input, inputs.inputShape));
    variant(`tf.mean(x, [${spatialAxes}])`, () => mean(x, spatialAxes, false), asIs);
    return variants;
  }
  if (op.type === 'adaptive_avg_pool' && op.outputSize.every((o) => o === 1)) {
    const x = keep(tf.tensor(inputs.input, inputs.inputShape));
    variant(`tf.mean(x, [${spatialAxes}], keepDims)`, () => mean(x, spatialAxes, true), asIs);
    return variants;
  }

  // Everything else runs on channels-last data; 1D becomes 2D with H = 1.
  const cl = inputAs(inputs, true);
  const movedNote = cl.moved ? `input given as ${cl.layout} (transposed before timing)` : undefined;
  const { N, C, spatial } = splitShape(inputs.inputShape, inputs.layout);
  const x4 = keep(tf.tensor(cl.data, spatialDims === 1 ? [N, 1, spatial[0], C] : cl.shape));
  const to2d = (a, one) => (spatialDims === 1 ? [one, a[0]] : a);
  const clOutShape = [N, ...(spatialDims === 1 ? [outShape[outLayout.indexOf('L')]] : [outShape[outLayout.indexOf('H')], outShape[outLayout.indexOf('W')]]), outShape[outLayout.indexOf('C')]];
  const fromChannelsLast = (data) => outputBack(data, clOutShape, cl.layout, outLayout);

  if (op.type === 'adaptive_avg_pool') {
    const divisible = spatial.every((s, d) => s % op.outputSize[d] === 0);
    if (divisible) {
      const k = spatial.map((s, d) => s / op.outputSize[d]);
      variant(`tf.avgPool ${k.join('x')}/${k.join('x')} (exact: sizes divide)`,
        () => tf.avgPool(x4, to2d(k, 1), to2d(k, 1), 'valid'), fromChannelsLast, { note: movedNote });
      return variants;
    }
    if (spatialDims !== 1 || w.layout !== 'NCL') throw new Skip('no equivalent op');
    // Uneven, overlapping PyTorch windows: no tfjs pooling op does this.
    // Exact equivalent: (N*C, L) x (L, out) averaging matrix. (Per-window
    // tf.slice + tf.mean + tf.concat is exact too but ~150x slower here.)
    const L = spatial[0], out = op.outputSize[0];
    const avg = new Float32Array(L * out);
    for (let i = 0; i < out; i++) {
      const [s, e] = adaptiveWindow(i, L, out);
      for (let j = s; j < e; j++) avg[j * out + i] = 1 / (e - s);
    }
    const x2 = keep(tf.tensor(inputs.input, [N * C, L]));
    const a = keep(tf.tensor(avg, [L, out]));
    variant(`tf.matMul with a (${L}x${out}) averaging matrix (exact)`, () => tf.matMul(x2, a), asIs,
      { note: 'no tfjs op for uneven adaptive windows' });
    return variants;
  }

  if (op.type === 'avg_pool' || op.type === 'max_pool') {
    const g = windowGeometry(op, spatial);
    const pool = op.type === 'avg_pool' ? tf.avgPool : tf.maxPool;
    const fn = op.type === 'avg_pool' ? 'tf.avgPool' : 'tf.maxPool';
    const k = to2d(op.kernel, 1), s = to2d(op.stride, 1);
    if (typeof op.padding === 'string') {
      variant(`${fn} ${op.kernel.join('x')}/${op.stride.join('x')} '${op.padding}'`,
        () => pool(x4, k, s, op.padding), fromChannelsLast, { note: movedNote });
      return variants;
    }
    const symmetric = g.before.every((b, d) => b === g.after[d] && b === g.before[0]);
    if (op.type === 'avg_pool' && op.countIncludePad) {
      // tfjs (XNNPACK) divides by the real elements only; PyTorch's default
      // counts the zero padding. Exact route: zero-pad the input before timing.
      const padded = keep(tf.pad(x4, [[0, 0], ...to2d(g.before.map((b, d) => [b, g.after[d]]), [0, 0]), [0, 0]]));
      variant(`${fn} 'valid' on input zero-padded before timing (exact)`,
        () => pool(padded, k, s, 'valid'), fromChannelsLast,
        { note: [movedNote, 'padding done outside the timed region'].filter(Boolean).join('; ') });
      if (symmetric) {
        variant(`${fn} pad=${g.before[0]} (divides by real elements: differs at borders)`,
          () => pool(x4, k, s, g.before[0]), fromChannelsLast, { note: movedNote, exact: false });
      }
      return variants;
    }
    if (!symmetric) throw new Skip('asymmetric explicit padding');
    variant(`${fn} ${op.kernel.join('x')}/${op.stride.join('x')} pad=${g.before[0]}`,
      () => pool(x4, k, s, g.before[0]), fromChannelsLast, { note: movedNote });
    return variants;
  }

  if (op.type === 'conv') {
    const g = windowGeometry(op, spatial);
    const strides = to2d(op.stride, 1), dilations = to2d(op.dilation, 1);
    const uniformPad = spatialDims === 2 && [...g.before, ...g.after].every((p) => p === g.before[0]);
    const pad = typeof op.padding === 'string' && op.padding !== 'causal' ? op.padding
      : uniformPad ? g.before[0]
        : [[0, 0], ...to2d(g.before.map((b, d) => [b, g.after[d]]), [0, 0]), [0, 0]];
    const bias = op.bias ? keep(tf.tensor(inputs.bias, [op.filters])) : undefined;
    const padText = typeof pad === 'string' ? `'${pad}'` : typeof pad === 'number' ? `pad=${pad}`
      : `explicit pads before ${g.before} after ${g.after}`;
    if (op.groups === 1) {
      const hwio = weightAs(inputs, spatialDims === 1 ? 'WIO' : 'HWIO');
      const filter = keep(tf.tensor(hwio.data, spatialDims === 1 ? [1, ...hwio.shape] : hwio.shape));
      variant(`tf.fused.conv2d (+bias) ${padText}${spatialDims === 1 ? ' on (N,1,L,C)' : ''}`,
        () => tf.fused.conv2d({ x: x4, filter, strides, pad, dilations, bias }), fromChannelsLast, { note: movedNote });
      return variants;
    }
    if (op.groups === C && op.filters % C === 0) {
      // torch (C*m, 1, kh, kw) -> tfjs depthwise (kh, kw, C, m)
      const hwoi = weightAs(inputs, spatialDims === 1 ? 'WOI' : 'HWOI');
      const m = op.filters / C;
      const filter = keep(tf.tensor(hwoi.data, [...to2d(op.kernel, 1), C, m]));
      variant(`tf.fused.depthwiseConv2d (+bias) ${padText}`,
        () => tf.fused.depthwiseConv2d({ x: x4, filter, strides, pad, dilations, bias }), fromChannelsLast, { note: movedNote });
      return variants;
    }
    throw new Skip('tfjs has no grouped convolution');
  }
  throw new Skip(`no mapping for ${op.type}`);
}

// ---- layers between the convolutions (issue 12) --------------------------------
// Channels-last workloads only, as tfjs's kernels are; outputs come back in the
// workload's layout as they are.

function channelsLastOnly(w) {
  if (!w.layout.endsWith('C')) throw new Skip(`${w.op.type} rows are channels-last here`);
}

const LAYER_OPS = {
  dense(w, inputs, { keep, variant, asIs }) {
    const x = keep(tf.tensor(inputs.input, w.inputShape));
    const kernel = keep(tf.tensor(inputs.kernel, inputs.kernelShape));
    const bias = inputs.bias ? keep(tf.tensor(inputs.bias, [w.op.units])) : undefined;
    variant(`tf.fused.matMul({ a: x, b: kernel${bias ? ', bias' : ''} })`,
      () => tf.fused.matMul({ a: x, b: kernel, bias }), asIs);
    if (bias) {
      variant('tf.add(tf.matMul(x, kernel), bias)', () => tf.tidy(() => tf.add(tf.matMul(x, kernel), bias)), asIs);
    }
  },

  batch_norm(w, inputs, { keep, variant, asIs }) {
    channelsLastOnly(w);
    const C = w.inputShape[w.inputShape.length - 1];
    const x = keep(tf.tensor(inputs.input, w.inputShape));
    const [mean, variance, offset, scale] = ['mean', 'variance', 'beta', 'gamma']
      .map((k) => keep(tf.tensor(inputs.bn[k], [C])));
    variant(`tf.batchNorm(x, mean, variance, beta, gamma, ${w.op.epsilon})`,
      () => tf.batchNorm(x, mean, variance, offset, scale, w.op.epsilon), asIs);
  },

  relu6(w, inputs, { keep, variant, asIs }) {
    const x = keep(tf.tensor(inputs.input, w.inputShape));
    variant('tf.relu6(x)', () => tf.relu6(x), asIs);
  },

  add(w, inputs, { keep, variant, asIs }) {
    const a = keep(tf.tensor(inputs.input, w.inputShape)), b = keep(tf.tensor(inputs.input2, w.inputShape));
    variant('tf.add(a, b)', () => tf.add(a, b), asIs);
  },

  concat(w, inputs, { keep, variant, asIs }) {
    const a = keep(tf.tensor(inputs.input, w.inputShape)), b = keep(tf.tensor(inputs.input2, w.inputShape));
    const axis = concatAxis(w);
    variant(`tf.concat([a, b], ${axis})`, () => tf.concat([a, b], axis), asIs);
  },

  conv_transpose(w, inputs, { keep, variant, asIs }) {
    channelsLastOnly(w);
    const op = w.op;
    if (op.kernel.length !== 2) throw new Skip('2D only');
    const x = keep(tf.tensor(inputs.input, w.inputShape));
    // (in, out, kh, kw) -> tfjs (kh, kw, out, in)
    const hwoi = relayout(inputs.weight, inputs.weightShape, 'IOHW', 'HWOI');
    const filter = keep(tf.tensor(hwoi.data, hwoi.shape));
    const bias = inputs.bias ? keep(tf.tensor(inputs.bias, [op.filters])) : null;
    const outShape = outputShapeOf(w);
    const call = () => tf.conv2dTranspose(x, filter, outShape, op.stride, op.padding);
    const text = `tf.conv2dTranspose(x, filter, [${outShape}], [${op.stride}], '${op.padding}')`;
    variant(`${text}${bias ? ' + tf.add(bias)' : ''}`,
      bias ? () => tf.tidy(() => tf.add(call(), bias)) : call, asIs,
      { note: 'tfjs has no fused transposed conv with bias: the bias is a second op' });
  },

  async mobilenetv2_block(w, inputs, { keep, variant, asIs }) {
    channelsLastOnly(w);
    const tfl = await import('@tensorflow/tfjs-layers');
    const [, H, W, C] = w.inputShape;
    const { hidden, expand, bn1, depthwise, bn2, project, bn3 } = inputs.block;
    const epsilon = w.op.epsilon;
    const bnWeights = (p, n) => [p.gamma, p.beta, p.mean, p.variance].map((a) => tf.tensor(a, [n]));
    const layers = [
      [tfl.layers.conv2d({ filters: hidden, kernelSize: 1, useBias: false }),
        () => [tf.tensor(expand, [1, 1, C, hidden])]],
      [tfl.layers.batchNormalization({ epsilon }), () => bnWeights(bn1, hidden)],
      [tfl.layers.reLU({ maxValue: 6 })],
      [tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }),
        () => [tf.tensor(depthwise, [3, 3, hidden, 1])]],
      [tfl.layers.batchNormalization({ epsilon }), () => bnWeights(bn2, hidden)],
      [tfl.layers.reLU({ maxValue: 6 })],
      [tfl.layers.conv2d({ filters: C, kernelSize: 1, useBias: false }), () => [tf.tensor(project, [1, 1, hidden, C])]],
      [tfl.layers.batchNormalization({ epsilon }), () => bnWeights(bn3, C)],
    ];
    const input = tfl.input({ shape: [H, W, C] });
    let y = input;
    for (const [layer] of layers) y = layer.apply(y);
    const model = tfl.model({ inputs: input, outputs: tfl.layers.add().apply([y, input]) });
    for (const [layer, weights] of layers) {
      if (!weights) continue;
      const ws = weights();
      layer.setWeights(ws); // copies into the layer's variables
      ws.forEach((t) => t.dispose());
    }
    keep({ dispose: () => model.dispose() });
    const x = keep(tf.tensor(inputs.input, w.inputShape));
    variant('tf.model(...) of tf.layers: conv2d, batchNormalization, reLU, depthwiseConv2d, ..., add; model.predict(x)',
      () => model.predict(x), asIs);
  },
};
