// The demo's ops: ONE table, used by the page (demo/demo.js) and by the
// end-to-end tests (tests/e2e), which run each op here in Node on the very
// input the page used and compare the results. Every op takes the nnwasm
// namespace (`{ torch, keras }`) as an argument, so the same code runs on
// the page's module and on Node's. Weights are fixed numbers (no random
// initialisers), so both sides compute the same thing.

// The one place that says whether this build has what an op needs. Window
// pooling and convolution land with issues 4 and 5; until then their panels
// say "not available in this build" and their e2e comparisons wait.
export function has(nn, needs) {
  return needs.every((path) => typeof path.split('.').reduce((o, k) => o?.[k], nn) === 'function');
}

export function available(nn, id) {
  return has(nn, OPS[id].needs);
}

// mulberry32: the CNN's fixed pseudo-random weights.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A Conv2D kernel (kh, kw, in, out) from f(dy, dx, in, out).
function kernel2d(torch, kh, kw, cin, cout, f) {
  const v = new Float32Array(kh * kw * cin * cout);
  let i = 0;
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) v[i++] = f(y, x, c, o);
  return torch.tensor(v, [kh, kw, cin, cout]);
}

const LUMA = [0.299, 0.587, 0.114];
const LAPLACIAN = [[0, 1, 0], [1, -4, 1], [0, 1, 0]];

function gaussian(n, sigma) {
  const r = (n - 1) / 2;
  const g = Array.from({ length: n }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}

// A Conv2D layer with the given kernel, built for NHWC input of this shape.
function conv2dWith(nn, shape, options, kernel) {
  const layer = new nn.keras.layers.Conv2D({ padding: 'same', use_bias: false, ...options });
  layer.build(shape);
  layer.set_weights([kernel]);
  return layer;
}

// The small CNN: two conv + pool stages, 8 feature maps out.
export function smallCnn(nn, shape, name = 'small_cnn') {
  const { keras, torch } = nn;
  const next = rng(2024);
  const [, h, w, c] = shape;
  // Named as Keras names a fresh model's layers, however many were made before.
  const model = new keras.Sequential([
    new keras.layers.Conv2D({ filters: 8, kernel_size: 3, padding: 'same', activation: 'relu', input_shape: [h, w, c], name: 'conv2d' }),
    new keras.layers.MaxPooling2D({ pool_size: 2, name: 'max_pooling2d' }),
    new keras.layers.Conv2D({ filters: 8, kernel_size: 3, padding: 'same', activation: 'relu', name: 'conv2d_1' }),
    new keras.layers.AveragePooling2D({ pool_size: 2, name: 'average_pooling2d' }),
  ], { name });
  // Weights: oriented edge detectors first, then fixed mixes of them.
  const k1 = kernel2d(torch, 3, 3, c, 8, (y, x, ch, o) => {
    const angle = (o % 4) * Math.PI / 4;
    const d = (x - 1) * Math.cos(angle) + (y - 1) * Math.sin(angle);
    return (o < 4 ? d : -d) * LUMA[ch % 3] + (next() - 0.5) * 0.1;
  });
  const k2 = kernel2d(torch, 3, 3, 8, 8, () => (next() - 0.45) * 0.4);
  const b1 = torch.tensor(new Float32Array(8).fill(0.02), [8]);
  const b2 = torch.tensor(new Float32Array(8).fill(0.01), [8]);
  model.set_weights([k1, b1, k2, b2]);
  return model;
}

// id -> { kind, title, what, needs, run(nn, x) -> Tensor }. Image ops take
// NHWC [1, H, W, 3] in [0, 1]; signal ops take [1, L, 1].
export const OPS = {
  average_pooling2d: {
    kind: 'image',
    title: 'AveragePooling2D',
    what: 'pool_size 2: each output pixel is the mean of a 2×2 block',
    needs: ['keras.layers.AveragePooling2D'],
    run: (nn, x) => new nn.keras.layers.AveragePooling2D({ pool_size: 2 }).apply(x),
  },
  max_pooling2d: {
    kind: 'image',
    title: 'MaxPooling2D',
    what: 'pool_size 2: each output pixel is the max of a 2×2 block',
    needs: ['keras.layers.MaxPooling2D'],
    run: (nn, x) => new nn.keras.layers.MaxPooling2D({ pool_size: 2 }).apply(x),
  },
  conv2d_edges: {
    kind: 'image',
    title: 'Conv2D edge filter',
    what: '3×3 Laplacian on luminance, 1 filter, padding same',
    needs: ['keras.layers.Conv2D'],
    run: (nn, x) => {
      const k = kernel2d(nn.torch, 3, 3, x.shape[3], 1, (y, xx, c) => LAPLACIAN[y][xx] * LUMA[c % 3]);
      return conv2dWith(nn, x.shape, { filters: 1, kernel_size: 3 }, k).apply(x);
    },
  },
  conv2d_blur: {
    kind: 'image',
    title: 'Conv2D blur',
    what: '7×7 Gaussian (σ 2) per colour channel, 3 filters, padding same',
    needs: ['keras.layers.Conv2D'],
    run: (nn, x) => {
      const g = gaussian(7, 2);
      const k = kernel2d(nn.torch, 7, 7, x.shape[3], x.shape[3], (y, xx, c, o) => (c === o ? g[y] * g[xx] : 0));
      return conv2dWith(nn, x.shape, { filters: x.shape[3], kernel_size: 7 }, k).apply(x);
    },
  },
  small_cnn: {
    kind: 'image',
    title: 'Sequential CNN',
    what: 'Conv2D(8, 3, relu) → MaxPooling2D(2) → Conv2D(8, 3, relu) → AveragePooling2D(2)',
    needs: ['keras.Sequential', 'keras.layers.Conv2D', 'keras.layers.MaxPooling2D', 'keras.layers.AveragePooling2D'],
    run: (nn, x) => smallCnn(nn, x.shape).predict(x),
  },
  conv1d_filters: {
    kind: 'signal',
    title: 'Conv1D',
    what: '2 filters of 33 taps, padding same: a low-pass (smooth) and the high-pass rest',
    needs: ['keras.layers.Conv1D'],
    run: (nn, x) => {
      const taps = 33;
      const g = gaussian(taps, 5);
      const v = new Float32Array(taps * 2);
      for (let i = 0; i < taps; i++) {
        v[i * 2] = g[i];
        v[i * 2 + 1] = (i === (taps - 1) / 2 ? 1 : 0) - g[i];
      }
      const layer = new nn.keras.layers.Conv1D({ filters: 2, kernel_size: taps, padding: 'same', use_bias: false });
      layer.build(x.shape);
      const k = nn.torch.tensor(v, [taps, 1, 2]);
      layer.set_weights([k]);
      return layer.apply(x);
    },
  },
  adaptive_avg_pool1d: {
    kind: 'signal',
    title: 'adaptive_avg_pool1d',
    what: 'the signal squared, pooled to 128 bins: its energy envelope',
    needs: ['torch.nn.functional.adaptive_avg_pool1d'],
    // Input: the squared signal as [1, L, 1]; viewed as (N, C, L) = (1, 1, L).
    run: (nn, x) => {
      const ncl = x.reshape(1, 1, x.shape[1]);
      try {
        return nn.torch.nn.functional.adaptive_avg_pool1d(ncl, 128);
      } finally {
        ncl.dispose();
      }
    },
  },
};

export const OP_IDS = Object.keys(OPS);
