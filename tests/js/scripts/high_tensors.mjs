// One tensor of 2.2 GiB (more than dlmalloc grows the heap by at once),
// then ops on small tensors placed above it, past 2 GiB, where a signed
// 32-bit address would go negative. Prints what happened as JSON.
import { backend, init, keras, Tensor, torch } from '../../../js/index.js';

await init({ threads: Number(process.argv[2] ?? 2) });
const F = torch.nn.functional;
const r = { build: backend().build };
let big = null;
try {
  big = Tensor.empty([600000000]);  // nothing written: little real memory
  r.single = 'ok';
} catch (e) {
  r.single = e.message;
}
const x = torch.tensor([[[1, 5, 2, 8], [3, 3, 9, 0]]]);
r.above2GiB = x.ptr >= 2 ** 31;
r.maxPool = F.max_pool1d(x, 2, { return_indices: true }).map((t) => t.tolist());
r.avgPool = F.avg_pool1d(x, 2).tolist();
r.adaptive = F.adaptive_avg_pool1d(x, 1).tolist();
r.global = new keras.layers.GlobalMaxPooling1D({ data_format: 'channels_first' }).apply(x).tolist();
r.conv = F.conv1d(x, torch.tensor([[[1, 1], [0, 1]]]), torch.tensor([0.5])).tolist();
r.depthwise = F.conv1d(x, torch.tensor([[[1, -1]], [[2, 0]]]), null, 1, 0, 1, 2).tolist();
big?.dispose();
console.log(JSON.stringify(r));
process.exit(0);
