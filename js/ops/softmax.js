// softmax / log_softmax over one dim (F.softmax, F.log_softmax, nn.Softmax,
// Keras Softmax): the one checking place for the dim. The tensor is viewed
// as (outer, n, inner) around it.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { kernel } from './abi.js';
import { runKernel, withTensor } from './run.js';

export function softmax(where, input, dim, { log = false } = {}) {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) typeFail(where, `dim must be an integer, got ${fmtValue(dim)}`);
  return withTensor(where, input, 'input', (x) => {
    const shape = x.shape;
    // A 0-d tensor has one dim for this purpose, as in PyTorch.
    const r = Math.max(shape.length, 1);
    if (dim < -r || dim >= r) {
      fail(where, `dim must be in [${-r}, ${r - 1}] for input of shape ${fmtShape(shape)}, got ${dim}`);
    }
    const d = dim < 0 ? dim + r : dim;
    const prod = (s) => s.reduce((a, b) => a * b, 1);
    const n = shape.length === 0 ? 1 : shape[d];
    const entry = kernel('softmax');
    const words = entry.pack({
      input: x.ptr, output: 0, outer: prod(shape.slice(0, d)), length: n, inner: prod(shape.slice(d + 1)), log: Boolean(log),
    });
    return runKernel(where, shape, (out) => {
      entry.set(words, 'output', out);
      return entry.run(words);
    });
  });
}
