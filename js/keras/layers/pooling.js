// Keras window pooling layers: AveragePooling1D/2D, MaxPooling1D/2D and
// their aliases. channels_first runs the channels-first kernels directly.
import { intTuple } from '../../errors.js';
import { checkDataFormat } from '../../ops/global_pool.js';
import { checkPadding, kerasPool, planKerasPool } from '../../ops/window_pool.js';
import { Layer } from './layer.js';

class Pooling extends Layer {
  constructor(options, spatial, max) {
    super(options, {
      pool_size: spatial === 1 ? 2 : [2, 2], strides: null, padding: 'valid', data_format: 'channels_last',
    });
    const where = this.where;
    this.spatial = spatial;
    this.max = max;
    this.pool_size = intTuple(where, 'pool_size', this.options.pool_size, spatial, { min: 1 });
    const s = this.options.strides;
    this.strides = s === null ? this.pool_size.slice() : intTuple(where, 'strides', s, spatial, { min: 1 });
    this.padding = checkPadding(where, this.options.padding);
    this.data_format = checkDataFormat(where, this.options.data_format);
  }

  get poolOptions() {
    return { poolSize: this.pool_size, strides: this.strides, padding: this.padding, dataFormat: this.data_format };
  }

  compute_output_shape(inputShape) {
    return planKerasPool(this.where, inputShape, this.spatial, this.poolOptions).outShape;
  }

  call(inputs) {
    return kerasPool(this.where, this.spatial, inputs, this.poolOptions, this.max);
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

export class AveragePooling1D extends Pooling {
  constructor(options) {
    super(options, 1, false);
  }
}

export class AveragePooling2D extends Pooling {
  constructor(options) {
    super(options, 2, false);
  }
}

export class MaxPooling1D extends Pooling {
  constructor(options) {
    super(options, 1, true);
  }
}

export class MaxPooling2D extends Pooling {
  constructor(options) {
    super(options, 2, true);
  }
}

export const AvgPool1D = AveragePooling1D;
export const AvgPool2D = AveragePooling2D;
export const MaxPool1D = MaxPooling1D;
export const MaxPool2D = MaxPooling2D;
