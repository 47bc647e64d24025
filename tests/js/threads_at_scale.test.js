// Threads at scale: 4 and 8 threads (more than this machine's cores, so the
// workers also interleave on a core) give bit-identical results to 1 thread
// for every threaded kernel family: convolution NHWC (IGEMM, Winograd) and NCHW
// (GEMM), grouped, depthwise in both layouts, transposed, window, global and
// adaptive pooling, linear. Inputs are large enough that 8 threads split the
// work (above 8 x 96 KiB of traffic), and shapes leave ragged last items.
import os from 'node:os';
import { backend, init, keras, torch } from '../../js/index.js';

const F = torch.nn.functional;
const THREADS = [1, 4, 8];

// The pool runs at most as many threads as the machine reports (Emscripten
// asks os.cpus() in Node), and this machine may have 2 cores: report 8 while
// init() starts the workers and the pool sizes itself.
const realCpus = os.cpus;
beforeAll(async () => {
  const cpus = realCpus();
  os.cpus = () => Array.from({ length: Math.max(8, cpus.length) }, () => cpus[0]);
  await init({ threads: 8 });
});
afterAll(() => {
  torch.set_num_threads(8);
  os.cpus = realCpus;
});

function seeded(shape, seed) {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return torch.tensor(v, shape);
}

// op() at every thread count -> its outputs' bits at each, compared to 1 thread.
function sameBitsAtEveryThreadCount(op) {
  const bits = THREADS.map((n) => {
    torch.set_num_threads(n);
    const out = [op()].flat();
    const b = out.map((t) => Buffer.from(new Uint8Array(t.dataSync().slice().buffer)));
    for (const t of out) t.dispose();
    return b;
  });
  torch.set_num_threads(8);
  for (let i = 1; i < THREADS.length; i++) {
    bits[i].forEach((b, j) => {
      if (!b.equals(bits[0][j])) throw new Error(`output ${j} at ${THREADS[i]} threads differs from 1 thread`);
    });
  }
  return bits[0].length;
}

test('the pool runs 8 threads', () => {
  expect(backend().build).toBe('simd-threads');
  expect(backend().threads).toBe(8);
  torch.set_num_threads(4);
  expect(torch.get_num_threads()).toBe(4);
  torch.set_num_threads(8);
  expect(torch.get_num_threads()).toBe(8);
});

