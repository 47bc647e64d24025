// Memory: 100,000 op calls leave the WebAssembly heap and the process
// memory flat, whether outputs are disposed or simply dropped (then the
// garbage collector frees them: needs node --expose-gc, which npm test
// gives). backend().memory = { heapBytes, tensors } is what users watch.
import { backend, init, keras, torch } from '../../js/index.js';

const F = torch.nn.functional;
const CALLS = 100000;

beforeAll(() => init({ threads: 2 }));

const mem = () => backend().memory;

// Finalizers run after a collection, on a later turn of the event loop (on
// a busy machine, several turns later). Collects until the live tensor
// count reaches `target`, or (no target) stays put for three rounds.
async function collect(target = -1) {
  let last = mem().tensors;
  for (let i = 0, stable = 0; i < 200 && stable < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = mem().tensors;
    if (target >= 0 && now <= target) return;
    // With a target, a steady count above it only means the finalizers have
    // not run yet (a busy machine): keep collecting until the time is up.
    stable = target < 0 && now === last ? stable + 1 : 0;
    last = now;
  }
}

// One of 18 ops per call, on small inputs (the count matters here, not the
// size): every op family (adaptive, global and window pooling, max indices,
// convolutions with their packed-weight caches and activations), torch
// functions and modules, keras layers in both layouts, with a mask (a
// temporary mask tensor inside) and nested-array inputs (input, weights).
function makeOps() {
  const x = torch.randn(2, 8, 33);
  const xl = torch.randn(2, 33, 8);
  const pool = new torch.nn.AdaptiveAvgPool1d(5);
  const gapLast = new keras.layers.GlobalAveragePooling1D();
  const gapFirst = new keras.layers.GlobalAveragePooling1D({ data_format: 'channels_first', keepdims: true });
  const mask = [Array(33).fill(1), Array(33).fill(0).map((_, i) => i % 2)];
  const nested = [[[1, 2, 3, 4], [5, 6, 7, 8]]];
  const x4 = torch.randn(2, 4, 9, 11);
  const x4l = torch.randn(2, 9, 11, 4);
  const w = torch.randn(6, 4, 3, 3);
  const b = torch.randn(6);
  const maxPool = new keras.layers.MaxPooling2D({ pool_size: 2, padding: 'same' });
  const avgPool1d = new keras.layers.AveragePooling1D({ pool_size: 3, strides: 2, data_format: 'channels_first' });
  const gmp = new keras.layers.GlobalMaxPooling1D();
  const gap2d = new keras.layers.GlobalAveragePooling2D({ data_format: 'channels_first' });
  const conv = new keras.layers.Conv2D({ filters: 5, kernel_size: 3, padding: 'same', activation: 'gelu' });
  const conv1d = new keras.layers.Conv1D({ filters: 8, kernel_size: 2, groups: 8, data_format: 'channels_first' });
  const ops = [
    () => F.max_pool2d(x4, 3, 2, 1),
    () => F.avg_pool2d(x4, 2, 1, 1, true, false),
    () => {
      const [y, i] = F.max_pool1d(x, 3, 2, 1, 1, false, true);
      i.dispose();
      return y;
    },
    () => F.adaptive_max_pool2d(x4, [4, null]),
    () => F.adaptive_avg_pool2d(x4, 3),
    () => maxPool.apply(x4l),
    () => avgPool1d.apply(x),
    () => gmp.apply(xl, { mask }),
    () => gap2d.apply(x4),
    () => F.conv2d(x4, w, b, 1, 'same'),
    () => F.conv1d(x, [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[1, 0], [0, 1]], [[2, 2], [1, 1]]], null, 1, 0, 1, 4),
    () => conv.apply(x4l),
    () => conv1d.apply(x),
    () => F.adaptive_avg_pool1d(x, 7),
    () => pool.forward(x),
    () => gapLast.apply(xl, { mask }),
    () => gapFirst.apply(x),
    () => F.adaptive_avg_pool1d(nested, 3),
  ];
  // Layers own their weights: disposing them (after the test) frees those.
  const disposeAll = () => {
    for (const t of [x, xl, x4, x4l, w, b]) t.dispose();
    conv.dispose();
    conv1d.dispose();
  };
  // Layers build their weights, and convolutions cache packed weights, at
  // their first call: those stay (with their layer or weight tensor).
  for (const op of ops) op().dispose();
  return { ops, inputs: { dispose: disposeAll } };
}

test('backend().memory reports the heap size and live tensors', () => {
  const m = mem();
  expect(m.heapBytes).toBeGreaterThan(0);
  expect(m.heapBytes % 65536).toBe(0);
  const before = m.tensors;
  const t = torch.zeros(10);
  expect(mem().tensors).toBe(before + 1);
  t.dispose();
  expect(mem().tensors).toBe(before);
});

test(`${CALLS} op calls with dispose(): heap, tensor count and RSS flat`, () => {
  const { ops, inputs } = makeOps();
  for (let i = 0; i < 5000; i++) ops[i % ops.length]().dispose();  // warm up
  globalThis.gc();
  const before = { ...mem(), rss: process.memoryUsage().rss };
  for (let i = 0; i < CALLS; i++) ops[i % ops.length]().dispose();
  globalThis.gc();
  const after = { ...mem(), rss: process.memoryUsage().rss };
  expect(after.tensors).toBe(before.tensors);
  expect(after.heapBytes).toBe(before.heapBytes);
  expect(after.rss - before.rss).toBeLessThan(64 * 2 ** 20);
  inputs.dispose();
});

test(`${CALLS} op calls without dispose(): the garbage collector frees every output`, async () => {
  expect(typeof globalThis.gc).toBe('function');  // run node with --expose-gc (npm test does)
  const { ops, inputs } = makeOps();
  const base = mem().tensors;
  // Outputs are dropped; every 10,000 calls the collector gets a chance.
  const round = async () => {
    for (let i = 0; i < 10000; i++) ops[i % ops.length]();
    await collect(base);
  };
  await round();  // warm up: the heap settles at what 10,000 garbage outputs need
  const before = { ...mem(), rss: process.memoryUsage().rss };
  expect(before.tensors).toBe(base);
  for (let r = 0; r < CALLS / 10000; r++) await round();
  const after = { ...mem(), rss: process.memoryUsage().rss };
  expect(after.tensors).toBe(base);
  expect(after.heapBytes).toBe(before.heapBytes);
  expect(after.rss - before.rss).toBeLessThan(64 * 2 ** 20);
  inputs.dispose();
});

test('a tensor dropped without dispose() is freed by the collector; a reshaped view keeps it alive', async () => {
  await collect();  // let garbage from the tests before be finalized first
  const base = mem().tensors;
  let t = torch.randn(1000);
  const view = t.reshape(10, 100);
  const first = view.data[0];
  expect(mem().tensors).toBe(base + 1);  // one storage, two tensors
  t = null;
  await collect();
  expect(mem().tensors).toBe(base + 1);  // the view still holds the storage
  expect(view.data[0]).toBe(first);
  view.dispose();
  expect(mem().tensors).toBe(base);
});
