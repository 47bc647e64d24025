// torch.nn.functional pooling: PyTorch's argument forms, mapped onto js/ops/.
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
} from '../../ops/adaptive_pool.js';
import { torchAvgPool, torchMaxPool } from '../../ops/window_pool.js';
import { parseArgs, REQUIRED } from '../args.js';

const ADAPTIVE_ARGS = [['input', REQUIRED], ['output_size', REQUIRED]];
const ADAPTIVE_MAX_ARGS = [['input', REQUIRED], ['output_size', REQUIRED], ['return_indices', false]];

export function adaptive_avg_pool1d(...args) {
  const where = 'adaptive_avg_pool1d';
  const a = parseArgs(where, args, ADAPTIVE_ARGS);
  return adaptiveAvgPool1d(where, a.input, a.output_size);
}

export function adaptive_avg_pool2d(...args) {
  const where = 'adaptive_avg_pool2d';
  const a = parseArgs(where, args, ADAPTIVE_ARGS);
  return adaptiveAvgPool2d(where, a.input, a.output_size);
}

export function adaptive_max_pool1d(...args) {
  const where = 'adaptive_max_pool1d';
  const a = parseArgs(where, args, ADAPTIVE_MAX_ARGS);
  return adaptiveMaxPool1d(where, a.input, a.output_size, a.return_indices);
}

export function adaptive_max_pool2d(...args) {
  const where = 'adaptive_max_pool2d';
  const a = parseArgs(where, args, ADAPTIVE_MAX_ARGS);
  return adaptiveMaxPool2d(where, a.input, a.output_size, a.return_indices);
}

const AVG_POOL1D_ARGS = [['input', REQUIRED], ['kernel_size', REQUIRED], ['stride', null], ['padding', 0],
  ['ceil_mode', false], ['count_include_pad', true]];
const AVG_POOL2D_ARGS = [...AVG_POOL1D_ARGS, ['divisor_override', null]];
const MAX_POOL_ARGS = [['input', REQUIRED], ['kernel_size', REQUIRED], ['stride', null], ['padding', 0],
  ['dilation', 1], ['ceil_mode', false], ['return_indices', false]];

// F.<where>(input, ...) for one spelling: withIndices makes return_indices
// always true.
const define = (where, run, spatial, spec, withIndices = false) => ({
  [where]: (...args) => {
    const a = parseArgs(where, args, spec);
    return run(where, spatial, a.input, withIndices ? { ...a, return_indices: true } : a);
  },
})[where];

export const avg_pool1d = define('avg_pool1d', torchAvgPool, 1, AVG_POOL1D_ARGS);
export const avg_pool2d = define('avg_pool2d', torchAvgPool, 2, AVG_POOL2D_ARGS);
export const max_pool1d = define('max_pool1d', torchMaxPool, 1, MAX_POOL_ARGS);
export const max_pool2d = define('max_pool2d', torchMaxPool, 2, MAX_POOL_ARGS);

// PyTorch's *_with_indices spellings.
export const max_pool1d_with_indices = define('max_pool1d_with_indices', torchMaxPool, 1, MAX_POOL_ARGS, true);
export const max_pool2d_with_indices = define('max_pool2d_with_indices', torchMaxPool, 2, MAX_POOL_ARGS, true);
