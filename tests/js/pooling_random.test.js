// Every pooling op against the plain-JS references on 2,000 seeded random
// shapes and parameter sets each: odd sizes, sizes around vector multiples,
// stride > kernel, padding, dilation, ceil_mode, unbatched input, both
// layouts, NaN and Infinity inputs. A failure names its case number and seed.
import { init, torch, keras } from '../../js/index.js';
import * as ref from './reference/pooling.js';
import { firstMismatch, randInt, rng } from './reference/random.js';

const F = torch.nn.functional;
const CASES = 2000;

beforeAll(() => init({ threads: 2 }));

// Values in [-1, 1), some NaN / +-Infinity, some repeated (ties).
function values(next, n, special) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    if (special && r < 0.02) out[i] = NaN;
    else if (special && r < 0.04) out[i] = Infinity;
    else if (special && r < 0.06) out[i] = -Infinity;
    else if (r < 0.15) out[i] = Math.round(next() * 4) / 4;  // ties
    else out[i] = next() * 2 - 1;
  }
  return out;
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 13, 15, 16, 17, 31, 33];
// 2D planes stay small so 2,000 cases run in seconds.
const SIZES_2D = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 16, 17];
const sizesFor = (spatial) => (spatial === 1 ? SIZES : SIZES_2D);
const pick = (next, arr) => arr[Math.floor(next() * arr.length)];

// max results are inputs: exact (with -0 == +0), NaN where NaN.
function exactMismatch(got, want) {
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]) ? !Number.isNaN(got[i]) : got[i] !== want[i]) return i;
  }
  return got.length === want.length ? -1 : 0;
}

function expectMatch(what, got, want, exact = false) {
  const bad = exact ? exactMismatch(got, want) : firstMismatch(got, want);
  if (bad >= 0) {
    throw new Error(`${what}: mismatch at ${bad}: got ${got[bad]}, want ${want[bad]} (lengths ${got.length}/${want.length})`);
  }
}

// Random PyTorch window parameters for `spatial` dims valid for sizes.
function torchParams(next, spatial, sizes, max) {
  for (;;) {
    const k = sizes.map(() => randInt(next, 1, 5));
    const s = sizes.map(() => randInt(next, 1, 6));
    const p = k.map((kk) => randInt(next, 0, Math.floor(kk / 2)));
    const d = max ? sizes.map(() => (next() < 0.3 ? randInt(next, 2, 3) : 1)) : sizes.map(() => 1);
    const ceil = next() < 0.4;
    const out = sizes.map((L, i) => ref.torchOutSize(L, k[i], s[i], p[i], d[i], ceil));
    if (out.every((o) => o >= 1)) return { k, s, p, d, ceil, out };
  }
}

function torchInput(next, spatial, special) {
  const batched = next() < 0.75;
  const n = batched ? randInt(next, 0, 3) === 0 ? 1 : randInt(next, 1, 3) : 1;
  const c = randInt(next, 1, 6);
  const sizes = Array.from({ length: spatial }, () => pick(next, sizesFor(spatial)));
  const data = values(next, n * c * sizes.reduce((a, b) => a * b, 1), special);
  const shape = batched ? [n, c, ...sizes] : [c, ...sizes];
  return { batched, n, c, sizes, data, shape };
}

const arg = (v, spatial, next) => (spatial === 1 || next() < 0.5 ? (spatial === 1 ? v[0] : v) : v);

