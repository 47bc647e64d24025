// The benchmark's workload table, the seeded inputs, and a plain-JS reference
// used to check that every library computes the right thing before it is timed.
//
// A workload is one row of the report: an input shape in a named layout and an
// op descriptor. Library adapters (libs/*.mjs) translate the descriptor into
// their own calls; nothing here knows about any library.
//
// Layout letters: N batch, C channels, L length, H/W height/width.
// Op descriptors (spatial arrays have one entry per spatial dim):
//   { type: 'global_avg_pool' }                         output (N, C)
//   { type: 'adaptive_avg_pool', outputSize: [..] }     PyTorch windows
//   { type: 'avg_pool', kernel, stride, padding, countIncludePad }
//   { type: 'max_pool', kernel, stride, padding }
//   { type: 'conv', filters, kernel, stride, dilation, padding, groups, bias }
//     (depthwise: true: Keras's DepthwiseConv2D, groups = channels)
//   { type: 'dense', units, bias }                       input (N, C), Keras Dense
//   { type: 'batch_norm', epsilon }                     inference, moving statistics
//   { type: 'relu6' }
//   { type: 'add' }, { type: 'concat', axis: -1 }       two inputs of inputShape (inputCount: 2)
//   { type: 'conv_transpose', filters, kernel, stride, padding: 'same' | 'valid', bias }
//     Keras/TF arithmetic: 'same' gives in * stride, the extra pad at the end
//   { type: 'mobilenetv2_block', expansion, epsilon }   see the row's comment
// Optional on a workload: inputScale (inputs uniform in [-s, s), default 1),
// inputCount (2 for merge ops), tolerance (max relative error, default 1e-3).
// padding: 'valid' | 'same' (TF/Keras: extra pad at the end) | 'causal'
//          (1D, all on the left) | [p, ...] (PyTorch: p on both sides).
// api: which nnwasm surface the row exercises: 'torch' (torch.nn.functional,
// channels first) or 'keras' (keras.layers, channels last).

