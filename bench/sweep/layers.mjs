// The layer sweep's networks: every distinct convolution, depthwise, pooling,
// dense, transposed-convolution and concatenation shape of four networks at
// batch 1, channels last (Keras layout). Each layer is a workload in the
// format of ../workloads.mjs, so conv, max_pool and global_avg_pool rows reuse
// its inputs, reference and the peers' adapters; the three op types that table
// does not know (dense, conv_transpose, concat) get their shapes, inputs and
// reference here.
//
// Extra op descriptors:
//   { type: 'dense', units, bias }                        input (N, in)
//   { type: 'conv_transpose', filters, kernel, stride, padding: 'valid', bias }
//       weight in PyTorch/ONNX layout (in, out, k...); output (in-1)*s + k
//   { type: 'concat', skipChannels }                      second input NHWC,
//       joined on the channel axis after the first
import {
  makeInputs, makeRng, outputShapeOf as workloadOutputShape, product, seedFrom, splitShape, stridesOf,
  verifyOutput as verifyWorkload, convFlops,
} from '../workloads.mjs';

const conv2d = (name, size, cin, cout, k, s, { groups = 1 } = {}) => ({
  name, kind: groups === 1 ? (k === 1 ? 'pointwise' : 'conv') : 'depthwise', layout: 'NHWC',
  inputShape: [1, size, size, cin],
  op: { type: 'conv', filters: cout, kernel: [k, k], stride: [s, s], dilation: [1, 1], padding: 'same', groups, bias: true },
});
const depthwise = (name, size, c, s) => conv2d(name, size, c, c, 3, s, { groups: c });
const maxPool2d = (name, size, c, k, s) => ({
  name, kind: 'pool', layout: 'NHWC', inputShape: [1, size, size, c],
  op: { type: 'max_pool', kernel: [k, k], stride: [s, s], padding: 'same' },
});
const gap2d = (name, size, c) => ({ name, kind: 'pool', layout: 'NHWC', inputShape: [1, size, size, c], op: { type: 'global_avg_pool' } });
const dense = (name, cin, units) => ({ name, kind: 'dense', layout: 'NC', inputShape: [1, cin], op: { type: 'dense', units, bias: true } });
const convTranspose = (name, size, cin, cout) => ({
  name, kind: 'conv_transpose', layout: 'NHWC', inputShape: [1, size, size, cin],
  op: { type: 'conv_transpose', filters: cout, kernel: [2, 2], stride: [2, 2], padding: 'valid', bias: true },
});
const concat = (name, size, c, skip) => ({
  name, kind: 'concat', layout: 'NHWC', inputShape: [1, size, size, c], op: { type: 'concat', skipChannels: skip },
});
const conv1d = (name, length, cin, cout, k, s, padding) => ({
  name, kind: 'conv', layout: 'NLC', inputShape: [1, length, cin],
  op: { type: 'conv', filters: cout, kernel: [k], stride: [s], dilation: [1], padding, groups: 1, bias: true },
});
const maxPool1d = (name, length, c, k) => ({
  name, kind: 'pool', layout: 'NLC', inputShape: [1, length, c], op: { type: 'max_pool', kernel: [k], stride: [k], padding: 'valid' },
});
const gap1d = (name, length, c) => ({ name, kind: 'pool', layout: 'NLC', inputShape: [1, length, c], op: { type: 'global_avg_pool' } });

/**
 * MobileNetV2 (224, width 1.0): the stem, then the inverted residual blocks of
 * the paper's table 2 (the first block has t = 1: no expansion), each distinct
 * expand / depthwise / project shape once, then the last 1x1, pooling, classifier.
 */
