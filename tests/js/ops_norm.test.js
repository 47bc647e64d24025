// js/ops/norm.js: batchNorm over any channel axis and batchStats against a
// plain-JS reference on 1,000 seeded random shapes each, hand-computed
// values, and the argument errors.
import { init, torch } from '../../js/index.js';
import { batchNorm, batchStats } from '../../js/ops/norm.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const prod = (s) => s.reduce((a, b) => a * b, 1);

function view(shape, axis) {
  const a = axis < 0 ? axis + shape.length : axis;
  return { outer: prod(shape.slice(0, a)), C: shape[a], inner: prod(shape.slice(a + 1)) };
}

function randomCase(r) {
  const rank = randInt(r, 1, 5);
  const shape = Array.from({ length: rank }, () => randInt(r, 1, rank > 3 ? 6 : 12));
  const axis = randInt(r, -rank, rank - 1);
  return { shape, axis };
}

test('batchNorm on 1,000 random shapes and axes', () => {
  for (let seed = 1; seed <= 1000; seed++) {
    const r = rng(seed);
    const { shape, axis } = randomCase(r);
    const { outer, C, inner } = view(shape, axis);
    const x = randomValues(r, prod(shape));
    if (x.length > 2 && r() < 0.2) x[1] = NaN;
    const mean = randomValues(r, C);
    const variance = randomValues(r, C).map((v) => Math.abs(v) + 0.01);
    const gamma = r() < 0.7 ? randomValues(r, C) : null;
    const beta = r() < 0.7 ? randomValues(r, C) : null;
    const eps = r() < 0.5 ? 1e-5 : 1e-3;
    const y = batchNorm('test', torch.tensor(x, shape), {
      axis, mean: torch.tensor(mean, [C]), variance: torch.tensor(variance, [C]),
      gamma: gamma && torch.tensor(gamma, [C]), beta: beta && Array.from(beta), eps,
    });
    expect(y.shape).toEqual(shape);
    const want = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const c = Math.floor(i / inner) % C;
      want[i] = (x[i] - mean[c]) / Math.sqrt(variance[c] + Math.fround(eps)) * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0);
    }
    const bad = firstMismatch(y.data, want, 2e-5, 2e-5);
    if (bad >= 0) throw new Error(`seed ${seed} shape ${shape} axis ${axis} (outer ${outer}): element ${bad} got ${y.data[bad]} want ${want[bad]}`);
    y.dispose();
  }
});

test('batchStats on 1,000 random shapes and axes: mean and biased variance', () => {
  for (let seed = 1; seed <= 1000; seed++) {
    const r = rng(seed + 5000);
    const { shape, axis } = randomCase(r);
    const { outer, C, inner } = view(shape, axis);
    const x = randomValues(r, prod(shape)).map((v) => v * 2 + 3);
    const { mean, variance } = batchStats('test', torch.tensor(x, shape), axis);
    expect(mean.shape).toEqual([C]);
    expect(variance.shape).toEqual([C]);
    const m = new Float64Array(C);
    const v = new Float64Array(C);
    const count = outer * inner;
    for (let i = 0; i < x.length; i++) m[Math.floor(i / inner) % C] += x[i] / count;
    for (let i = 0; i < x.length; i++) {
      const c = Math.floor(i / inner) % C;
      v[c] += (x[i] - m[c]) ** 2 / count;
    }
    expect(firstMismatch(mean.data, m, 1e-6, 1e-6)).toBe(-1);
    expect(firstMismatch(variance.data, v, 1e-5, 1e-6)).toBe(-1);
    mean.dispose();
    variance.dispose();
  }
});

test('hand-computed: channel axis 1 and -1', () => {
  const x = [[[1, 3], [10, 30]]];  // (1, 2, 2)
  const y = batchNorm('t', x, { axis: 1, mean: [2, 20], variance: [1, 100], eps: 0 });
  expect(y.tolist()).toEqual([[[-1, 1], [-1, 1]]]);
  const z = batchNorm('t', [[1, 10], [3, 30]], { axis: -1, mean: [2, 20], variance: [1, 100], gamma: [2, 3], beta: [1, 0], eps: 0 });
  expect(z.tolist()).toEqual([[-1, -3], [3, 3]]);
  const { mean, variance } = batchStats('t', [[1, 10], [3, 30]], -1);
  expect(mean.tolist()).toEqual([2, 20]);
  expect(variance.tolist()).toEqual([1, 100]);
});

test('errors name the argument', () => {
  const x = torch.zeros(2, 3, 4);
  expect(() => batchNorm('F.batch_norm', x, { axis: 1, mean: [0, 0], variance: [1, 1, 1], eps: 1e-5 }))
    .toThrow(/^F\.batch_norm: mean must have shape \[3\] \(the size of axis 1 of input shape \[2, 3, 4\]\), got shape \[2\]/);
  expect(() => batchNorm('BatchNormalization', x, { axis: 3, mean: [0], variance: [1], eps: 1e-3 }))
    .toThrow(/BatchNormalization: axis must be in \[-3, 2\] for input of shape \[2, 3, 4\], got 3/);
  expect(() => batchNorm('t', x, { axis: 1, mean: [0, 0, 0], variance: [1, 1, 1] })).toThrow(/t: eps must be a number/);
  expect(() => batchNorm('t', x, { axis: -1, mean: [0, 0, 0, 0], variance: [1, 1, 1, 1], gamma: [1], eps: 0 })).toThrow(/t: gamma must have shape \[4\]/);
  expect(() => batchStats('t', torch.zeros(0, 3), 1)).toThrow(/at least one value per channel/);
});
