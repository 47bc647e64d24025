// js/ops/activation.js: every activation against a plain-JS reference of
// PyTorch's formulas (Keras's for keras_relu) on 1,000 seeded random shapes
// each, hand-computed values, NaN and infinities, and the argument errors.
import { init, torch } from '../../js/index.js';
import { activation } from '../../js/ops/activation.js';
import { firstMismatch, randInt, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const { exp, tanh, abs, log1p, min, max, sqrt, PI } = Math;
// erf to ~1e-7 (Abramowitz-Stegun 7.1.26 is too coarse): a series / continued fraction.
function erf(x) {
  if (Number.isNaN(x)) return x;
  const ax = abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 60; n++) {
      term *= -ax * ax / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * 2 / sqrt(PI) * sum;
  }
  // erfc continued fraction
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = exp(-ax * ax) / sqrt(PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

const relu6 = (x) => min(max(x, 0), 6);
const REFERENCE = {
  linear: (x) => x,
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  relu6: (x) => (Number.isNaN(x) ? x : relu6(x)),
  leaky_relu: (x, p) => (x > 0 ? x : x * (p.negative_slope ?? 0.01)),
  elu: (x, p) => (x > 0 ? x : (p.alpha ?? 1) * (exp(x) - 1)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (exp(x) - 1)),
  gelu: (x, p) => (p.approximate === 'tanh'
    ? 0.5 * x * (1 + tanh(sqrt(2 / PI) * (x + 0.044715 * x ** 3)))
    : 0.5 * x * (1 + erf(x / sqrt(2)))),
  silu: (x) => x / (1 + exp(-x)),
  hardswish: (x) => (Number.isNaN(x) ? x : x * relu6(x + 3) / 6),
  hardsigmoid: (x) => (Number.isNaN(x) ? x : relu6(x + 3) / 6),
  sigmoid: (x) => 1 / (1 + exp(-x)),
  tanh: (x) => tanh(x),
  softplus: (x, p) => {
    const beta = p.beta ?? 1;
    const threshold = p.threshold ?? 20;
    return x * beta > threshold ? x : log1p(exp(x * beta)) / beta;
  },
  softsign: (x) => x / (1 + abs(x)),
  keras_relu: (x, p) => {
    const mv = p.max_value ?? Infinity;
    const t = p.threshold ?? 0;
    if (x >= mv) return mv;
    if (x >= t) return x;
    return (p.negative_slope ?? 0) * (x - t);
  },
};

function randomParams(r, name) {
  switch (name) {
    case 'leaky_relu': return r() < 0.3 ? {} : { negative_slope: r() * 0.5 };
    case 'elu': return r() < 0.3 ? {} : { alpha: r() * 2 };
    case 'gelu': return r() < 0.5 ? {} : { approximate: r() < 0.5 ? 'tanh' : 'none' };
    case 'softplus': return r() < 0.3 ? {} : { beta: 0.5 + r() * 2, threshold: r() * 5 };
    case 'keras_relu': return {
      max_value: r() < 0.5 ? null : 1 + r() * 3, negative_slope: r() < 0.5 ? 0 : r(), threshold: r() < 0.5 ? 0 : r() * 0.8 };
    default: return {};
  }
}

describe('random shapes against the reference', () => {
  for (const name of Object.keys(REFERENCE)) {
    test(name, () => {
      for (let seed = 1; seed <= 1000; seed++) {
        const r = rng(seed * 31 + name.length);
        const rank = randInt(r, 0, 4);
        const shape = Array.from({ length: rank }, () => randInt(r, rank > 2 ? 1 : 0, rank > 2 ? 6 : 40));
        const n = shape.reduce((a, b) => a * b, 1);
        const values = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const u = r();
          values[i] = u < 0.02 ? NaN : u < 0.03 ? Infinity : u < 0.04 ? -Infinity : (r() * 2 - 1) * 8;
        }
        const params = randomParams(r, name);
        const x = torch.tensor(values, shape);
        const y = activation('test', x, name, params);
        expect(y.shape).toEqual(shape);
        const want = Float64Array.from(values, (v) => REFERENCE[name](v, params));
        const got = y.data;
        const bad = firstMismatch(got, want, 3e-5, 3e-6);
        if (bad >= 0) throw new Error(`${name} seed ${seed} params ${JSON.stringify(params)}: x=${values[bad]} got ${got[bad]} want ${want[bad]}`);
        expect(x.data).toEqual(values);  // input untouched
        x.dispose();
        y.dispose();
      }
    });
  }
});

describe('hand-computed values', () => {
  const run = (name, xs, params) => Array.from(activation("t", [xs], name, params).data, (v) => v + 0);  // -0 as 0
  test('clamps', () => {
    expect(run('relu', [-1, 0, 2])).toEqual([0, 0, 2]);
    expect(run('relu6', [-1, 3, 7])).toEqual([0, 3, 6]);
    expect(run('leaky_relu', [-2, 3], { negative_slope: 0.5 })).toEqual([-1, 3]);
    expect(run('hardsigmoid', [-3, 0, 3])).toEqual([0, 0.5, 1]);
    expect(run('hardswish', [-3, 3, 1])).toEqual([0, 3, Math.fround(4 / 6)]);
    expect(run('linear', [1.5, -2])).toEqual([1.5, -2]);
  });
  test('keras_relu: max_value, threshold, negative_slope as the Keras docs', () => {
    const p = { max_value: 4, threshold: 1, negative_slope: 0.5 };
    expect(run('keras_relu', [5, 4, 2, 1, 0, -1], p)).toEqual([4, 4, 2, 1, -0.5, -1]);
    expect(run('keras_relu', [-1, 7], { max_value: 6 })).toEqual([0, 6]);
  });
  test('softplus switches to x above the threshold', () => {
    const [a, b] = run('softplus', [0, 30]);
    expect(a).toBeCloseTo(Math.log(2), 6);
    expect(b).toBe(30);
    expect(run('softplus', [2], { beta: 2, threshold: 3 })).toEqual([2]);
  });
  test('gelu, selu, elu known values', () => {
    expect(run('gelu', [1])[0]).toBeCloseTo(0.8413447, 6);
    expect(run('gelu', [1], { approximate: 'tanh' })[0]).toBeCloseTo(0.8411920, 6);
    expect(run('selu', [1])[0]).toBeCloseTo(1.0507010, 6);
    expect(run('elu', [-1], { alpha: 2 })[0]).toBeCloseTo(2 * (Math.exp(-1) - 1), 6);
  });
  test('NaN propagates through every activation', () => {
    for (const name of Object.keys(REFERENCE)) expect(run(name, [NaN, NaN, NaN, NaN, NaN])).toEqual(Array(5).fill(NaN));
  });
});

describe('errors', () => {
  test('unknown names and parameters, wrong types', () => {
    expect(() => activation('F.act', [1], 'swishy')).toThrow(/^F\.act: activation must be one of .*relu.*got "swishy"/);
    expect(() => activation('F.relu', [1], 'relu', { alpha: 1 })).toThrow(/F\.relu: relu takes no parameters, got "alpha"/);
    expect(() => activation('F.elu', [1], 'elu', { alpha: '1' })).toThrow(TypeError);
    expect(() => activation('F.gelu', [1], 'gelu', { approximate: 'fast' })).toThrow(/approximate must be 'none' or 'tanh', got "fast"/);
    expect(() => activation('ReLU', [1], 'keras_relu', { max_value: -1 })).toThrow(/ReLU: max_value must be >= 0/);
    expect(() => activation('F.relu', 'x', 'relu')).toThrow(/F\.relu: input must be a Tensor/);
  });
});
