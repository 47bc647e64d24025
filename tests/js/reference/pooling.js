// Plain-JS pooling references, written as PyTorch's and Keras's own loops
// (PyTorch aten/src/ATen/native/cpu pooling; Keras/TF pooling arithmetic),
// for clarity, not speed. Data are flat Float32Arrays, row-major.

// PyTorch's output size (pooling_output_shape).
export function torchOutSize(L, k, s, p, d, ceil) {
  let out = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= L + p) out--;
  return out;
}

// PyTorch avg_pool2d on (planes, H, W): windows clipped at the end of the
// right padding for count_include_pad, sums in row-major order.
export function torchAvgPool2d(x, planes, H, W, { k, s, p, ceil = false, countIncludePad = true, divisor = null }) {
  const OH = torchOutSize(H, k[0], s[0], p[0], 1, ceil);
  const OW = torchOutSize(W, k[1], s[1], p[1], 1, ceil);
  const out = new Float32Array(planes * OH * OW);
  for (let q = 0; q < planes; q++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let hs = oh * s[0] - p[0];
        let ws = ow * s[1] - p[1];
        let he = Math.min(hs + k[0], H + p[0]);
        let we = Math.min(ws + k[1], W + p[1]);
        const poolSize = (he - hs) * (we - ws);
        hs = Math.max(hs, 0);
        ws = Math.max(ws, 0);
        he = Math.min(he, H);
        we = Math.min(we, W);
        const o = (q * OH + oh) * OW + ow;
        if (hs >= he || ws >= we) { out[o] = 0; continue; }
        let sum = 0;
        for (let ih = hs; ih < he; ih++) for (let iw = ws; iw < we; iw++) sum += x[(q * H + ih) * W + iw];
        let div;
        if (divisor !== null) div = divisor;
        else if (countIncludePad) div = poolSize;
        else div = (he - hs) * (we - ws);
        out[o] = sum / div;
      }
    }
  }
  return { out, OH, OW };
}

// PyTorch max_pool2d_with_indices on (planes, H, W).
export function torchMaxPool2d(x, planes, H, W, { k, s, p, d, ceil = false }) {
  const OH = torchOutSize(H, k[0], s[0], p[0], d[0], ceil);
  const OW = torchOutSize(W, k[1], s[1], p[1], d[1], ceil);
  const out = new Float32Array(planes * OH * OW);
  const idx = new Float32Array(planes * OH * OW);
  for (let q = 0; q < planes; q++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let h0 = oh * s[0] - p[0];
        let w0 = ow * s[1] - p[1];
        const h1 = Math.min(h0 + (k[0] - 1) * d[0] + 1, H);
        const w1 = Math.min(w0 + (k[1] - 1) * d[1] + 1, W);
        while (h0 < 0) h0 += d[0];
        while (w0 < 0) w0 += d[1];
        let best = -Infinity;
        let bi = h0 * W + w0;
        for (let ih = h0; ih < h1; ih += d[0]) {
          for (let iw = w0; iw < w1; iw += d[1]) {
            const v = x[(q * H + ih) * W + iw];
            if (v > best || Number.isNaN(v)) { best = v; bi = ih * W + iw; }
          }
        }
        const o = (q * OH + oh) * OW + ow;
        out[o] = best;
        idx[o] = bi;
      }
    }
  }
  return { out, idx, OH, OW };
}

const startIndex = (a, b, c) => Math.floor((a * c) / b);
const endIndex = (a, b, c) => Math.ceil(((a + 1) * c) / b);

export function adaptiveAvgPool2d(x, planes, H, W, OH, OW) {
  const out = new Float32Array(planes * OH * OW);
  for (let q = 0; q < planes; q++) {
    for (let oh = 0; oh < OH; oh++) {
      const hs = startIndex(oh, OH, H), he = endIndex(oh, OH, H);
      for (let ow = 0; ow < OW; ow++) {
        const ws = startIndex(ow, OW, W), we = endIndex(ow, OW, W);
        let sum = 0;
        for (let ih = hs; ih < he; ih++) for (let iw = ws; iw < we; iw++) sum += x[(q * H + ih) * W + iw];
        out[(q * OH + oh) * OW + ow] = sum / ((he - hs) * (we - ws));
      }
    }
  }
  return out;
}