describe.each([1, 2])('torch window pooling %dd', (spatial) => {
  test(`avg_pool${spatial}d matches PyTorch's loops`, () => {
    const seed = 1000 + spatial;
    const next = rng(seed);
    for (let t = 0; t < CASES; t++) {
      const inp = torchInput(next, spatial, next() < 0.2);
      const prm = torchParams(next, spatial, inp.sizes, false);
      const countIncludePad = next() < 0.6;
      const divisor = spatial === 2 && next() < 0.15 ? randInt(next, 1, 7) * (next() < 0.3 ? -1 : 1) : null;
      const [H, W] = spatial === 1 ? [1, inp.sizes[0]] : inp.sizes;
      const k2 = spatial === 1 ? [1, prm.k[0]] : prm.k;
      const s2 = spatial === 1 ? [1, prm.s[0]] : prm.s;
      const p2 = spatial === 1 ? [0, prm.p[0]] : prm.p;
      const want = ref.torchAvgPool2d(inp.data, inp.n * inp.c, H, W, { k: k2, s: s2, p: p2, ceil: prm.ceil, countIncludePad, divisor });
      const x = torch.tensor(inp.data, inp.shape);
      const opts = { ceil_mode: prm.ceil, count_include_pad: countIncludePad };
      if (spatial === 2) opts.divisor_override = divisor;
      const fn = spatial === 1 ? F.avg_pool1d : F.avg_pool2d;
      const y = next() < 0.5
        ? fn(x, arg(prm.k, spatial, next), arg(prm.s, spatial, next), arg(prm.p, spatial, next), opts)
        : fn(x, { kernel_size: prm.k, stride: prm.s, padding: prm.p, ...opts });
      const what = `case ${t} seed ${seed} shape [${inp.shape}] k ${prm.k} s ${prm.s} p ${prm.p} ceil ${prm.ceil} cip ${countIncludePad} div ${divisor}`;
      expect(y.shape).toEqual(inp.batched ? [inp.n, inp.c, ...prm.out] : [inp.c, ...prm.out]);
      expectMatch(what, y.data, want.out);
      x.dispose();
      y.dispose();
    }
  });

  test(`max_pool${spatial}d and its indices match PyTorch's loops`, () => {
    const seed = 2000 + spatial;
    const next = rng(seed);
    for (let t = 0; t < CASES; t++) {
      const inp = torchInput(next, spatial, next() < 0.3);
      const prm = torchParams(next, spatial, inp.sizes, true);
      const [H, W] = spatial === 1 ? [1, inp.sizes[0]] : inp.sizes;
      const two = (a, f) => (spatial === 1 ? [f, a[0]] : a);
      const want = ref.torchMaxPool2d(inp.data, inp.n * inp.c, H, W, {
        k: two(prm.k, 1), s: two(prm.s, 1), p: two(prm.p, 0), d: two(prm.d, 1), ceil: prm.ceil,
      });
      const x = torch.tensor(inp.data, inp.shape);
      const fn = spatial === 1 ? F.max_pool1d : F.max_pool2d;
      const withIndices = next() < 0.5;
      const r = fn(x, prm.k, prm.s, prm.p, prm.d, prm.ceil, withIndices);
      const what = `case ${t} seed ${seed} shape [${inp.shape}] k ${prm.k} s ${prm.s} p ${prm.p} d ${prm.d} ceil ${prm.ceil}`;
      const [y, idx] = withIndices ? r : [r, null];
      expect(y.shape).toEqual(inp.batched ? [inp.n, inp.c, ...prm.out] : [inp.c, ...prm.out]);
      expectMatch(what, y.data, want.out, true);
      if (idx) {
        expect(idx.shape).toEqual(y.shape);
        expectMatch(`${what} indices`, idx.data, want.idx, true);
        idx.dispose();
      }
      x.dispose();
      y.dispose();
    }
  });
});

describe('torch adaptive pooling', () => {
  test('adaptive_avg_pool2d matches PyTorch windows (int, pair, null)', () => {
    const seed = 3001;
    const next = rng(seed);
    for (let t = 0; t < CASES; t++) {
      const inp = torchInput(next, 2, next() < 0.2);
      const [H, W] = inp.sizes;
      let OH = randInt(next, 1, H + 3);
      let OW = randInt(next, 1, W + 3);
      let size = [OH, OW];
      const form = next();
      if (form < 0.2) { size = OH; OW = OH; } else if (form < 0.3) { size = [null, OW]; OH = H; } else if (form < 0.4) { size = [OH, null]; OW = W; }
      const want = ref.adaptiveAvgPool2d(inp.data, inp.n * inp.c, H, W, OH, OW);
      const x = torch.tensor(inp.data, inp.shape);
      const y = F.adaptive_avg_pool2d(x, size);
      expect(y.shape).toEqual(inp.batched ? [inp.n, inp.c, OH, OW] : [inp.c, OH, OW]);
      expectMatch(`case ${t} seed ${seed} shape [${inp.shape}] out ${OH}x${OW}`, y.data, want);
      x.dispose();
      y.dispose();
    }
  });

  test.each([1, 2])('adaptive_max_pool%dd and its indices match PyTorch', (spatial) => {
    const seed = 3100 + spatial;
    const next = rng(seed);
    for (let t = 0; t < CASES; t++) {
      const inp = torchInput(next, spatial, next() < 0.3);
      const [H, W] = spatial === 1 ? [1, inp.sizes[0]] : inp.sizes;
      const OH = spatial === 1 ? 1 : randInt(next, 1, H + 2);
      const OW = randInt(next, 1, W + 2);
      const want = ref.adaptiveMaxPool2d(inp.data, inp.n * inp.c, H, W, OH, OW);
      const x = torch.tensor(inp.data, inp.shape);
      const [y, idx] = spatial === 1 ? F.adaptive_max_pool1d(x, OW, true) : F.adaptive_max_pool2d(x, [OH, OW], { return_indices: true });
      const what = `case ${t} seed ${seed} shape [${inp.shape}] out ${OH}x${OW}`;
      expectMatch(what, y.data, want.out, true);
      expectMatch(`${what} indices`, idx.data, want.idx, true);
      const plain = spatial === 1 ? F.adaptive_max_pool1d(x, OW) : F.adaptive_max_pool2d(x, [OH, OW]);
      expectMatch(`${what} without indices`, plain.data, want.out, true);
      for (const z of [x, y, idx, plain]) z.dispose();
    }
  });
});

