// Prepacking: layers and modules pack their weights for the kernels when the
// weights are made or set (and models fold BatchNorm into their convolutions
// then), so the first call allocates nothing but its output. The packed
// copies match what the lazy path packs, follow replaced weights and go
// with dispose().
import { backend, init, keras, torch } from '../../js/index.js';
import { deferPrepack } from '../../js/graph/prepack.js';

beforeAll(() => init({ threads: 2 }));

const live = () => backend().memory.tensors;
const { layers } = keras;

function seeded(n, seed) {
  let s = seed >>> 0;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return v;
}
const product = (s) => s.reduce((a, b) => a * b, 1);
const randomLike = (shape, seed) => torch.tensor(seeded(product(shape), seed), shape);

// The layer's weights, new random values of the same shapes.
const newWeights = (layer, seed) => layer.weights.map((w, i) => randomLike(w.shape, seed + i));

// Runs layer on x and checks that the call made one tensor (its output) and
// nothing else: returns the output's values.
function firstCallMakesOnlyItsOutput(layer, x) {
  const before = live();
  const y = layer.apply(x);
  expect(live()).toBe(before + 1);
  const values = y.dataSync().slice();
  y.dispose();
  return values;
}

// The same layer class and options, weights set with prepacking deferred:
// the lazy path packs in its first call.
function lazyOutput(make, weights, x) {
  const layer = make();
  deferPrepack(() => layer.set_weights(weights));
  const before = live();
  const y = layer.apply(x);
  expect(live()).toBeGreaterThan(before + 1);  // it packed now
  const values = y.dataSync().slice();
  y.dispose();
  layer.dispose();
  return values;
}

const KERAS_CASES = [
  ['Conv2D', () => new layers.Conv2D({ filters: 12, kernel_size: 3, padding: 'same', input_shape: [9, 9, 5] }), [1, 9, 9, 5]],
  ['Conv2D channels_first, batch 2', () => new layers.Conv2D({ filters: 6, kernel_size: [3, 2], strides: 2, data_format: 'channels_first', input_shape: [4, 8, 7] }), [2, 4, 8, 7]],
  ['Conv2D unknown sizes', () => new layers.Conv2D({ filters: 9, kernel_size: 3, groups: 3, batch_input_shape: [null, null, null, 6] }), [1, 7, 6, 6]],
  ['Conv1D', () => new layers.Conv1D({ filters: 10, kernel_size: 5, activation: 'relu', input_shape: [30, 3] }), [1, 30, 3]],
  ['Dense', () => new layers.Dense({ units: 13, input_shape: [21] }), [3, 21]],
  ['SeparableConv2D', () => new layers.SeparableConv2D({ filters: 8, kernel_size: 3, padding: 'same', input_shape: [6, 6, 4] }), [1, 6, 6, 4]],
  ['DepthwiseConv2D', () => new layers.DepthwiseConv2D({ kernel_size: 3, depth_multiplier: 2, input_shape: [7, 7, 5] }), [1, 7, 7, 5]],
  ['DepthwiseConv2D multiplier 1 (packed per 8 channels)', () => new layers.DepthwiseConv2D({ kernel_size: 3, strides: 2, padding: 'same', input_shape: [9, 9, 11] }), [1, 9, 9, 11]],
  ['Conv2DTranspose', () => new layers.Conv2DTranspose({ filters: 7, kernel_size: 2, strides: 2, input_shape: [5, 5, 6] }), [1, 5, 5, 6]],
  ['Conv1DTranspose', () => new layers.Conv1DTranspose({ filters: 4, kernel_size: 3, strides: 2, padding: 'same', input_shape: [9, 3] }), [1, 9, 3]],
];

