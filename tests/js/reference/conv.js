// Plain-JS direct convolution, the reference the kernels are compared with.
// Written for clarity: loops over every output, channel and tap, in float64.

// x: (N, C, H, W) channels first; w: (Cout, C/groups, kh, kw); bias or null.
// pad: [top, left]; out: [OH, OW]. Returns a Float64Array (N, Cout, OH, OW).
export function convReference({ x, xShape, w, wShape, bias, stride, dilation, pad, out, groups }) {
  const [N, C, H, W] = xShape;
  const [Cout, cinG, kh, kw] = wShape;
  const [OH, OW] = out;
  const coutG = Cout / groups;
  const y = new Float64Array(N * Cout * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < Cout; o++) {
      const g = Math.floor(o / coutG);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let sum = bias ? bias[o] : 0;
          for (let c = 0; c < cinG; c++) {
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * stride[0] + ky * dilation[0] - pad[0];
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * stride[1] + kx * dilation[1] - pad[1];
                if (ix < 0 || ix >= W) continue;
                sum += x[((n * C + g * cinG + c) * H + iy) * W + ix] * w[((o * cinG + c) * kh + ky) * kw + kx];
              }
            }
          }
          y[((n * Cout + o) * OH + oy) * OW + ox] = sum;
        }
      }
    }
  }
  return y;
}

// The activations as Keras defines them (Keras 3's hard_sigmoid).
export const activationReference = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  selu: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v)),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  swish: (v) => v / (1 + Math.exp(-v)),
  silu: (v) => v / (1 + Math.exp(-v)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  softsign: (v) => v / (1 + Math.abs(v)),
  hard_sigmoid: (v) => Math.min(Math.max((v + 3) / 6, 0), 1),
};

// Abramowitz-Stegun 7.1.26 is too coarse; this series/continued fraction
// is accurate to ~1e-15 for the ranges the tests use.
export function erf(x) {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 3) {
    let term = a, sum = a;
    for (let n = 1; n < 100; n++) {
      term *= -a * a / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return sign * 2 / Math.sqrt(Math.PI) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}

// Softmax over the last axis of a row-major array with rows of `n`.
export function softmaxReference(y, n) {
  const out = new Float64Array(y.length);
  for (let r = 0; r < y.length; r += n) {
    let m = -Infinity;
    for (let i = 0; i < n; i++) m = Math.max(m, y[r + i]);
    let s = 0;
    for (let i = 0; i < n; i++) s += (out[r + i] = Math.exp(y[r + i] - m));
    for (let i = 0; i < n; i++) out[r + i] /= s;
  }
  return out;
}

// Reorders a row-major array: perm[i] = the source axis of output axis i.
export function permute(data, shape, perm) {
  const outShape = perm.map((p) => shape[p]);
  const strides = new Array(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
  const out = new Float64Array(data.length);
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < data.length; k++) {
    let off = 0;
    for (let d = 0; d < perm.length; d++) off += idx[d] * strides[perm[d]];
    out[k] = data[off];
    for (let d = perm.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

// PyTorch's output length for one spatial dim.
export function torchOutLength(L, k, s, p, d) {
  return Math.floor((L + 2 * p - d * (k - 1) - 1) / s) + 1;
}
