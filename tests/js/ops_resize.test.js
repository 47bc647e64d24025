// js/ops/resize.js: interpolate against a plain-JS transcription of
// PyTorch's index rules (float arithmetic) on 1,000 seeded random cases per
// mode (size or scale_factor, align_corners, both layouts, the half_pixel
// override), hand-computed values, and PyTorch's errors.
import { init, torch } from '../../js/index.js';
import { interpolate } from '../../js/ops/resize.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

const f = Math.fround;
const prod = (s) => s.reduce((a, b) => a * b, 1);

// Source taps of one axis: [i0, i1, lambda] per output index.
function taps(inN, outN, scaleFactor, mode, alignCorners, halfPixel) {
  const res = [];
  for (let o = 0; o < outN; o++) {
    if (mode === 'nearest') {
      let i;
      if (outN === inN) i = o;
      else if (outN === 2 * inN) i = o >> 1;
      else {
        const scale = scaleFactor !== null ? f(1 / scaleFactor) : f(inN / outN);
        i = Math.min(Math.floor(f(o * scale)), inN - 1);
      }
      res.push([i, i, 0]);
      continue;
    }
    let scale;
    if (alignCorners) scale = outN > 1 ? f((inN - 1) / (outN - 1)) : 0;
    else scale = scaleFactor !== null ? f(1 / scaleFactor) : f(inN / outN);
    let real = halfPixel ? f(f(scale * f(o + 0.5)) - 0.5) : f(scale * o);
    if (real < 0) real = 0;
    const i0 = Math.min(Math.floor(real), inN - 1);
    const lambda = Math.min(Math.max(f(real - i0), 0), 1);
    res.push([i0, i0 < inN - 1 ? i0 + 1 : i0, lambda]);
  }
  return res;
}

function reference(x, shape, outSpatial, scales, mode, alignCorners, halfPixel, channelsLast) {
  const nd = shape.length - 2;
  const N = shape[0];
  const C = channelsLast ? shape[shape.length - 1] : shape[1];
  const sp = channelsLast ? shape.slice(1, -1) : shape.slice(2);
  const [H, W] = nd === 1 ? [1, sp[0]] : sp;
  const [OH, OW] = nd === 1 ? [1, outSpatial[0]] : outSpatial;
  const th = nd === 1 ? [[0, 0, 0]] : taps(H, OH, scales ? scales[0] : null, mode, alignCorners, halfPixel);
  const tw = taps(W, OW, scales ? scales[nd - 1] : null, mode, alignCorners, halfPixel);
  const out = new Float64Array(N * C * OH * OW);
  const at = (n, c, y, xx, hh, ww) => (channelsLast ? ((n * hh + y) * ww + xx) * C + c : ((n * C + c) * hh + y) * ww + xx);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    const [h0, h1, lh] = th[y];
    const [w0, w1, lw] = tw[xx];
    const v = (a, b) => x[at(n, c, a, b, H, W)];
    out[at(n, c, y, xx, OH, OW)] = (1 - lh) * ((1 - lw) * v(h0, w0) + lw * v(h0, w1)) + lh * ((1 - lw) * v(h1, w0) + lw * v(h1, w1));
  }
  return out;
}

