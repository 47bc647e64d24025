// Property tests: >= 10,000 seeded random cases over every op, both layouts,
// both APIs (torch functions and modules, keras layers), Tensor and nested
// array inputs, batched and unbatched, some NaN/Inf values: each result
// matches the plain-JS reference, or a bad argument throws an Error that
// names the op; nothing leaks either way.
//
// Every case has its own seed, printed on failure. Replay one case:
//   NNWASM_SEED=<seed> node --experimental-vm-modules node_modules/jest/bin/jest.js tests/js/reliability.property.test.js
// NNWASM_CASES=<n> changes the number of cases (default 10,000).
//
// Adding an op: one entry in OPS below: { name, weight, make(next) } where
// make returns { shape, run(x) -> Tensor, want(values) -> Float32Array,
// outShape } for a random valid case; see the existing entries.
import { backend, init, keras, torch } from '../../js/index.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';
import * as pool1d from './reference/pool1d.js';
import * as pooling from './reference/pooling.js';
import { activationReference, convReference, permute } from './reference/conv.js';

const F = torch.nn.functional;
const BASE_SEED = Number(process.env.NNWASM_SEED ?? 0x5eed2026);
const REPLAY = process.env.NNWASM_SEED !== undefined && process.env.NNWASM_CASES === undefined;
const CASES = REPLAY ? 1 : Number(process.env.NNWASM_CASES ?? 10000);

beforeAll(() => init({ threads: 2 }));

// Random input values in [-1, 1), one in ~40 cases sprinkled with NaN/+-Inf
// (the references propagate them the same way the kernels must).
function values(next, n) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = next() * 2 - 1;
  if (next() < 0.025) {
    const specials = [NaN, Infinity, -Infinity, -0];
    for (let k = randInt(next, 1, 3); k > 0 && n > 0; k--) v[randInt(next, 0, n - 1)] = specials[randInt(next, 0, 3)];
  }
  return v;
}

// Small dims with a bias to vector/tile boundaries (1-5, 7, 8, 15-17, 31-33).
function dim(next, max) {
  const edges = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33];
  const d = next() < 0.6 ? edges[randInt(next, 0, edges.length - 1)] : randInt(next, 1, max);
  return Math.min(d, max);
}

