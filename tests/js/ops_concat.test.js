// js/ops/concat.js: cat along every dim of 1,000 seeded random lists of
// 1-4 tensors against a plain-JS reference, and the errors naming the first
// mismatching tensor and dim.
import { init, torch } from '../../js/index.js';
import { cat } from '../../js/ops/concat.js';
import { randInt, randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const prod = (s) => s.reduce((a, b) => a * b, 1);

test('cat on 1,000 random lists', () => {
  for (let seed = 1; seed <= 1000; seed++) {
    const r = rng(seed);
    const rank = randInt(r, 1, 4);
    const base = Array.from({ length: rank }, () => randInt(r, 1, 6));
    const dim = randInt(r, -rank, rank - 1);
    const d = dim < 0 ? dim + rank : dim;
    const count = randInt(r, 1, 4);
    const parts = Array.from({ length: count }, () => {
      const s = base.slice();
      s[d] = randInt(r, 0, 5);
      return { shape: s, values: randomValues(r, prod(s)) };
    });
    const y = cat('test', parts.map((p) => torch.tensor(p.values, p.shape)), dim);
    const outShape = base.slice();
    outShape[d] = parts.reduce((a, p) => a + p.shape[d], 0);
    expect(y.shape).toEqual(outShape);
    const outer = prod(base.slice(0, d));
    const inner = prod(base.slice(d + 1));
    const want = [];
    for (let o = 0; o < outer; o++) {
      for (const p of parts) {
        const len = p.shape[d] * inner;
        for (let i = 0; i < len; i++) want.push(p.values[o * len + i]);
      }
    }
    expect(Array.from(y.data)).toEqual(want);
    y.dispose();
  }
});

test('hand-computed: Keras Concatenate on the last axis, torch.cat on dim 0', () => {
  expect(cat('t', [[[1, 2]], [[3]]], -1).tolist()).toEqual([[1, 2, 3]]);
  expect(cat('t', [[[1, 2]], [[3, 4], [5, 6]]], 0).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
  expect(cat('t', [torch.zeros(0), [[1, 2]]], 0).tolist()).toEqual([[1, 2]]);  // PyTorch skips legacy 1-D empties
});

test('errors', () => {
  expect(() => cat('torch.cat', [torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 4)], 0))
    .toThrow(/^torch\.cat: sizes of tensors must match except in dimension 0: expected size 3 but got size 4 in dimension 1 for tensors\[2\]/);
  expect(() => cat('Concatenate', [torch.zeros(2, 3), torch.zeros(2, 3, 1)], -1))
    .toThrow(/Concatenate: tensors must have the same number of dimensions: tensors\[0\] has shape \[2, 3\], tensors\[1\] has shape \[2, 3, 1\]/);
  expect(() => cat('torch.cat', [torch.zeros(2)], 1)).toThrow(/dim must be in \[-1, 0\]/);
  expect(() => cat('torch.cat', [], 0)).toThrow(/non-empty/);
  expect(() => cat('torch.cat', torch.zeros(2), 0)).toThrow(TypeError);
});
