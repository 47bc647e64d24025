// Convolutions with 1-4 input channels (a network's first layer), which
// channels-last calls run on their own direct kernel (cpp/src/conv/
// conv_small_cin.cc), against the plain-JS reference on seeded random
// shapes: kernels 1-7, strides 1-2 (3 sometimes), Keras 'valid' / 'same' /
// 'causal' padding and PyTorch's explicit padding, dilation, odd widths,
// output channels around the 8-channel block, fused activations, in both
// layouts (channels first runs the GEMM: the same answers either way).
import { init, torch, keras } from '../../js/index.js';
import { activationReference, convReference, permute } from './reference/conv.js';
import { rng } from './reference/random.js';

const CONFIGS = 300;

beforeAll(() => init({ threads: 2 }));

const pick = (r, list) => list[Math.floor(r() * list.length)];
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
function randomValues(r, n) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = r() * 2 - 1;
  return v;
}
function expectClose(got, want, label) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-5 + 2e-5 * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`${label}: element ${i} is ${got[i]}, reference ${want[i]}`);
  }
}
const two = (a, one) => (a.length === 1 ? [one, a[0]] : a);

function randomGeometry(r, nd) {
  const cin = int(r, 1, 4);
  const cout = pick(r, [1, 3, 4, 7, 8, 9, 12, 16, 17, 24, 32, 33]);
  const kernel = Array.from({ length: nd }, () => int(r, 1, 7));
  const stride = Array.from({ length: nd }, () => (r() < 0.1 ? 3 : int(r, 1, 2)));
  const dilation = Array.from({ length: nd }, () => (r() < 0.85 ? 1 : 2));
  const sizes = kernel.map((k, i) => dilation[i] * (k - 1) + 1 + int(r, 0, nd === 1 ? 70 : 20));
  return { cin, cout, kernel, stride, dilation, sizes };
}

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'gelu', 'silu', 'softplus', 'softsign', 'hard_sigmoid'];

