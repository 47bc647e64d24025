// Threads under load: 10,000 mixed ops (both APIs, both layouts, masks,
// inputs large enough that 2 threads really split the work) give results
// bit-identical to a 1-thread run, while the thread count alternates 1, 2,
// 1, 2, ... between ops. Each item of a kernel is summed by one thread in
// one fixed order, so no op's result depends on the thread count. Every op
// family is here: adaptive, global and window pooling (values and indices),
// and the convolutions (NCHW GEMM, NHWC IGEMM, depthwise).
import { backend, init, keras, torch } from '../../js/index.js';
import { randInt, rng } from './reference/random.js';

const F = torch.nn.functional;
const { imul } = Math;
const OPS = 10000;
const SEED = 0x7e1a;

beforeAll(() => init({ threads: 2 }));

// FNV-1a over the float bits: equal hashes <=> (practically) equal bits.
function bitsHash(t) {
  const u = new Uint32Array(t.data.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = imul(h ^ u[i], 0x01000193) >>> 0;
  return h;
}

function filled(next, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = next() * 8 - 4;
  return torch.tensor(v, shape);
}

test(`${OPS} mixed ops alternating 1 and 2 threads are bit-identical to 1 thread`, () => {
  expect(backend().build).toBe('simd-threads');
  const next = rng(SEED);
  // Medium inputs (256-512 KiB: above the 2 x 96 KiB a split needs) and
  // small ones (run inline), both layouts.
  const ncl = [filled(next, [4, 32, 512]), filled(next, [2, 64, 1000]), filled(next, [3, 5, 37])];
  const nlc = [filled(next, [4, 512, 32]), filled(next, [2, 1000, 67]), filled(next, [3, 37, 5])];
  const masks = nlc.map((x) => {
    const [n, l] = x.shape;
    return torch.tensor(Float32Array.from({ length: n * l }, () => (next() < 0.8 ? 1 : 0)), [n, l]);
  });
  // 2D inputs: 512 KiB, 288 KiB and small.
  const nchw = [filled(next, [2, 16, 64, 64]), filled(next, [1, 8, 96, 96]), filled(next, [1, 3, 9, 7])];
  const nhwc = [filled(next, [2, 64, 64, 16]), filled(next, [1, 96, 96, 8]), filled(next, [1, 9, 7, 3])];
  // Convolutions (fewer channels: the count of ops matters here, not FLOPs).
  const cin = nchw.map((x) => x.shape[1]);
  const convW = cin.map((c) => filled(next, [8, c, 3, 3]));
  const dwW = cin.map((c) => filled(next, [c, 1, 3, 3]));
  const convBias = filled(next, [8]);
  const conv2dLast = nhwc.map((x) => {
    const layer = new keras.layers.Conv2D({ filters: 8, kernel_size: 3, padding: 'same', activation: 'relu' });
    layer.build(x.shape);
    return layer;
  });
  const maxPoolLast = new keras.layers.MaxPooling2D({ pool_size: 3, strides: 2, padding: 'same' });
  const avgPoolFirst = new keras.layers.AveragePooling2D({ pool_size: 2, data_format: 'channels_first' });
  const gmpFirst = new keras.layers.GlobalMaxPooling1D({ data_format: 'channels_first' });
  const gapLast2d = new keras.layers.GlobalAveragePooling2D();
  const gmpLast2d = new keras.layers.GlobalMaxPooling2D();
  const gapLast = new keras.layers.GlobalAveragePooling1D();
  const gapFirst = new keras.layers.GlobalAveragePooling1D({ data_format: 'channels_first' });
  // The op table: make(next, k) returns a call on input set k. A new op is
  // one entry (choose sizes that reach the 2-thread split).
  const KINDS = [
    {
      name: 'F.adaptive_avg_pool1d',
      make: (nx, k) => {
        const o = randInt(nx, 1, 40);
        return () => F.adaptive_avg_pool1d(ncl[k], o);
      },
    },
    { name: 'GlobalAveragePooling1D channels_first', make: (nx, k) => () => gapFirst.apply(ncl[k]) },
    { name: 'GlobalAveragePooling1D channels_last', make: (nx, k) => () => gapLast.apply(nlc[k]) },
    { name: 'GlobalAveragePooling1D masked', make: (nx, k) => () => gapLast.apply(nlc[k], { mask: masks[k] }) },
    { name: 'GlobalMaxPooling1D channels_first', make: (nx, k) => () => gmpFirst.apply(ncl[k]) },
    {
      name: 'GlobalAveragePooling2D / GlobalMaxPooling2D',
      make: (nx, k) => {
        const layer = nx() < 0.5 ? gapLast2d : gmpLast2d;
        return () => layer.apply(nhwc[k]);
      },
    },
    {
      name: 'F.avg_pool2d / F.max_pool2d',
      make: (nx, k) => {
        const [kernel, stride, pad] = [randInt(nx, 2, 3), randInt(nx, 1, 2), randInt(nx, 0, 1)];
        const f = nx() < 0.5 ? F.avg_pool2d : F.max_pool2d;
        return () => f(nchw[k], kernel, stride, pad);
      },
    },
    {
      name: 'F.max_pool2d indices',
      make: (nx, k) => () => {
        const [y, i] = F.max_pool2d(nchw[k], 3, 2, 1, 1, false, true);
        y.dispose();
        return i;
      },
    },
    {
      name: 'F.avg_pool1d / F.max_pool1d',
      make: (nx, k) => {
        const kernel = randInt(nx, 2, 5);
        return nx() < 0.5 ? () => F.avg_pool1d(ncl[k], kernel, 1, 1) : () => F.max_pool1d(ncl[k], kernel, 2, 1, 2);
      },
    },
    {
      name: 'F.adaptive_avg_pool2d / F.adaptive_max_pool2d',
      make: (nx, k) => {
        const size = [randInt(nx, 1, 20), randInt(nx, 1, 20)];
        return nx() < 0.5 ? () => F.adaptive_avg_pool2d(nchw[k], size) : () => F.adaptive_max_pool2d(nchw[k], size);
      },
    },
    { name: 'MaxPooling2D same (NHWC)', make: (nx, k) => () => maxPoolLast.apply(nhwc[k]) },
    { name: 'AveragePooling2D channels_first', make: (nx, k) => () => avgPoolFirst.apply(nchw[k]) },
    {
      name: 'F.conv2d (NCHW GEMM, depthwise)',
      make: (nx, k) => (nx() < 0.5
        ? () => F.conv2d(nchw[k], convW[k], convBias, 1, 1)
        : () => F.conv2d(nchw[k], dwW[k], null, 2, 1, 1, cin[k])),
    },
    { name: 'keras Conv2D (NHWC IGEMM)', make: (nx, k) => () => conv2dLast[k].apply(nhwc[k]) },
  ];
  const ops = [];
  for (let i = 0; i < OPS; i++) {
    const k = randInt(next, 0, 2);
    const kind = KINDS[randInt(next, 0, KINDS.length - 1)];
    ops.push({ name: kind.name, call: kind.make(next, k) });
  }
  const run = (threadsFor) => ops.map((op, i) => {
    torch.set_num_threads(threadsFor(i));
    const y = op.call();
    const h = bitsHash(y);
    y.dispose();
    return h;
  });
  const started = Date.now();
  const one = run(() => 1);
  const alternating = run((i) => 1 + (i % 2));
  const differing = [];
  for (let i = 0; i < OPS; i++) if (one[i] !== alternating[i]) differing.push(i);
  expect(differing.slice(0, 10).map((i) => `op ${i}: ${ops[i].name}`)).toEqual([]);
  torch.set_num_threads(2);
  expect(torch.get_num_threads()).toBe(2);
  for (const t of [...ncl, ...nlc, ...masks, ...nchw, ...nhwc, ...convW, ...dwW, convBias]) t.dispose();
  for (const layer of conv2dLast) layer.dispose();
  expect(Date.now() - started).toBeLessThan(60000);
});
