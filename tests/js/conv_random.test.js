// The convolution kernels against the plain-JS direct reference on seeded
// random configurations: groups (depthwise included), dilation, stride,
// every padding form, odd channel counts, lengths that are not multiples of
// 4, 1x1 kernels; PyTorch's channels-first ops and both Keras layouts with
// every activation.
import { init, torch, keras } from '../../js/index.js';
import { activationReference, convReference, permute, softmaxReference } from './reference/conv.js';
import { rng } from './reference/random.js';

const CONFIGS = 2000;

beforeAll(() => init({ threads: 2 }));

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}
function int(r, lo, hi) {
  return lo + Math.floor(r() * (hi - lo + 1));
}
function randomValues(r, n) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = r() * 2 - 1;
  return v;
}

function expectClose(got, want, label) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-5 + 2e-5 * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      throw new Error(`${label}: element ${i} is ${got[i]}, reference ${want[i]}`);
    }
  }
}

// A random geometry: channels, groups, kernel, stride, dilation, and sizes
// for which the kernel fits the padded input.
function randomGeometry(r, nd) {
  const depthwise = r() < 0.2;
  const groups = depthwise ? int(r, 1, 9) : pick(r, [1, 1, 1, 2, 3]);
  const cinG = depthwise ? 1 : int(r, 1, 6);
  const coutG = depthwise ? pick(r, [1, 1, 2]) : pick(r, [1, 2, 3, 4, 5, 7, 8, 9, 13, 17]);
  const kernel = Array.from({ length: nd }, () => (r() < 0.15 ? 1 : int(r, 1, 4)));
  const stride = Array.from({ length: nd }, () => (r() < 0.6 ? 1 : int(r, 2, 3)));
  const dilation = Array.from({ length: nd }, () => (r() < 0.6 ? 1 : int(r, 2, 3)));
  const sizes = kernel.map((k, i) => dilation[i] * (k - 1) + 1 + int(r, 0, nd === 1 ? 19 : 8));
  return { groups, cin: cinG * groups, cout: coutG * groups, kernel, stride, dilation, sizes };
}

