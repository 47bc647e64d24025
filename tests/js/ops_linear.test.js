// js/ops/linear.js: F.linear / Dense against a plain-JS reference on 1,000
// seeded random shapes per layout (any input rank, GEMV and GEMM row counts,
// bias or none, fused activations), the packed-weights cache, and errors.
import { init, torch } from '../../js/index.js';
import { resolveActivation } from '../../js/ops/fused_activation.js';
import { linear } from '../../js/ops/linear.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const prod = (s) => s.reduce((a, b) => a * b, 1);
const ACTS = {
  linear: (x) => x, relu: (x) => Math.max(x, 0), relu6: (x) => Math.min(Math.max(x, 0), 6),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh,
};

for (const layout of ['out_in', 'in_out']) {
  test(`${layout} on 1,000 random shapes`, () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const r = rng(seed * 101 + layout.length);
      const rank = randInt(r, 1, 4);
      const lead = Array.from({ length: rank - 1 }, () => randInt(r, rank > 2 ? 1 : 0, rank > 2 ? 4 : 9));
      const K = randInt(r, 1, 40);
      const N = randInt(r, 1, 20);
      const x = randomValues(r, prod(lead) * K);
      const w = randomValues(r, N * K);
      const b = r() < 0.6 ? randomValues(r, N) : null;
      const actName = r() < 0.3 ? null : Object.keys(ACTS)[randInt(r, 0, 4)];
      const wShape = layout === 'out_in' ? [N, K] : [K, N];
      const y = linear('test', torch.tensor(x, [...lead, K]), torch.tensor(w, wShape), b && torch.tensor(b, [N]),
        { layout, activation: actName === null ? null : resolveActivation('test', actName) });
      expect(y.shape).toEqual([...lead, N]);
      const M = prod(lead);
      const want = new Float64Array(M * N);
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
        let s = b ? b[n] : 0;
        for (let k = 0; k < K; k++) s += x[m * K + k] * (layout === 'out_in' ? w[n * K + k] : w[k * N + n]);
        want[m * N + n] = actName === null ? s : ACTS[actName](s);
      }
      const bad = firstMismatch(y.data, want, 2e-5, 2e-5);
      if (bad >= 0) throw new Error(`${layout} seed ${seed}: lead ${lead} K ${K} N ${N} act ${actName}: element ${bad} got ${y.data[bad]} want ${want[bad]}`);
      y.dispose();
    }
  });
}

test('hand-computed, both layouts give the same; bias; softmax activation', () => {
  const x = [[1, 2, 3]];
  const wOutIn = [[1, 0, 0], [0, 1, 1]];
  const wInOut = [[1, 0], [0, 1], [0, 1]];
  expect(linear('t', x, wOutIn, [10, 20]).tolist()).toEqual([[11, 25]]);
  expect(linear('Dense', x, wInOut, null, { layout: 'in_out' }).tolist()).toEqual([[1, 5]]);
  expect(linear('t', [1, 2, 3], wOutIn, null).tolist()).toEqual([1, 5]);  // 1-D input
  const p = linear('Dense', x, wInOut, null, { layout: 'in_out', activation: resolveActivation('Dense', 'softmax') }).data;
  expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(4)), 6);
  expect(linear('t', x, wOutIn, [-10, 0], { activation: resolveActivation('t', 'relu') }).tolist()).toEqual([[0, 5]]);
});

test('weights are packed once per weight tensor; a new bias repacks', () => {
  const w = torch.tensor([[1, 2], [3, 4]]);
  const b1 = torch.tensor([1, 1]);
  const x = torch.tensor([[1, 1]]);
  expect(linear('t', x, w, b1).tolist()).toEqual([[4, 8]]);
  const holder = w.derived('linear-pack:out_in', () => null);
  const packed = holder.packed;
  expect(linear('t', x, w, b1).tolist()).toEqual([[4, 8]]);
  expect(holder.packed).toBe(packed);
  expect(linear('t', x, w, torch.tensor([0, 0])).tolist()).toEqual([[3, 7]]);
  expect(holder.packed).not.toBe(packed);
  w.dispose();
  expect(holder.packed).toBe(null);
});

test('errors', () => {
  const w = torch.zeros(4, 3);
  expect(() => linear('F.linear', torch.zeros(2, 5), w, null)).toThrow(/^F\.linear: input's last dimension must be in_features = 3 \(weight shape \[4, 3\] \(out_features, in_features\)\), got input shape \[2, 5\]/);
  expect(() => linear('Dense', torch.zeros(2, 3), w, null, { layout: 'in_out' })).toThrow(/^Dense: input's last dimension must be in_features = 4 \(weight shape \[4, 3\] \(in_features, units\)\)/);
  expect(() => linear('F.linear', torch.zeros(2, 3), w, torch.zeros(3))).toThrow(/bias must have shape \[4\]/);
  expect(() => linear('F.linear', torch.zeros(2, 3), torch.zeros(3), null)).toThrow(/weight must have 2 dimensions/);
  expect(() => linear('F.linear', torch.zeros(2, 3), w, null, { layout: 'io' })).toThrow(/layout must be 'out_in' or 'in_out'/);
});
