// 100,000 small mixed ops with dispose() after a 2,000-op warm-up, in a
// process of its own (Jest's own allocations would blur the figure).
// Prints { rssGrowth, heapBefore, heapAfter, tensorsBefore, tensorsAfter }.
import { backend, init, keras, torch } from '../../../js/index.js';

await init({ threads: Number(process.argv[2] ?? 2) });
const F = torch.nn.functional;
const x = torch.randn(2, 8, 33);
const xl = torch.randn(2, 33, 8);
const x4 = torch.randn(2, 4, 9, 11);
const x4l = torch.randn(2, 9, 11, 4);
const w = torch.randn(6, 4, 3, 3);
const b = torch.randn(6);
const small = torch.randn(1, 8, 4);
const layers = {
  pool: new torch.nn.AdaptiveAvgPool1d(5),
  maxPool: new torch.nn.MaxPool2d(2),
  conv: new torch.nn.Conv2d(4, 6, 3, 1, 1),
  gap: new keras.layers.GlobalAveragePooling1D(),
  gapFirst: new keras.layers.GlobalAveragePooling1D({ data_format: 'channels_first', keepdims: true }),
  kMaxPool: new keras.layers.MaxPooling2D({ pool_size: 2, padding: 'same' }),
  kAvgPool: new keras.layers.AveragePooling1D({ pool_size: 3, strides: 2, data_format: 'channels_first' }),
  gap2d: new keras.layers.GlobalAveragePooling2D({ data_format: 'channels_first' }),
  kConv: new keras.layers.Conv2D({ filters: 5, kernel_size: 3, padding: 'same', activation: 'gelu' }),
  kDwConv: new keras.layers.Conv1D({ filters: 8, kernel_size: 2, groups: 8, data_format: 'channels_first' }),
};
const ops = [
  () => F.max_pool2d(x4, 3, 2, 1),
  () => F.avg_pool2d(x4, 2, 1, 1, true, false),
  () => F.max_pool1d(small, 2),
  () => F.adaptive_avg_pool1d(small, 1),
  () => F.adaptive_max_pool2d(x4, [4, null]),
  () => F.adaptive_avg_pool2d(x4, 3),
  () => F.conv2d(x4, w, b, 1, 'same'),
  () => layers.pool.forward(x),
  () => layers.maxPool.forward(x4),
  () => layers.conv.forward(x4),
  () => layers.gap.apply(xl),
  () => layers.gapFirst.apply(x),
  () => layers.kMaxPool.apply(x4l),
  () => layers.kAvgPool.apply(x),
  () => layers.gap2d.apply(x4),
  () => layers.kConv.apply(x4l),
  () => layers.kDwConv.apply(x),
];
for (let i = 0; i < 2000; i++) ops[i % ops.length]().dispose();
globalThis.gc();
const before = { rss: process.memoryUsage().rss, ...backend().memory };
for (let i = 0; i < 100000; i++) ops[i % ops.length]().dispose();
const after = { rss: process.memoryUsage().rss, ...backend().memory };
console.log(JSON.stringify({
  rssGrowth: after.rss - before.rss,
  heapBefore: before.heapBytes,
  heapAfter: after.heapBytes,
  tensorsBefore: before.tensors,
  tensorsAfter: after.tensors,
}));
process.exit(0);