// The op table: each make(next) returns a random valid case.
const OPS = [
  {
    name: 'torch F.adaptive_avg_pool1d (N,C,L) / (C,L)',
    weight: 3,
    make(next) {
      const batched = next() < 0.8;
      const n = batched ? dim(next, 4) : 1;
      const c = dim(next, 24);
      const l = dim(next, 80);
      const o = next() < 0.1 ? 0 : dim(next, 2 * l + 3);
      const asArg = next() < 0.5 ? o : [o];
      return {
        shape: batched ? [n, c, l] : [c, l],
        outShape: batched ? [n, c, o] : [c, o],
        run: (x) => F.adaptive_avg_pool1d(x, asArg),
        want: (v) => pool1d.adaptiveAvgPool1d(v, n * c, l, o),
      };
    },
  },
  {
    name: 'torch nn.AdaptiveAvgPool1d module',
    weight: 1,
    make(next) {
      const n = dim(next, 3);
      const c = dim(next, 16);
      const l = dim(next, 64);
      const o = dim(next, l + 2);
      const m = new torch.nn.AdaptiveAvgPool1d(o);
      return {
        shape: [n, c, l],
        outShape: [n, c, o],
        run: (x) => m.forward(x),
        want: (v) => pool1d.adaptiveAvgPool1d(v, n * c, l, o),
      };
    },
  },
  ...['channels_last', 'channels_first'].map((dataFormat) => ({
    name: `keras GlobalAveragePooling1D ${dataFormat}`,
    weight: 3,
    make(next) {
      const n = dim(next, 4);
      const l = dim(next, 48);
      const c = dim(next, 40);
      const keepdims = next() < 0.3;
      const masked = next() < 0.4;
      const mask = masked ? Array.from({ length: n }, () => Array.from({ length: l }, () => next() < 0.7)) : null;
      const options = next() < 0.5 ? { data_format: dataFormat, keepdims } : { dataFormat, keepdims };
      const layer = new keras.layers.GlobalAveragePooling1D(options);
      const last = dataFormat === 'channels_last';
      let outShape = [n, c];
      if (keepdims) outShape = last ? [n, 1, c] : [n, c, 1];
      return {
        shape: last ? [n, l, c] : [n, c, l],
        outShape,
        run: (x) => (masked ? layer.apply(x, { mask }) : layer.apply(x)),
        want: (v) => pool1d.globalAvgPool1d(v, n, l, c, last, mask ? mask.flat() : null),
      };
    },
  })),
  // Window pooling, PyTorch: 2D and 1D (a 1D case is a 2D one with H = 1).
  ...[1, 2].flatMap((nd) => ['avg', 'max'].map((kind) => ({
    name: `torch F.${kind}_pool${nd}d`,
    weight: 2,
    make(next) {
      const batched = next() < 0.8;
      const n = batched ? dim(next, 2) : 1;
      const c = dim(next, 6);
      const k = [nd === 1 ? 1 : randInt(next, 1, 4), randInt(next, 1, 4)];
      const st = [nd === 1 ? 1 : randInt(next, 1, 3), randInt(next, 1, 3)];
      const p = [nd === 1 ? 0 : randInt(next, 0, k[0] >> 1), randInt(next, 0, k[1] >> 1)];
      const d = kind === 'max' ? [nd === 1 ? 1 : randInt(next, 1, 2), randInt(next, 1, 2)] : [1, 1];
      const span = (i) => d[i] * (k[i] - 1) + 1;
      const H = nd === 1 ? 1 : Math.max(dim(next, 12), span(0));
      const W = Math.max(dim(next, nd === 1 ? 60 : 12), span(1));
      const ceil = next() < 0.3;
      const cip = next() < 0.7;
      const divisor = nd === 2 && next() < 0.15 ? randInt(next, 1, 9) : null;
      const indices = kind === 'max' && next() < 0.4;
      const arg = (v) => (nd === 1 ? v[1] : next() < 0.5 ? v : v[0] === v[1] ? v[0] : v);
      const [ka, sa, pa, da] = [arg(k), arg(st), arg(p), arg(d)];
      const OH = pooling.torchOutSize(H, k[0], st[0], p[0], d[0], ceil);
      const OW = pooling.torchOutSize(W, k[1], st[1], p[1], d[1], ceil);
      const lead = batched ? [n, c] : [c];
      const f = F[`${kind}_pool${nd}d`];
      let run;
      if (kind === 'avg') {
        run = (x) => (nd === 1 ? f(x, ka, sa, pa, ceil, cip) : f(x, ka, sa, pa, ceil, cip, divisor));
      } else if (indices) {
        run = (x) => {
          const [y, i] = f(x, ka, sa, pa, da, ceil, true);
          y.dispose();
          return i;
        };
      } else {
        run = (x) => f(x, ka, { stride: sa, padding: pa, dilation: da, ceil_mode: ceil });
      }
      return {
        shape: nd === 1 ? [...lead, W] : [...lead, H, W],
        outShape: nd === 1 ? [...lead, OW] : [...lead, OH, OW],
        run,
        want: (v) => {
          if (kind === 'avg') return pooling.torchAvgPool2d(v, n * c, H, W, { k, s: st, p, ceil, countIncludePad: cip, divisor }).out;
          const r = pooling.torchMaxPool2d(v, n * c, H, W, { k, s: st, p, d, ceil });
          return indices ? r.idx : r.out;
        },
      };
    },
  }))),
  // Adaptive pooling, PyTorch: avg 2D, max 1D and 2D (values or indices).
  ...[['avg', 2], ['max', 1], ['max', 2]].map(([kind, nd]) => ({
    name: `torch F.adaptive_${kind}_pool${nd}d`,
    weight: 2,
    make(next) {
      const batched = next() < 0.8;
      const n = batched ? dim(next, 2) : 1;
      const c = dim(next, 6);
      const H = nd === 1 ? 1 : dim(next, 14);
      const W = dim(next, nd === 1 ? 60 : 14);
      const OH = nd === 1 ? 1 : next() < 0.15 ? H : dim(next, H + 3);
      const OW = next() < 0.15 ? W : dim(next, W + 3);
      const size = nd === 1 ? OW : [OH === H && next() < 0.5 ? null : OH, OW];
      const indices = kind === 'max' && next() < 0.4;
      const lead = batched ? [n, c] : [c];
      const f = F[`adaptive_${kind}_pool${nd}d`];
      return {
        shape: nd === 1 ? [...lead, W] : [...lead, H, W],
        outShape: nd === 1 ? [...lead, OW] : [...lead, OH, OW],
        run: (x) => {
          if (!indices) return f(x, size);
          const [y, i] = f(x, size, true);
          y.dispose();
          return i;
        },
        want: (v) => {
          if (kind === 'avg') return pooling.adaptiveAvgPool2d(v, n * c, H, W, OH, OW);
          const r = pooling.adaptiveMaxPool2d(v, n * c, H, W, OH, OW);
          return indices ? r.idx : r.out;
        },
      };
    },
  })),
  // Window pooling, Keras: both layouts, 'valid' and 'same', 1D and 2D.
  ...['Average', 'Max'].flatMap((kind) => [1, 2].flatMap((nd) => ['channels_last', 'channels_first'].map((format) => ({
    name: `keras ${kind}Pooling${nd}D ${format}`,
    weight: 1,
    make(next) {
      const n = dim(next, 2);
      const c = dim(next, 6);
      const pool = [nd === 1 ? 1 : randInt(next, 1, 4), randInt(next, 1, 4)];
      const strides = next() < 0.3 ? null : [nd === 1 ? 1 : randInt(next, 1, 3), randInt(next, 1, 3)];
      const H = nd === 1 ? 1 : Math.max(dim(next, 12), pool[0]);
      const W = Math.max(dim(next, nd === 1 ? 60 : 12), pool[1]);
      const padding = next() < 0.5 ? 'same' : 'valid';
      const last = format === 'channels_last';
      const opt = (v) => (nd === 1 ? v[1] : v);
      const options = next() < 0.5
        ? { pool_size: opt(pool), strides: strides && opt(strides), padding, data_format: format }
        : { poolSize: opt(pool), strides: strides && opt(strides), padding, dataFormat: format };
      const layer = new keras.layers[`${kind}Pooling${nd}D`](options);
      const shape4 = last ? [n, H, W, c] : [n, c, H, W];
      const ref = (v) => pooling.kerasPool2d(v, shape4, { pool, strides: strides ?? pool, padding, channelsLast: last, max: kind === 'Max' });
      const outShape4 = ref(new Float32Array(n * c * H * W)).outShape;
      const drop = (sh) => sh.filter((_, i) => i !== (last ? 1 : 2));
      return {
        shape: nd === 1 ? drop(shape4) : shape4,
        outShape: nd === 1 ? drop(outShape4) : outShape4,
        run: (x) => layer.apply(x),
        want: (v) => ref(v).out,
      };
    },
  })))),
  // Global pooling, Keras: max 1D (with masks), average and max 2D.
  ...[['Max', 1], ['Average', 2], ['Max', 2]].flatMap(([kind, nd]) => ['channels_last', 'channels_first'].map((format) => ({
    name: `keras Global${kind}Pooling${nd}D ${format}`,
    weight: 1,
    make(next) {
      const n = dim(next, 4);
      const H = nd === 1 ? 1 : dim(next, 10);
      const W = dim(next, nd === 1 ? 48 : 10);
      const c = dim(next, nd === 1 ? 24 : 12);
      const keepdims = next() < 0.3;
      const last = format === 'channels_last';
      const masked = nd === 1 && next() < 0.4;
      const mask = masked ? Array.from({ length: n }, () => Array.from({ length: W }, () => next() < 0.7)) : null;
      const layer = new keras.layers[`Global${kind}Pooling${nd}D`]({ data_format: format, keepdims });
      const ones = nd === 1 ? [1] : [1, 1];
      let outShape = [n, c];
      if (keepdims) outShape = last ? [n, ...ones, c] : [n, c, ...ones];
      const spatial = nd === 1 ? [W] : [H, W];
      return {
        shape: last ? [n, ...spatial, c] : [n, c, ...spatial],
        outShape,
        run: (x) => (masked ? layer.apply(x, { mask }) : layer.apply(x)),
        want: (v) => pooling.globalPool1d(v, last ? [n, H * W, c] : [n, c, H * W],
          { channelsLast: last, max: kind === 'Max', mask: mask ? mask.flat() : null }),
      };
    },
  }))),
  // Convolution, PyTorch: conv1d and conv2d, groups (depthwise too),
  // stride, dilation, integer / 'same' / 'valid' padding, bias or none.
  ...[1, 2].map((nd) => ({
    name: `torch F.conv${nd}d`,
    weight: 3,
    make(next) {
      const batched = next() < 0.8;
      const n = batched ? dim(next, 2) : 1;
      const depthwise = next() < 0.25;
      const groups = depthwise ? randInt(next, 1, 12) : randInt(next, 1, 3);
      const cinG = depthwise ? 1 : randInt(next, 1, 4);
      const cout = depthwise ? groups : groups * randInt(next, 1, 6);
      const cin = groups * cinG;
      const k = [nd === 1 ? 1 : randInt(next, 1, 4), randInt(next, 1, 5)];
      const mode = next();
      const padMode = mode < 0.15 ? 'same' : mode < 0.3 ? 'valid' : 'int';
      const st = padMode === 'same' ? [1, 1] : [nd === 1 ? 1 : randInt(next, 1, 2), randInt(next, 1, 3)];
      const d = [nd === 1 ? 1 : randInt(next, 1, 2), randInt(next, 1, 2)];
      const span = [0, 1].map((i) => d[i] * (k[i] - 1) + 1);
      const p = padMode === 'int' ? [nd === 1 ? 0 : randInt(next, 0, 2), randInt(next, 0, 2)] : [0, 0];
      if (padMode === 'same') for (const i of [0, 1]) p[i] = Math.floor((span[i] - 1) / 2);
      const H = nd === 1 ? 1 : Math.max(dim(next, 10), span[0]);
      const W = Math.max(dim(next, nd === 1 ? 40 : 10), span[1]);
      const out = padMode === 'same' ? [H, W] : [0, 1].map((i) => Math.floor(([H, W][i] + 2 * p[i] - span[i]) / st[i]) + 1);
      const wShape = [cout, cinG, k[0], k[1]];
      const wv = randomValues(next, cout * cinG * k[0] * k[1]);
      const bv = next() < 0.7 ? randomValues(next, cout) : null;
      const lead = batched ? [n, cin] : [cin];
      const f = nd === 1 ? F.conv1d : F.conv2d;
      const tail = (v) => (nd === 1 ? v[1] : v);
      return {
        shape: nd === 1 ? [...lead, W] : [...lead, H, W],
        outShape: nd === 1 ? (batched ? [n, cout, out[1]] : [cout, out[1]]) : (batched ? [n, cout, ...out] : [cout, ...out]),
        run: (x) => {
          const w = torch.tensor(wv, nd === 1 ? [cout, cinG, k[1]] : wShape);
          const b = bv && torch.tensor(bv, [cout]);
          try {
            const padding = padMode === 'int' ? tail(p) : padMode;
            return next() < 0.5 ? f(x, w, b, tail(st), padding, tail(d), groups)
              : f(x, w, { bias: b, stride: tail(st), padding, dilation: tail(d), groups });
          } finally {
            w.dispose();
            b?.dispose();
          }
        },
        want: (v) => Float32Array.from(convReference({ x: v, xShape: [n, cin, H, W], w: wv, wShape, bias: bv,
          stride: st, dilation: d, pad: p, out, groups })),
      };
    },
  })),
  // Convolution, Keras: Conv1D / Conv2D, both layouts, 'valid' / 'same',
  // strides or dilation, groups, activations, use_bias.
  ...[1, 2].flatMap((nd) => ['channels_last', 'channels_first'].map((format) => ({
    name: `keras Conv${nd}D ${format}`,
    weight: 2,
    make(next) {
      const n = dim(next, 2);
      const groups = next() < 0.3 ? randInt(next, 2, 3) : 1;
      const cinG = randInt(next, 1, 4);
      const filters = groups * randInt(next, 1, 6);
      const cin = groups * cinG;
      const k = [nd === 1 ? 1 : randInt(next, 1, 4), randInt(next, 1, 5)];
      const dilated = next() < 0.3;
      const st = dilated ? [1, 1] : [nd === 1 ? 1 : randInt(next, 1, 2), randInt(next, 1, 3)];
      const d = dilated ? [nd === 1 ? 1 : randInt(next, 1, 2), randInt(next, 1, 2)] : [1, 1];
      const span = [0, 1].map((i) => d[i] * (k[i] - 1) + 1);
      const padding = next() < 0.5 ? 'same' : 'valid';
      const H = nd === 1 ? 1 : Math.max(dim(next, 10), span[0]);
      const W = Math.max(dim(next, nd === 1 ? 40 : 10), span[1]);
      const geometry = [H, W].map((L, i) => {
        if (padding === 'valid') return { out: Math.floor((L - span[i]) / st[i]) + 1, before: 0 };
        const out = Math.ceil(L / st[i]);
        return { out, before: Math.floor(Math.max((out - 1) * st[i] + span[i] - L, 0) / 2) };
      });
      const out = geometry.map((g) => g.out);
      const names = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'gelu', 'swish', 'softplus', 'softsign', 'hard_sigmoid'];
      const activation = names[randInt(next, 0, names.length - 1)];
      const useBias = next() < 0.7;
      const last = format === 'channels_last';
      const kShape = nd === 1 ? [k[1], cinG, filters] : [k[0], k[1], cinG, filters];
      const kv = randomValues(next, k[0] * k[1] * cinG * filters);
      const bv = useBias ? randomValues(next, filters) : null;
      // Keras (kh, kw, in/groups, out) -> PyTorch (out, in/groups, kh, kw).
      const wv = permute(kv, [k[0], k[1], cinG, filters], [3, 2, 0, 1]).data;
      const spatial = nd === 1 ? [W] : [H, W];
      const outSpatial = nd === 1 ? [out[1]] : out;
      const tail = (v) => (nd === 1 ? v[1] : v);
      const layer = new keras.layers[`Conv${nd}D`]({ filters, kernel_size: tail(k), strides: tail(st), padding,
        data_format: format, dilation_rate: tail(d), groups, activation, use_bias: useBias });
      const shape = last ? [n, ...spatial, cin] : [n, cin, ...spatial];
      return {
        shape,
        outShape: last ? [n, ...outSpatial, filters] : [n, filters, ...outSpatial],
        run: (x) => {
          const kt = torch.tensor(kv, kShape);
          const bt = bv && torch.tensor(bv, [filters]);
          try {
            layer.build(shape);
            layer.set_weights(useBias ? [kt, bt] : [kt]);
            return layer.apply(x);
          } finally {
            kt.dispose();
            bt?.dispose();
            layer.dispose();
          }
        },
        want: (v) => {
          const x = last ? permute(v, [n, H, W, cin], [0, 3, 1, 2]).data : v;
          const y = convReference({ x, xShape: [n, cin, H, W], w: wv, wShape: [filters, cinG, k[0], k[1]], bias: bv,
            stride: st, dilation: d, pad: geometry.map((g) => g.before), out, groups });
          const act = activationReference[activation];
          const ya = Float32Array.from(y, (t) => act(Math.fround(t)));
          return last ? Float32Array.from(permute(ya, [n, filters, out[0], out[1]], [0, 2, 3, 1]).data) : ya;
        },
      };
    },
  }))),
];