describe.each(KERAS_CASES)('Keras %s', (name, make, inputShape) => {
  test('set_weights packs: the first call makes only its output, with the lazy path\'s numbers', () => {
    const x = randomLike(inputShape, 7);
    const layer = make();
    const weights = newWeights(layer, 100);
    const baseline = live();
    layer.set_weights(weights);
    const packed = live() - baseline;  // copies of the weights, replacing the old ones, plus packed copies
    expect(packed).toBeGreaterThanOrEqual(0);
    const got = firstCallMakesOnlyItsOutput(layer, x);
    const want = name === 'DepthwiseConv2D' ? got : lazyOutput(make, weights, x);
    expect(Array.from(got)).toEqual(Array.from(want));
    for (const w of weights) w.dispose();
    layer.dispose();
    x.dispose();
  });

  test('set_weights again repacks: new numbers, the old packed copies freed; dispose frees them all', () => {
    const x = randomLike(inputShape, 8);
    const before = live();
    const layer = make();
    const w1 = newWeights(layer, 200);
    const w2 = newWeights(layer, 300);
    layer.set_weights(w1);
    const held = live();
    const first = firstCallMakesOnlyItsOutput(layer, x);
    layer.set_weights(w2);
    expect(live()).toBe(held);  // same number of weights and packed copies
    const second = firstCallMakesOnlyItsOutput(layer, x);
    expect(Array.from(second)).not.toEqual(Array.from(first));
    const fresh = make();
    fresh.set_weights(w2);
    expect(Array.from(firstCallMakesOnlyItsOutput(fresh, x))).toEqual(Array.from(second));
    fresh.dispose();
    for (const w of [...w1, ...w2]) w.dispose();
    layer.dispose();
    expect(live()).toBe(before);
    x.dispose();
  });
});

test('build with initializers packs too (a layer given input_shape, and build())', () => {
  const x = randomLike([1, 8, 8, 3], 9);
  const a = new layers.Conv2D({ filters: 4, kernel_size: 3, input_shape: [8, 8, 3] });
  firstCallMakesOnlyItsOutput(a, x);
  const b = new layers.Conv2D({ filters: 4, kernel_size: 3 });
  b.build([null, 8, 8, 3]);
  firstCallMakesOnlyItsOutput(b, x);
  const before = live();
  a.dispose();
  b.dispose();
  expect(live()).toBe(before - 4 - 2);  // kernel, bias and packed copy each
  x.dispose();
});

// ---- models ------------------------------------------------------------------

function convBnModel(kind) {
  const conv = () => new layers.Conv2D({ filters: 8, kernel_size: 3, padding: 'same', use_bias: false });
  const bn = () => new layers.BatchNormalization({ epsilon: 1e-3 });
  const relu = () => new layers.ReLU({ max_value: 6 });
  if (kind === 'Sequential') {
    return new keras.Sequential([
      new layers.Conv2D({ filters: 8, kernel_size: 3, padding: 'same', use_bias: false, input_shape: [10, 10, 3] }), bn(), relu(),
      new layers.DepthwiseConv2D({ kernel_size: 3, padding: 'same', use_bias: false }), bn(), relu(),
      new layers.GlobalAveragePooling2D(), new layers.Dense({ units: 5 }),
    ]);
  }
  const input = keras.Input({ shape: [10, 10, 3] });
  let y = relu().apply(bn().apply(conv().apply(input)));
  y = relu().apply(bn().apply(new layers.DepthwiseConv2D({ kernel_size: 3, padding: 'same', use_bias: false }).apply(y)));
  y = new layers.Dense({ units: 5 }).apply(new layers.GlobalAveragePooling2D().apply(y));
  return new keras.Model({ inputs: input, outputs: y });
}

function modelWeightsLike(model, seed) {
  return model.weights.map((w, i) => {
    const name = model.layers.find((l) => l.weights.includes(w))?.weightNames?.[0] ?? '';
    const t = seeded(product(w.shape), seed + i);
    // keep BatchNorm variances positive
    if (/batch_normalization/.test(model.layers.find((l) => l.weights.includes(w))?.name ?? '') && name) for (let j = 0; j < t.length; j++) t[j] = Math.abs(t[j]) + 0.5;
    return torch.tensor(t, w.shape);
  });
}