describe.each([
  ['AveragePooling', false],
  ['MaxPooling', true],
])('keras %s', (name, max) => {
  test.each([1, 2])(`${name}%dD matches Keras arithmetic in both layouts`, (spatial) => {
    const seed = 4000 + spatial + (max ? 10 : 0);
    const next = rng(seed);
    const Layer = keras.layers[`${name}${spatial}D`];
    for (let t = 0; t < CASES; t++) {
      const channelsLast = next() < 0.5;
      const padding = next() < 0.5 ? 'valid' : 'same';
      const n = randInt(next, 1, 3);
      const c = pick(next, [1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 33]);
      const sizes = Array.from({ length: spatial }, () => pick(next, sizesFor(spatial)));
      // 'valid' windows fit the input (a larger one gives an empty output, tested elsewhere).
      const pool = sizes.map((L) => randInt(next, 1, padding === 'valid' ? Math.min(5, L) : 5));
      const strides = next() < 0.3 ? null : sizes.map(() => randInt(next, 1, 6));
      const shape = channelsLast ? [n, ...sizes, c] : [n, c, ...sizes];
      const data = values(next, shape.reduce((a, b) => a * b, 1), next() < 0.2);
      const s = strides ?? pool;
      const two = (a, f) => (spatial === 1 ? [f, a[0]] : a);
      const shape2 = spatial === 1 ? (channelsLast ? [n, 1, sizes[0], c] : [n, c, 1, sizes[0]]) : shape;
      const want = ref.kerasPool2d(data, shape2, { pool: two(pool, 1), strides: two(s, 1), padding, channelsLast, max });
      const layer = new Layer({
        pool_size: spatial === 1 ? pool[0] : pool,
        ...(strides ? { strides: spatial === 1 ? strides[0] : strides } : {}),
        padding,
        data_format: channelsLast ? 'channels_last' : 'channels_first',
      });
      const x = torch.tensor(data, shape);
      const y = layer.apply(x);
      const what = `case ${t} seed ${seed} shape [${shape}] pool ${pool} strides ${s} ${padding} ${channelsLast ? 'last' : 'first'}`;
      const wantShape = spatial === 1
        ? (channelsLast ? [n, want.outShape[2], c] : [n, c, want.outShape[3]])
        : want.outShape;
      expect(y.shape).toEqual(wantShape);
      expect(layer.compute_output_shape(shape)).toEqual(wantShape);
      expectMatch(what, y.data, want.out, max);
      x.dispose();
      y.dispose();
    }
  });
});