function runTorch(nd, seed) {
  const r = rng(seed);
  const g = randomGeometry(r, nd);
  const batched = r() < 0.8;
  const N = batched ? int(r, 1, 2) : 1;
  let padding;
  const form = r();
  if (form < 0.2) padding = 'valid';
  else if (form < 0.35 && g.stride.every((s) => s === 1)) padding = 'same';
  else padding = nd === 1 || r() < 0.5 ? int(r, 0, 2) : [int(r, 0, 2), int(r, 0, 2)];
  const padArr = typeof padding === 'number' ? new Array(nd).fill(padding) : padding;
  const pads = g.kernel.map((k, i) => {
    if (padding === 'valid') return [0, 0];
    if (padding === 'same') {
      const t = g.dilation[i] * (k - 1);
      return [Math.floor(t / 2), t - Math.floor(t / 2)];
    }
    return [padArr[i], padArr[i]];
  });
  const out = g.sizes.map((L, i) => Math.floor((L + pads[i][0] + pads[i][1] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1);
  const xShape = [N, g.cin, ...g.sizes];
  const wShape = [g.cout, g.cin / g.groups, ...g.kernel];
  const x = randomValues(r, xShape.reduce((a, b) => a * b));
  const w = randomValues(r, wShape.reduce((a, b) => a * b));
  const bias = r() < 0.7 ? randomValues(r, g.cout) : null;
  const X = torch.tensor(x, batched ? xShape : xShape.slice(1));
  const Wt = torch.tensor(w, wShape);
  const B = bias ? torch.tensor(bias, [g.cout]) : null;
  const fn = nd === 1 ? torch.nn.functional.conv1d : torch.nn.functional.conv2d;
  const y = fn(X, Wt, B, nd === 1 ? g.stride[0] : g.stride, nd === 1 && typeof padding !== 'string' ? padArr[0] : padding,
    nd === 1 ? g.dilation[0] : g.dilation, g.groups);
  const two = (a, one) => (a.length === 1 ? [one, a[0]] : a);
  const want = convReference({
    x, xShape: [N, g.cin, ...two(g.sizes, 1)], w, wShape: [g.cout, g.cin / g.groups, ...two(g.kernel, 1)], bias,
    stride: two(g.stride, 1), dilation: two(g.dilation, 1), pad: two(pads.map((p) => p[0]), 0), out: two(out, 1), groups: g.groups,
  });
  const label = `conv${nd}d seed ${seed} ${JSON.stringify({ ...g, N, batched, padding })}`;
  expect(y.shape).toEqual(batched ? [N, g.cout, ...out] : [g.cout, ...out]);
  expectClose(y.data, want, label);
  for (const t of [X, Wt, B, y]) t?.dispose();
}

const ACTIVATIONS = [...Object.keys(activationReference), 'softmax', null, 'function'];

function runKeras(nd, seed) {
  const r = rng(seed);
  const g = randomGeometry(r, nd);
  if (g.stride.some((s) => s > 1)) g.dilation = g.dilation.map(() => 1);  // Keras refuses both
  const channelsLast = r() < 0.5;
  const N = int(r, 1, 2);
  const padding = pick(r, nd === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same']);
  const activationName = ACTIVATIONS[seed % ACTIVATIONS.length];
  const activation = activationName === 'function' ? (t) => t.reshape(-1) : activationName;
  const useBias = r() < 0.7;
  const layer = new (nd === 1 ? keras.layers.Conv1D : keras.layers.Conv2D)({
    filters: g.cout, kernel_size: nd === 1 ? g.kernel[0] : g.kernel, strides: g.stride, dilation_rate: g.dilation,
    padding, groups: g.groups, data_format: channelsLast ? 'channels_last' : 'channels_first', activation, use_bias: useBias,
  });
  const xShape = channelsLast ? [N, ...g.sizes, g.cin] : [N, g.cin, ...g.sizes];
  const kShape = [...g.kernel, g.cin / g.groups, g.cout];
  const x = randomValues(r, xShape.reduce((a, b) => a * b));
  const k = randomValues(r, kShape.reduce((a, b) => a * b));
  const bias = useBias ? randomValues(r, g.cout) : null;
  layer.build(xShape);
  layer.set_weights(useBias ? [torch.tensor(k, kShape), torch.tensor(bias, [g.cout])] : [torch.tensor(k, kShape)]);
  const X = torch.tensor(x, xShape);
  const y = layer.apply(X);

  // Reference: channels first, PyTorch weight layout, Keras padding.
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
  const two = (a, one) => (a.length === 1 ? [one, a[0]] : a);
  let want = convReference({
    x: xCF, xShape: [N, g.cin, ...two(g.sizes, 1)], w: wOI, wShape: [g.cout, g.cin / g.groups, ...two(g.kernel, 1)], bias,
    stride: two(g.stride, 1), dilation: two(g.dilation, 1), pad: two(geo.map((e) => e.before), 0), out: two(out, 1), groups: g.groups,
  });
  const outCF = [N, g.cout, ...out];
  if (channelsLast) want = permute(want, outCF, nd === 1 ? [0, 2, 1] : [0, 2, 3, 1]).data;
  const outShape = channelsLast ? [N, ...out, g.cout] : outCF;
  if (activationName === 'softmax') want = softmaxReference(want, outShape[outShape.length - 1]);
  else if (activationName !== null && activationName !== 'function') want = want.map(activationReference[activationName]);
  const label = `Conv${nd}D seed ${seed} ${JSON.stringify({ ...g, N, channelsLast, padding, activationName, useBias })}`;
  expect(y.shape).toEqual(activationName === 'function' ? [outShape.reduce((a, b) => a * b)] : outShape);
  expectClose(y.data, want, label);
  X.dispose();
  y.dispose();
  layer.dispose();
}

test(`conv1d matches the reference on ${CONFIGS} random configurations`, () => {
  for (let i = 0; i < CONFIGS; i++) runTorch(1, 1000 + i);
});

test(`conv2d matches the reference on ${CONFIGS} random configurations`, () => {
  for (let i = 0; i < CONFIGS; i++) runTorch(2, 5000 + i);
});

test(`Conv1D matches the reference on ${CONFIGS} random configurations, both layouts, every activation`, () => {
  for (let i = 0; i < CONFIGS; i++) runKeras(1, 9000 + i);
});

test(`Conv2D matches the reference on ${CONFIGS} random configurations, both layouts, every activation`, () => {
  for (let i = 0; i < CONFIGS; i++) runKeras(2, 13000 + i);
});