// Bad arguments: each must throw an Error naming its op, leaking nothing.
// tmp(t) registers an input tensor the test disposes afterwards.
const BAD = [
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(dim(next, 5))), 2) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 0)), 2) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 4)), -dim(next, 9)) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 4)), 1.5) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 4)), [2, 2]) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d([[[1, 2], [3]]], 1) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d([[[1, 'a']]], 1) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d('x', 1) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(1, 1, 4)), 2 ** 40) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d([[[1, 2, 3]]], 2 ** 31) },
  { where: 'GlobalAveragePooling1D', call: (next, tmp) => new keras.layers.GlobalAveragePooling1D().apply(tmp(torch.zeros(dim(next, 3), 4))) },
  { where: 'GlobalAveragePooling1D', call: (next, tmp) => new keras.layers.GlobalAveragePooling1D().apply(tmp(torch.zeros(2, 3, 4)), { mask: [[1, 0]] }) },
  { where: 'GlobalAveragePooling1D', call: (next, tmp) => new keras.layers.GlobalAveragePooling1D().apply(tmp(torch.zeros(2, 3, 4)), { mask: 'all' }) },
  { where: 'GlobalAveragePooling1D', call: () => new keras.layers.GlobalAveragePooling1D({ data_format: 'nchw' }) },
  { where: 'avg_pool2d', call: (next, tmp) => F.avg_pool2d(tmp(torch.zeros(1, 2, 4, 4)), 0) },
  { where: 'avg_pool2d', call: (next, tmp) => F.avg_pool2d(tmp(torch.zeros(1, 2, 4, 4)), 2, 1, 2) },
  { where: 'max_pool2d', call: (next, tmp) => F.max_pool2d(tmp(torch.zeros(1, 2, 3, 3)), 5) },
  { where: 'max_pool1d', call: (next, tmp) => F.max_pool1d(tmp(torch.zeros(dim(next, 4))), 2) },
  { where: 'avg_pool1d', call: (next, tmp) => F.avg_pool1d(tmp(torch.zeros(1, 2, 8)), [2, 2]) },
  { where: 'adaptive_max_pool2d', call: (next, tmp) => F.adaptive_max_pool2d(tmp(torch.zeros(1, 2, 0, 4)), 2) },
  { where: 'adaptive_avg_pool2d', call: (next, tmp) => F.adaptive_avg_pool2d(tmp(torch.zeros(1, 2, 4, 4)), [2, -1]) },
  { where: 'adaptive_max_pool1d', call: (next, tmp) => F.adaptive_max_pool1d(tmp(torch.zeros(1, 2, 4)), 2 ** 40) },
  { where: 'conv2d', call: (next, tmp) => F.conv2d(tmp(torch.zeros(1, 3, 5, 5)), tmp(torch.zeros(2, 2, 3, 3))) },
  { where: 'conv2d', call: (next, tmp) => F.conv2d(tmp(torch.zeros(1, 4, 5, 5)), tmp(torch.zeros(3, 2, 3, 3)), null, 1, 0, 1, 2) },
  { where: 'conv1d', call: (next, tmp) => F.conv1d(tmp(torch.zeros(1, 2, 3)), tmp(torch.zeros(2, 2, 5))) },
  { where: 'conv1d', call: (next, tmp) => F.conv1d(tmp(torch.zeros(1, 2, 9)), tmp(torch.zeros(2, 2, 3)), null, 2, 'same') },
  { where: 'MaxPooling2D', call: () => new keras.layers.MaxPooling2D({ pool_size: 0 }) },
  { where: 'AveragePooling1D', call: () => new keras.layers.AveragePooling1D({ pool_size: 2, padding: 'full' }) },
  { where: 'GlobalMaxPooling2D', call: (next, tmp) => new keras.layers.GlobalMaxPooling2D().apply(tmp(torch.zeros(2, 3, 4))) },
  { where: 'Conv2D', call: () => new keras.layers.Conv2D({ filters: 0, kernel_size: 3 }) },
  { where: 'Conv1D', call: (next, tmp) => new keras.layers.Conv1D({ filters: 2, kernel_size: 3, activation: 'nope' }) },
  { where: 'Conv2D', call: (next, tmp) => new keras.layers.Conv2D({ filters: 2, kernel_size: 3 }).apply(tmp(torch.zeros(1, 2, 2, 3))) },
];

