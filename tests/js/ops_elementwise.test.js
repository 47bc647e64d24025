// js/ops/elementwise.js: PyTorch broadcasting against a plain-JS reference
// on 1,000 seeded random shape pairs per op (same shape, scalars, per-channel,
// both sides broadcast, 0-d and empty), the error naming both shapes, and
// affine.
import { init, torch } from '../../js/index.js';
import { affine, binary, broadcastShape } from '../../js/ops/elementwise.js';
import { firstMismatch, randInt, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const f = Math.fround;
const REF = {
  add: (a, b) => f(a + b), sub: (a, b) => f(a - b), mul: (a, b) => f(a * b), div: (a, b) => f(a / b),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  prelu: (a, b) => (a > 0 ? a : f(a * b)),
};

// Index-by-index broadcasting, the way the PyTorch docs define it.
function reference(op, a, shapeA, b, shapeB) {
  const r = Math.max(shapeA.length, shapeB.length);
  const pa = [...Array(r - shapeA.length).fill(1), ...shapeA];
  const pb = [...Array(r - shapeB.length).fill(1), ...shapeB];
  const out = pa.map((x, i) => Math.max(x, pb[i]) * (x === 0 || pb[i] === 0 ? 0 : 1));
  const n = out.reduce((x, y) => x * y, 1);
  const res = new Float64Array(n);
  const idx = new Array(r).fill(0);
  for (let k = 0; k < n; k++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < r; d++) {
      ia = ia * pa[d] + (pa[d] === 1 ? 0 : idx[d]);
      ib = ib * pb[d] + (pb[d] === 1 ? 0 : idx[d]);
    }
    res[k] = REF[op](a[ia], b[ib]);
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: out, values: res };
}

function randomPair(r) {
  const form = r();
  const rank = randInt(r, 0, 5);
  const shape = Array.from({ length: rank }, () => randInt(r, 1, rank > 3 ? 5 : 13));
  if (r() < 0.03 && rank > 0) shape[randInt(r, 0, rank - 1)] = 0;
  if (form < 0.25) return [shape, shape.slice()];
  if (form < 0.35) return [shape, []];
  if (form < 0.5 && rank >= 2) {  // per-channel (N, C, 1, 1)-style
    const s = shape.map((d, i) => (i === 1 ? d : 1));
    return r() < 0.5 ? [shape, s] : [s.slice(1), shape];
  }
  // Random broadcast on each side, and a random trim of leading dims.
  const a = shape.map((d) => (r() < 0.3 ? 1 : d));
  const b = shape.map((d, i) => (a[i] !== 1 && r() < 0.3 ? 1 : d));
  return [a.slice(randInt(r, 0, Math.min(2, rank))), b.slice(randInt(r, 0, Math.min(2, rank)))];
}

function values(r, n) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = r() < 0.02 ? NaN : (r() * 2 - 1) * 4;
  return v;
}

describe('random broadcasts against the reference', () => {
  for (const op of Object.keys(REF)) {
    test(op, () => {
      for (let seed = 1; seed <= 1000; seed++) {
        const r = rng(seed * 7919 + op.length);
        const [sa, sb] = randomPair(r);
        const numel = (s) => s.reduce((x, y) => x * y, 1);
        const av = values(r, numel(sa));
        const bv = values(r, numel(sb));
        const scalarSide = r() < 0.1 ? (r() < 0.5 ? 'a' : 'b') : null;
        const A = scalarSide === 'a' ? f(r() * 3 - 1) : torch.tensor(av, sa);
        const B = scalarSide === 'b' ? f(r() * 3 - 1) : torch.tensor(bv, sb);
        const want = reference(op, scalarSide === 'a' ? [A] : av, scalarSide === 'a' ? [] : sa,
          scalarSide === 'b' ? [B] : bv, scalarSide === 'b' ? [] : sb);
        const y = binary('test', op, A, B);
        expect(y.shape).toEqual(want.shape);
        const bad = firstMismatch(y.data, want.values, 1e-6, 0);
        if (bad >= 0) throw new Error(`${op} seed ${seed} ${JSON.stringify(sa)} ${JSON.stringify(sb)}: element ${bad} got ${y.data[bad]} want ${want.values[bad]}`);
        y.dispose();
        if (typeof A !== 'number') A.dispose();
        if (typeof B !== 'number') B.dispose();
      }
    });
  }
});

describe('hand-computed', () => {
  test('squeeze-excite x * s with s (N, C, 1, 1)', () => {
    const x = torch.tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]);  // (1, 2, 2, 2)
    const s = torch.tensor([[[[10]], [[-1]]]]);
    expect(binary('t', 'mul', x, s).tolist()).toEqual([[[[10, 20], [30, 40]], [[-5, -6], [-7, -8]]]]);
  });
  test('row + column gives an outer sum; scalars either side', () => {
    expect(binary('t', 'add', [[1], [2]], [10, 20, 30]).tolist()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(binary('t', 'sub', 1, [1, 2, 3]).tolist()).toEqual([0, -1, -2]);
    expect(binary('t', 'div', [1, 2, 3], 2).tolist()).toEqual([0.5, 1, 1.5]);
    expect(binary('t', 'mul', 3, 4).tolist()).toBe(12);
  });
  test('maximum / minimum propagate NaN; prelu', () => {
    expect(binary('t', 'maximum', [1, NaN, 3], [2, 0, NaN]).tolist()).toEqual([2, NaN, NaN]);
    expect(binary('t', 'minimum', [1, 5], [2, 0]).tolist()).toEqual([1, 0]);
    expect(binary('t', 'prelu', [[-2, 3], [-4, 5]], [0.5, 0.25]).tolist()).toEqual([[-1, 3], [-2, 5]]);  // alpha per last-dim column
  });
  test('broadcastShape', () => {
    expect(broadcastShape('t', [8, 1, 6, 1], [7, 1, 5])).toEqual([8, 7, 6, 5]);
    expect(broadcastShape('t', [], [3])).toEqual([3]);
    expect(broadcastShape('t', [0, 1], [3])).toEqual([0, 3]);
  });
  test('affine', () => {
    expect(affine('t', [1, 2, 3, 4, 5], 2, 1).tolist()).toEqual([3, 5, 7, 9, 11]);
    expect(affine('t', [[1, 2]], 0.5).tolist()).toEqual([[0.5, 1]]);
  });
});

describe('errors', () => {
  test('shapes that do not broadcast name both shapes', () => {
    expect(() => binary('torch.add', 'add', torch.zeros(2, 3), torch.zeros(4))).toThrow(
      /^torch\.add: shapes \[2, 3\] and \[4\] cannot be broadcast together: the size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1/);
    expect(() => broadcastShape('Add', [2, 3], [3, 2])).toThrow(/Add: shapes \[2, 3\] and \[3, 2\]/);
  });
  test('bad op, bad operand, bad scale', () => {
    expect(() => binary('t', 'pow', [1], [1])).toThrow(/t: op must be one of add, sub/);
    expect(() => binary('t', 'add', 'x', [1])).toThrow(TypeError);
    expect(() => affine('Average', [1], '2')).toThrow(/Average: scale must be a number/);
  });
});
