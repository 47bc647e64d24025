// torch.nn.functional convolution: PyTorch's argument forms, mapped onto
// js/ops/conv.js. Weights in PyTorch's layout (out, in/groups, k...).
import { typeFail, fmtValue } from '../../errors.js';
import { OIHW, planTorchConv, resolveActivation, runConv } from '../../ops/conv.js';
import { withTensor } from '../../ops/run.js';
import { parseArgs, REQUIRED } from '../args.js';

const LINEAR = resolveActivation('conv', null);

const SPEC = [['input', REQUIRED], ['weight', REQUIRED], ['bias', null], ['stride', 1], ['padding', 0],
  ['dilation', 1], ['groups', 1]];

// The shared body of conv1d/conv2d and the Conv1d/Conv2d modules.
export function torchConv(where, nd, a) {
  return withTensor(where, a.input, 'input', (x) =>
    withTensor(where, a.weight, 'weight', (weight) => {
      const run = (bias) => {
        const p = planTorchConv(where, nd, x.shape, weight.shape, bias === null ? null : bias.shape, a);
        return runConv(where, p, x, weight, OIHW, bias, LINEAR);
      };
      if (a.bias === null || a.bias === undefined) return run(null);
      if (typeof a.bias === 'boolean') typeFail(where, `bias must be a Tensor or null, got ${fmtValue(a.bias)}`);
      return withTensor(where, a.bias, 'bias', run);
    }));
}

export function conv1d(...args) {
  return torchConv('conv1d', 1, parseArgs('conv1d', args, SPEC));
}

export function conv2d(...args) {
  return torchConv('conv2d', 2, parseArgs('conv2d', args, SPEC));
}
