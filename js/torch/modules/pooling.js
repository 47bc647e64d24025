// torch.nn pooling modules: the functional ops with their arguments held.
// Arguments are checked at construction, as PyTorch users expect errors
// early; the input is checked by forward().
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, checkAdaptiveMaxOptions,
  checkAdaptiveOutputSize, planAdaptivePool1d,
} from '../../ops/adaptive_pool.js';
import { checkTorchPoolOptions, torchAvgPool, torchMaxPool } from '../../ops/window_pool.js';
import { parseArgs, REQUIRED } from '../args.js';
import { Module } from './module.js';

const py = (v) => {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  return String(v);
};

export class AdaptiveAvgPool1d extends Module {
  constructor(...args) {
    super();
    const a = parseArgs('AdaptiveAvgPool1d', args, [['output_size', REQUIRED]]);
    planAdaptivePool1d('AdaptiveAvgPool1d', [1, 1], a.output_size);  // checks output_size now
    this.output_size = a.output_size;
  }

  forward(input) {
    return adaptiveAvgPool1d('AdaptiveAvgPool1d', input, this.output_size);
  }

  toString() {
    return `AdaptiveAvgPool1d(output_size=${this.output_size})`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(...args) {
    super();
    const a = parseArgs('AdaptiveAvgPool2d', args, [['output_size', REQUIRED]]);
    checkAdaptiveOutputSize('AdaptiveAvgPool2d', a.output_size, 2);
    this.output_size = a.output_size;
  }

  forward(input) {
    return adaptiveAvgPool2d('AdaptiveAvgPool2d', input, this.output_size);
  }

  toString() {
    return `AdaptiveAvgPool2d(output_size=${py(this.output_size)})`;
  }
}

class AdaptiveMaxPoolNd extends Module {
  constructor(where, spatial, args) {
    super();
    const a = parseArgs(where, args, [['output_size', REQUIRED], ['return_indices', false]]);
    const o = checkAdaptiveMaxOptions(where, spatial, a);
    this.output_size = o.output_size;
    this.return_indices = o.return_indices;
  }

  toString() {
    return `${this.constructor.name}(output_size=${py(this.output_size)})`;
  }
}

export class AdaptiveMaxPool1d extends AdaptiveMaxPoolNd {
  constructor(...args) {
    super('AdaptiveMaxPool1d', 1, args);
  }

  forward(input) {
    return adaptiveMaxPool1d('AdaptiveMaxPool1d', input, this.output_size, this.return_indices);
  }
}

export class AdaptiveMaxPool2d extends AdaptiveMaxPoolNd {
  constructor(...args) {
    super('AdaptiveMaxPool2d', 2, args);
  }

  forward(input) {
    return adaptiveMaxPool2d('AdaptiveMaxPool2d', input, this.output_size, this.return_indices);
  }
}

// PyTorch's constructor orders (MaxPoolNd takes return_indices before
// ceil_mode, unlike F.max_poolNd).
const AVG_POOL1D_ARGS = [['kernel_size', REQUIRED], ['stride', null], ['padding', 0], ['ceil_mode', false],
  ['count_include_pad', true]];
const AVG_POOL2D_ARGS = [...AVG_POOL1D_ARGS, ['divisor_override', null]];
const MAX_POOL_ARGS = [['kernel_size', REQUIRED], ['stride', null], ['padding', 0], ['dilation', 1],
  ['return_indices', false], ['ceil_mode', false]];

class PoolNd extends Module {
  constructor(where, spatial, args, spec) {
    super();
    const a = parseArgs(where, args, spec);
    checkTorchPoolOptions(where, spatial, a);
    Object.assign(this, a);
    const strideGiven = a.stride !== null && !(Array.isArray(a.stride) && a.stride.length === 0);
    if (!strideGiven) this.stride = a.kernel_size;
    this.where = where;
    this.spatial = spatial;
  }
}

class AvgPoolNd extends PoolNd {
  forward(input) {
    return torchAvgPool(this.where, this.spatial, input, this);
  }

  toString() {
    return `${this.where}(kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}, padding=${py(this.padding)})`;
  }
}

class MaxPoolNd extends PoolNd {
  forward(input) {
    return torchMaxPool(this.where, this.spatial, input, this);
  }

  toString() {
    return `${this.where}(kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}, padding=${py(this.padding)}, ` +
      `dilation=${py(this.dilation)}, ceil_mode=${py(this.ceil_mode)})`;
  }
}

const define = (where, Base, spatial, spec) => ({
  [where]: class extends Base {
    constructor(...args) {
      super(where, spatial, args, spec);
    }
  },
})[where];

export const AvgPool1d = define('AvgPool1d', AvgPoolNd, 1, AVG_POOL1D_ARGS);
export const AvgPool2d = define('AvgPool2d', AvgPoolNd, 2, AVG_POOL2D_ARGS);
export const MaxPool1d = define('MaxPool1d', MaxPoolNd, 1, MAX_POOL_ARGS);
export const MaxPool2d = define('MaxPool2d', MaxPoolNd, 2, MAX_POOL_ARGS);

