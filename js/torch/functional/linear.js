// torch.nn.functional.linear: y = x W^T + b on the last axis of any rank,
// weight in PyTorch's layout (out_features, in_features).
import { fmtValue, typeFail } from '../../errors.js';
import { linear as linearOp } from '../../ops/linear.js';
import { parseArgs, REQUIRED } from '../args.js';

export function torchLinear(where, input, weight, bias) {
  if (bias !== null && bias !== undefined && typeof bias !== 'object') typeFail(where, `bias must be a Tensor or null, got ${fmtValue(bias)}`);
  return linearOp(where, input, weight, bias ?? null, { layout: 'out_in' });
}

export function linear(...args) {
  const a = parseArgs('linear', args, [['input', REQUIRED], ['weight', REQUIRED], ['bias', null]]);
  return torchLinear('linear', a.input, a.weight, a.bias);
}
