// keras.layers between the convolutions against TensorFlow.js's own layers
// (tfjs-layers, CPU backend) with the same weights and inputs, on seeded
// random shapes in both data formats.
import { init, keras, backend, torch } from '../../js/index.js';
import { initTf, maxAbsDiff, runBoth, tfl } from './keras_tfjs.js';
import { activationReference, erf } from './reference/conv.js';
import { randInt, rng } from './reference/random.js';

const L = keras.layers;
beforeAll(async () => {
  await init({ threads: 2 });
  await initTf();
});

function expectClose(res, tol = 1e-4, label = '') {
  expect({ label, shape: res.shape }).toEqual({ label, shape: res.tfShape });
  const d = maxAbsDiff(res.got, res.want);
  if (!(d <= tol)) throw new Error(`${label}: max |nnwasm - tfjs| = ${d} > ${tol}`);
}

const formats = ['channels_last', 'channels_first'];
const cl = (f) => f === 'channels_last';
const fmtCamel = (f) => (cl(f) ? 'channelsLast' : 'channelsFirst');

describe('Dense', () => {
  test.each([1, 2, 3, 4])('seed %i: any rank, with activation, both spellings', (seed) => {
    const next = rng(seed);
    const rank = randInt(next, 2, 4);
    const shape = Array.from({ length: rank }, () => randInt(next, 1, 5));
    const units = randInt(next, 1, 7);
    const activation = ['linear', 'relu', 'tanh', 'sigmoid'][seed % 4];
    const nn = new L.Dense(seed % 2 ? { units, activation, use_bias: seed !== 3 } : { units, activation, useBias: seed !== 3 });
    const res = runBoth(nn, tfl.layers.dense({ units, activation, useBias: seed !== 3 }), shape, seed);
    expectClose(res, 1e-5, `Dense ${shape} units ${units}`);
    expect(nn.get_weights()[0].shape).toEqual([shape.at(-1), units]);
    expect(nn.count_params()).toBe(shape.at(-1) * units + (seed !== 3 ? units : 0));
  });
});

describe('BatchNormalization', () => {
  test.each([1, 2, 3])('seed %i axis -1: inference with moving statistics, against tfjs', (seed) => {
    const next = rng(seed);
    const shape = [randInt(next, 1, 3), randInt(next, 1, 4), randInt(next, 1, 4), randInt(next, 1, 5)];
    const nn = new L.BatchNormalization({ axis: -1, epsilon: 1e-3 });
    const res = runBoth(nn, tfl.layers.batchNormalization({ axis: -1, epsilon: 1e-3 }), shape, seed);
    expectClose(res, 1e-5, 'BatchNormalization');
    expect(nn.get_weights().length).toBe(4);
    expect(nn.count_params()).toBe(4 * shape[3]);
  });

  // tfjs-backend-cpu's batchNorm kernel indexes mean / variance as if the
  // channel axis were last, so other axes are checked against the formula.
  test.each([[4, 1], [5, 2], [6, -2], [7, 0]])('seed %i axis %i: against the formula', (seed, axis) => {
    const next = rng(seed);
    const shape = [randInt(next, 2, 3), randInt(next, 2, 4), randInt(next, 2, 4), randInt(next, 1, 5)];
    const nn = new L.BatchNormalization({ axis, epsilon: 0.01, center: seed !== 5 });
    const x = torch.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => next() * 4 - 2), shape);
    nn.build(shape);
    const C = shape.at(axis);
    const ws = nn.weights.map((w, i) => torch.tensor(Array.from({ length: C }, () => (nn.weightNames[i] === 'moving_variance' ? 0.5 + next() : next() * 2 - 1)), [C]));
    nn.set_weights(ws);
    const [g, b, m, v] = nn.weightNames.length === 4 ? ws.map((w) => w.data) : [ws[0].data, null, ws[1].data, ws[2].data];
    const inner = shape.slice((axis + 4) % 4 + 1).reduce((p, q) => p * q, 1);
    const want = Array.from(x.data, (val, i) => {
      const c = Math.floor(i / inner) % C;
      return (val - m[c]) / Math.sqrt(v[c] + 0.01) * g[c] + (b ? b[c] : 0);
    });
    const y = nn.apply(x);
    expect(maxAbsDiff(y.data, want)).toBeLessThan(1e-5);
  });

  test('training: batch statistics and the moving statistics move by 1 - momentum', () => {
    const nn = new L.BatchNormalization({ momentum: 0.9 });
    const x = [[1, 10], [3, 20], [5, 60]];
    const y = nn.apply(x, { training: true });
    // mean [3, 30], biased variance [8/3, 1400/3]
    const want = [[-2, -20], [0, -10], [2, 30]].map((r) => r.map((v, c) => v / Math.sqrt([8 / 3, 1400 / 3][c] + 1e-3)));
    expect(Array.from(y.data)).toEqual(want.flat().map((v) => expect.closeTo(v, 5)));
    expect(Array.from(nn.moving_mean.data)).toEqual([expect.closeTo(0.3, 5), expect.closeTo(3, 5)]);
    expect(Array.from(nn.moving_variance.data)).toEqual([expect.closeTo(0.9 + 0.1 * 8 / 3, 5), expect.closeTo(0.9 + 0.1 * 1400 / 3, 3)]);
    y.dispose();
  });
});

