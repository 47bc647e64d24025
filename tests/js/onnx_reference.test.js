// nnwasm's torch.nn.functional pooling and convolution against ONNX Runtime
// Web (tests/js/reference/onnx.js: one-op ONNX models run on ORT's CPU
// provider) on seeded random shapes: MaxPool (with dilation and ceil_mode),
// AveragePool (count_include_pad both ways, ceil_mode) and Conv (bias,
// strides, padding, dilation, groups). ORT infers each output shape itself,
// so the shapes are checked too. A failure names its case and seed.
import { init, torch } from '../../js/index.js';
import { runOnnxOp } from './reference/onnx.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

const F = torch.nn.functional;
const CASES = 400;

beforeAll(() => init({ threads: 2 }));

function exactMismatch(got, want) {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]) ? !Number.isNaN(got[i]) : got[i] !== want[i]) return i;
  }
  return -1;
}

// Shape, values and a readable failure: `what` names the case.
function expectSame(got, want, what, mismatch) {
  expect({ what, shape: got.shape }).toEqual({ what, shape: want.shape });
  const bad = mismatch(got.data, want.data);
  if (bad !== -1) {
    throw new Error(`${what}: index ${bad} of ${want.data.length}: nnwasm ${got.data[bad]}, ORT ${want.data[bad]}`);
  }
}

// A random (N, C, H, W) input and window geometry per axis; padding at most
// half the kernel (PyTorch's rule), ceil_mode's last window starting inside
// the input (the rule PyTorch and ONNX share).
function poolCase(next, { dilation, ceil }) {
  const N = randInt(next, 1, 2), C = randInt(next, 1, 5);
  const k = [randInt(next, 1, 4), randInt(next, 1, 4)];
  const s = [randInt(next, 1, 3), randInt(next, 1, 3)];
  const p = k.map((kk) => randInt(next, 0, Math.floor(kk / 2)));
  const d = dilation ? [randInt(next, 1, 3), randInt(next, 1, 3)] : [1, 1];
  const span = k.map((kk, i) => d[i] * (kk - 1) + 1);
  const H = randInt(next, Math.max(1, span[0] - 2 * p[0]), 17);
  const W = randInt(next, Math.max(1, span[1] - 2 * p[1]), 17);
  const ceilMode = ceil && next() < 0.5;
  return { N, C, H, W, k, s, p, d, ceilMode, x: randomValues(next, N * C * H * W) };
}

const pads = (p) => [p[0], p[1], p[0], p[1]];  // ONNX: begins, then ends
const show = (c) => `N${c.N} C${c.C} ${c.H}x${c.W} k${c.k} s${c.s} p${c.p} d${c.d} ceil ${c.ceilMode}`;

async function checkMaxPool(seed, opts) {
  const next = rng(seed);
  const c = poolCase(next, opts);
  const x = torch.tensor(c.x, [c.N, c.C, c.H, c.W]);
  const y = F.max_pool2d(x, c.k, c.s, c.p, c.d, c.ceilMode);
  const want = await runOnnxOp({
    op: 'MaxPool',
    attrs: { kernel_shape: c.k, strides: c.s, pads: pads(c.p), dilations: c.d, ceil_mode: c.ceilMode ? 1 : 0 },
    input: { data: c.x, shape: [c.N, c.C, c.H, c.W] },
  });
  // ORT starts a max at the lowest float where PyTorch starts at -Infinity:
  // a window of padding only (dilation makes them) gives one or the other.
  const ortMax = want.data.map((v) => (v === -3.4028234663852886e38 ? -Infinity : v));
  expectSame({ data: y.data, shape: y.shape }, { data: ortMax, shape: want.shape }, `MaxPool seed ${seed}: ${show(c)}`,
    exactMismatch);
  x.dispose();
  y.dispose();
}

async function checkAvgPool(seed, countIncludePad) {
  const next = rng(seed);
  const c = poolCase(next, { dilation: false, ceil: true });
  const x = torch.tensor(c.x, [c.N, c.C, c.H, c.W]);
  const y = F.avg_pool2d(x, c.k, c.s, c.p, c.ceilMode, countIncludePad);
  const want = await runOnnxOp({
    op: 'AveragePool',
    attrs: {
      kernel_shape: c.k, strides: c.s, pads: pads(c.p), ceil_mode: c.ceilMode ? 1 : 0,
      count_include_pad: countIncludePad ? 1 : 0,
    },
    input: { data: c.x, shape: [c.N, c.C, c.H, c.W] },
  });
  expectSame({ data: y.data, shape: y.shape }, want,
    `AveragePool seed ${seed}: ${show(c)} count_include_pad ${countIncludePad}`, (g, w) => firstMismatch(g, w));
  x.dispose();
  y.dispose();
}