function mobileNetV2() {
  const layers = [conv2d('stem 3x3/2', 224, 3, 32, 3, 2)];
  const seen = new Set();
  const add = (layer) => {
    const key = JSON.stringify([layer.inputShape, layer.op]);
    if (!seen.has(key)) { seen.add(key); layers.push(layer); }
  };
  const blocks = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  let size = 112, cin = 32;
  for (const [t, c, n, s] of blocks) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const hidden = cin * t;
      if (t !== 1) add(conv2d(`expand 1x1 ${cin}→${hidden}`, size, cin, hidden, 1, 1));
      add(depthwise(`depthwise 3x3/${stride} ${hidden}`, size, hidden, stride));
      size = Math.ceil(size / stride);
      add(conv2d(`project 1x1 ${hidden}→${c}`, size, hidden, c, 1, 1));
      cin = c;
    }
  }
  layers.push(conv2d('last 1x1 320→1280', 7, 320, 1280, 1, 1));
  layers.push(gap2d('GlobalAveragePooling2D', 7, 1280));
  layers.push(dense('Dense 1280→1000', 1280, 1000));
  return layers;
}

/** ResNet-18 (224): stem, max pool, the 3x3 convs of each stage, 1x1/2 downsamples. */
function resNet18() {
  const layers = [conv2d('stem 7x7/2', 224, 3, 64, 7, 2), maxPool2d('MaxPooling2D 3x3/2', 112, 64, 3, 2)];
  const stages = [[64, 56], [128, 28], [256, 14], [512, 7]];
  stages.forEach(([c, size], i) => {
    if (i > 0) {
      const [prev, prevSize] = stages[i - 1];
      layers.push(conv2d(`stage ${i + 1} 3x3/2 ${prev}→${c}`, prevSize, prev, c, 3, 2));
      layers.push(conv2d(`stage ${i + 1} downsample 1x1/2 ${prev}→${c}`, prevSize, prev, c, 1, 2));
    }
    layers.push(conv2d(`stage ${i + 1} 3x3 ${c}→${c}`, size, c, c, 3, 1));
  });
  layers.push(gap2d('GlobalAveragePooling2D', 7, 512));
  layers.push(dense('Dense 512→1000', 512, 1000));
  return layers;
}

/** A U-Net decoder: up 2x2/2, concatenate the skip, two 3x3 convs, three times. */
function uNetDecoder() {
  const layers = [];
  for (const [cin, size] of [[512, 14], [256, 28], [128, 56]]) {
    const c = cin / 2, up = size * 2;
    layers.push(convTranspose(`Conv2DTranspose 2x2/2 ${cin}→${c}`, size, cin, c));
    layers.push(concat(`Concatenate ${c}+${c}`, up, c, c));
    layers.push(conv2d(`3x3 ${2 * c}→${c}`, up, 2 * c, c, 3, 1));
    layers.push(conv2d(`3x3 ${c}→${c}`, up, c, c, 3, 1));
  }
  return layers;
}

/** M5 (Dai et al. 2017) on one second at 16 kHz, one conv per stage. */
function m5Audio() {
  const layers = [conv1d('Conv1D 80/4 1→128', 16000, 1, 128, 80, 4, 'valid')];
  let length = Math.floor((16000 - 80) / 4) + 1, c = 128;
  for (const next of [128, 256, 512, null]) {
    layers.push(maxPool1d(`MaxPooling1D 4 (${c})`, length, c, 4));
    length = Math.floor(length / 4);
    if (next) {
      layers.push(conv1d(`Conv1D 3 ${c}→${next}`, length, c, next, 3, 1, 'same'));
      c = next;
    }
  }
  layers.push(gap1d('GlobalAveragePooling1D', length, c));
  layers.push(dense('Dense 512→35', 512, 35));
  return layers;
}

export const NETWORKS = [
  { id: 'mobilenetv2', title: 'MobileNetV2 224x224, width 1.0', layers: mobileNetV2() },
  { id: 'resnet18', title: 'ResNet-18 224x224', layers: resNet18() },
  { id: 'unet', title: 'U-Net-style decoder (Conv2DTranspose + Concatenate)', layers: uNetDecoder() },
  { id: 'm5', title: 'M5 audio CNN, 16000 samples', layers: m5Audio() },
].map((net) => ({ ...net, layers: net.layers.map((l, i) => ({ ...l, id: `${net.id}/${String(i).padStart(2, '0')}`, network: net.id })) }));

