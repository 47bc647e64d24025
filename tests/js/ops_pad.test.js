// js/ops/pad.js: F.pad in every mode on 1,000 seeded random shapes and pads
// each against a plain-JS reference (negative pads included), the PyTorch
// documentation's examples, padSpatial in both layouts, and the rules'
// errors (rank per mode, reflect < size, circular <= size).
import { init, torch } from '../../js/index.js';
import { pad, padSpatial } from '../../js/ops/pad.js';
import { randInt, randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const prod = (s) => s.reduce((a, b) => a * b, 1);

function reference(x, shape, before, after, mode, value) {
  const out = shape.map((n, d) => n + before[d] + after[d]);
  const res = [];
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < prod(out); k++) {
    let src = 0;
    let fill = false;
    for (let d = 0; d < shape.length; d++) {
      const n = shape[d];
      let i = idx[d] - before[d];
      if (i < 0 || i >= n) {
        if (mode === 'constant') fill = true;
        else if (mode === 'reflect') i = i < 0 ? -i : 2 * (n - 1) - i;
        else if (mode === 'replicate') i = i < 0 ? 0 : n - 1;
        else i = i < 0 ? i + n : i - n;
      }
      src = src * n + i;
    }
    res.push(fill ? value : x[src]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return { shape: out, values: res };
}

for (const mode of ['constant', 'reflect', 'replicate', 'circular']) {
  test(`${mode} on 1,000 random shapes and pads`, () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const r = rng(seed * 13 + mode.length);
      let k;
      let rank;
      if (mode === 'constant') {
        rank = randInt(r, 1, 5);
        k = randInt(r, 0, rank);
      } else {
        k = randInt(r, 1, 3);
        rank = k + randInt(r, 1, 2);
      }
      const shape = Array.from({ length: rank }, () => randInt(r, 1, rank > 3 ? 5 : 9));
      const pads = [];
      for (let i = 0; i < k; i++) {
        const n = shape[rank - 1 - i];
        for (let side = 0; side < 2; side++) {
          let p;
          if (mode === 'reflect') p = randInt(r, -Math.floor(n / 3), n - 1);
          else if (mode === 'circular') p = randInt(r, -Math.floor(n / 3), n);
          else p = randInt(r, -Math.floor(n / 2), 4);
          pads.push(p);
        }
        // Keep at least one output element per padded dim.
        if (n + pads[2 * i] + pads[2 * i + 1] < 1) pads[2 * i + 1] = 1 - n - pads[2 * i];
      }
      const value = mode === 'constant' ? Math.fround(r() * 4 - 2) : 0;
      const x = randomValues(r, prod(shape));
      const before = new Array(rank).fill(0);
      const after = new Array(rank).fill(0);
      for (let i = 0; i < k; i++) {
        before[rank - 1 - i] = pads[2 * i];
        after[rank - 1 - i] = pads[2 * i + 1];
      }
      const want = reference(x, shape, before, after, mode, value);
      const y = pad('test', torch.tensor(x, shape), pads, mode, value);
      expect(y.shape).toEqual(want.shape);
      const got = Array.from(y.data);
      if (got.some((v, i) => v !== want.values[i])) throw new Error(`${mode} seed ${seed}: shape ${shape} pads ${pads}`);
      y.dispose();
    }
  });
}

test("PyTorch's examples", () => {
  const x = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]]];  // (1, 3, 3)
  expect(pad('t', [[[0, 1, 2, 3]]], [2, 2], 'reflect').tolist()).toEqual([[[2, 1, 0, 1, 2, 3, 2, 1]]]);
  expect(pad('t', [[[0, 1, 2, 3]]], [2, 2], 'replicate').tolist()).toEqual([[[0, 0, 0, 1, 2, 3, 3, 3]]]);
  expect(pad('t', [[[0, 1, 2, 3]]], [2, 2], 'circular').tolist()).toEqual([[[2, 3, 0, 1, 2, 3, 0, 1]]]);
  expect(pad('t', [x], [1, 1, 1, 1], 'reflect').tolist()[0][0]).toEqual([
    [4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [7, 6, 7, 8, 7], [4, 3, 4, 5, 4]]);
  expect(pad('t', x, [-1, 1], 'constant', 9).tolist()).toEqual([[[1, 2, 9], [4, 5, 9], [7, 8, 9]]]);
  expect(pad('t', torch.zeros(2, 3), [1, 1, 1, 1]).shape).toEqual([4, 5]);
});

test('padSpatial: Keras ZeroPadding2D and Cropping2D in both layouts', () => {
  const nhwc = torch.tensor([[[[1, 10], [2, 20]], [[3, 30], [4, 40]]]]);  // (1, 2, 2, 2)
  const y = padSpatial('ZeroPadding2D', nhwc, { nd: 2, channelsLast: true, before: [1, 0], after: [0, 1] });
  expect(y.tolist()).toEqual([[[[0, 0], [0, 0], [0, 0]], [[1, 10], [2, 20], [0, 0]], [[3, 30], [4, 40], [0, 0]]]]);
  const nchw = torch.tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
  expect(padSpatial('Cropping2D', nchw, { nd: 2, channelsLast: false, before: [-1, 0], after: [0, -2] }).tolist())
    .toEqual([[[[4], [7]]]]);
  expect(() => padSpatial('Cropping1D', [[[1], [2]]], { nd: 1, channelsLast: true, before: [-1], after: [-1] }))
    .toThrow(/^Cropping1D: cropping \(1, 1\) must leave at least one value/);
  expect(() => padSpatial('ZeroPadding2D', [[1]], { nd: 2, channelsLast: true, before: [1, 1], after: [1, 1] }))
    .toThrow(/ZeroPadding2D: input must have 4 dimensions \(batch, rows, cols, channels\), got shape \[1, 1\]/);
});

test('errors follow PyTorch rules', () => {
  const x = torch.zeros(1, 2, 3);
  expect(() => pad('F.pad', x, [1])).toThrow(/^F\.pad: pad length must be divisible by 2/);
  expect(() => pad('F.pad', x, [1, 1, 1, 1, 1, 1, 1, 1])).toThrow(/at most twice the number of input dimensions/);
  expect(() => pad('F.pad', x, [3, 0], 'reflect')).toThrow(/reflect padding size should be less than the corresponding input dimension, got padding \(3, 0\) at dimension 2/);
  expect(() => pad('F.pad', x, [4, 0], 'circular')).toThrow(/wrap around more than once/);
  expect(() => pad('F.pad', x, [3, 0], 'circular')).not.toThrow();
  expect(() => pad('F.pad', torch.zeros(3), [1, 1], 'reflect')).toThrow(/needs a 2-D or 3-D input/);
  expect(() => pad('F.pad', x, [1, 1, 1, 1, 1, 1], 'replicate')).toThrow(/needs a 4-D or 5-D input/);
  expect(() => pad('F.pad', x, [1, 1], 'wrap')).toThrow(/mode must be one of/);
  expect(() => pad('F.pad', x, [1, 1], 'reflect', 2)).toThrow(/doesn't take a value argument/);
  expect(() => pad('F.pad', x, [-2, -2])).toThrow(/negative output size/);
});