function runKeras(nd, seed) {
  const r = rng(seed);
  const g = randomGeometry(r, nd);
  if (g.stride.some((s) => s > 1)) g.dilation = g.dilation.map(() => 1);  // Keras refuses both
  const channelsLast = r() < 0.75;
  const N = int(r, 1, 2);
  const padding = pick(r, nd === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same']);
  const activation = ACTIVATIONS[seed % ACTIVATIONS.length];
  const useBias = r() < 0.8;
  const layer = new (nd === 1 ? keras.layers.Conv1D : keras.layers.Conv2D)({
    filters: g.cout, kernel_size: nd === 1 ? g.kernel[0] : g.kernel, strides: g.stride, dilation_rate: g.dilation,
    padding, data_format: channelsLast ? 'channels_last' : 'channels_first', activation, use_bias: useBias,
  });
  const xShape = channelsLast ? [N, ...g.sizes, g.cin] : [N, g.cin, ...g.sizes];
  const kShape = [...g.kernel, g.cin, g.cout];
  const x = randomValues(r, xShape.reduce((a, b) => a * b));
  for (let i = 0; i < x.length; i++) x[i] *= 4;  // so relu6 and the saturating activations see both ends
  const k = randomValues(r, kShape.reduce((a, b) => a * b));
  const bias = useBias ? randomValues(r, g.cout) : null;
  layer.build(xShape);
  layer.set_weights(useBias ? [torch.tensor(k, kShape), torch.tensor(bias, [g.cout])] : [torch.tensor(k, kShape)]);
  const X = torch.tensor(x, xShape);
  const y = layer.apply(X);

  const geo = g.sizes.map((L, i) => {
    const span = g.dilation[i] * (g.kernel[i] - 1) + 1;
    if (padding === 'valid') return { out: Math.floor((L - span) / g.stride[i]) + 1, before: 0 };
    if (padding === 'causal') return { out: Math.floor((L - 1) / g.stride[i]) + 1, before: span - 1 };
    const out = Math.ceil(L / g.stride[i]);
    return { out, before: Math.floor(Math.max((out - 1) * g.stride[i] + span - L, 0) / 2) };
  });
  const out = geo.map((e) => e.out);
  const xCF = channelsLast ? permute(x, xShape, nd === 1 ? [0, 2, 1] : [0, 3, 1, 2]).data : x;
  const wOI = permute(k, kShape, nd === 1 ? [2, 1, 0] : [3, 2, 0, 1]).data;
  let want = convReference({
    x: xCF, xShape: [N, g.cin, ...two(g.sizes, 1)], w: wOI, wShape: [g.cout, g.cin, ...two(g.kernel, 1)], bias,
    stride: two(g.stride, 1), dilation: two(g.dilation, 1), pad: two(geo.map((e) => e.before), 0), out: two(out, 1), groups: 1,
  });
  const outCF = [N, g.cout, ...out];
  if (channelsLast) want = permute(want, outCF, nd === 1 ? [0, 2, 1] : [0, 2, 3, 1]).data;
  want = want.map(activationReference[activation]);
  const label = `Conv${nd}D seed ${seed} ${JSON.stringify({ ...g, N, channelsLast, padding, activation, useBias })}`;
  expect(y.shape).toEqual(channelsLast ? [N, ...out, g.cout] : outCF);
  expectClose(y.data, want, label);
  X.dispose();
  y.dispose();
  layer.dispose();
}

function runTorch(seed) {
  const r = rng(seed);
  const g = randomGeometry(r, 2);
  const N = int(r, 1, 2);
  const pad = [int(r, 0, 3), int(r, 0, 3)];
  const out = g.sizes.map((L, i) => Math.floor((L + 2 * pad[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1);
  const xShape = [N, g.cin, ...g.sizes];
  const wShape = [g.cout, g.cin, ...g.kernel];
  const x = randomValues(r, xShape.reduce((a, b) => a * b));
  const w = randomValues(r, wShape.reduce((a, b) => a * b));
  const bias = r() < 0.7 ? randomValues(r, g.cout) : null;
  const X = torch.tensor(x, xShape);
  const Wt = torch.tensor(w, wShape);
  const B = bias ? torch.tensor(bias, [g.cout]) : null;
  const y = torch.nn.functional.conv2d(X, Wt, B, g.stride, pad, g.dilation);
  const want = convReference({ x, xShape, w, wShape, bias, stride: g.stride, dilation: g.dilation, pad, out, groups: 1 });
  expect(y.shape).toEqual([N, g.cout, ...out]);
  expectClose(y.data, want, `conv2d seed ${seed} ${JSON.stringify({ ...g, N, pad })}`);
  for (const t of [X, Wt, B, y]) t?.dispose();
}

test(`Conv2D with 1-4 input channels matches the reference on ${CONFIGS} random shapes, both layouts, every activation`, () => {
  for (let i = 0; i < CONFIGS; i++) runKeras(2, 31000 + i);
});

test(`Conv1D with 1-4 input channels matches the reference on ${CONFIGS} random shapes, both layouts`, () => {
  for (let i = 0; i < CONFIGS; i++) runKeras(1, 32000 + i);
});

test(`torch conv2d with 1-4 input channels matches the reference on ${CONFIGS} random shapes`, () => {
  for (let i = 0; i < CONFIGS; i++) runTorch(33000 + i);
});

test('the MobileNetV2 stem (3x3/2 same, 3 -> 32, relu6) matches the reference at 224x224', () => {
  const r = rng(7);
  const layer = new keras.layers.Conv2D({ filters: 32, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu6' });
  const x = randomValues(r, 224 * 224 * 3).map((v) => v * 4);
  const k = randomValues(r, 3 * 3 * 3 * 32);
  const b = randomValues(r, 32);
  layer.build([1, 224, 224, 3]);
  layer.set_weights([torch.tensor(k, [3, 3, 3, 32]), torch.tensor(b, [32])]);
  const X = torch.tensor(x, [1, 224, 224, 3]);
  const y = layer.apply(X);
  let want = convReference({
    x: permute(x, [1, 224, 224, 3], [0, 3, 1, 2]).data, xShape: [1, 3, 224, 224],
    w: permute(k, [3, 3, 3, 32], [3, 2, 0, 1]).data, wShape: [32, 3, 3, 3], bias: b,
    stride: [2, 2], dilation: [1, 1], pad: [0, 0], out: [112, 112], groups: 1,
  });
  want = permute(want, [1, 32, 112, 112], [0, 2, 3, 1]).data.map(activationReference.relu6);
  expect(y.shape).toEqual([1, 112, 112, 32]);
  expectClose(y.data, want, 'MobileNetV2 stem');
  X.dispose();
  y.dispose();
  layer.dispose();
});
