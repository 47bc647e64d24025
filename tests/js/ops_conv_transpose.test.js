// js/ops/conv_transpose.js against a plain-JS scatter reference on seeded
// random configurations (PyTorch's and Keras's geometry, groups, dilation,
// output padding, both weight and data layouts), hand-computed cases, and
// its errors.
import { init, torch } from '../../js/index.js';
import { convTranspose } from '../../js/ops/conv_transpose.js';
import { resolveActivation } from '../../js/ops/fused_activation.js';
import { rng } from './reference/random.js';

const CONFIGS = 1000;

beforeAll(() => init({ threads: 2 }));

const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const pick = (r, list) => list[Math.floor(r() * list.length)];
function values(r, n) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = r() * 2 - 1;
  return v;
}

// Scatter form, straight from the definition: every input value times every
// tap lands at out = in * stride - pad + k * dilation. x is NC... (channels
// first) here; weight in PyTorch's (in, out/groups, k...) order.
function reference(x, [N, C, H, W], w, [kh, kw], coutG, groups, bias, stride, dil, pad, [OH, OW]) {
  const cout = coutG * groups;
  const cinG = C / groups;
  const y = new Float64Array(N * cout * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let ic = 0; ic < C; ic++) {
      const g = Math.floor(ic / cinG);
      for (let ih = 0; ih < H; ih++) {
        for (let iw = 0; iw < W; iw++) {
          const v = x[((n * C + ic) * H + ih) * W + iw];
          for (let oc = 0; oc < coutG; oc++) {
            for (let ky = 0; ky < kh; ky++) {
              for (let kx = 0; kx < kw; kx++) {
                const oh = ih * stride[0] - pad[0] + ky * dil[0];
                const ow = iw * stride[1] - pad[1] + kx * dil[1];
                if (oh < 0 || ow < 0 || oh >= OH || ow >= OW) continue;
                y[((n * cout + g * coutG + oc) * OH + oh) * OW + ow] += v * w[((ic * coutG + oc) * kh + ky) * kw + kx];
              }
            }
          }
        }
      }
    }
  }
  if (bias) {
    for (let i = 0; i < y.length; i++) y[i] += bias[Math.floor(i / (OH * OW)) % cout];
  }
  return y;
}

// NC... <-> N...C for 2D data (shape given channels first).
function toLast(v, [N, C, H, W]) {
  const out = new Float32Array(v.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) out[(n * H * W + i) * C + c] = v[(n * C + c) * H * W + i];
  return out;
}

// PyTorch (in, out, kh, kw) -> Keras (kh, kw, out, in).
function toKerasWeight(w, cin, cout, kh, kw) {
  const out = new Float32Array(w.length);
  for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((y * kw + x) * cout + o) * cin + i] = w[((i * cout + o) * kh + y) * kw + x];
  }
  return out;
}

function expectClose(got, want, label) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-5 + 2e-5 * Math.abs(want[i]))) {
      throw new Error(`${label}: element ${i} is ${got[i]}, reference ${want[i]}`);
    }
  }
}

test('a hand-computed 1D case: stride 2 spreads each input over its taps', () => {
  // x = [1, 2], w = [1, 10, 100] (1 in, 1 out, k = 3), stride 2:
  // out[0..4] = [1, 10, 100 + 2, 20, 200].
  const y = convTranspose('t', [[[1, 2]]], [[[1, 10, 100]]], { nd: 1, layout: 'torch', stride: [2] });
  expect(y.shape).toEqual([1, 1, 5]);
  expect(Array.from(y.data)).toEqual([1, 10, 102, 20, 200]);
  // padding 1 trims one from each end; output_padding 1 adds a bias-only column.
  const z = convTranspose('t', [[[1, 2]]], [[[1, 10, 100]]], { nd: 1, layout: 'torch', stride: [2], padding: [1], output_padding: [1], bias: [0.5] });
  expect(Array.from(z.data)).toEqual([10.5, 102.5, 20.5, 200.5]);
});

