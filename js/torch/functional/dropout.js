// torch.nn.functional.dropout: the identity unless training; in training
// each value is zeroed with probability p (from the stream torch.manual_seed
// seeds) and the rest scaled by 1 / (1 - p). NaN stays NaN (x * 0).
// training defaults to false (API.md): nnwasm runs inference.
import { fail, fmtValue } from '../../errors.js';
import { uniform } from '../../random.js';
import { withTensor } from '../../ops/run.js';
import { heapF32 } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkBool, checkNumber } from './checks.js';

export function checkDropoutP(where, p) {
  checkNumber(where, 'p', p);
  if (!(p >= 0 && p <= 1)) fail(where, `dropout probability has to be between 0 and 1, but got ${fmtValue(p)}`);
  return p;
}

export function torchDropout(where, input, p, training) {
  checkDropoutP(where, p);
  checkBool(where, 'training', training);
  return withTensor(where, input, 'input', (x) => {
    // A new tensor over the same values: no copy, and disposing either is safe.
    if (!training || p === 0) return x.reshape(x.shape);
    const out = Tensor.empty(x.shape, where);
    const heap = heapF32();  // after the allocation, which may grow the heap
    const src = x.ptr >>> 2;
    const dst = out.ptr >>> 2;
    const keep = p === 1 ? 0 : 1 / (1 - p);
    for (let i = 0, n = x.numel(); i < n; i++) heap[dst + i] = heap[src + i] * (uniform() < p ? 0 : keep);
    return out;
  });
}

export function dropout(...args) {
  const a = parseArgs('dropout', args, [['input', REQUIRED], ['p', 0.5], ['training', false], ['inplace', false]]);
  checkBool('dropout', 'inplace', a.inplace);
  return torchDropout('dropout', a.input, a.p, a.training);
}