const CASES = [
  // 3x3 stride 1 runs Winograd: 5 tile runs, fewer than the threads need at
  // 4 and 8, so they share one transformed input.
  ['conv NHWC 3x3 (Keras Conv2D, Winograd, shared transformed input)', () => {
    const x = seeded([1, 45, 43, 24], 1);
    const layer = new keras.layers.Conv2D({ filters: 52, kernel_size: 3, padding: 'same', activation: 'relu', input_shape: [45, 43, 24] });
    return [() => layer.apply(x), () => { layer.dispose(); x.dispose(); }];
  }],
  // 18 tile runs: at 4 threads each transforms its own, cut to spread evenly;
  // at 8 they share one transformed input.
  ['conv NHWC 3x3 (Keras Conv2D, Winograd, runs cut for the threads)', () => {
    const x = seeded([1, 96, 90, 16], 11);
    const layer = new keras.layers.Conv2D({ filters: 20, kernel_size: 3, padding: 'same', input_shape: [96, 90, 16] });
    return [() => layer.apply(x), () => { layer.dispose(); x.dispose(); }];
  }],
  ['conv NHWC 3x3 stride 2 (Keras Conv2D, IGEMM)', () => {
    const x = seeded([1, 45, 43, 24], 12);
    const layer = new keras.layers.Conv2D({ filters: 52, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu', input_shape: [45, 43, 24] });
    return [() => layer.apply(x), () => { layer.dispose(); x.dispose(); }];
  }],
  ['conv NHWC 1x1, few pixels, many channels (columns split)', () => {
    const x = seeded([1, 7, 7, 160], 2);
    const layer = new keras.layers.Conv2D({ filters: 963, kernel_size: 1, input_shape: [7, 7, 160] });
    return [() => layer.apply(x), () => { layer.dispose(); x.dispose(); }];
  }],
  ['conv NCHW 3x3 stride 2 (F.conv2d, GEMM), batch 2', () => {
    const x = seeded([2, 19, 61, 59], 3);
    const w = seeded([37, 19, 3, 3], 4);
    const b = seeded([37], 5);
    return [() => F.conv2d(x, w, b, { stride: 2, padding: 1 }), () => [x, w, b].forEach((t) => t.dispose())];
  }],
  ['grouped conv NCHW (groups 4)', () => {
    const x = seeded([1, 32, 50, 50], 6);
    const w = seeded([48, 8, 3, 3], 7);
    return [() => F.conv2d(x, w, null, { padding: 1, groups: 4 }), () => [x, w].forEach((t) => t.dispose())];
  }],
  ['conv1d NCL (F.conv1d)', () => {
    const x = seeded([3, 16, 4001], 8);
    const w = seeded([33, 16, 5], 9);
    return [() => F.conv1d(x, w, null, { stride: 2 }), () => [x, w].forEach((t) => t.dispose())];
  }],
  ['depthwise NHWC (Keras DepthwiseConv2D)', () => {
    const x = seeded([1, 57, 55, 96], 10);
    const layer = new keras.layers.DepthwiseConv2D({ kernel_size: 3, strides: 2, padding: 'same', input_shape: [57, 55, 96] });
    return [() => layer.apply(x), () => { layer.dispose(); x.dispose(); }];
  }],
  ['depthwise NCHW (F.conv2d groups = C)', () => {
    const x = seeded([2, 40, 61, 63], 11);
    const w = seeded([40, 1, 5, 5], 12);
    return [() => F.conv2d(x, w, null, { padding: 2, groups: 40 }), () => [x, w].forEach((t) => t.dispose())];
  }],
  ['transposed conv NHWC (Keras Conv2DTranspose)', () => {
    const x = seeded([1, 29, 27, 64], 13);
    const layer = new keras.layers.Conv2DTranspose({ filters: 31, kernel_size: 2, strides: 2, input_shape: [29, 27, 64] });
    return [() => layer.apply(x), () => { layer.dispose(); x.dispose(); }];
  }],
  ['max and average pooling NHWC, with indices NCHW', () => {
    const nhwc = seeded([2, 67, 65, 48], 14);
    const nchw = seeded([2, 48, 67, 65], 15);
    const maxPool = new keras.layers.MaxPooling2D({ pool_size: 3, strides: 2, padding: 'same' });
    const avgPool = new keras.layers.AveragePooling2D({ pool_size: 2 });
    return [() => [maxPool.apply(nhwc), avgPool.apply(nhwc), ...F.max_pool2d(nchw, 3, { stride: 2, return_indices: true })],
      () => [nhwc, nchw].forEach((t) => t.dispose())];
  }],
  ['global and adaptive pooling', () => {
    const nhwc = seeded([3, 61, 59, 64], 16);
    const ncl = seeded([8, 130, 1003], 17);
    const gap = new keras.layers.GlobalAveragePooling2D();
    const gmp = new keras.layers.GlobalMaxPooling2D();
    return [() => [gap.apply(nhwc), gmp.apply(nhwc), F.adaptive_avg_pool1d(ncl, 9)], () => [nhwc, ncl].forEach((t) => t.dispose())];
  }],
  ['linear (F.linear and Keras Dense), ragged rows and panels', () => {
    const x = seeded([67, 515], 18);
    const w = seeded([1027, 515], 19);
    const b = seeded([1027], 20);
    const dense = new keras.layers.Dense({ units: 333, activation: 'relu', input_shape: [515] });
    return [() => [F.linear(x, w, b), dense.apply(x)], () => { [x, w, b].forEach((t) => t.dispose()); dense.dispose(); }];
  }],
];

test.each(CASES)('%s: 4 and 8 threads give the bits of 1 thread', (name, make) => {
  const [op, done] = make();
  try {
    expect(sameBitsAtEveryThreadCount(op)).toBeGreaterThan(0);
  } finally {
    done();
  }
});