// Row-major values -> nested arrays of the given shape.
function nest(v, shape, offset = 0) {
  if (shape.length === 0) return v[offset];
  const stride = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nest(v, shape.slice(1), offset + i * stride));
}

function describeCase(op, seed, shape) {
  return `${op.name}, input shape [${shape}], seed ${seed} (replay: NNWASM_SEED=${seed})`;
}

// Runs one case; returns an error string or null.
function runCase(op, seed) {
  const next = rng(seed);
  const c = op.make(next);
  const numel = c.shape.reduce((a, b) => a * b, 1);
  const v = values(next, numel);
  const asArray = next() < 0.15;
  const x = asArray ? nest(v, c.shape) : torch.tensor(v, c.shape);
  const x2 = asArray ? null : x;
  let y;
  try {
    y = c.run(x);
  } catch (e) {
    x2?.dispose();
    return `${describeCase(op, seed, c.shape)}: threw ${e.message}`;
  }
  try {
    if (JSON.stringify(y.shape) !== JSON.stringify(c.outShape)) {
      return `${describeCase(op, seed, c.shape)}: output shape [${y.shape}], want [${c.outShape}]`;
    }
    const got = y.data;
    const want = c.want(v);
    const bad = firstMismatch(got, want);
    if (bad >= 0) return `${describeCase(op, seed, c.shape)}: output[${bad}] = ${got[bad]}, want ${want[bad]}`;
    if (x2 !== null && firstMismatch(x2.data, v, 0, 0) >= 0) return `${describeCase(op, seed, c.shape)}: the op changed its input`;
    return null;
  } finally {
    y.dispose();
    x2?.dispose();
  }
}