test('PyTorch geometry on seeded random configurations, both data layouts', () => {
  const r = rng(20261202);
  for (let cfg = 0; cfg < CONFIGS; cfg++) {
    const nd = pick(r, [1, 2]);
    const groups = pick(r, [1, 1, 2, 3]);
    const C = groups * int(r, 1, 4);
    const coutG = int(r, 1, 5);
    const N = int(r, 1, 2);
    const H = nd === 1 ? 1 : int(r, 1, 6);
    const W = int(r, 1, 7);
    const kh = nd === 1 ? 1 : int(r, 1, 4);
    const kw = int(r, 1, 4);
    const stride = [nd === 1 ? 1 : int(r, 1, 3), int(r, 1, 3)];
    const dil = [nd === 1 ? 1 : int(r, 1, 2), int(r, 1, 2)];
    const op = [nd === 1 ? 0 : int(r, 0, Math.max(stride[0], dil[0]) - 1), int(r, 0, Math.max(stride[1], dil[1]) - 1)];
    const full = (i, k) => ([H, W][i] - 1) * stride[i] + dil[i] * (k - 1) + op[i] + 1;
    const pad = [nd === 1 ? 0 : int(r, 0, Math.floor((full(0, kh) - 1) / 2)), int(r, 0, Math.floor((full(1, kw) - 1) / 2))];
    const OH = full(0, kh) - 2 * pad[0];
    const OW = full(1, kw) - 2 * pad[1];
    const x = values(r, N * C * H * W);
    const w = values(r, C * coutG * kh * kw);
    const bias = r() < 0.5 ? values(r, coutG * groups) : null;
    const want = reference(x, [N, C, H, W], w, [kh, kw], coutG, groups, bias, stride, dil, pad, [OH, OW]);
    const sel = (a) => (nd === 1 ? [a[1]] : a);
    const opts = { nd, layout: 'torch', stride: sel(stride), dilation: sel(dil), padding: sel(pad), output_padding: sel(op), groups };
    const xShape = nd === 1 ? [N, C, W] : [N, C, H, W];
    const wShape = nd === 1 ? [C, coutG, kw] : [C, coutG, kh, kw];
    const label = `config ${cfg}: ${JSON.stringify({ nd, N, C, H, W, coutG, groups, kh, kw, stride, dil, pad, op })}`;
    const xt = torch.tensor(x, xShape);
    const wt = torch.tensor(w, wShape);
    const bt = bias === null ? null : torch.tensor(bias, [bias.length]);
    const y = convTranspose('t', xt, wt, { ...opts, bias: bt });
    expect(y.shape).toEqual(nd === 1 ? [N, coutG * groups, OW] : [N, coutG * groups, OH, OW]);
    expectClose(y.data, want, `${label} NCHW`);
    y.dispose();
    if (nd === 2 && groups === 1) {
      // The same through Keras's layouts: NHWC data, (kh, kw, out, in) weights.
      const xl = torch.tensor(toLast(x, [N, C, H, W]), [N, H, W, C]);
      const wk = torch.tensor(toKerasWeight(w, C, coutG, kh, kw), [kh, kw, coutG, C]);
      const yl = convTranspose('t', xl, wk, { ...opts, layout: 'keras', channelsLast: true, bias: bt });
      expectClose(yl.data, toLast(Float32Array.from(want), [N, coutG, OH, OW]), `${label} NHWC`);
      yl.dispose(); xl.dispose(); wk.dispose();
    }
    xt.dispose(); wt.dispose(); bt?.dispose();
  }
});

test("Keras 'same' and 'valid' output sizes and padding, with and without output_padding", () => {
  // Keras deconv_output_length: 'valid' L*s + max(k - s, 0); 'same' L*s;
  // with output_padding: (L-1)*s + k - 2*(k//2 if same) + output_padding.
  const x = torch.randn(1, 5, 7, 3);
  const w = torch.randn(3, 3, 4, 3);
  expect(convTranspose('t', x, w, { nd: 2, layout: 'keras', channelsLast: true, stride: [2, 2], padding: 'same' }).shape).toEqual([1, 10, 14, 4]);
  expect(convTranspose('t', x, w, { nd: 2, layout: 'keras', channelsLast: true, stride: [2, 2], padding: 'valid' }).shape).toEqual([1, 11, 15, 4]);
  expect(convTranspose('t', x, w, { nd: 2, layout: 'keras', channelsLast: true, stride: [2, 2], padding: 'same', output_padding: [0, 1] }).shape).toEqual([1, 9, 14, 4]);
  // 'same' with stride 1 keeps the size and equals a correlation with the
  // flipped kernel: checked at one position by hand.
  const x1 = torch.tensor([[[[1], [2], [3]]]]);  // (1, 1, 3, 1): one row of 3... as (N, H, W, C) = (1, 1, 3, 1)
  const w1 = torch.tensor([[[[1]]], [[[10]]], [[[100]]]]).reshape(1, 3, 1, 1);  // (kh=1, kw=3, out=1, in=1)
  const y1 = convTranspose('t', x1, w1, { nd: 2, layout: 'keras', channelsLast: true, stride: [1, 1], padding: 'same' });
  // out[j] = sum_i x[i] * w[j - i + 1]: [1*10 + 2*1, 1*100 + 2*10 + 3*1, 2*100 + 3*10]
  expect(Array.from(y1.data)).toEqual([12, 123, 230]);
});

test('fused activations and unbatched input', () => {
  const x = torch.tensor([[1, -2, 3]]);      // unbatched (C=1, L=3)
  const w = torch.tensor([[[1, -1]]]);       // (in 1, out 1, k 2)
  const y = convTranspose('t', x, w, { nd: 1, layout: 'torch', activation: resolveActivation('t', 'relu') });
  expect(y.shape).toEqual([1, 4]);
  expect(Array.from(y.data)).toEqual([1, 0, 5, 0]);  // [1, -3, 5, -3] clamped
  const s = convTranspose('t', x, w, { nd: 1, layout: 'torch', activation: resolveActivation('t', 'softmax') });
  const e = [1, -3, 5, -3].map(Math.exp);
  const sum = e.reduce((a, b) => a + b);
  expectClose(s.data, e.map((v) => v / sum), 'softmax');
});

