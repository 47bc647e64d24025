// torch.nn.functional.pad, mapped onto js/ops/pad.js: pads in PyTorch's
// order (last dim's left, right, then the dim before, ...); 'constant' on
// any number of dims (negative pads crop), 'reflect' | 'replicate' |
// 'circular' on the last 1, 2 or 3 dims.
import { fail, fmtValue } from '../../errors.js';
import { pad as padOp } from '../../ops/pad.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkChoice, checkNumber } from './checks.js';

export const PAD_MODES = ['constant', 'reflect', 'replicate', 'circular'];

export function torchPad(where, input, pads, mode, value) {
  checkChoice(where, 'mode', mode, PAD_MODES);
  if (value !== null) {
    checkNumber(where, 'value', value);
    if (mode !== 'constant' && value !== 0) fail(where, `padding mode "${mode}" doesn't take in value argument, got value=${fmtValue(value)}`);
  }
  return padOp(where, input, pads, mode, value ?? 0);
}

export function pad(...args) {
  const a = parseArgs('pad', args, [['input', REQUIRED], ['pad', REQUIRED], ['mode', 'constant'], ['value', null]]);
  return torchPad('pad', a.input, a.pad, a.mode, a.value);
}

// A conv's padding (per spatial dim, or 'same' / 'valid') as F.pad's pads:
// PyTorch's _reversed_padding_repeated_twice, with 'same' splitting
// dilation * (kernel - 1) as left = total // 2, right = the rest.
export function convPadsForPad(padding, kernel, dilation) {
  const nd = kernel.length;
  const pads = [];
  for (let i = nd - 1; i >= 0; i--) {
    if (padding === 'valid') pads.push(0, 0);
    else if (padding === 'same') {
      const total = dilation[i] * (kernel[i] - 1);
      pads.push(Math.floor(total / 2), total - Math.floor(total / 2));
    } else pads.push(padding[i], padding[i]);
  }
  return pads;
}