describe('activation layers', () => {
  const shape = [2, 3, 5];
  test.each(['relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'softsign', 'swish', 'softmax', 'linear'])('Activation(%s)', (a) => {
    expectClose(runBoth(new L.Activation({ activation: a }), tfl.layers.activation({ activation: a }), shape, 7), 1e-5, a);
  });

  test('ReLU max_value, LeakyReLU alpha / negative_slope, ELU alpha, Softmax axis', () => {
    expectClose(runBoth(new L.ReLU({ max_value: 0.5 }), tfl.layers.reLU({ maxValue: 0.5 }), shape, 1), 1e-6, 'ReLU');
    expectClose(runBoth(new L.LeakyReLU({ alpha: 0.1 }), tfl.layers.leakyReLU({ alpha: 0.1 }), shape, 2), 1e-6, 'LeakyReLU alpha');
    expectClose(runBoth(new L.LeakyReLU({ negative_slope: 0.2 }), tfl.layers.leakyReLU({ alpha: 0.2 }), shape, 3), 1e-6, 'LeakyReLU');
    expectClose(runBoth(new L.ELU(), tfl.layers.elu(), shape, 4), 1e-6, 'ELU');
    // tfjs-layers refuses alpha != 1: Keras's formula alpha * (exp(x) - 1) below 0.
    expect(Array.from(new L.ELU({ alpha: 0.7 }).apply([[-1, 2]]).data)).toEqual([expect.closeTo(0.7 * (Math.exp(-1) - 1), 6), 2]);
    expectClose(runBoth(new L.Softmax(), tfl.layers.softmax({ axis: -1 }), shape, 5), 1e-6, 'Softmax');
    // tfjs-layers only takes the last axis: axis 1 against the formula.
    const y = new L.Softmax({ axis: 1 }).apply([[[1, 0], [2, 0], [3, 5]]]);
    const e = [1, 2, 3].map(Math.exp);
    const s = e.reduce((a, c) => a + c);
    expect(Array.from(y.data).filter((_, i) => i % 2 === 0)).toEqual(e.map((v) => expect.closeTo(v / s, 6)));
  });

  test('LeakyReLU defaults to Keras 3\'s 0.3', () => {
    expect(Array.from(new L.LeakyReLU().apply([[-1, 2]]).data)).toEqual([expect.closeTo(-0.3, 6), 2]);
  });

  test('ReLU negative_slope and threshold (Keras documented semantics)', () => {
    const y = new L.ReLU({ max_value: 4, negative_slope: 0.5, threshold: 1 }).apply([[-2, 0, 0.5, 1, 3, 5]]);
    // x >= max: max; threshold <= x < max: x; else slope * (x - threshold)
    expect(Array.from(y.data)).toEqual([-1.5, -0.5, -0.25, 1, 3, 4]);
  });

  test.each([[null], [[1]], [[1, 2]]])('PReLU shared_axes %j', (shared) => {
    const nn = new L.PReLU({ shared_axes: shared });
    const t = tfl.layers.prelu({ sharedAxes: shared });
    expectClose(runBoth(nn, t, [2, 3, 4, 2], 9), 1e-6, 'PReLU');
  });
});