async function checkConv(seed, { general }) {
  const next = rng(seed);
  const groups = general ? [1, 1, 2, 3][randInt(next, 0, 3)] : 1;
  const N = randInt(next, 1, 2), cin = groups * randInt(next, 1, 5), cout = groups * randInt(next, 1, 6);
  const k = [randInt(next, 1, 4), randInt(next, 1, 4)];
  const s = general ? [randInt(next, 1, 3), randInt(next, 1, 3)] : [1, 1];
  const d = general ? [randInt(next, 1, 2), randInt(next, 1, 2)] : [1, 1];
  const p = general ? [randInt(next, 0, 3), randInt(next, 0, 3)] : k.map((kk) => Math.floor(kk / 2));
  const span = k.map((kk, i) => d[i] * (kk - 1) + 1);
  const H = randInt(next, Math.max(1, span[0] - 2 * p[0]), 14);
  const W = randInt(next, Math.max(1, span[1] - 2 * p[1]), 14);
  const withBias = next() < 0.7;
  const xs = randomValues(next, N * cin * H * W);
  const ws = randomValues(next, cout * (cin / groups) * k[0] * k[1]);
  const bs = randomValues(next, cout);
  const x = torch.tensor(xs, [N, cin, H, W]);
  const w = torch.tensor(ws, [cout, cin / groups, k[0], k[1]]);
  const b = withBias ? torch.tensor(bs, [cout]) : null;
  const y = F.conv2d(x, w, b, s, p, d, groups);
  const initializers = [{ name: 'W', dims: w.shape, data: ws }];
  if (withBias) initializers.push({ name: 'B', dims: [cout], data: bs });
  const want = await runOnnxOp({
    op: 'Conv',
    attrs: { kernel_shape: k, strides: s, pads: pads(p), dilations: d, group: groups },
    input: { data: xs, shape: [N, cin, H, W] },
    initializers,
  });
  const what = `Conv seed ${seed}: N${N} ${cin}->${cout} ${H}x${W} k${k} s${s} p${p} d${d} g${groups} bias ${withBias}`;
  expectSame({ data: y.data, shape: y.shape }, want, what, (g, wv) => firstMismatch(g, wv, 1e-4, 1e-5));
  for (const t of [x, w, b, y]) t?.dispose();
}

describe('ONNX MaxPool and Conv, as ORT computes them', () => {
  test('a hand-checked MaxPool and Conv through the helper', async () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const pooled = await runOnnxOp({
      op: 'MaxPool', attrs: { kernel_shape: [2, 2], strides: [2, 2] }, input: { data: x, shape: [1, 1, 2, 4] },
    });
    expect(pooled.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(pooled.data)).toEqual([6, 8]);
    const conv = await runOnnxOp({
      op: 'Conv', attrs: { kernel_shape: [1, 3], pads: [0, 1, 0, 1] }, input: { data: x, shape: [1, 1, 2, 4] },
      initializers: [{ name: 'W', dims: [1, 1, 1, 3], data: Float32Array.from([0, 0, 1]) },
        { name: 'B', dims: [1], data: Float32Array.from([10]) }],
    });
    expect(Array.from(conv.data)).toEqual([12, 13, 14, 10, 16, 17, 18, 10]);  // shift left, plus bias
  });

  test('MaxPool matches max_pool2d on seeded shapes', async () => {
    for (let i = 0; i < 20; i++) await checkMaxPool(1000 + i, { dilation: false, ceil: false });
  });

  test('Conv matches conv2d on seeded shapes', async () => {
    for (let i = 0; i < 20; i++) await checkConv(2000 + i, { general: false });
  });
});

describe('ORT-checked pooling and convolution options on many seeded shapes', () => {
  test('MaxPool with dilation and ceil_mode', async () => {
    for (let i = 0; i < CASES; i++) await checkMaxPool(3000 + i, { dilation: true, ceil: true });
  });

  test('AveragePool counting the padding, with ceil_mode', async () => {
    for (let i = 0; i < CASES; i++) await checkAvgPool(4000 + i, true);
  });

  test('AveragePool counting only real cells, with ceil_mode', async () => {
    for (let i = 0; i < CASES; i++) await checkAvgPool(5000 + i, false);
  });

  test('Conv with groups, strides, dilation and padding', async () => {
    for (let i = 0; i < CASES; i++) await checkConv(6000 + i, { general: true });
  });
});
