// Convolution through the public API: hand-computed values, the shapes of
// the Keras and PyTorch documentation examples, PyTorch's output-length
// formula, modules and layers (weights, configs, initializers).
import { init, torch, keras, Tensor } from '../../js/index.js';
import { torchOutLength } from './reference/conv.js';

const F = () => torch.nn.functional;

beforeAll(() => init({ threads: 2 }));

describe('hand-computed values', () => {
  test('a one-hot kernel shifts, in both layouts and both APIs', () => {
    const x = torch.tensor([[[1, 2, 3, 4, 5]]]);  // (1, 1, 5)
    expect(F().conv1d(x, torch.tensor([[[0, 0, 1]]]), null, 1, 1).tolist()).toEqual([[[2, 3, 4, 5, 0]]]);
    expect(F().conv1d(x, torch.tensor([[[1, 0, 0]]]), null, 1, 1).tolist()).toEqual([[[0, 1, 2, 3, 4]]]);
    const layer = new keras.layers.Conv1D({ filters: 1, kernel_size: 3, padding: 'same', use_bias: false });
    layer.build([1, 5, 1]);
    layer.set_weights([torch.tensor([[[0]], [[0]], [[1]]])]);
    expect(layer.apply(torch.tensor([[[1], [2], [3], [4], [5]]])).tolist()).toEqual([[[2], [3], [4], [5], [0]]]);
  });

  test("'causal' delays by dilation*(kernel-1)", () => {
    // kernel [1, 0, 0] with dilation 2: output[t] = input[t - 4].
    const layer = new keras.layers.Conv1D({ filters: 1, kernel_size: 3, dilation_rate: 2, padding: 'causal', use_bias: false });
    layer.build([1, 7, 1]);
    layer.set_weights([torch.tensor([[[1]], [[0]], [[0]]])]);
    const y = layer.apply(torch.tensor([[[1], [2], [3], [4], [5], [6], [7]]]));
    expect(y.tolist()).toEqual([[[0], [0], [0], [0], [1], [2], [3]]]);
  });

  test('a box kernel averages; bias is added; relu clamps', () => {
    const x = torch.tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);  // (1, 1, 3, 3)
    const box = torch.tensor(new Float32Array(9).fill(1 / 9), [1, 1, 3, 3]);
    expect(F().conv2d(x, box).data[0]).toBeCloseTo(5, 5);
    const y = F().conv2d(x, box, torch.tensor([10]), 1, 1);
    expect(y.shape).toEqual([1, 1, 3, 3]);
    expect(y.data[4]).toBeCloseTo(15, 5);
    expect(y.data[0]).toBeCloseTo(10 + 12 / 9, 5);  // corner: 1+2+4+5
    const relu = new keras.layers.Conv2D({ filters: 2, kernel_size: 1, activation: 'relu', use_bias: false });
    relu.build([1, 1, 2, 1]);
    relu.set_weights([torch.tensor([[[[1, -1]]]])]);
    expect(relu.apply(torch.tensor([[[[3], [-2]]]])).tolist()).toEqual([[[[3, 0], [0, 2]]]]);
  });

  test('groups: each group sees only its channels; depthwise', () => {
    // 2 channels, groups 2, each output = 2 * its channel.
    const x = torch.tensor([[[1, 2], [3, 4]]]);
    const w = torch.tensor([[[2]], [[2]]]);
    expect(F().conv1d(x, w, null, 1, 0, 1, 2).tolist()).toEqual([[[2, 4], [6, 8]]]);
    const x2 = torch.tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]);
    const dw = torch.tensor([[[[1, 1], [1, 1]]], [[[0, 0], [0, 1]]]]);
    expect(F().conv2d(x2, dw, null, 1, 0, 1, 2).tolist()).toEqual([[[[10]], [[8]]]]);
  });

  test('stride and dilation pick the right inputs', () => {
    const x = torch.arange(10).reshape(1, 1, 10);
    const w = torch.tensor([[[1, 10]]]);
    expect(F().conv1d(x, w, null, 3).tolist()).toEqual([[[10, 43, 76]]]);  // x[i] + 10 x[i+1], i = 0, 3, 6
    expect(F().conv1d(x, w, null, 1, 0, 4).shape).toEqual([1, 1, 6]);
    expect(F().conv1d(x, w, null, 1, 0, 4).data[0]).toBe(40);  // x[0] + 10 x[4]
  });
});