describe('shape layers', () => {
  test.each(formats)('Flatten %s', (f) => {
    expectClose(runBoth(new L.Flatten({ data_format: f }), tfl.layers.flatten({ dataFormat: fmtCamel(f) }), [2, 3, 4, 5], 1), 0, 'Flatten');
  });

  test('Reshape (with -1) and Permute', () => {
    expectClose(runBoth(new L.Reshape({ target_shape: [4, -1] }), tfl.layers.reshape({ targetShape: [4, -1] }), [2, 3, 4, 2], 2), 0, 'Reshape');
    expectClose(runBoth(new L.Permute({ dims: [3, 1, 2] }), tfl.layers.permute({ dims: [3, 1, 2] }), [2, 3, 4, 5], 3), 0, 'Permute');
  });

  test('Dropout / SpatialDropout are the identity at inference', () => {
    expectClose(runBoth(new L.Dropout({ rate: 0.5 }), tfl.layers.dropout({ rate: 0.5 }), [2, 3], 1), 0, 'Dropout');
    expectClose(runBoth(new L.SpatialDropout1D({ rate: 0.5 }), tfl.layers.spatialDropout1d({ rate: 0.5 }), [2, 3, 4], 1), 0, 'SpatialDropout1D');
    const y = new L.SpatialDropout2D({ rate: 0.3 }).apply([[[[1, 2]]]]);
    expect(Array.from(y.data)).toEqual([1, 2]);
  });

  test('Dropout in training keeps values scaled by 1/(1-rate) or zeroes them', () => {
    const x = new Array(200).fill(1);
    const y = Array.from(new L.Dropout({ rate: 0.5 }).apply([x], { training: true }).data);
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(50);
    expect(y.filter((v) => v === 0).length).toBeLessThan(150);
  });

  test.each(formats)('ZeroPadding2D / Cropping2D %s', (f) => {
    const df = fmtCamel(f);
    expectClose(runBoth(new L.ZeroPadding2D({ padding: [[1, 2], [0, 3]], data_format: f }),
      tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]], dataFormat: df }), [2, 3, 4, 2], 1), 0, 'ZeroPadding2D');
    expectClose(runBoth(new L.Cropping2D({ cropping: [[1, 0], [1, 2]], data_format: f }),
      tfl.layers.cropping2D({ cropping: [[1, 0], [1, 2]], dataFormat: df }), [2, 4, 5, 6], 2), 0, 'Cropping2D');
  });

  test('ZeroPadding1D / Cropping1D (documented examples)', () => {
    const x = [[[0, 1], [2, 3]]];
    expect(new L.ZeroPadding1D({ padding: 1 }).apply(x).tolist()).toEqual([[[0, 0], [0, 1], [2, 3], [0, 0]]]);
    expect(new L.ZeroPadding1D({ padding: [0, 2] }).apply(x).tolist()).toEqual([[[0, 1], [2, 3], [0, 0], [0, 0]]]);
    const y = new L.Cropping1D({ cropping: [1, 0] }).apply([[[1], [2], [3]]]);
    expect(y.tolist()).toEqual([[[2], [3]]]);
  });

  test.each(formats)('UpSampling2D nearest %s', (f) => {
    expectClose(runBoth(new L.UpSampling2D({ size: [2, 3], data_format: f }),
      tfl.layers.upSampling2d({ size: [2, 3], dataFormat: fmtCamel(f) }), [2, 3, 4, 2], 1), 0, 'UpSampling2D');
  });

  test('UpSampling2D bilinear uses half-pixel centres (Keras 3 / tf.image.resize)', async () => {
    const { tf } = await import('./keras_tfjs.js');
    const x = [1, 2, 3, 4, 5, 6].map((v) => v * v);
    const y = new L.UpSampling2D({ size: 2, interpolation: 'bilinear' }).apply([[[[x[0]], [x[1]], [x[2]]], [[x[3]], [x[4]], [x[5]]]]]);
    const want = tf.image.resizeBilinear(tf.tensor(x, [1, 2, 3, 1]), [4, 6], false, true).dataSync();
    expect(maxAbsDiff(y.data, want)).toBeLessThan(1e-5);
  });

  test('UpSampling1D repeats steps (documented example)', () => {
    const y = new L.UpSampling1D({ size: 2 }).apply([[[0, 1], [2, 3]]]);
    expect(y.tolist()).toEqual([[[0, 1], [0, 1], [2, 3], [2, 3]]]);
  });
});