export const ALL_LAYERS = NETWORKS.flatMap((n) => n.layers);

/** Networks picked by a comma list of ids (or texts an id contains); none: all. */
export function selectNetworks(only) {
  if (!only) return NETWORKS;
  const parts = only.split(',').filter(Boolean);
  return NETWORKS.filter((n) => parts.some((p) => n.id.includes(p)));
}

// ---- shapes, work and inputs --------------------------------------------------

export function outputShapeOf(l) {
  const op = l.op;
  if (op.type === 'dense') return [l.inputShape[0], op.units];
  if (op.type === 'concat') return [...l.inputShape.slice(0, -1), l.inputShape.at(-1) + op.skipChannels];
  if (op.type === 'conv_transpose') {
    const [N, H, W] = l.inputShape;
    return [N, (H - 1) * op.stride[0] + op.kernel[0], (W - 1) * op.stride[1] + op.kernel[1], op.filters];
  }
  return workloadOutputShape(l);
}

export const skipShapeOf = (l) => [...l.inputShape.slice(0, -1), l.op.skipChannels];

/** mul+add counted as 2, bias adds left out; 0 for the memory-bound layers. */
export function flopsOf(l) {
  const op = l.op;
  if (op.type === 'conv') return convFlops(l);
  if (op.type === 'dense') return 2 * l.inputShape[0] * l.inputShape[1] * op.units;
  if (op.type === 'conv_transpose') return 2 * product(l.inputShape) * op.filters * product(op.kernel);
  return 0;
}

/** Weight and bias values a layer reads. */
export function paramCount(l) {
  const op = l.op, cin = l.inputShape.at(-1);
  if (op.type === 'dense') return cin * op.units + (op.bias ? op.units : 0);
  if (op.type === 'conv') return op.filters * (cin / op.groups) * product(op.kernel) + (op.bias ? op.filters : 0);
  if (op.type === 'conv_transpose') return cin * op.filters * product(op.kernel) + (op.bias ? op.filters : 0);
  return 0;
}

/** Bytes read (inputs, weights) + written (output), for GB/s. */
export function bytesOf(l) {
  const skip = l.op.type === 'concat' ? product(skipShapeOf(l)) : 0;
  return 4 * (product(l.inputShape) + skip + paramCount(l) + product(outputShapeOf(l)));
}

export const isComputeBound = (l) => flopsOf(l) > 0;

function uniform(count, rng, scale = 1) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

/**
 * Seeded inputs. conv / pooling: ../workloads.mjs makeInputs (weight in
 * PyTorch layout). dense: weight (out, in). conv_transpose: weight (in, out, k...).
 * concat: `skip` the second input.
 */
export function makeLayerInputs(l) {
  const op = l.op;
  if (op.type === 'conv' || op.type === 'max_pool' || op.type === 'global_avg_pool') return makeInputs(l);
  const rng = makeRng(seedFrom(l.id + ':' + JSON.stringify(l.op)));
  const inputs = { input: uniform(product(l.inputShape), rng), inputShape: l.inputShape, layout: l.layout };
  if (op.type === 'concat') {
    inputs.skipShape = skipShapeOf(l);
    inputs.skip = uniform(product(inputs.skipShape), rng);
    return inputs;
  }
  const cin = l.inputShape.at(-1);
  const cout = op.type === 'dense' ? op.units : op.filters;
  inputs.weightShape = op.type === 'dense' ? [cout, cin] : [cin, cout, ...op.kernel];
  const fanIn = op.type === 'dense' ? cin : cin * product(op.kernel) / product(op.stride);
  inputs.weight = uniform(product(inputs.weightShape), rng, 1 / Math.sqrt(fanIn));
  inputs.bias = op.bias ? uniform(cout, rng, 0.1) : null;
  return inputs;
}

// ---- reference -----------------------------------------------------------------

