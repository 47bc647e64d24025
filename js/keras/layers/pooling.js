// Keras window pooling layers: AveragePooling1D/2D, MaxPooling1D/2D and
// their aliases. channels_first runs the channels-first kernels directly.
import { PlanCache } from '../../ops/plan_cache.js';
import { checkKerasPoolOptions, kerasPool, planKerasPool } from '../../ops/window_pool.js';
import { Layer } from './layer.js';

class Pooling extends Layer {
  constructor(options, spatial, max) {
    super(options, {
      pool_size: spatial === 1 ? 2 : [2, 2], strides: null, padding: 'valid', data_format: 'channels_last',
    });
    this.spatial = spatial;
    this.max = max;
    const o = checkKerasPoolOptions(this.where, spatial, this.options);
    this.pool_size = o.poolSize;
    this.strides = o.strides;
    this.padding = o.padding;
    this.data_format = o.dataFormat;
    this.poolOptions = o;
    this.plans = new PlanCache(8);
  }

  compute_output_shape(inputShape) {
    return planKerasPool(this.where, inputShape, this.spatial, { ...this.poolOptions, max: this.max }).outShape;
  }

  call(inputs) {
    return kerasPool(this.where, this.spatial, inputs, this.poolOptions, this.max, this.plans);
  }

  get_config() {
    return {
      ...super.get_config(),
      pool_size: this.pool_size.slice(),
      padding: this.padding,
      strides: this.strides.slice(),
      data_format: this.data_format,
    };
  }
}

const define = (name, spatial, max) => ({
  [name]: class extends Pooling {
    constructor(options) {
      super(options, spatial, max);
    }
  },
})[name];

export const AveragePooling1D = define('AveragePooling1D', 1, false);
export const AveragePooling2D = define('AveragePooling2D', 2, false);
export const MaxPooling1D = define('MaxPooling1D', 1, true);
export const MaxPooling2D = define('MaxPooling2D', 2, true);

export const AvgPool1D = AveragePooling1D;
export const AvgPool2D = AveragePooling2D;
export const MaxPool1D = MaxPooling1D;
export const MaxPool2D = MaxPooling2D;