describe.each(['Sequential', 'Model'])('keras %s', (kind) => {
  test('folds and packs when built and when weights are set: predict makes only its output; the numbers match an unfused predict', () => {
    const x = randomLike([1, 10, 10, 3], 11);
    const model = convBnModel(kind);
    expect(model.executionPlan().some((s) => s.includes('+'))).toBe(true);
    let before = live();
    let y = model.predict(x);
    expect(live()).toBe(before + 1);
    y.dispose();
    const weights = modelWeightsLike(model, 500);
    model.set_weights(weights);
    before = live();
    y = model.predict(x);
    expect(live()).toBe(before + 1);
    const fused = y.dataSync().slice();
    y.dispose();
    const held = live();
    const u = model.predict(x, { fuse: false });
    const unfused = u.dataSync();
    for (let i = 0; i < fused.length; i++) expect(Math.abs(fused[i] - unfused[i])).toBeLessThan(1e-4 * (1 + Math.abs(unfused[i])));
    u.dispose();
    // New weights: new numbers, nothing left behind (the unfused predict's
    // own packed copies went with the replaced weights).
    const w2 = modelWeightsLike(model, 900);
    model.set_weights(w2);
    expect(live()).toBe(held + w2.length);
    y = model.predict(x);
    expect(Array.from(y.dataSync())).not.toEqual(Array.from(fused));
    y.dispose();
    for (const w of [...weights, ...w2]) w.dispose();
    const end = live();
    model.dispose();
    for (const l of model.layers) l.dispose?.();
    expect(live()).toBeLessThan(end);
    x.dispose();
  });
});

test('a model frees its folded and packed copies on dispose (no leak over make, set, predict, dispose)', () => {
  const x = randomLike([1, 10, 10, 3], 12);
  const start = live();
  for (let round = 0; round < 3; round++) {
    for (const kind of ['Sequential', 'Model']) {
      const model = convBnModel(kind);
      const ws = modelWeightsLike(model, round * 10);
      model.set_weights(ws);
      for (const w of ws) w.dispose();
      model.predict(x).dispose();
      model.dispose();
      for (const l of model.layers) l.dispose?.();
    }
  }
  expect(live()).toBe(start);
  x.dispose();
});

// ---- torch -------------------------------------------------------------------

const TORCH_CASES = [
  ['Conv2d', () => new torch.nn.Conv2d(5, 7, 3, { padding: 1 }), [1, 5, 8, 8]],
  ['Conv1d', () => new torch.nn.Conv1d(3, 6, 4, { stride: 2 }), [2, 3, 20]],
  ['Linear', () => new torch.nn.Linear(11, 6), [4, 11]],
  ['ConvTranspose2d', () => new torch.nn.ConvTranspose2d(4, 6, 2, { stride: 2 }), [1, 4, 5, 5]],
];

describe.each(TORCH_CASES)('torch nn.%s', (name, make, inputShape) => {
  test('packs on construction and load_state_dict; forward makes only its output; dispose frees the packed copies', () => {
    const x = randomLike(inputShape, 13);
    const start = live();
    const m = make();
    const made = live() - start;
    expect(made).toBeGreaterThan(m.parameters().length);  // weight, bias and a packed copy
    let before = live();
    let y = m.call(x);
    expect(live()).toBe(before + 1);
    const first = y.dataSync().slice();
    y.dispose();
    const dict = Object.fromEntries(Object.entries(m.state_dict()).map(([k, t], i) => [k, randomLike(t.shape, 40 + i)]));
    before = live();
    m.load_state_dict(dict);
    expect(live()).toBe(before);  // the new copies and their packed copy replace the old ones
    before = live();
    y = m.call(x);
    expect(live()).toBe(before + 1);
    const second = y.dataSync().slice();
    y.dispose();
    expect(Array.from(second)).not.toEqual(Array.from(first));
    // The functional form with the same tensors (packs on its own first call) agrees.
    const F = torch.nn.functional;
    const ref = name === 'Linear' ? F.linear(x, dict.weight, dict.bias)
      : name === 'Conv2d' ? F.conv2d(x, dict.weight, dict.bias, { padding: 1 })
        : name === 'Conv1d' ? F.conv1d(x, dict.weight, dict.bias, { stride: 2 })
          : F.conv_transpose2d(x, dict.weight, dict.bias, { stride: 2 });
    expect(Array.from(ref.dataSync())).toEqual(Array.from(second));
    ref.dispose();
    for (const t of Object.values(dict)) t.dispose();
    m.dispose();
    expect(live()).toBe(start);
    expect(made).toBe(m.parameters().length + 1);
    x.dispose();
  });
});

// A Keras layer given weights with prepacking deferred, then prepack() on
// its own (no warm-up run): its first call makes only its output, with the
// lazy path's numbers.
function prepackAloneIsComplete(make, inputShape, seed) {
  const x = randomLike(inputShape, seed);
  const layer = make();
  const weights = newWeights(layer, seed * 10);
  deferPrepack(() => layer.set_weights(weights));
  layer.prepack();
  const got = firstCallMakesOnlyItsOutput(layer, x);
  expect(Array.from(got)).toEqual(Array.from(lazyOutput(make, weights, x)));
  for (const t of [x, ...weights]) t.dispose();
  layer.dispose();
}