describe('merge layers', () => {
  test.each([['Add', 'add'], ['Multiply', 'multiply'], ['Average', 'average'], ['Maximum', 'maximum'], ['Minimum', 'minimum']])('%s of 3 inputs', (cls, fn) => {
    expectClose(runBoth(new L[cls](), tfl.layers[fn](), [2, 3, 4], 5, { inputs: 3 }), 1e-6, cls);
  });

  test('Subtract (documented: a - b), Concatenate on each axis', () => {
    expect(new L.Subtract().apply([[[5, 3]], [[1, 4]]]).tolist()).toEqual([[4, -1]]);
    for (const axis of [-1, 1, 2]) {
      expectClose(runBoth(new L.Concatenate({ axis }), tfl.layers.concatenate({ axis }), [2, 3, 4], axis + 10, { inputs: 2 }), 0, `Concatenate ${axis}`);
    }
  });
});

// Transposed conv by its definition: every input pixel scatters kernel *
// value into the full output ((L-1)*s + k), which is then cropped to
// Keras's output length, floor(total / 2) at the start for 'same'.
function transposeReference(x, [N, H, W, C], kernel, k, s, padding, op, F, bias) {
  const len = (L) => (L - 1) * s + k - 2 * (padding === 'same' ? Math.floor(k / 2) : 0) + op;
  const [OH, OW] = [len(H), len(W)];
  const full = (L) => (L - 1) * s + k;
  const before = (L, O) => (padding === 'same' ? Math.floor(Math.max(full(L) - O, 0) / 2) : 0);
  const [bh, bw] = [before(H, OH), before(W, OW)];
  const out = new Float32Array(N * OH * OW * F);
  for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const oh = h * s + i - bh;
      const ow = w * s + j - bw;
      if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
      for (let f = 0; f < F; f++) {
        let acc = 0;
        for (let c = 0; c < C; c++) acc += x[((n * H + h) * W + w) * C + c] * kernel[((i * k + j) * F + f) * C + c];
        out[((n * OH + oh) * OW + ow) * F + f] += acc;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] += bias[i % F];
  return { data: out, shape: [N, OH, OW, F] };
}