describe('documentation examples', () => {
  test('Keras Conv1D: (4, 10, 128) -> Conv1D(32, 3, relu) -> (4, 8, 32)', () => {
    const y = new keras.layers.Conv1D({ filters: 32, kernel_size: 3, activation: 'relu' }).apply(torch.randn(4, 10, 128));
    expect(y.shape).toEqual([4, 8, 32]);
    expect(Math.min(...y.data)).toBeGreaterThanOrEqual(0);
  });

  test('Keras Conv2D: (4, 28, 28, 3) -> Conv2D(2, 3, relu) -> (4, 26, 26, 2)', () => {
    const y = new keras.layers.Conv2D({ filters: 2, kernel_size: 3, activation: 'relu' }).apply(torch.randn(4, 28, 28, 3));
    expect(y.shape).toEqual([4, 26, 26, 2]);
  });

  test('PyTorch conv1d: inputs (33, 16, 30), filters (20, 16, 5) -> (33, 20, 26)', () => {
    expect(F().conv1d(torch.randn(33, 16, 30), torch.randn(20, 16, 5)).shape).toEqual([33, 20, 26]);
  });

  test('PyTorch conv2d: inputs (1, 4, 5, 5), filters (8, 4, 3, 3), padding=1 -> (1, 8, 5, 5)', () => {
    expect(F().conv2d(torch.randn(1, 4, 5, 5), torch.randn(8, 4, 3, 3), null, 1, 1).shape).toEqual([1, 8, 5, 5]);
    expect(F().conv2d(torch.randn(1, 4, 5, 5), torch.randn(8, 4, 3, 3), { padding: 1 }).shape).toEqual([1, 8, 5, 5]);
  });
});

test("PyTorch's output length formula for every padding/stride/dilation", () => {
  const x = torch.randn(1, 2, 17);
  for (const k of [1, 2, 3, 5]) {
    const w = torch.randn(3, 2, k);
    for (const s of [1, 2, 3]) {
      for (const d of [1, 2, 3]) {
        for (const p of [0, 1, 2, 'valid', 'same']) {
          if (p === 'same' && s !== 1) continue;
          const padNum = p === 'valid' ? 0 : p;
          const expected = p === 'same' ? 17 : torchOutLength(17, k, s, padNum, d);
          if (expected < 1) continue;
          const y = F().conv1d(x, w, null, s, p, d);
          expect([k, s, d, p, y.shape[2]]).toEqual([k, s, d, p, expected]);
          y.dispose();
        }
      }
    }
  }
  // 2D: per dimension.
  const y = F().conv2d(torch.randn(2, 3, 11, 9), torch.randn(4, 3, 3, 2), null, [2, 1], [1, 0], [1, 3]);
  expect(y.shape).toEqual([2, 4, torchOutLength(11, 3, 2, 1, 1), torchOutLength(9, 2, 1, 0, 3)]);
  // 'same' with an even kernel: the extra pad at the end, as PyTorch.
  const same = F().conv1d(torch.tensor([[[1, 2, 3, 4]]]), torch.tensor([[[1, 1]]]), null, 1, 'same');
  expect(same.tolist()).toEqual([[[3, 5, 7, 4]]]);
});

test('unbatched input gives unbatched output', () => {
  expect(F().conv1d(torch.randn(16, 30), torch.randn(20, 16, 5)).shape).toEqual([20, 26]);
  expect(F().conv2d(torch.randn(4, 5, 5), torch.randn(8, 4, 3, 3), null, 1, 1).shape).toEqual([8, 5, 5]);
  const x = torch.randn(2, 6, 9);
  // (C, L) unbatched gives the same values as (1, C, L).
  const xu = torch.randn(6, 9);
  const w = torch.randn(6, 2, 3);
  const a = F().conv1d(xu, w, null, 1, 1, 1, 3);
  const b = F().conv1d(xu.reshape(1, 6, 9), w, null, 1, 1, 1, 3);
  expect(a.shape).toEqual([6, 9]);
  expect(a.data).toEqual(b.data);
  expect(F().conv1d(x, w, { padding: 1, groups: 3 }).shape).toEqual([2, 6, 9]);
});

test('Keras same padding with strides > 1: extra pad at the end', () => {
  // L=6, k=3, s=2: out 3, total = max((3-1)*2 + 3 - 6, 0) = 1 -> left 0, right 1.
  const layer = new keras.layers.Conv1D({ filters: 1, kernel_size: 3, strides: 2, padding: 'same', use_bias: false });
  layer.build([1, 6, 1]);
  layer.set_weights([torch.tensor([[[1]], [[1]], [[1]]])]);
  expect(layer.apply(torch.tensor([[[1], [2], [3], [4], [5], [6]]])).tolist()).toEqual([[[6], [12], [11]]]);
  expect(layer.compute_output_shape([null, 7, 1])).toEqual([null, 4, 1]);
});

