// The main job: load nnwasm in Node, say which build runs, and print real
// results of every shipped op family on small inputs.
//   node examples/node.mjs [--threads N]
import { backend, init, keras, torch } from '../js/index.js';

const i = process.argv.indexOf('--threads');
const threads = i > 0 ? Number(process.argv[i + 1]) : 'auto';
const info = await init({ threads });
console.log(`nnwasm backend: ${info.build} (${info.threads} thread${info.threads > 1 ? 's' : ''}; ${info.reason})\n`);

const F = torch.nn.functional;
const show = (label, t) => {
  const [out, idx] = Array.isArray(t) ? t : [t, null];
  const round = (v) => (Array.isArray(v) ? v.map(round) : Math.round(v * 1e4) / 1e4);
  console.log(`${label}\n  -> shape [${out.shape}] ${JSON.stringify(round(out.tolist()))}` +
    (idx ? `\n     indices ${JSON.stringify(idx.tolist())}` : ''));
};

console.log('# torch.nn.functional (channels first)');
const x1 = torch.tensor([[[1, 2, 3, 4, 5, 6, 7]]]);            // (N=1, C=1, L=7)
show('adaptive_avg_pool1d([1..7], 3)', F.adaptive_avg_pool1d(x1, 3));
show('adaptive_max_pool1d([1..7], 2, return_indices)', F.adaptive_max_pool1d(x1, 2, true));
show('avg_pool1d([1..7], 3, stride 2)    (PyTorch docs: [2, 4, 6])', F.avg_pool1d(x1, 3, 2));
show('max_pool1d([1..7], 2, stride 2, return_indices)', F.max_pool1d(x1, 2, { stride: 2, return_indices: true }));
const img = torch.arange(16).reshape(1, 1, 4, 4);              // (1, 1, 4, 4): 0..15
show('max_pool2d(0..15 as 4x4, 2, return_indices)', F.max_pool2d(img, 2, { return_indices: true }));
show('avg_pool2d(0..15 as 4x4, 3, stride 1, padding 1)', F.avg_pool2d(img, 3, 1, 1));
show('adaptive_avg_pool2d(0..15 as 4x4, [2, 1])', F.adaptive_avg_pool2d(img, [2, 1]));
const box = torch.tensor([[[1, 1, 1]]]);                       // conv1d weight (out=1, in=1, k=3)
show('conv1d([1..7], box kernel [1,1,1], padding "same")', F.conv1d(x1, box, null, 1, 'same'));
const edge = torch.tensor([[[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]]);  // Sobel x
show('conv2d(0..15 as 4x4, Sobel x, padding 1)', F.conv2d(img, edge, null, 1, 1));

console.log('\n# keras.layers (channels last)');
const seq = torch.tensor([[[1, 2], [3, 4], [5, 6]], [[0, 0], [10, 10], [20, 40]]]);  // (2, 3 steps, 2)
const gap = new keras.layers.GlobalAveragePooling1D();
show('GlobalAveragePooling1D()(seq)', gap.apply(seq));
show('GlobalAveragePooling1D()(seq, mask [[1,1,0],[0,1,1]])', gap.apply(seq, { mask: [[1, 1, 0], [0, 1, 1]] }));
show('GlobalMaxPooling1D()(seq)', new keras.layers.GlobalMaxPooling1D().apply(seq));
const grid = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);  // Keras docs' 3x3 image
show('AveragePooling2D(2, strides 1, "same") on [[1,2,3],[4,5,6],[7,8,9]]',
  new keras.layers.AveragePooling2D({ pool_size: 2, strides: 1, padding: 'same' }).apply(grid));
show('MaxPooling2D(2, strides 1, "valid") on the same', new keras.layers.MaxPooling2D({ pool_size: 2, strides: 1 }).apply(grid));
show('GlobalAveragePooling2D()', new keras.layers.GlobalAveragePooling2D().apply(grid));
const conv = new keras.layers.Conv1D({ filters: 1, kernel_size: 2, padding: 'causal', use_bias: false });
conv.build([1, 4, 1]);
conv.set_weights([torch.tensor([[[1]], [[0]]])]);              // kernel (k=2, in=1, filters=1): a one-step delay
show('Conv1D(1, 2, padding "causal") delaying [1,2,3,4] by one step', conv.apply(torch.tensor([1, 2, 3, 4], [1, 4, 1])));

console.log('\n# keras.Sequential');
torch.manual_seed(0);
const model = new keras.Sequential([
  new keras.layers.Conv2D({ filters: 4, kernel_size: 3, activation: 'relu', input_shape: [8, 8, 1] }),
  new keras.layers.MaxPooling2D({ pool_size: 2 }),
  new keras.layers.GlobalAveragePooling2D(),
]);
console.log(model.summary());
show('model.predict(an 8x8 ramp)', model.predict(torch.arange(64).reshape(1, 8, 8, 1)));

const big = torch.randn(32, 1024, 256);
const t0 = performance.now();
const pooled = gap.apply(big);
console.log(`\nGlobalAveragePooling1D on [32, 1024, 256] (32 MiB): ${(performance.now() - t0).toFixed(2)} ms on the first call -> [${pooled.shape}]`);
console.log(`heap ${(backend().memory.heapBytes / 2 ** 20).toFixed(0)} MiB, live tensors ${backend().memory.tensors}`);
console.log('The browser demo: `npm start`, then open http://127.0.0.1:8080/demo/');