describe('conv variants', () => {
  test.each([1, 2, 3, 4])('DepthwiseConv2D seed %i (depth_multiplier, strides, same/valid, both formats)', (seed) => {
    const next = rng(seed);
    const f = formats[seed % 2];
    const C = randInt(next, 1, 4);
    const H = randInt(next, 4, 9);
    const W = randInt(next, 4, 9);
    const o = { kernel_size: randInt(next, 1, 3), strides: randInt(next, 1, 2), padding: seed % 3 ? 'same' : 'valid', depth_multiplier: randInt(next, 1, 3) };
    const tfo = { kernelSize: o.kernel_size, strides: o.strides, padding: o.padding, depthMultiplier: o.depth_multiplier, dataFormat: fmtCamel(f) };
    const shape = cl(f) ? [2, H, W, C] : [2, C, H, W];
    expectClose(runBoth(new L.DepthwiseConv2D({ ...o, data_format: f }), tfl.layers.depthwiseConv2d(tfo), shape, seed), 1e-4, 'DepthwiseConv2D');
  });

  test.each([1, 2, 3])('SeparableConv2D seed %i', (seed) => {
    const next = rng(seed + 20);
    const f = formats[seed % 2];
    const C = randInt(next, 1, 4);
    const o = { filters: randInt(next, 1, 5), kernel_size: 3, strides: seed === 2 ? 2 : 1, padding: 'same', depth_multiplier: randInt(next, 1, 2), activation: 'relu' };
    const tfo = { filters: o.filters, kernelSize: 3, strides: o.strides, padding: 'same', depthMultiplier: o.depth_multiplier, activation: 'relu', dataFormat: fmtCamel(f) };
    const shape = cl(f) ? [1, 6, 7, C] : [1, C, 6, 7];
    const nn = new L.SeparableConv2D({ ...o, data_format: 'channels_last' });
    // tfjs-layers' separableConv2d fails to add its bias in channelsFirst:
    // tfjs checks channels_last; channels_first is checked against it.
    expectClose(runBoth(nn, tfl.layers.separableConv2d({ ...tfo, dataFormat: 'channelsLast' }), [1, 6, 7, C], seed), 1e-4, 'SeparableConv2D');
    if (f === 'channels_first') {
      const first = new L.SeparableConv2D({ ...o, data_format: f });
      first.build(shape);
      first.set_weights(nn.get_weights());
      const x = torch.randn(1, 6, 7, C);
      const a = nn.apply(x);
      const b = first.apply(x.permute(0, 3, 1, 2));
      expect(maxAbsDiff(b.permute(0, 2, 3, 1).data, a.data)).toBeLessThan(1e-5);
    }
    expect(nn.get_weights().map((w) => w.shape)).toEqual([[3, 3, C, o.depth_multiplier], [1, 1, C * o.depth_multiplier, o.filters], [o.filters]]);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('Conv2DTranspose seed %i (strides, same/valid, output_padding)', (seed) => {
    const next = rng(seed + 40);
    const f = formats[seed % 2];
    const C = randInt(next, 1, 3);
    const s = randInt(next, 1, 3);
    const k = randInt(next, 1, 4);
    const padding = seed % 3 === 0 ? 'valid' : 'same';
    const op = seed > 4 && s > 1 ? randInt(next, 0, s - 1) : null;
    const o = { filters: randInt(next, 1, 4), kernel_size: k, strides: s, padding, output_padding: op };
    const tfo = { filters: o.filters, kernelSize: k, strides: s, padding, dataFormat: fmtCamel(f) };
    const shape = cl(f) ? [2, 3, 4, C] : [2, C, 3, 4];
    const nn = new L.Conv2DTranspose({ ...o, data_format: f });
    if (op !== null) {
      // tfjs-layers has no output_padding: the scatter-add definition, cropped
      // as TensorFlow's conv2d_transpose crops (floor(total / 2) first).
      nn.build([null, ...shape.slice(1)]);
      const ws = nn.get_weights();
      const x = torch.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => next() * 2 - 1), shape);
      const y = nn.apply(x);
      const xl = cl(f) ? x : x.permute(0, 2, 3, 1);
      const want = transposeReference(xl.data, [2, 3, 4, C], ws[0].data, k, s, padding, op, o.filters, ws[1].data);
      expect(cl(f) ? y.shape : [y.shape[0], y.shape[2], y.shape[3], y.shape[1]]).toEqual(want.shape);
      expect(maxAbsDiff((cl(f) ? y : y.permute(0, 2, 3, 1)).data, want.data)).toBeLessThan(1e-5);
      return;
    }
    expectClose(runBoth(nn, tfl.layers.conv2dTranspose(tfo), shape, seed), 1e-4, `Conv2DTranspose k${k} s${s} ${padding}`);
    expect(nn.get_weights()[0].shape).toEqual([k, k, o.filters, C]);
  });

  test('DepthwiseConv1D / SeparableConv1D / Conv1DTranspose equal their 2D forms on height 1', () => {
    const x = Array.from({ length: 2 }, (_, n) => Array.from({ length: 7 }, (_, l) => [Math.sin(n + l), Math.cos(3 * l)]));
    const pairs = [
      [new L.DepthwiseConv1D({ kernel_size: 3, depth_multiplier: 2, padding: 'same' }), new L.DepthwiseConv2D({ kernel_size: [1, 3], depth_multiplier: 2, padding: 'same' })],
      [new L.SeparableConv1D({ filters: 3, kernel_size: 3, strides: 2 }), new L.SeparableConv2D({ filters: 3, kernel_size: [1, 3], strides: [1, 2] })],
      [new L.Conv1DTranspose({ filters: 3, kernel_size: 3, strides: 2, padding: 'same' }), new L.Conv2DTranspose({ filters: 3, kernel_size: [1, 3], strides: [1, 2], padding: 'same' })],
    ];
    for (const [one, two] of pairs) {
      one.build([null, 7, 2]);
      two.build([null, 1, 7, 2]);
      const ws = one.get_weights();
      two.set_weights(ws.map((w) => w.reshape([...(w.ndim === 1 ? [] : [1]), ...w.shape])));
      const a = one.apply(x);
      const b = two.apply(x.map((r) => [r]));
      expect(a.shape).toEqual([b.shape[0], ...b.shape.slice(2)]);
      expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-5);
    }
  });
});