describe('keras global pooling', () => {
  test.each([
    ['GlobalAveragePooling1D', 1, false], ['GlobalMaxPooling1D', 1, true],
    ['GlobalAveragePooling2D', 2, false], ['GlobalMaxPooling2D', 2, true],
  ])('%s matches the reference (layouts, keepdims, masks)', (name, spatial, max) => {
    const seed = 5000 + spatial + (max ? 10 : 0);
    const next = rng(seed);
    for (let t = 0; t < CASES; t++) {
      const channelsLast = next() < 0.5;
      const keepdims = next() < 0.3;
      const n = randInt(next, 1, 3);
      const c = pick(next, spatial === 1 ? [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 40, 67] : [1, 2, 3, 4, 5, 7, 8, 16, 17, 33]);
      const sizes = Array.from({ length: spatial }, () => pick(next, sizesFor(spatial)));
      const L = sizes.reduce((a, b) => a * b, 1);
      const shape = channelsLast ? [n, ...sizes, c] : [n, c, ...sizes];
      const data = values(next, n * L * c, next() < 0.2);
      let mask = null;
      if (spatial === 1 && next() < 0.4) mask = Array.from({ length: n }, () => Array.from({ length: L }, () => next() < 0.7));
      const want = ref.globalPool1d(data, channelsLast ? [n, L, c] : [n, c, L], { channelsLast, max, mask: mask ? mask.flat() : null });
      const layer = new keras.layers[name]({ data_format: channelsLast ? 'channels_last' : 'channels_first', keepdims });
      const x = torch.tensor(data, shape);
      const y = mask ? layer.apply(x, { mask }) : layer.apply(x);
      const ones = sizes.map(() => 1);
      const wantShape = keepdims ? (channelsLast ? [n, ...ones, c] : [n, c, ...ones]) : [n, c];
      expect(y.shape).toEqual(wantShape);
      expectMatch(`case ${t} seed ${seed} shape [${shape}] mask ${!!mask}`, y.data, want, max);
      x.dispose();
      y.dispose();
    }
  });
});

// 3x3 windows at stride 2 (ResNet's stem pooling, Keras 'same' 3x3/2) take a
// path of their own in both layouts (rows pooled along W into a ring; max
// first without NaN checks, redone when a probe sees one). The shapes above
// stay small; these reach its wide rows and many channels.
describe('3x3 stride-2 pooling at larger sizes', () => {
  const CASES_K3S2 = 400;
  test('max_pool2d / avg_pool2d (NCHW) match PyTorch\'s loops', () => {
    const seed = 6001;
    const next = rng(seed);
    for (let t = 0; t < CASES_K3S2; t++) {
      const n = randInt(next, 1, 2), c = randInt(next, 1, 5), H = randInt(next, 3, 40), W = randInt(next, 3, 70);
      const p = randInt(next, 0, 1), ceil = next() < 0.4, max = next() < 0.5, countIncludePad = next() < 0.5;
      const data = values(next, n * c * H * W, next() < 0.3);
      const x = torch.tensor(data, [n, c, H, W]);
      const what = `case ${t} seed ${seed} shape [${n},${c},${H},${W}] p ${p} ceil ${ceil} ${max ? 'max' : 'avg'}`;
      const y = max ? F.max_pool2d(x, 3, 2, p, 1, ceil) : F.avg_pool2d(x, 3, 2, p, ceil, countIncludePad);
      const want = max
        ? ref.torchMaxPool2d(data, n * c, H, W, { k: [3, 3], s: [2, 2], p: [p, p], d: [1, 1], ceil }).out
        : ref.torchAvgPool2d(data, n * c, H, W, { k: [3, 3], s: [2, 2], p: [p, p], ceil, countIncludePad }).out;
      expectMatch(what, y.data, want, max);
      x.dispose();
      y.dispose();
    }
  });

  test('MaxPooling2D / AveragePooling2D 3x3/2 match Keras arithmetic in both layouts', () => {
    const seed = 6002;
    const next = rng(seed);
    for (let t = 0; t < CASES_K3S2; t++) {
      const channelsLast = next() < 0.5, max = next() < 0.5, padding = next() < 0.5 ? 'valid' : 'same';
      const n = randInt(next, 1, 2), c = pick(next, [1, 3, 4, 5, 8, 13, 16, 64]);
      const H = randInt(next, 3, 30), W = randInt(next, 3, 60);
      const shape = channelsLast ? [n, H, W, c] : [n, c, H, W];
      const data = values(next, n * c * H * W, next() < 0.3);
      const want = ref.kerasPool2d(data, shape, { pool: [3, 3], strides: [2, 2], padding, channelsLast, max });
      const Layer = max ? keras.layers.MaxPooling2D : keras.layers.AveragePooling2D;
      const layer = new Layer({ pool_size: 3, strides: 2, padding, data_format: channelsLast ? 'channels_last' : 'channels_first' });
      const x = torch.tensor(data, shape);
      const y = layer.apply(x);
      const what = `case ${t} seed ${seed} shape [${shape}] ${padding} ${channelsLast ? 'last' : 'first'} ${max ? 'max' : 'avg'}`;
      expect(y.shape).toEqual(want.outShape);
      expectMatch(what, y.data, want.out, max);
      x.dispose();
      y.dispose();
    }
  });
});