test('NaN and Infinity propagate', () => {
  const y = convTranspose('t', [[[NaN, 1]]], [[[1, 1]]], { nd: 1, layout: 'torch' });
  const v = Array.from(y.data);
  expect(Number.isNaN(v[0]) && Number.isNaN(v[1])).toBe(true);
  expect(v[2]).toBe(1);
  const z = convTranspose('t', [[[Infinity, 1]]], [[[1, 1]]], { nd: 1, layout: 'torch' });
  expect(Array.from(z.data)).toEqual([Infinity, Infinity, 1]);
});

test('bad arguments give clear errors and leave the module usable', () => {
  const x = torch.randn(1, 4, 5, 5);
  expect(() => convTranspose('F.conv_transpose2d', x, torch.randn(3, 2, 3, 3), { nd: 2, layout: 'torch' }))
    .toThrow(/F.conv_transpose2d: input must have 3 channels .* got 4 channels in shape \[1, 4, 5, 5\]/);
  expect(() => convTranspose('F.conv_transpose2d', x, torch.randn(4, 2, 3), { nd: 2, layout: 'torch' }))
    .toThrow(/weight must have 4 dimensions/);
  expect(() => convTranspose('F.conv_transpose2d', x, torch.randn(4, 2, 3, 3), { nd: 2, layout: 'torch', stride: 2, output_padding: 2 }))
    .toThrow(/output_padding must be smaller than either stride or dilation/);
  expect(() => convTranspose('F.conv_transpose2d', x, torch.randn(4, 2, 3, 3), { nd: 2, layout: 'torch', groups: 3 }))
    .toThrow(/groups \(3\) must divide the input channels/);
  expect(() => convTranspose('F.conv_transpose2d', x, torch.randn(4, 2, 3, 3), { nd: 2, layout: 'torch', bias: torch.randn(3) }))
    .toThrow(/bias must have shape \[2\]/);
  expect(() => convTranspose('F.conv_transpose2d', x, torch.randn(4, 2, 3, 3), { nd: 2, layout: 'torch', padding: 5 }))
    .toThrow(/output size would be \[-3, -3\]/);
  expect(() => convTranspose('Conv2DTranspose', torch.randn(1, 5, 5, 4), torch.randn(3, 3, 2, 4), { nd: 2, layout: 'keras', channelsLast: true, padding: 'full' }))
    .toThrow(/Conv2DTranspose: padding must be 'valid' or 'same', got "full"/);
  expect(() => convTranspose('Conv2DTranspose', torch.randn(1, 5, 5, 4), torch.randn(3, 3, 2, 4), { nd: 2, layout: 'keras', channelsLast: true, stride: [2, 2], padding: 'same', output_padding: [2, 0] }))
    .toThrow(/output_padding must be smaller than strides/);
  const y = convTranspose('t', [[[1, 2]]], [[[1, 1]]], { nd: 1, layout: 'torch' });
  expect(Array.from(y.data)).toEqual([1, 3, 2]);
});

test('ONNX Runtime ConvTranspose agrees on seeded configurations (groups, dilation, pads, output_padding)', async () => {
  const { runOnnxOp } = await import('./reference/onnx.js');
  const r = rng(77);
  for (let cfg = 0; cfg < 60; cfg++) {
    const groups = pick(r, [1, 2]);
    const C = groups * int(r, 1, 3);
    const coutG = int(r, 1, 3);
    const [H, W] = [int(r, 1, 5), int(r, 1, 6)];
    const [kh, kw] = [int(r, 1, 3), int(r, 1, 3)];
    const stride = [int(r, 1, 3), int(r, 1, 3)];
    const dil = [int(r, 1, 2), int(r, 1, 2)];
    // ORT checks output_padding < stride (PyTorch allows < max(stride, dilation)).
    const op = [int(r, 0, stride[0] - 1), int(r, 0, stride[1] - 1)];
    const pad = [int(r, 0, Math.floor((kh - 1) * dil[0] / 2)), int(r, 0, Math.floor((kw - 1) * dil[1] / 2))];
    const x = values(r, C * H * W);
    const w = values(r, C * coutG * kh * kw);
    const b = values(r, coutG * groups);
    const want = await runOnnxOp({
      op: 'ConvTranspose',
      attrs: { group: groups, strides: stride, dilations: dil, pads: [pad[0], pad[1], pad[0], pad[1]], output_padding: op, kernel_shape: [kh, kw] },
      input: { data: x, shape: [1, C, H, W] },
      initializers: [{ name: 'W', dims: [C, coutG, kh, kw], data: w }, { name: 'B', dims: [coutG * groups], data: b }],
    });
    const y = convTranspose('t', torch.tensor(x, [1, C, H, W]), torch.tensor(w, [C, coutG, kh, kw]),
      { nd: 2, layout: 'torch', bias: torch.tensor(b, [b.length]), stride, dilation: dil, padding: pad, output_padding: op, groups });
    expect(y.shape).toEqual(want.shape);
    expectClose(y.data, want.data, `ORT config ${cfg}: ${JSON.stringify({ C, coutG, groups, H, W, kh, kw, stride, dil, pad, op })}`);
    y.dispose();
  }
});
