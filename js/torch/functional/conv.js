// torch.nn.functional convolution: PyTorch's argument forms, mapped onto
// js/ops/conv.js. Weights in PyTorch's layout (out, in/groups, k...).
import { torchConv } from '../../ops/conv.js';
import { parseArgs, REQUIRED } from '../args.js';

const SPEC = [['input', REQUIRED], ['weight', REQUIRED], ['bias', null], ['stride', 1], ['padding', 0],
  ['dilation', 1], ['groups', 1]];

export { torchConv };

export function conv1d(...args) {
  return torchConv('conv1d', 1, parseArgs('conv1d', args, SPEC));
}

export function conv2d(...args) {
  return torchConv('conv2d', 2, parseArgs('conv2d', args, SPEC));
}