test('prepack() alone (no warm-up run) packs the channels-last depthwise kernel: the first call makes only its output', () => {
  prepackAloneIsComplete(() => new layers.DepthwiseConv2D({ kernel_size: 3, padding: 'same', input_shape: [8, 8, 12] }), [1, 8, 8, 12], 4);
});

test('prepack() alone packs the Winograd weights of a 3x3 stride-1 layer of unknown input size (torch and Keras)', () => {
  prepackAloneIsComplete(() => new layers.Conv2D({ filters: 24, kernel_size: 3, padding: 'same', batch_input_shape: [null, null, null, 20] }),
    [1, 16, 16, 20], 6);
  // torch: construction packs one copy, for the kernel the module runs
  // (Winograd for the stride-1 3x3, direct for the strided one).
  const b0 = live();
  const conv = new torch.nn.Conv2d(20, 24, 3, { stride: 2, padding: 1 });
  const strided = live() - b0;
  const b1 = live();
  const plain = new torch.nn.Conv2d(20, 24, 3, { padding: 1 });
  expect(live() - b1).toBe(strided);
  const xs = randomLike([1, 20, 16, 16], 9);
  const b2 = live();
  plain.forward(xs).dispose();
  expect(live()).toBe(b2);
  for (const t of [conv, plain]) t.dispose();
  xs.dispose();
});

// A model's warm-up runs every kind of built-in layer (not only the packed
// ones) at its batch-1 built shape, so their kernels are compiled before the
// first predict; an app's own layers and activation functions are not run.
test('a model\'s warm-up runs built-in layers of every kind at their batch-1 shape, never user code', () => {
  const calls = [];
  const spy = (layer) => {
    const call = layer.call.bind(layer);
    layer.call = (x, kw) => {
      calls.push([layer.name, [x].flat().map((t) => t.shape)]);
      return call(x, kw);
    };
    return layer;
  };
  const userFn = [];
  class Doubler extends layers.Layer {
    call(x) { userFn.push('Doubler'); return torch.mul(x, 2); }
    compute_output_shape(s) { return s; }
  }
  const x = keras.Input({ shape: [12, 5], name: 'warm_in' });
  const p = spy(new layers.MaxPooling1D({ pool_size: 2, name: 'warm_pool' })).apply(x);
  const q = spy(new layers.MaxPooling1D({ pool_size: 2, name: 'warm_pool_b' })).apply(x);  // same kind: no second run
  const a = spy(new layers.Add({ name: 'warm_add' })).apply([p, q]);
  const f = new layers.Activation({ activation: (t) => { userFn.push('fn'); return t.clone(); }, name: 'warm_fn' }).apply(a);
  const d = new Doubler({ name: 'warm_user' }).apply(f);
  const g = spy(new layers.GlobalAveragePooling1D({ name: 'warm_gap' })).apply(d);
  const model = new keras.Model({ inputs: x, outputs: g });
  const ran = new Map(calls.map(([name, shapes]) => [name, shapes]));
  // each kind ran (a model earlier in this process may have warmed a kind already: then it is absent)
  for (const [name, shapes] of ran) {
    const want = { warm_pool: [[1, 12, 5]], warm_pool_b: [[1, 12, 5]], warm_add: [[1, 6, 5], [1, 6, 5]], warm_gap: [[1, 6, 5]] }[name];
    expect(shapes).toEqual(want);
  }
  expect(ran.has('warm_pool') && ran.has('warm_pool_b')).toBe(false);
  expect(ran.has('warm_add') || ran.has('warm_gap')).toBe(true);
  expect(userFn).toEqual([]);
  calls.length = 0;
  const y = model.predict(torch.ones(1, 12, 5));
  expect(y.tolist()).toEqual([[4, 4, 4, 4, 4]]);  // (1 + 1) * 2
  expect(userFn).toEqual(['fn', 'Doubler']);
  expect(calls.map(([name]) => name)).toEqual(['warm_pool', 'warm_pool_b', 'warm_add', 'warm_gap']);
  y.dispose();
  model.dispose();
});