export const WORKLOADS = [
  // ---- pooling (issue 3) ----
  {
    id: 'adaptive_avg_pool1d_10', group: 'pool', api: 'torch', layout: 'NCL',
    title: 'adaptive_avg_pool1d (32,256,1024) -> 10',
    inputShape: [32, 256, 1024], op: { type: 'adaptive_avg_pool', outputSize: [10] },
  },
  {
    id: 'adaptive_avg_pool1d_1', group: 'pool', api: 'torch', layout: 'NCL',
    title: 'adaptive_avg_pool1d (32,256,1024) -> 1',
    inputShape: [32, 256, 1024], op: { type: 'adaptive_avg_pool', outputSize: [1] },
  },
  {
    id: 'global_avg_pool1d', group: 'pool', api: 'keras', layout: 'NLC',
    title: 'GlobalAveragePooling1D (32,1024,256) channels_last',
    inputShape: [32, 1024, 256], op: { type: 'global_avg_pool' },
  },
  {
    id: 'latency_adaptive_avg_pool1d', group: 'latency', api: 'torch', layout: 'NCL',
    title: 'latency: adaptive_avg_pool1d (1,8,4) -> 1',
    inputShape: [1, 8, 4], op: { type: 'adaptive_avg_pool', outputSize: [1] },
  },
  {
    id: 'latency_global_avg_pool1d', group: 'latency', api: 'keras', layout: 'NLC',
    title: 'latency: GlobalAveragePooling1D (1,8,4) channels_last',
    inputShape: [1, 8, 4], op: { type: 'global_avg_pool' },
  },
  {
    // Per-call overhead of the window-pooling path (plan lookup, parameter
    // block, output Tensor): a mixed loop of such calls is what the lean-calls
    // memory test (tests/js/reliability.lean_calls.test.js) runs.
    id: 'latency_max_pool1d', group: 'latency', api: 'torch', layout: 'NCL',
    title: 'latency: max_pool1d (1,8,4) k2',
    inputShape: [1, 8, 4], op: { type: 'max_pool', kernel: [2], stride: [2], padding: [0] },
  },
  // ---- pooling (later issues; rows light up when nnwasm has the op) ----
  {
    id: 'global_avg_pool2d', group: 'pool', api: 'keras', layout: 'NHWC',
    title: 'GlobalAveragePooling2D (16,56,56,256) NHWC',
    inputShape: [16, 56, 56, 256], op: { type: 'global_avg_pool' },
  },
  {
    id: 'avg_pool2d_2x2s2_valid_nhwc', group: 'pool', api: 'keras', layout: 'NHWC',
    title: 'AveragePooling2D 2x2/2 valid (8,112,112,64) NHWC',
    inputShape: [8, 112, 112, 64],
    op: { type: 'avg_pool', kernel: [2, 2], stride: [2, 2], padding: 'valid', countIncludePad: false },
  },
  {
    id: 'avg_pool2d_3x3s1_same_nhwc', group: 'pool', api: 'keras', layout: 'NHWC',
    title: 'AveragePooling2D 3x3/1 same (8,56,56,64) NHWC',
    inputShape: [8, 56, 56, 64],
    op: { type: 'avg_pool', kernel: [3, 3], stride: [1, 1], padding: 'same', countIncludePad: false },
  },
  {
    id: 'max_pool2d_3x3s2_same_nhwc', group: 'pool', api: 'keras', layout: 'NHWC',
    title: 'MaxPooling2D 3x3/2 same (8,112,112,64) NHWC',
    inputShape: [8, 112, 112, 64],
    op: { type: 'max_pool', kernel: [3, 3], stride: [2, 2], padding: 'same' },
  },
  {
    id: 'avg_pool2d_3x3s2p1_nchw', group: 'pool', api: 'torch', layout: 'NCHW',
    title: 'avg_pool2d 3x3/2 pad 1 (8,64,112,112) NCHW',
    inputShape: [8, 64, 112, 112],
    op: { type: 'avg_pool', kernel: [3, 3], stride: [2, 2], padding: [1, 1], countIncludePad: true },
  },
  {
    id: 'max_pool2d_3x3s2p1_nchw', group: 'pool', api: 'torch', layout: 'NCHW',
    title: 'max_pool2d 3x3/2 pad 1 (8,64,112,112) NCHW',
    inputShape: [8, 64, 112, 112],
    op: { type: 'max_pool', kernel: [3, 3], stride: [2, 2], padding: [1, 1] },
  },
  {
    id: 'adaptive_avg_pool2d_7x7', group: 'pool', api: 'torch', layout: 'NCHW',
    title: 'adaptive_avg_pool2d (16,256,14,14) -> (7,7)',
    inputShape: [16, 256, 14, 14], op: { type: 'adaptive_avg_pool', outputSize: [7, 7] },
  },
  // ---- convolution (later issues) ----
  {
    id: 'conv1d_k3_same_nlc', group: 'conv', api: 'keras', layout: 'NLC',
    title: 'Conv1D (16,1024,64) -> 128, k3 same, bias, NLC',
    inputShape: [16, 1024, 64],
    op: { type: 'conv', filters: 128, kernel: [3], stride: [1], dilation: [1], padding: 'same', groups: 1, bias: true },
  },
  {
    id: 'conv1d_k9_d2_causal_nlc', group: 'conv', api: 'keras', layout: 'NLC',
    title: 'Conv1D (8,4096,32) -> 64, k9 dilation 2 causal, bias, NLC',
    inputShape: [8, 4096, 32],
    op: { type: 'conv', filters: 64, kernel: [9], stride: [1], dilation: [2], padding: 'causal', groups: 1, bias: true },
  },
  {
    id: 'conv2d_3x3_p1_nchw', group: 'conv', api: 'torch', layout: 'NCHW',
    title: 'conv2d (1,64,56,56) -> 64, 3x3 pad 1, bias, NCHW',
    inputShape: [1, 64, 56, 56],
    op: { type: 'conv', filters: 64, kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1], groups: 1, bias: true },
  },
  {
    id: 'conv2d_3x3_same_nhwc', group: 'conv', api: 'keras', layout: 'NHWC',
    title: 'Conv2D (1,56,56,64) -> 64, 3x3 same, bias, NHWC',
    inputShape: [1, 56, 56, 64],
    op: { type: 'conv', filters: 64, kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: 'same', groups: 1, bias: true },
  },
  {
    id: 'depthwise_conv2d_3x3_nchw', group: 'conv', api: 'torch', layout: 'NCHW',
    title: 'depthwise conv2d (1,128,56,56) 3x3 pad 1 groups 128, bias, NCHW',
    inputShape: [1, 128, 56, 56],
    op: { type: 'conv', filters: 128, kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [1, 1], groups: 128, bias: true },
  },
  {
    id: 'conv2d_1x1_nchw', group: 'conv', api: 'torch', layout: 'NCHW',
    title: '1x1 conv2d (1,256,28,28) -> 256, bias, NCHW',
    inputShape: [1, 256, 28, 28],
    op: { type: 'conv', filters: 256, kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padding: [0, 0], groups: 1, bias: true },
  },
  // ---- layers between the convolutions (issue 12) ----
  // group 'elementwise': timed as bandwidth (GB/s); 'compute' and 'block': GFLOP/s.
  {
    id: 'dense_64x1024_1000', group: 'compute', api: 'keras', layout: 'NC',
    title: 'Dense (64,1024) -> 1000, bias',
    inputShape: [64, 1024], op: { type: 'dense', units: 1000, bias: true },
  },
  {
    id: 'batch_norm_nhwc', group: 'elementwise', api: 'keras', layout: 'NHWC',
    title: 'BatchNormalization (8,56,56,96) NHWC, inference',
    inputShape: [8, 56, 56, 96], op: { type: 'batch_norm', epsilon: 1e-3 },
  },
  {
    // Inputs in [-8, 8) so both ends of the clamp are exercised.
    id: 'relu6_nhwc', group: 'elementwise', api: 'keras', layout: 'NHWC',
    title: 'ReLU({max_value: 6}) (8,56,56,96)',
    inputShape: [8, 56, 56, 96], inputScale: 8, op: { type: 'relu6' },
  },
  {
    id: 'add_nhwc', group: 'elementwise', api: 'keras', layout: 'NHWC',
    title: 'Add (8,28,28,64) + (8,28,28,64)',
    inputShape: [8, 28, 28, 64], inputCount: 2, op: { type: 'add' },
  },
  {
    id: 'concat_last_axis_nhwc', group: 'elementwise', api: 'keras', layout: 'NHWC',
    title: 'Concatenate last axis (8,28,28,64) ++ (8,28,28,64)',
    inputShape: [8, 28, 28, 64], inputCount: 2, op: { type: 'concat', axis: -1 },
  },
  {
    id: 'conv2d_transpose_3x3s2_same_nhwc', group: 'compute', api: 'keras', layout: 'NHWC',
    title: 'Conv2DTranspose (1,28,28,64) -> 32, 3x3 stride 2 same, bias, NHWC',
    inputShape: [1, 28, 28, 64],
    op: { type: 'conv_transpose', filters: 32, kernel: [3, 3], stride: [2, 2], padding: 'same', bias: true },
  },
  {
    id: 'depthwise_conv2d_3x3s1_same_nhwc', group: 'compute', api: 'keras', layout: 'NHWC',
    title: 'DepthwiseConv2D (1,112,112,32) 3x3 stride 1 same, bias, NHWC',
    inputShape: [1, 112, 112, 32],
    op: {
      type: 'conv', depthwise: true, filters: 32, kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: 'same',
      groups: 32, bias: true,
    },
  },
  {
    id: 'depthwise_conv2d_3x3s2_same_nhwc', group: 'compute', api: 'keras', layout: 'NHWC',
    title: 'DepthwiseConv2D (1,112,112,96) 3x3 stride 2 same, bias, NHWC',
    inputShape: [1, 112, 112, 96],
    op: {
      type: 'conv', depthwise: true, filters: 96, kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padding: 'same',
      groups: 96, bias: true,
    },
  },
  {
    // Conv2D 1x1 (no bias) -> BN -> ReLU6 -> DepthwiseConv2D 3x3 same (no
    // bias) -> BN -> ReLU6 -> Conv2D 1x1 (no bias) -> BN -> Add(block input).
    id: 'mobilenetv2_block_nhwc', group: 'block', api: 'keras', layout: 'NHWC',
    title: 'MobileNetV2 inverted-residual block (1,56,56,24), expansion 6, NHWC',
    inputShape: [1, 56, 56, 24], tolerance: 1e-4,
    op: { type: 'mobilenetv2_block', expansion: 6, epsilon: 1e-3 },
  },
];

