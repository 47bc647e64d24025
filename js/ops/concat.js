// torch.cat / Keras Concatenate: the one checking place for ranks and
// sizes. One kernel call per input copies its rows into the output.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkStatus } from '../runtime.js';
import { kernel } from './abi.js';
import { withTensorList } from './run.js';

export function cat(where, tensors, dim) {
  if (!Array.isArray(tensors) && !(tensors && typeof tensors[Symbol.iterator] === 'function')) {
    typeFail(where, `tensors must be an array of Tensors, got ${fmtValue(tensors)}`);
  }
  const list = Array.from(tensors);
  if (list.length === 0) fail(where, 'tensors must be a non-empty array of Tensors, got an empty array');
  if (typeof dim !== 'number' || !Number.isInteger(dim)) typeFail(where, `dim must be an integer, got ${fmtValue(dim)}`);
  return withTensorList(where, list, 'tensors', (ts) => {
    // PyTorch skips 1-D empty tensors (legacy behaviour) when the others have more dims.
    const used = ts.map((t, i) => ({ t, i, shape: t.shape })).filter((e) => !(e.shape.length === 1 && e.shape[0] === 0));
    if (used.length === 0) return Tensor.empty([0], where);
    const first = used[0];
    const r = first.shape.length;
    if (r === 0) fail(where, `zero-dimensional tensor (tensors[${first.i}]) cannot be concatenated`);
    if (dim < -r || dim >= r) fail(where, `dim must be in [${-r}, ${r - 1}] for tensors of ${r} dimensions, got ${dim}`);
    const d = dim < 0 ? dim + r : dim;
    for (const e of used) {
      if (e.shape.length !== r) {
        fail(where, `tensors must have the same number of dimensions: tensors[${first.i}] has shape ${fmtShape(first.shape)}, tensors[${e.i}] has shape ${fmtShape(e.shape)}`);
      }
      for (let k = 0; k < r; k++) {
        if (k !== d && e.shape[k] !== first.shape[k]) {
          fail(where, `sizes of tensors must match except in dimension ${d}: expected size ${first.shape[k]} but got size ${e.shape[k]} ` +
            `in dimension ${k} for tensors[${e.i}] (shape ${fmtShape(e.shape)}; tensors[${first.i}] has shape ${fmtShape(first.shape)})`);
        }
      }
    }
    const outShape = first.shape.slice();
    outShape[d] = used.reduce((s, e) => s + e.shape[d], 0);
    const prod = (s) => s.reduce((a, b) => a * b, 1);
    const rows = prod(outShape.slice(0, d));
    const inner = prod(outShape.slice(d + 1));
    const out = Tensor.empty(outShape, where);
    try {
      const entry = kernel('concatCopyRows');
      let offset = 0;
      for (const e of used) {
        const rowLen = e.shape[d] * inner;
        const status = entry.run(entry.pack({
          input: e.t.ptr, output: out.ptr, rows, row_len: rowLen, out_stride: outShape[d] * inner, out_offset: offset,
        }));
        checkStatus(where, status);
        offset += rowLen;
      }
    } catch (err) {
      out.dispose();
      throw err;
    }
    return out;
  });
}
