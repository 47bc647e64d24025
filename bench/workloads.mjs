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
    default: throw new Error(`unknown op type ${op.type}`);
  }
}

export function outputLayoutOf(w) {
  return w.op.type === 'global_avg_pool' ? 'NC' : w.layout;
}

/** Bytes read (input) + written (output), for GB/s. */
export function bytesMoved(w) {
  return 4 * (product(w.inputShape) + product(outputShapeOf(w)));
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
  const input = uniform(product(w.inputShape), rng);
  const result = { input, inputShape: w.inputShape, layout: w.layout };
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
    default:
      throw new Error(`no reference for ${op.type}`);
  }
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
    // for rounding but far below any indexing or window mistake.
    let err = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
    if (Number.isNaN(err)) err = Infinity;
    if (err > maxError || worst === null) { maxError = Math.max(err, maxError); worst = { index: p, expected, got }; }
  }
  const ok = maxError <= 1e-3;
  return { ok, checked: positions.length, maxError, ...(ok ? {} : { worst }) };
}