/**
 * Workloads picked by a comma list: an exact id picks that one, any other
 * text picks every id containing it. No list: all.
 */
export function selectWorkloads(only) {
  if (!only) return WORKLOADS;
  const parts = only.split(',').filter(Boolean);
  return WORKLOADS.filter((w) => parts.some((p) => w.id === p ||
    (!WORKLOADS.some((x) => x.id === p) && w.id.includes(p))));
}

// ---- seeded random numbers ----------------------------------------------------

/** 32-bit xorshift-multiply generator; returns floats in [0, 1). */
export function makeRng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable 32-bit seed from a string, so each workload has its own inputs. */
export function seedFrom(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function uniform(count, rng, scale = 1) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

// ---- shapes and layouts ----------------------------------------------------

export const product = (dims) => dims.reduce((a, b) => a * b, 1);

/** Split a shape by its layout letters into batch, channels and spatial dims. */
export function splitShape(shape, layout) {
  const spatial = [];
  let N = 1, C = 1;
  [...layout].forEach((letter, i) => {
    if (letter === 'N') N = shape[i];
    else if (letter === 'C') C = shape[i];
    else spatial.push(shape[i]);
  });
  return { N, C, spatial };
}

/** Compose a shape in `layout` from batch, channels and spatial dims. */
export function joinShape(layout, N, C, spatial) {
  let s = 0;
  return [...layout].map((letter) => (letter === 'N' ? N : letter === 'C' ? C : spatial[s++]));
}

export const isChannelsLast = (layout) => layout.endsWith('C');

/** The same layout with channels moved first (NLC -> NCL, NHWC -> NCHW) or last. */
export function channelsFirstLayout(layout) {
  return isChannelsLast(layout) ? 'NC' + layout.slice(1, -1) : layout;
}
export function channelsLastLayout(layout) {
  return isChannelsLast(layout) ? layout : 'N' + layout.slice(2) + 'C';
}

/** Reorder a row-major tensor from layout `from` to layout `to` (same letters). */
export function relayout(data, shape, from, to) {
  if (from === to) return { data, shape };
  const perm = [...to].map((letter) => from.indexOf(letter));
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const permStrides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const rank = shape.length;
  const index = new Array(rank).fill(0);
  let src = 0;
  const last = rank - 1, lastStride = permStrides[last], lastLen = outShape[last];
  // Odometer over the output, innermost dim in a tight loop.
  for (let o = 0; o < out.length; o += lastLen) {
    for (let k = 0, s = src; k < lastLen; k++, s += lastStride) out[o + k] = data[s];
    for (let d = last - 1; d >= 0; d--) {
      index[d]++;
      src += permStrides[d];
      if (index[d] < outShape[d]) break;
      src -= permStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

export function stridesOf(shape) {
  const strides = new Array(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
  return strides;
}

// ---- op geometry -------------------------------------------------------------

/** PyTorch adaptive pooling window for output index i: [start, end). */
export function adaptiveWindow(i, inSize, outSize) {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

/**
 * Padding before each spatial dim, and output sizes, for a windowed op.
 * @returns {{ before: number[], after: number[], out: number[] }}
 */
export function windowGeometry(op, inSpatial) {
  const before = [], after = [], out = [];
  inSpatial.forEach((size, d) => {
    const k = op.kernel[d], s = op.stride[d], dil = op.dilation?.[d] ?? 1;
    const span = dil * (k - 1) + 1;
    let lo, hi, o;
    if (op.padding === 'valid') {
      lo = hi = 0;
      o = Math.floor((size - span) / s) + 1;
    } else if (op.padding === 'same') {
      o = Math.ceil(size / s);
      const total = Math.max((o - 1) * s + span - size, 0);
      lo = Math.floor(total / 2);
      hi = total - lo;
    } else if (op.padding === 'causal') {
      lo = span - 1; hi = 0;
      o = Math.floor((size + lo - span) / s) + 1;
    } else {
      lo = hi = op.padding[d];
      o = Math.floor((size + 2 * lo - span) / s) + 1;
    }
    before.push(lo); after.push(hi); out.push(o);
  });
  return { before, after, out };
}

/** Output shape of a workload, in the workload's own layout. */
export function outputShapeOf(w) {
  const { N, C, spatial } = splitShape(w.inputShape, w.layout);
  const op = w.op;
  switch (op.type) {
    case 'global_avg_pool': return [N, C];
    case 'adaptive_avg_pool': return joinShape(w.layout, N, C, op.outputSize);
    case 'avg_pool':
    case 'max_pool': return joinShape(w.layout, N, C, windowGeometry(op, spatial).out);
    case 'conv': return joinShape(w.layout, N, op.filters, windowGeometry(op, spatial).out);
    case 'dense': return [N, op.units];
    case 'batch_norm':
    case 'relu6':
    case 'add':
    case 'mobilenetv2_block': return [...w.inputShape];
    case 'concat': {
      const shape = [...w.inputShape];
      shape[concatAxis(w)] *= 2;
      return shape;
    }
    case 'conv_transpose': return joinShape(w.layout, N, op.filters, transposeGeometry(op, spatial).out);
    default: throw new Error(`unknown op type ${op.type}`);
  }
}

export function outputLayoutOf(w) {
  return w.op.type === 'global_avg_pool' ? 'NC' : w.layout;
}

/** Bytes read (inputs, and BatchNorm's four parameter vectors) + written (output), for GB/s. */
export function bytesMoved(w) {
  const params = w.op.type === 'batch_norm' ? 4 * splitShape(w.inputShape, w.layout).C : 0;
  return 4 * ((w.inputCount ?? 1) * product(w.inputShape) + params + product(outputShapeOf(w)));
}

/** The concatenation axis as a non-negative index. */
export function concatAxis(w) {
  const rank = w.inputShape.length;
  return w.op.axis < 0 ? w.op.axis + rank : w.op.axis;
}

/**
 * Transposed convolution geometry, Keras/TF arithmetic: the output is what a
 * forward conv with the same padding maps back onto the input ('same':
 * in * stride, 'valid': (in - 1) * stride + kernel); `before` is the forward
 * conv's leading pad, i.e. output o takes input i through tap k when
 * o = i * stride + k - before.
 */
export function transposeGeometry(op, inSpatial) {
  const before = [], after = [], out = [];
  inSpatial.forEach((size, d) => {
    const k = op.kernel[d], s = op.stride[d];
    const o = op.padding === 'same' ? size * s : (size - 1) * s + k;
    const total = Math.max((size - 1) * s + k - o, 0);
    before.push(Math.floor(total / 2)); after.push(total - Math.floor(total / 2)); out.push(o);
  });
  return { before, after, out };
}

/** Multiply-add flops (2 per mul+add) of the compute rows; bias, BN, activations left out. */
export function flopsOf(w) {
  const op = w.op;
  const { N, C, spatial } = splitShape(w.inputShape, w.layout);
  switch (op.type) {
    case 'conv': return convFlops(w);
    case 'dense': return 2 * N * C * op.units;
    // Every input pixel meets every tap, those landing in the cropped border included.
    case 'conv_transpose': return 2 * N * product(spatial) * C * op.filters * product(op.kernel);
    case 'mobilenetv2_block': {
      const hidden = C * op.expansion, pixels = N * product(spatial);
      return 2 * pixels * (C * hidden + 9 * hidden + hidden * C);
    }
    default: return NaN;
  }
}

/** Conv flops, a mul+add counted as 2; bias adds left out. */
export function convFlops(w) {
  const { N, C } = splitShape(w.inputShape, w.layout);
  const { spatial: outSpatial } = splitShape(outputShapeOf(w), w.layout);
  const op = w.op;
  return 2 * N * product(outSpatial) * op.filters * (C / op.groups) * product(op.kernel);
}

// ---- inputs ------------------------------------------------------------------

/**
 * Deterministic inputs for a workload: input in the workload's layout, and for
 * conv the weight in PyTorch layout (out, in/groups, ...kernel) and the bias.
 */
export function makeInputs(w) {
  const rng = makeRng(seedFrom(w.id));
  const input = uniform(product(w.inputShape), rng, w.inputScale ?? 1);
  const result = { input, inputShape: w.inputShape, layout: w.layout };
  const { C } = splitShape(w.inputShape, w.layout);
  if (w.inputCount === 2) result.input2 = uniform(product(w.inputShape), rng, w.inputScale ?? 1);
  if (w.op.type === 'dense') {
    // Keras layout (in, units).
    result.kernelShape = [C, w.op.units];
    result.kernel = uniform(C * w.op.units, rng, 1 / Math.sqrt(C));
    result.bias = w.op.bias ? uniform(w.op.units, rng, 0.1) : null;
  }
  if (w.op.type === 'batch_norm') result.bn = batchNormParams(C, rng);
  if (w.op.type === 'conv_transpose') {
    // PyTorch / ONNX layout (in, out, k...).
    const op = w.op;
    result.weightShape = [C, op.filters, ...op.kernel];
    result.weight = uniform(product(result.weightShape), rng, 1 / Math.sqrt(C * product(op.kernel)));
    result.bias = op.bias ? uniform(op.filters, rng, 0.1) : null;
  }
  if (w.op.type === 'mobilenetv2_block') {
    // Keras layouts: 1x1 kernels as (in, out), the depthwise one as (3, 3, hidden).
    const hidden = C * w.op.expansion;
    result.block = {
      hidden,
      expand: uniform(C * hidden, rng, 1 / Math.sqrt(C)),
      bn1: batchNormParams(hidden, rng),
      depthwise: uniform(9 * hidden, rng, 1 / 3),
      bn2: batchNormParams(hidden, rng),
      project: uniform(hidden * C, rng, 1 / Math.sqrt(hidden)),
      bn3: batchNormParams(C, rng),
    };
  }
  if (w.op.type === 'conv') {
    const { C } = splitShape(w.inputShape, w.layout);
    const op = w.op;
    const weightShape = [op.filters, C / op.groups, ...op.kernel];
    // Scaled like a fan-in initializer so outputs stay O(1).
    result.weightShape = weightShape;
    result.weight = uniform(product(weightShape), rng, 1 / Math.sqrt(product(weightShape.slice(1))));
    result.bias = op.bias ? uniform(op.filters, rng, 0.1) : null;
  }
  return result;
}

/** Random BatchNorm weights and moving statistics; variances in [0.5, 1.5). */
function batchNormParams(C, rng) {
  const around = (centre, spread) => Float32Array.from({ length: C }, () => centre + (rng() * 2 - 1) * spread);
  return { gamma: around(1, 0.5), beta: around(0, 0.2), mean: around(0, 0.5), variance: around(1, 0.5) };
}

// ---- reference ---------------------------------------------------------------

/**
 * A function (outFlatIndex) -> expected value, in float64, for the output in
 * the workload's output layout. Checking a sample of positions keeps the
 * conv references cheap while still catching layout and border mistakes.
 */
export function referenceAt(w, inputs) {
  const { input } = inputs;
  const { N, C, spatial: inSp } = splitShape(w.inputShape, w.layout);
  const inStride = layoutStrides(w.inputShape, w.layout);
  const outShape = outputShapeOf(w);
  const outLayout = outputLayoutOf(w);
  const outStrideByLetter = layoutStrides(outShape, outLayout);
  const { spatial: outSp } = splitShape(outShape, outLayout);
  const spatialDims = inSp.length;
  const op = w.op;

  // Decode a flat output index into n, c and spatial position.
  const decode = (flat) => {
    const pos = { n: 0, c: 0, s: new Array(spatialDims).fill(0) };
    [...outLayout].forEach((letter, i) => {
      const v = Math.floor(flat / outStrideByLetter.all[i]) % outShape[i];
      if (letter === 'N') pos.n = v; else if (letter === 'C') pos.c = v;
      else pos.s[outStrideByLetter.spatialOrder.indexOf(i)] = v;
    });
    return pos;
  };
  const at = (n, c, s) => {
    let off = n * inStride.N + c * inStride.C;
    for (let d = 0; d < spatialDims; d++) off += s[d] * inStride.spatial[d];
    return input[off];
  };

  // Visit every in-bounds spatial point of a box [lo, hi) per dim.
  const forBox = (lo, hi, step, visit) => {
    if (spatialDims === 1) {
      for (let a = lo[0]; a < hi[0]; a += step[0]) visit([a]);
    } else {
      for (let a = lo[0]; a < hi[0]; a += step[0]) for (let b = lo[1]; b < hi[1]; b += step[1]) visit([a, b]);
    }
  };

  switch (op.type) {
    case 'global_avg_pool':
      return (flat) => {
        const { n, c } = decode(flat);
        let sum = 0;
        forBox(inSp.map(() => 0), inSp, inSp.map(() => 1), (s) => { sum += at(n, c, s); });
        return sum / product(inSp);
      };
    case 'adaptive_avg_pool':
      return (flat) => {
        const { n, c, s: o } = decode(flat);
        const win = o.map((i, d) => adaptiveWindow(i, inSp[d], op.outputSize[d]));
        let sum = 0, count = 0;
        forBox(win.map((x) => x[0]), win.map((x) => x[1]), inSp.map(() => 1), (s) => { sum += at(n, c, s); count++; });
        return sum / count;
      };
    case 'avg_pool':
    case 'max_pool': {
      const g = windowGeometry(op, inSp);
      return (flat) => {
        const { n, c, s: o } = decode(flat);
        const start = o.map((i, d) => i * op.stride[d] - g.before[d]);
        const lo = start.map((x) => Math.max(x, 0));
        const hi = start.map((x, d) => Math.min(x + op.kernel[d], inSp[d]));
        let sum = 0, count = 0, max = -Infinity;
        forBox(lo, hi, inSp.map(() => 1), (s) => {
          const v = at(n, c, s);
          sum += v; count++;
          if (v > max) max = v;
        });
        if (op.type === 'max_pool') return max;
        // PyTorch count_include_pad: the window clipped to the padded input.
        const divisor = op.countIncludePad
          ? start.reduce((acc, x, d) => acc * (Math.min(x + op.kernel[d], inSp[d] + g.after[d]) - Math.max(x, -g.before[d])), 1)
          : count;
        return sum / divisor;
      };
    }
    case 'conv': {
      const g = windowGeometry(op, inSp);
      const { weight, bias, weightShape } = inputs;
      const cinPerGroup = C / op.groups, coutPerGroup = op.filters / op.groups;
      const wStrides = stridesOf(weightShape);
      return (flat) => {
        const { n, c: oc, s: o } = decode(flat);
        const group = Math.floor(oc / coutPerGroup);
        let sum = bias ? bias[oc] : 0;
        for (let ci = 0; ci < cinPerGroup; ci++) {
          const c = group * cinPerGroup + ci;
          forBox(op.kernel.map(() => 0), op.kernel, op.kernel.map(() => 1), (k) => {
            const s = o.map((i, d) => i * op.stride[d] - g.before[d] + k[d] * op.dilation[d]);
            if (s.some((x, d) => x < 0 || x >= inSp[d])) return;
            let wOff = oc * wStrides[0] + ci * wStrides[1];
            for (let d = 0; d < spatialDims; d++) wOff += k[d] * wStrides[2 + d];
            sum += weight[wOff] * at(n, c, s);
          });
        }
        return sum;
      };
    }
    case 'dense': {
      const { kernel, bias } = inputs;
      const units = op.units;
      return (flat) => {
        const n = Math.floor(flat / units), u = flat % units;
        let sum = bias ? bias[u] : 0;
        for (let k = 0; k < C; k++) sum += input[n * C + k] * kernel[k * units + u];
        return sum;
      };
    }
    case 'batch_norm': {
      const { gamma, beta, mean, variance } = inputs.bn;
      return (flat) => {
        const { c } = decode(flat);
        return ((input[flat] - mean[c]) / Math.sqrt(variance[c] + op.epsilon)) * gamma[c] + beta[c];
      };
    }
    case 'relu6':
      return (flat) => Math.min(Math.max(input[flat], 0), 6);
    case 'add':
      return (flat) => input[flat] + inputs.input2[flat];
    case 'concat': {
      // One input's slab per step of the dims before the axis; the output alternates them.
      const axis = concatAxis(w);
      const slab = product(w.inputShape.slice(axis));
      return (flat) => {
        const outer = Math.floor(flat / (2 * slab)), rest = flat % (2 * slab);
        return (rest < slab ? input : inputs.input2)[outer * slab + (rest % slab)];
      };
    }
    case 'conv_transpose': {
      const g = transposeGeometry(op, inSp);
      const { weight, bias, weightShape } = inputs;
      const wStrides = stridesOf(weightShape);
      return (flat) => {
        const { n, c: oc, s: o } = decode(flat);
        let sum = bias ? bias[oc] : 0;
        forBox(op.kernel.map(() => 0), op.kernel, op.kernel.map(() => 1), (k) => {
          // Output o takes input i through tap k when o = i * stride + k - before.
          const t = o.map((x, d) => x + g.before[d] - k[d]);
          if (t.some((x, d) => x < 0 || x % op.stride[d] !== 0 || x / op.stride[d] >= inSp[d])) return;
          const s = t.map((x, d) => x / op.stride[d]);
          let wOff = oc * wStrides[1];
          for (let d = 0; d < spatialDims; d++) wOff += k[d] * wStrides[2 + d];
          for (let ci = 0; ci < C; ci++) sum += weight[wOff + ci * wStrides[0]] * at(n, ci, s);
        });
        return sum;
      };
    }
    case 'mobilenetv2_block': {
      const out = mobilenetV2BlockReference(w, inputs);
      return (flat) => out[flat];
    }
    default:
      throw new Error(`no reference for ${op.type}`);
  }
}

/** The whole inverted-residual block in float64, NHWC. */
function mobilenetV2BlockReference(w, inputs) {
  if (w.layout !== 'NHWC') throw new Error('mobilenetv2_block reference is NHWC only');
  const [N, H, W, C] = w.inputShape;
  const { input } = inputs;
  const { hidden, expand, bn1, depthwise, bn2, project, bn3 } = inputs.block;
  const eps = w.op.epsilon;
  const bn = (p, c, v) => ((v - p.mean[c]) / Math.sqrt(p.variance[c] + eps)) * p.gamma[c] + p.beta[c];
  const relu6 = (v) => Math.min(Math.max(v, 0), 6);
  const pixels = N * H * W;

  const expanded = new Float64Array(pixels * hidden);
  for (let p = 0; p < pixels; p++) {
    for (let j = 0; j < hidden; j++) {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += input[p * C + c] * expand[c * hidden + j];
      expanded[p * hidden + j] = relu6(bn(bn1, j, sum));
    }
  }
  // 3x3 stride 1 'same': one pixel of zero padding on every side.
  const filtered = new Float64Array(pixels * hidden);
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const p = (n * H + y) * W + x;
        for (let j = 0; j < hidden; j++) {
          let sum = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = y + dy, xx = x + dx;
              if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
              sum += expanded[((n * H + yy) * W + xx) * hidden + j] * depthwise[((dy + 1) * 3 + dx + 1) * hidden + j];
            }
          }
          filtered[p * hidden + j] = relu6(bn(bn2, j, sum));
        }
      }
    }
  }
  const out = new Float64Array(pixels * C);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let j = 0; j < hidden; j++) sum += filtered[p * hidden + j] * project[j * C + c];
      out[p * C + c] = bn(bn3, c, sum) + input[p * C + c];
    }
  }
  return out;
}

