// The main job: load nnwasm in Node, say which build runs, and print real
// results of each shipped op.   node examples/node.mjs [--threads N]
import { backend, init, keras, torch } from '../js/index.js';

const i = process.argv.indexOf('--threads');
const threads = i > 0 ? Number(process.argv[i + 1]) : 'auto';
const info = await init({ threads });
console.log(`nnwasm backend: ${info.build} (${info.threads} thread${info.threads > 1 ? 's' : ''}; ${info.reason})`);

const F = torch.nn.functional;
const show = (label, t) => console.log(`${label.padEnd(58)} shape [${t.shape}] ${JSON.stringify(t.tolist())}`);

// PyTorch: adaptive_avg_pool1d on (N=1, C=2, L=6) to 3 and to 4 outputs.
const x = torch.tensor([[[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]]]);
show('adaptive_avg_pool1d(x, 3)', F.adaptive_avg_pool1d(x, 3));
show('adaptive_avg_pool1d(x, 4)', F.adaptive_avg_pool1d(x, 4));
show('nn.AdaptiveAvgPool1d(1).forward(x)', new torch.nn.AdaptiveAvgPool1d(1).forward(x));

// Keras: GlobalAveragePooling1D on (batch=2, steps=3, features=2), with a mask.
const seq = torch.tensor([[[1, 2], [3, 4], [5, 6]], [[0, 0], [10, 10], [20, 40]]]);
const gap = new keras.layers.GlobalAveragePooling1D();
show('GlobalAveragePooling1D()(seq)', gap.apply(seq));
show('GlobalAveragePooling1D()(seq, mask=[[1,1,0],[0,1,1]])', gap.apply(seq, { mask: [[1, 1, 0], [0, 1, 1]] }));

// A bigger run, timed.
const big = torch.randn(32, 1024, 256);
const t0 = performance.now();
const pooled = gap.apply(big);
const ms = performance.now() - t0;
console.log(`GlobalAveragePooling1D on [32, 1024, 256] (32 MiB) took ${ms.toFixed(2)} ms (first call) -> shape [${pooled.shape}]`);
console.log(`heap: ${(backend().memory.heapBytes / 2 ** 20).toFixed(0)} MiB, live tensors: ${backend().memory.tensors}`);