for (const mode of ['nearest', 'linear', 'bilinear']) {
  test(`${mode} on 1,000 random cases`, () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const r = rng(seed * 17 + mode.length);
      const nd = mode === 'linear' ? 1 : mode === 'bilinear' ? 2 : randInt(r, 1, 2);
      const channelsLast = r() < 0.3;
      const N = randInt(r, 1, 2);
      const C = randInt(r, 1, 5);
      const sp = Array.from({ length: nd }, () => randInt(r, 1, 9));
      const shape = channelsLast ? [N, ...sp, C] : [N, C, ...sp];
      let size = null;
      let scale = null;
      if (r() < 0.5) size = sp.map(() => randInt(r, 1, 14));
      else scale = sp.map((n) => {
        for (;;) {
          const s = [0.5, 0.75, 1, 1.5, 2, 2.5, 3, 1 / 3, 1.7][randInt(r, 0, 8)];
          if (Math.floor(n * s) > 0) return s;
        }
      });
      const outSpatial = size ?? sp.map((n, i) => Math.floor(n * scale[i]));
      const alignCorners = mode === 'nearest' ? null : r() < 0.4 ? true : r() < 0.5 ? false : null;
      const halfPixel = mode !== 'nearest' && r() < 0.2 ? r() < 0.5 : null;
      const x = randomValues(r, prod(shape));
      const y = interpolate('test', torch.tensor(x, shape), {
        size: size && (size.length === 1 && r() < 0.5 ? size[0] : size), scale_factor: scale, mode, align_corners: alignCorners, channelsLast, half_pixel: halfPixel,
      });
      expect(y.shape).toEqual(channelsLast ? [N, ...outSpatial, C] : [N, C, ...outSpatial]);
      const hp = halfPixel ?? alignCorners !== true;
      const want = reference(x, shape, outSpatial, scale, mode, alignCorners === true, hp, channelsLast);
      const bad = firstMismatch(y.data, want, 1e-5, 1e-6);
      if (bad >= 0) throw new Error(`${mode} seed ${seed}: shape ${shape} size ${size} scale ${scale} ac ${alignCorners} hp ${halfPixel}: element ${bad} got ${y.data[bad]} want ${want[bad]}`);
      y.dispose();
    }
  });
}

test('hand-computed values', () => {
  expect(interpolate('t', [[[1, 2]]], { scale_factor: 2 }).tolist()).toEqual([[[1, 1, 2, 2]]]);
  expect(interpolate('t', [[[1, 2, 3]]], { size: 2 }).tolist()).toEqual([[[1, 2]]]);  // floor(dst * 3/2)
  expect(interpolate('t', [[[0, 10]]], { size: 3, mode: 'linear', align_corners: true }).tolist()).toEqual([[[0, 5, 10]]]);
  // align_corners=False: src = (dst + 0.5) / 2 - 0.5 clamped at 0 -> 0, 0.25, 0.75, 1
  expect(interpolate('t', [[[0, 4]]], { scale_factor: 2, mode: 'linear' }).tolist()).toEqual([[[0, 1, 3, 4]]]);
  // tfjs resizeBilinear default (half_pixel false): src = dst / 2
  expect(interpolate('t', [[[0, 4]]], { scale_factor: 2, mode: 'linear', half_pixel: false }).tolist()).toEqual([[[0, 2, 4, 4]]]);
  const up = interpolate('UpSampling2D', [[[[1, 10], [2, 20]]]], { scale_factor: [2, 1], channelsLast: true });  // (1, 1, 2, 2) NHWC
  expect(up.tolist()).toEqual([[[[1, 10], [2, 20]], [[1, 10], [2, 20]]]]);
});

test("PyTorch's errors", () => {
  const x = torch.zeros(1, 1, 4, 4);
  expect(() => interpolate('F.interpolate', x, { size: 2, scale_factor: 2 })).toThrow(/^F\.interpolate: only one of size or scale_factor should be defined/);
  expect(() => interpolate('F.interpolate', x, {})).toThrow(/either size or scale_factor should be defined/);
  expect(() => interpolate('F.interpolate', x, { size: 2, align_corners: true })).toThrow(/align_corners option can only be set with the interpolating modes/);
  expect(() => interpolate('F.interpolate', x, { size: 2, mode: 'linear' })).toThrow(/got 4D input, but linear mode needs 3D input/);
  expect(() => interpolate('F.interpolate', torch.zeros(1, 1, 4), { size: 2, mode: 'bilinear' })).toThrow(/got 3D input, but bilinear mode needs 4D input/);
  expect(() => interpolate('F.interpolate', x, { size: [2, 2, 2] })).toThrow(/size must be a number or an array of 2/);
  expect(() => interpolate('F.interpolate', x, { scale_factor: 0.1 })).toThrow(/input and output sizes should be greater than 0/);
  expect(() => interpolate('F.interpolate', x, { size: 2, mode: 'bicubic' })).toThrow(/mode must be one of/);
});