describe('config round trips, both spellings, factories', () => {
  test.each([
    ['Dense', { units: 3, activation: 'relu' }], ['BatchNormalization', { axis: 1, epsilon: 0.01 }], ['ReLU', { max_value: 6 }],
    ['LeakyReLU', { negative_slope: 0.1 }], ['PReLU', { shared_axes: [1] }], ['ELU', { alpha: 0.5 }], ['Softmax', { axis: 1 }],
    ['Flatten', { data_format: 'channels_first' }], ['Reshape', { target_shape: [2, -1] }], ['Permute', { dims: [2, 1] }],
    ['Dropout', { rate: 0.2 }], ['ZeroPadding2D', { padding: [1, 2] }], ['Cropping2D', { cropping: 1 }],
    ['UpSampling2D', { size: 3, interpolation: 'bilinear' }], ['Concatenate', { axis: 1 }],
    ['DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 2 }], ['SeparableConv2D', { filters: 2, kernel_size: 3 }],
    ['Conv2DTranspose', { filters: 2, kernel_size: 3, strides: 2, output_padding: 1 }],
  ])('%s get_config -> from_config', (cls, options) => {
    const a = new L[cls](options);
    const b = L[cls].from_config(a.get_config());
    expect({ ...b.get_config(), name: a.name }).toEqual(a.get_config());
  });

  test('camelCase options and tfjs factories', () => {
    const a = keras.layers.dense({ units: 2, useBias: false, kernelInitializer: 'ones' });
    expect(a.use_bias).toBe(false);
    expect(keras.layers.conv2dTranspose({ filters: 1, kernelSize: 2 })).toBeInstanceOf(L.Conv2DTranspose);
    expect(keras.layers.batchNormalization({ axis: 1 }).axis).toBe(1);
    expect(new L.DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, dataFormat: 'channels_first' }).data_format).toBe('channels_first');
    expect(L.Convolution2DTranspose).toBe(L.Conv2DTranspose);
  });

  test('no tensors leak across these layers', () => {
    const before = backend().memory.tensors;
    const d = new L.Dense({ units: 2 });
    d.apply([[1, 2, 3]]).dispose();
    new L.Add().apply([[[1]], [[2]]]).dispose();
    d.dispose();
    expect(backend().memory.tensors).toBe(before);
  });
});