function pickOp(next) {
  const total = OPS.reduce((s, op) => s + op.weight, 0);
  let r = next() * total;
  for (const op of OPS) {
    r -= op.weight;
    if (r < 0) return op;
  }
  return OPS[OPS.length - 1];
}

test(`${CASES} random cases over ${OPS.length} op forms match the references`, () => {
  const tensorsBefore = backend().memory.tensors;
  const perOp = new Map(OPS.map((op) => [op.name, 0]));
  const failures = [];
  for (let i = 0; i < CASES && failures.length < 5; i++) {
    const seed = REPLAY ? BASE_SEED : (BASE_SEED + i * 0x9e3779b1) >>> 0;
    const op = pickOp(rng(seed ^ 0xa5a5a5a5));
    perOp.set(op.name, perOp.get(op.name) + 1);
    const err = runCase(op, seed);
    if (err !== null) failures.push(err);
  }
  if (failures.length > 0) throw new Error(`property failures (base seed ${BASE_SEED}):\n${failures.join('\n')}`);
  expect(backend().memory.tensors).toBe(tensorsBefore);
  if (!REPLAY && process.env.NNWASM_CASES === undefined) {
    expect(CASES).toBeGreaterThanOrEqual(10000);
    for (const [name, n] of perOp) expect([name, n > CASES / (4 * OPS.length)]).toEqual([name, true]);
  }
});

test('1,000 random bad calls throw Errors naming the op and leak nothing', () => {
  const tensorsBefore = backend().memory.tensors;
  const heapBefore = backend().memory.heapBytes;
  for (let i = 0; i < 1000; i++) {
    const seed = (BASE_SEED ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
    const next = rng(seed);
    const bad = BAD[randInt(next, 0, BAD.length - 1)];
    const temps = [];
    let error = null;
    try {
      const y = bad.call(next, (t) => (temps.push(t), t));
      temps.push(y);
    } catch (e) {
      error = e;
    }
    for (const t of temps) t?.dispose?.();
    if (!(error instanceof Error) || !error.message.startsWith(`${bad.where}: `)) {
      throw new Error(`bad call #${BAD.indexOf(bad)} (seed ${seed}) gave ${error ? error.message : 'no error'}`);
    }
    expect(backend().memory.tensors).toBe(tensorsBefore);
  }
  expect(backend().memory.heapBytes).toBe(heapBefore);
});