describe('torch.nn.Conv1d / Conv2d modules', () => {
  test('shapes, init bounds and seeding as PyTorch', () => {
    torch.manual_seed(7);
    const m = new torch.nn.Conv1d(16, 33, 3, { stride: 2 });
    expect(m.weight.shape).toEqual([33, 16, 3]);
    expect(m.bias.shape).toEqual([33]);
    const bound = 1 / Math.sqrt(16 * 3);
    for (const v of m.weight.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    for (const v of m.bias.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    torch.manual_seed(7);
    const again = new torch.nn.Conv1d(16, 33, 3, { stride: 2 });
    expect(again.weight.data).toEqual(m.weight.data);
    expect(m.forward(torch.randn(20, 16, 50)).shape).toEqual([20, 33, 24]);

    const c2 = new torch.nn.Conv2d(16, 33, [3, 5], { stride: [2, 1], padding: [4, 2], dilation: [3, 1] });
    expect(c2.forward(torch.randn(2, 16, 20, 25)).shape).toEqual([2, 33, 11, 25]);
    const dw = new torch.nn.Conv2d(8, 8, 3, 1, 'same', 1, 8, false);
    expect(dw.bias).toBeNull();
    expect(dw.weight.shape).toEqual([8, 1, 3, 3]);
    expect(dw.forward(torch.randn(8, 6, 6)).shape).toEqual([8, 6, 6]);
    expect(String(c2)).toContain('Conv2d(16, 33');
  });

  test('the module matches the functional op with its own weights', () => {
    const m = new torch.nn.Conv2d(3, 5, 3, { padding: 1 });
    const x = torch.randn(2, 3, 7, 7);
    expect(m.forward(x).data).toEqual(F().conv2d(x, m.weight, m.bias, 1, 1).data);
  });
});

describe('keras Conv1D / Conv2D layers', () => {
  test('weights in Keras layout, count_params, set/get round trip', () => {
    const layer = new keras.layers.Conv2D({ filters: 6, kernel_size: [3, 2], groups: 2 });
    expect(() => layer.count_params()).toThrow(/Conv2D: count_params: .*not built/);
    layer.build([null, 10, 10, 4]);
    const [k, b] = layer.get_weights();
    expect(k.shape).toEqual([3, 2, 2, 6]);
    expect(b.shape).toEqual([6]);
    expect(Array.from(b.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(layer.count_params()).toBe(3 * 2 * 2 * 6 + 6);
    expect(layer.weights.length).toBe(2);
    const k2 = torch.randn(3, 2, 2, 6);
    layer.set_weights([k2, torch.ones(6)]);
    expect(layer.get_weights()[0].data).toEqual(k2.data);
    expect(layer.get_weights()[1].data).toEqual(new Float32Array(6).fill(1));
    const c1 = new keras.layers.Conv1D({ filters: 4, kernel_size: 5, use_bias: false });
    c1.build([2, 9, 3]);
    expect(c1.get_weights().map((w) => w.shape)).toEqual([[5, 3, 4]]);
    expect(c1.count_params()).toBe(60);
  });

  test('initializers: fans as Keras, seeds, truncated normals', () => {
    const k = [3, 3];
    const make = (init) => {
      const l = new keras.layers.Conv2D({ filters: 32, kernel_size: k, kernel_initializer: init, bias_initializer: 'ones' });
      l.build([1, 8, 8, 16]);
      return l.get_weights();
    };
    const fanIn = 16 * 9, fanOut = 32 * 9;
    const glorot = Math.sqrt(6 / (fanIn + fanOut));
    let [w, b] = make('glorot_uniform');
    expect(Math.max(...w.data.map(Math.abs))).toBeLessThanOrEqual(glorot);
    expect(Math.max(...w.data.map(Math.abs))).toBeGreaterThan(glorot * 0.95);
    expect(Array.from(b.data).every((v) => v === 1)).toBe(true);
    [w] = make('he_uniform');
    expect(Math.max(...w.data.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / fanIn));
    for (const [name, stddev] of [['he_normal', Math.sqrt(2 / fanIn)], ['glorot_normal', Math.sqrt(2 / (fanIn + fanOut))]]) {
      [w] = make(name);
      const v = Array.from(w.data);
      const mean = v.reduce((a, x) => a + x, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length);
      expect(Math.abs(sd / stddev - 1)).toBeLessThan(0.05);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(2 * stddev / 0.87962566103423978 + 1e-6);
    }
    [w] = make('zeros');
    expect(Array.from(w.data).every((x) => x === 0)).toBe(true);
    [w] = make('ones');
    expect(Array.from(w.data).every((x) => x === 1)).toBe(true);
    [w] = make('random_uniform');
    expect(Math.max(...w.data.map(Math.abs))).toBeLessThanOrEqual(0.05);
    [w] = make('random_normal');
    expect(Math.abs(Math.sqrt(w.data.reduce((a, x) => a + x * x, 0) / w.numel()) - 0.05)).toBeLessThan(0.005);
    // Seeded: by torch.manual_seed, or by the initializer's own seed.
    torch.manual_seed(3);
    const a = make('glorot_uniform')[0].data;
    torch.manual_seed(3);
    expect(make('glorot_uniform')[0].data).toEqual(a);
    const s1 = make({ class_name: 'GlorotNormal', config: { seed: 42 } })[0].data;
    expect(make({ class_name: 'GlorotNormal', config: { seed: 42 } })[0].data).toEqual(s1);
  });

  test('get_config / from_config round trip, aliases, camelCase options', () => {
    const layer = new keras.layers.Conv1D({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'gelu', name: 'c1' });
    const config = layer.get_config();
    expect(config).toMatchObject({
      name: 'c1', filters: 8, kernel_size: [3], strides: [2], padding: 'same', data_format: 'channels_last',
      dilation_rate: [1], groups: 1, activation: 'gelu', use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform' }, bias_initializer: { class_name: 'Zeros' },
    });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const copy = keras.layers.Conv1D.from_config(config);
    expect(copy.get_config()).toEqual(config);
    expect(keras.layers.Convolution1D).toBe(keras.layers.Conv1D);
    expect(keras.layers.Convolution2D).toBe(keras.layers.Conv2D);
    expect(keras.layers.conv2d({ filters: 1, kernel_size: 1 })).toBeInstanceOf(keras.layers.Conv2D);
  });

  test('channels_first matches channels_last on the same weights', () => {
    const a = new keras.layers.Conv2D({ filters: 5, kernel_size: 3, padding: 'same', activation: 'tanh' });
    const b = new keras.layers.Conv2D({ filters: 5, kernel_size: 3, padding: 'same', activation: 'tanh', data_format: 'channels_first' });
    const x = torch.randn(2, 6, 7, 3);
    a.build(x.shape);
    b.build([2, 3, 6, 7]);
    b.set_weights(a.get_weights());
    const ya = a.apply(x);
    const yb = b.apply(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1);
    const da = ya.data, db = yb.data;
    for (let i = 0; i < da.length; i++) expect(Math.abs(da[i] - db[i])).toBeLessThan(1e-5);
  });

  test('softmax over the last axis and JS-function activations', () => {
    const layer = new keras.layers.Conv1D({ filters: 4, kernel_size: 1, activation: 'softmax' });
    const y = layer.apply(torch.randn(2, 3, 5));
    const d = y.data;
    for (let r = 0; r < 6; r++) expect(d[r * 4] + d[r * 4 + 1] + d[r * 4 + 2] + d[r * 4 + 3]).toBeCloseTo(1, 5);
    const doubled = new keras.layers.Conv1D({ filters: 2, kernel_size: 1, activation: (t) => t.reshape(-1) });
    expect(doubled.apply(torch.randn(1, 3, 2)).shape).toEqual([6]);
  });

  test('nested arrays are accepted as inputs', () => {
    const layer = new keras.layers.Conv1D({ filters: 1, kernel_size: 2, kernel_initializer: 'ones' });
    expect(layer.apply([[[1], [2], [3]]]).tolist()).toEqual([[[3], [5]]]);
    expect(layer.apply([[[1], [2], [3]]])).toBeInstanceOf(Tensor);
  });
});

test('packed weights are made once per weight tensor and freed with it', () => {
  const x = torch.randn(1, 8, 20);
  const w = torch.randn(12, 8, 3);
  const before = (globalThis.__nnwasm_count = 0);
  expect(before).toBe(0);
  const y1 = F().conv1d(x, w);
  const y2 = F().conv1d(x, w);
  expect(y1.data).toEqual(y2.data);
  // A different bias on the same weight repacks, and gives its own result.
  const b = torch.ones(12);
  const y3 = F().conv1d(x, w, b);
  for (let i = 0; i < y3.numel(); i++) expect(y3.data[i]).toBeCloseTo(y1.data[i] + 1, 5);
  w.dispose();
  expect(() => F().conv1d(x, w)).toThrow(/conv1d: weight was disposed/);
});

test('results are bit-identical at 1 and 2 threads', () => {
  const x = torch.randn(4, 256, 32);
  const w = torch.randn(48, 32, 3);
  const layer = new keras.layers.Conv1D({ filters: 48, kernel_size: 5, padding: 'causal', dilation_rate: 2, activation: 'swish' });
  layer.build(x.shape);
  const xc = torch.randn(2, 32, 40, 40);
  const dw = torch.randn(32, 1, 3, 3);
  const w2 = torch.randn(16, 32, 3, 3);
  const run = () => [layer.apply(x).data, F().conv1d(x.permute(0, 2, 1), w, null, 1, 1).data, F().conv2d(xc, dw, null, 1, 1, 1, 32).data,
    F().conv2d(xc, w2, null, 1, 1).data];
  torch.set_num_threads(2);
  const two = run();
  torch.set_num_threads(1);
  const one = run();
  torch.set_num_threads(2);
  expect(one).toEqual(two);
});