// The examples in Keras's own documentation of each layer.
describe('documented examples (keras.io)', () => {
  const arange = (n, from = 0) => Array.from({ length: n }, (_, i) => i + from);
  const near = (values) => values.map((v) => expect.closeTo(v, 5));
  const run = (layer, x) => Array.from(layer.apply(x).data);

  test('ReLU', () => {
    const x = [[-3, -1, 0, 2]];
    expect(run(new L.ReLU(), x)).toEqual(near([0, 0, 0, 2]));
    expect(run(new L.ReLU({ max_value: 1 }), x)).toEqual(near([0, 0, 0, 1]));
    expect(run(new L.ReLU({ negative_slope: 1 }), x)).toEqual(near([-3, -1, 0, 2]));
    expect(run(new L.ReLU({ threshold: 1.5 }), x)).toEqual(near([0, 0, 0, 2]));
  });

  test('LeakyReLU, ELU, Softmax', () => {
    expect(run(new L.LeakyReLU({ negative_slope: 0.5 }), [[-3, -1, 0, 2]])).toEqual(near([-1.5, -0.5, 0, 2]));
    expect(run(new L.Softmax(), [[1, 2, 1]])).toEqual(near([0.21194157, 0.5761169, 0.21194157]));
  });

  test('shape arithmetic of Dense, Flatten, Reshape, Permute', () => {
    expect(new L.Dense({ units: 32 }).compute_output_shape([null, 16])).toEqual([null, 32]);
    expect(new L.Flatten().compute_output_shape([null, 1, 10, 64])).toEqual([null, 640]);
    expect(new L.Reshape({ target_shape: [3, 4] }).compute_output_shape([null, 12])).toEqual([null, 3, 4]);
    expect(new L.Reshape({ target_shape: [-1, 2, 2] }).compute_output_shape([null, 3, 4])).toEqual([null, 3, 2, 2]);
    expect(new L.Permute({ dims: [2, 1] }).compute_output_shape([null, 10, 64])).toEqual([null, 64, 10]);
    expect(new L.Cropping2D({ cropping: [[2, 2], [4, 4]] }).compute_output_shape([2, 28, 28, 3])).toEqual([2, 24, 20, 3]);
    expect(new L.Cropping1D({ cropping: 1 }).compute_output_shape([2, 3, 2])).toEqual([2, 1, 2]);
  });

  test('UpSampling2D size (1, 2)', () => {
    const x = arange(12);
    const y = new L.UpSampling2D({ size: [1, 2] }).apply([[[x.slice(0, 3)], [x.slice(3, 6)]], [[x.slice(6, 9)], [x.slice(9, 12)]]]);
    expect(y.tolist()).toEqual([[[[0, 1, 2], [0, 1, 2]], [[3, 4, 5], [3, 4, 5]]], [[[6, 7, 8], [6, 7, 8]], [[9, 10, 11], [9, 10, 11]]]]);
  });

  test('ZeroPadding2D padding 1', () => {
    const y = new L.ZeroPadding2D({ padding: 1 }).apply([[[[0, 1], [2, 3]]]]);
    const z = [0, 0];
    expect(y.tolist()).toEqual([[[z, z, z, z], [z, [0, 1], [2, 3], z], [z, z, z, z]]]);
  });

  test('Concatenate axis 1', () => {
    const x = [[arange(5), arange(5, 5)], [arange(5, 10), arange(5, 15)]];
    const y = [[arange(5, 20)], [arange(5, 25)]];
    expect(new L.Concatenate({ axis: 1 }).apply([x, y]).tolist()).toEqual([
      [arange(5), arange(5, 5), arange(5, 20)], [arange(5, 10), arange(5, 15), arange(5, 25)]]);
  });

  test('DepthwiseConv2D / SeparableConv2D / Conv2DTranspose output shapes', () => {
    expect(new L.DepthwiseConv2D({ kernel_size: 3, depth_multiplier: 2 }).compute_output_shape([4, 10, 10, 12])).toEqual([4, 8, 8, 24]);
    expect(new L.SeparableConv2D({ filters: 4, kernel_size: 3 }).compute_output_shape([4, 10, 10, 12])).toEqual([4, 8, 8, 4]);
    expect(new L.Conv2DTranspose({ filters: 32, kernel_size: 3 }).compute_output_shape([4, 10, 8, 128])).toEqual([4, 12, 10, 32]);
    expect(new L.Conv1DTranspose({ filters: 32, kernel_size: 3 }).compute_output_shape([4, 10, 128])).toEqual([4, 12, 32]);
    expect(new L.DepthwiseConv1D({ kernel_size: 3, depth_multiplier: 2 }).compute_output_shape([4, 10, 12])).toEqual([4, 8, 24]);
  });
});