export function adaptiveMaxPool2d(x, planes, H, W, OH, OW) {
  const out = new Float32Array(planes * OH * OW);
  const idx = new Float32Array(planes * OH * OW);
  for (let q = 0; q < planes; q++) {
    for (let oh = 0; oh < OH; oh++) {
      const hs = startIndex(oh, OH, H), he = endIndex(oh, OH, H);
      for (let ow = 0; ow < OW; ow++) {
        const ws = startIndex(ow, OW, W), we = endIndex(ow, OW, W);
        let best = -Infinity;
        let bi = hs * W + ws;
        for (let ih = hs; ih < he; ih++) {
          for (let iw = ws; iw < we; iw++) {
            const v = x[(q * H + ih) * W + iw];
            if (v > best || Number.isNaN(v)) { best = v; bi = ih * W + iw; }
          }
        }
        out[(q * OH + oh) * OW + ow] = best;
        idx[(q * OH + oh) * OW + ow] = bi;
      }
    }
  }
  return { out, idx };
}

// Keras/TF pooling on (N, H, W, C) or (N, C, H, W): 'valid' or 'same' (extra
// padding at the end); averages over real cells, max ignores padding.
export function kerasPool2d(x, shape, { pool, strides, padding, channelsLast, max }) {
  const [N, H, W, C] = channelsLast ? shape : [shape[0], shape[2], shape[3], shape[1]];
  const dims = [H, W].map((L, d) => {
    if (padding === 'valid') return { out: Math.floor((L - pool[d]) / strides[d]) + 1, before: 0 };
    const out = Math.ceil(L / strides[d]);
    const total = Math.max((out - 1) * strides[d] + pool[d] - L, 0);
    return { out, before: Math.floor(total / 2) };
  });
  const OH = Math.max(dims[0].out, 0), OW = Math.max(dims[1].out, 0);
  const at = (n, h, w, c) => (channelsLast ? ((n * H + h) * W + w) * C + c : ((n * C + c) * H + h) * W + w);
  const outAt = (n, h, w, c) => (channelsLast ? ((n * OH + h) * OW + w) * C + c : ((n * C + c) * OH + h) * OW + w);
  const out = new Float32Array(N * OH * OW * C);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          let acc = max ? -Infinity : 0;
          let count = 0;
          for (let i = 0; i < pool[0]; i++) {
            const h = oh * strides[0] - dims[0].before + i;
            if (h < 0 || h >= H) continue;
            for (let j = 0; j < pool[1]; j++) {
              const w = ow * strides[1] - dims[1].before + j;
              if (w < 0 || w >= W) continue;
              const v = x[at(n, h, w, c)];
              if (max) acc = Number.isNaN(v) || Number.isNaN(acc) ? NaN : Math.max(acc, v);
              else acc += v;
              count++;
            }
          }
          out[outAt(n, oh, ow, c)] = max ? acc : acc / count;
        }
      }
    }
  }
  const outShape = channelsLast ? [N, OH, OW, C] : [N, C, OH, OW];
  return { out, outShape };
}

// Global mean / max over the steps of (N, L, C) or (N, C, L), masked steps
// left out (all masked: NaN for the mean, -Infinity for the max).
export function globalPool1d(x, shape, { channelsLast, max, mask = null }) {
  const [N, L, C] = channelsLast ? shape : [shape[0], shape[2], shape[1]];
  const out = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let acc = max ? -Infinity : 0;
      let count = 0;
      for (let l = 0; l < L; l++) {
        if (mask && !mask[n * L + l]) continue;
        const v = x[channelsLast ? (n * L + l) * C + c : (n * C + c) * L + l];
        if (max) acc = Number.isNaN(v) || Number.isNaN(acc) ? NaN : Math.max(acc, v);
        else acc += v;
        count++;
      }
      out[n * C + c] = max ? acc : acc / count;
    }
  }
  return out;
}
