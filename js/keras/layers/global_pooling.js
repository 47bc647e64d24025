// Keras global pooling layers: GlobalAveragePooling1D/2D,
// GlobalMaxPooling1D/2D and their aliases.
import { fmtValue } from '../../errors.js';
import {
  checkDataFormat, globalPool1d, globalPool2d, planGlobalPool1d, planGlobalPool2d,
} from '../../ops/global_pool.js';
import { Layer } from './layer.js';

class GlobalPooling extends Layer {
  constructor(options, spatial, op) {
    super(options, { data_format: 'channels_last', keepdims: false });
    this.spatial = spatial;
    this.op = op;
    this.data_format = checkDataFormat(this.where, this.options.data_format);
    if (typeof this.options.keepdims !== 'boolean') {
      throw new TypeError(`${this.where}: keepdims must be a boolean, got ${fmtValue(this.options.keepdims)}`);
    }
    this.keepdims = this.options.keepdims;
  }

  get poolOptions() {
    return { dataFormat: this.data_format, keepdims: this.keepdims };
  }

  compute_output_shape(inputShape) {
    const plan = this.spatial === 1 ? planGlobalPool1d : planGlobalPool2d;
    return plan(this.where, inputShape, this.poolOptions).outShape;
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
    return globalPool1d(this.where, this.op, inputs, this.poolOptions, maskArg(kwargs));
  }
}

class GlobalPooling2D extends GlobalPooling {
  call(inputs) {
    return globalPool2d(this.where, this.op, inputs, this.poolOptions);
  }
}

export class GlobalAveragePooling1D extends GlobalPooling1D {
  constructor(options) {
    super(options, 1, 'avg');
  }
}

export class GlobalMaxPooling1D extends GlobalPooling1D {
  constructor(options) {
    super(options, 1, 'max');
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  constructor(options) {
    super(options, 2, 'avg');
  }
}

export class GlobalMaxPooling2D extends GlobalPooling2D {
  constructor(options) {
    super(options, 2, 'max');
  }
}

export const GlobalAvgPool1D = GlobalAveragePooling1D;
export const GlobalAvgPool2D = GlobalAveragePooling2D;
export const GlobalMaxPool1D = GlobalMaxPooling1D;
export const GlobalMaxPool2D = GlobalMaxPooling2D;
