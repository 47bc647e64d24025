// js/ops/softmax.js: softmax and log_softmax over every dim of 1,000 seeded
// random shapes each against a plain-JS reference, known values, large
// inputs (max subtraction), NaN, and the dim errors.
import { init, torch } from '../../js/index.js';
import { softmax } from '../../js/ops/softmax.js';
import { firstMismatch, randInt, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const prod = (s) => s.reduce((a, b) => a * b, 1);

function reference(x, shape, dim, log) {
  const d = dim < 0 ? dim + Math.max(shape.length, 1) : dim;
  const n = shape.length === 0 ? 1 : shape[d];
  const inner = prod(shape.slice(d + 1));
  const outer = prod(shape.slice(0, d));
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (k) => (o * n + k) * inner + j;
      let m = -Infinity;
      let nan = false;
      for (let k = 0; k < n; k++) {
        m = Math.max(m, x[at(k)]);
        nan ||= Number.isNaN(x[at(k)]);
      }
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x[at(k)] - m);
      for (let k = 0; k < n; k++) out[at(k)] = nan ? NaN : log ? x[at(k)] - m - Math.log(s) : Math.exp(x[at(k)] - m) / s;
    }
  }
  return out;
}

for (const log of [false, true]) {
  test(`${log ? 'log_softmax' : 'softmax'} on 1,000 random shapes and dims`, () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const r = rng(seed * 3 + (log ? 1 : 0));
      const rank = randInt(r, 0, 4);
      const shape = Array.from({ length: rank }, () => randInt(r, 1, rank > 2 ? 7 : 40));
      const dim = randInt(r, -Math.max(rank, 1), Math.max(rank, 1) - 1);
      const x = new Float32Array(prod(shape));
      for (let i = 0; i < x.length; i++) x[i] = r() < 0.01 ? NaN : (r() * 2 - 1) * 30;
      const y = softmax('test', torch.tensor(x, shape), dim, { log });
      expect(y.shape).toEqual(shape);
      const want = reference(x, shape, dim, log);
      const bad = firstMismatch(y.data, want, 2e-5, 1e-6);
      if (bad >= 0) throw new Error(`seed ${seed} shape ${shape} dim ${dim}: element ${bad} got ${y.data[bad]} want ${want[bad]}`);
      y.dispose();
    }
  });
}

test('known values; large inputs stay finite', () => {
  const y = softmax('t', [[1, 2, 3]], 1).data;
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const s = e[0] + e[1] + e[2];
  e.forEach((v, i) => expect(y[i]).toBeCloseTo(v / s, 6));
  expect(Array.from(softmax('t', [1000, 1000], 0).data)).toEqual([0.5, 0.5]);
  expect(softmax('t', [[1000], [0]], 0, { log: true }).data[1]).toBeCloseTo(-1000, 3);
  expect(softmax('t', [[1, 1], [3, 3]], 0).tolist()[0][0]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
});

test('dim errors', () => {
  expect(() => softmax('F.softmax', torch.zeros(2, 3), 2)).toThrow(/^F\.softmax: dim must be in \[-2, 1\] for input of shape \[2, 3\], got 2/);
  expect(() => softmax('F.softmax', torch.zeros(2, 3), 1.5)).toThrow(TypeError);
});
