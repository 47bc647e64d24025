// Keras global pooling layers: GlobalAveragePooling1D/2D,
// GlobalMaxPooling1D/2D and their aliases.
import {
  checkGlobalPoolOptions, globalPool1d, globalPool2d, planGlobalPool1d, planGlobalPool2d,
} from '../../ops/global_pool.js';
import { PlanCache } from '../../ops/plan_cache.js';
import { Layer } from './layer.js';

class GlobalPooling extends Layer {
  constructor(options, spatial, op) {
    super(options, { data_format: 'channels_last', keepdims: false });
    this.spatial = spatial;
    this.op = op;
    const o = checkGlobalPoolOptions(this.where, this.options);
    this.data_format = o.dataFormat;
    this.keepdims = o.keepdims;
    this.poolOptions = o;
    this.plans = new PlanCache(8);
  }

  compute_output_shape(inputShape) {
    const plan = this.spatial === 1 ? planGlobalPool1d : planGlobalPool2d;
    return plan(this.where, inputShape, this.poolOptions, this.op).outShape;
  }

  get_config() {
    return { ...super.get_config(), data_format: this.data_format, keepdims: this.keepdims };
  }
}

// call(inputs, mask) as Keras, or call(inputs, { mask }) as apply.
function maskArg(kwargs) {
  if (kwargs === undefined || kwargs === null) return null;
  if (typeof kwargs === 'object' && Object.getPrototypeOf(kwargs) === Object.prototype) {
    return kwargs.mask ?? null;
  }
  return kwargs;
}

class GlobalPooling1D extends GlobalPooling {
  // Masked steps are left out of the mean / max.
  call(inputs, kwargs) {
    return globalPool1d(this.where, this.op, inputs, this.poolOptions, maskArg(kwargs), this.plans);
  }
}

class GlobalPooling2D extends GlobalPooling {
  call(inputs) {
    return globalPool2d(this.where, this.op, inputs, this.poolOptions, this.plans);
  }
}

const define = (name, Base, spatial, op) => ({
  [name]: class extends Base {
    constructor(options) {
      super(options, spatial, op);
    }
  },
})[name];

export const GlobalAveragePooling1D = define('GlobalAveragePooling1D', GlobalPooling1D, 1, 'avg');
export const GlobalMaxPooling1D = define('GlobalMaxPooling1D', GlobalPooling1D, 1, 'max');
export const GlobalAveragePooling2D = define('GlobalAveragePooling2D', GlobalPooling2D, 2, 'avg');
export const GlobalMaxPooling2D = define('GlobalMaxPooling2D', GlobalPooling2D, 2, 'max');

export const GlobalAvgPool1D = GlobalAveragePooling1D;
export const GlobalAvgPool2D = GlobalAveragePooling2D;
export const GlobalMaxPool1D = GlobalMaxPooling1D;
export const GlobalMaxPool2D = GlobalMaxPooling2D;