/** (flat output index) -> expected value in float64, for the sweep's own op types. */
function referenceAt(l, inputs) {
  const op = l.op;
  const { input, weight, bias } = inputs;
  const outShape = outputShapeOf(l);
  if (op.type === 'dense') {
    const cin = l.inputShape[1];
    return (flat) => {
      const n = Math.floor(flat / op.units), o = flat % op.units;
      let sum = bias ? bias[o] : 0;
      for (let i = 0; i < cin; i++) sum += input[n * cin + i] * weight[o * cin + i];
      return sum;
    };
  }
  if (op.type === 'concat') {
    const c = l.inputShape.at(-1), total = outShape.at(-1);
    return (flat) => {
      const pixel = Math.floor(flat / total), ch = flat % total;
      return ch < c ? input[pixel * c + ch] : inputs.skip[pixel * op.skipChannels + ch - c];
    };
  }
  // conv_transpose, NHWC in and out: out[oh] gathers in[ih] with oh = ih*s + kh.
  const [, H, W, C] = l.inputShape;
  const [, OH, OW, F] = outShape;
  const [kh, kw] = op.kernel, [sh, sw] = op.stride;
  const ws = stridesOf(inputs.weightShape);
  return (flat) => {
    const f = flat % F, ox = Math.floor(flat / F) % OW, oy = Math.floor(flat / (F * OW)) % OH;
    const n = Math.floor(flat / (F * OW * OH));
    let sum = bias ? bias[f] : 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = (oy - ky) / sh;
      if (!Number.isInteger(iy) || iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = (ox - kx) / sw;
        if (!Number.isInteger(ix) || ix < 0 || ix >= W) continue;
        const base = ((n * H + iy) * W + ix) * C;
        for (let c = 0; c < C; c++) sum += input[base + c] * weight[c * ws[0] + f * ws[1] + ky * ws[2] + kx];
      }
    }
    return sum;
  };
}

/** Relative error as ../workloads.mjs measures it: |a - b| / max(1, |b|). */
export const relativeError = (got, expected) => {
  const e = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  return Number.isNaN(e) ? Infinity : e;
};

/**
 * A library's output against the float64 reference at a seeded sample of
 * positions (all of them for small outputs). Same result shape as
 * ../workloads.mjs verifyOutput.
 */
export function verifyLayer(l, inputs, actual, { samples = 2048 } = {}) {
  if (!['dense', 'concat', 'conv_transpose'].includes(l.op.type)) return verifyWorkload(l, inputs, actual, { samples });
  const count = product(outputShapeOf(l));
  if (!actual || actual.length !== count) {
    return { ok: false, checked: 0, maxError: Infinity, message: `output has ${actual?.length} values, expected ${count}` };
  }
  const ref = referenceAt(l, inputs);
  const rng = makeRng(seedFrom(l.id + ':check'));
  const positions = count <= samples ? Array.from({ length: count }, (_, i) => i)
    : [0, count - 1, ...Array.from({ length: samples - 2 }, () => Math.floor(rng() * count))];
  let maxError = 0, worst = null;
  for (const p of positions) {
    const expected = ref(p), err = relativeError(actual[p], expected);
    if (err > maxError || worst === null) { maxError = Math.max(err, maxError); worst = { index: p, expected, got: actual[p] }; }
  }
  const ok = maxError <= 1e-3;
  return { ok, checked: positions.length, maxError, ...(ok ? {} : { worst }) };
}

/** Largest relative difference between two whole outputs (Infinity if sizes differ). */
export function maxDifference(a, b) {
  if (!a || !b || a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const e = relativeError(a[i], b[i]);
    if (e > max) max = e;
  }
  return max;
}

/** Short shape text for the report, e.g. "112x112x32 → 56x56x32". */
export function shapeText(l) {
  const dims = (s) => s.slice(1).join('x');
  const out = outputShapeOf(l);
  if (l.op.type === 'concat') return `${dims(l.inputShape)} + ${dims(skipShapeOf(l))} → ${dims(out)}`;
  return `${dims(l.inputShape)} → ${dims(out)}`;
}

export { splitShape, product };
