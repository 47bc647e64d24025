// torch.nn.functional.interpolate, mapped onto js/ops/resize.js: 'nearest'
// (PyTorch's floor rule), 'linear' (N, C, L), 'bilinear' (N, C, H, W),
// align_corners as PyTorch.
import { fail, fmtShape, fmtValue } from '../../errors.js';
import { interpolate as interpolateOp } from '../../ops/resize.js';
import { withTensor } from '../../ops/run.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkBool } from './checks.js';

export const INTERPOLATE_ARGS = [['size', null], ['scale_factor', null], ['mode', 'nearest'], ['align_corners', null],
  ['recompute_scale_factor', null], ['antialias', false]];

export function torchInterpolate(where, input, a) {
  if (a.recompute_scale_factor !== null) checkBool(where, 'recompute_scale_factor', a.recompute_scale_factor);
  checkBool(where, 'antialias', a.antialias);
  if (a.antialias) fail(where, `antialias=true is not supported (only antialias=false), got mode ${fmtValue(a.mode)}`);
  return withTensor(where, input, 'input', (x) => {
    let { size, scale_factor } = a;
    // recompute_scale_factor: the output size from the scale, then the
    // scale from the sizes, which is what resizing to that size does.
    if (a.recompute_scale_factor === true && scale_factor !== null && size === null) {
      const spatial = x.ndim - 2;
      if (spatial < 1) fail(where, `input must have at least 3 dimensions (N, C, ...), got shape ${fmtShape(x.shape)}`);
      const scales = Array.isArray(scale_factor) ? scale_factor : new Array(spatial).fill(scale_factor);
      if (scales.length !== spatial || scales.some((s) => typeof s !== 'number' || !(s > 0))) {
        fail(where, `scale_factor must be a positive number or an array of ${spatial}, got ${fmtValue(scale_factor)}`);
      }
      size = scales.map((s, i) => Math.floor(x.shape[i + 2] * s));
      scale_factor = null;
    }
    return interpolateOp(where, x, { size, scale_factor, mode: a.mode, align_corners: a.align_corners });
  });
}

export function interpolate(...args) {
  const a = parseArgs('interpolate', args, [['input', REQUIRED], ...INTERPOLATE_ARGS]);
  return torchInterpolate('interpolate', a.input, a);
}

// Deprecated PyTorch spellings.
export function upsample(...args) {
  const a = parseArgs('upsample', args, [['input', REQUIRED], ['size', null], ['scale_factor', null], ['mode', 'nearest'], ['align_corners', null]]);
  return torchInterpolate('upsample', a.input, { ...a, recompute_scale_factor: null, antialias: false });
}
