// Keras global pooling layers.
import { fmtValue } from '../../errors.js';
import { checkDataFormat, globalAvgPool1d, planGlobalPool1d } from '../../ops/global_pool.js';
import { Layer } from './layer.js';

class GlobalPooling1D extends Layer {
  constructor(options) {
    super(options, { data_format: 'channels_last', keepdims: false });
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
    return planGlobalPool1d(this.where, inputShape, this.poolOptions).outShape;
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

export class GlobalAveragePooling1D extends GlobalPooling1D {
  static get className() {
    return 'GlobalAveragePooling1D';
  }

  call(inputs, kwargs) {
    return globalAvgPool1d(this.where, inputs, this.poolOptions, maskArg(kwargs));
  }
}

export const GlobalAvgPool1D = GlobalAveragePooling1D;