/** Strides of a shape keyed by layout letter (spatial ones in order). */
function layoutStrides(shape, layout) {
  const all = stridesOf(shape);
  const result = { N: 0, C: 0, spatial: [], all, spatialOrder: [] };
  [...layout].forEach((letter, i) => {
    if (letter === 'N') result.N = all[i];
    else if (letter === 'C') result.C = all[i];
    else { result.spatial.push(all[i]); result.spatialOrder.push(i); }
  });
  return result;
}

/**
 * Compare `actual` (in the workload's output layout) with the reference at a
 * seeded sample of positions (all of them for small outputs).
 * @returns {{ ok: boolean, checked: number, maxError: number, worst?: object }}
 */
export function verifyOutput(w, inputs, actual, { samples = 2048 } = {}) {
  const expectedCount = product(outputShapeOf(w));
  if (!actual || actual.length !== expectedCount) {
    return { ok: false, checked: 0, maxError: Infinity, message: `output has ${actual?.length} values, expected ${expectedCount}` };
  }
  const ref = referenceAt(w, inputs);
  const positions = [];
  if (expectedCount <= samples) {
    for (let i = 0; i < expectedCount; i++) positions.push(i);
  } else {
    const rng = makeRng(seedFrom(w.id + ':check'));
    positions.push(0, expectedCount - 1);
    for (let i = 2; i < samples; i++) positions.push(Math.floor(rng() * expectedCount));
  }
  let maxError = 0, worst = null;
  for (const p of positions) {
    const expected = ref(p), got = actual[p];
    // float32 accumulation over up to ~10^5 terms: relative 1e-3 is generous
    // for rounding but far below any indexing or window mistake (a workload
    // may ask for less: w.tolerance).
    let err = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
    if (Number.isNaN(err)) err = Infinity;
    if (err > maxError || worst === null) { maxError = Math.max(err, maxError); worst = { index: p, expected, got }; }
  }
  const ok = maxError <= (w.tolerance ?? 1e-3);
  return { ok, checked: positions.length, maxError, ...(ok ? {} : { worst }) };
}
