// Keras convolution layers (Conv1D, Conv2D). The kernel is kept in Keras's
// layout, (k..., in/groups, filters); the kernels read it through a packed
// copy cached on the kernel tensor (made on first use after build or
// set_weights, disposed with the tensor when weights are replaced).
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import {
  checkKerasConvOptions, HWIO, kerasConvPlan, planKerasConv, prepackConv, prepackPlanned, resolveActivation, runConv,
} from '../../ops/conv.js';
import { PlanCache } from '../../ops/plan_cache.js';
import { asTensor } from '../../tensor.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import { WeightedLayer } from './layer.js';

const CONV_DEFAULTS = {
  filters: undefined,
  kernel_size: undefined,
  strides: 1,
  padding: 'valid',
  data_format: 'channels_last',
  dilation_rate: 1,
  groups: 1,
  activation: null,
  use_bias: true,
  kernel_initializer: 'glorot_uniform',
  bias_initializer: 'zeros',
  // Accepted for compatibility; inference does not use them.
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

class Conv extends WeightedLayer {
  constructor(options, nd) {
    super(options, CONV_DEFAULTS);
    const where = this.where;
    const o = this.options;
    this.rank = nd;
    const cfg = checkKerasConvOptions(where, nd, o);
    this.filters = cfg.filters;
    this.kernel_size = cfg.kernel_size;
    this.strides = cfg.strides;
    this.dilation_rate = cfg.dilation_rate;
    this.padding = cfg.padding;
    this.data_format = cfg.data_format;
    this.groups = cfg.groups;
    this.cfg = cfg;
    this.plans = new PlanCache(8);
    this.activationSpec = resolveActivation(where, o.activation);
    this.activation = o.activation;
    this.use_bias = o.use_bias;
    this.kernel_initializer = getInitializer(where, 'kernel_initializer', o.kernel_initializer);
    this.bias_initializer = getInitializer(where, 'bias_initializer', o.bias_initializer);
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  // The checked options (checkKerasConvOptions), as the plans take them.
  get convConfig() {
    return this.cfg;
  }

  get kernelShape() {
    return [...this.kernel_size, this.inputChannels / this.groups, this.filters];
  }

  compute_output_shape(inputShape) {
    return planKerasConv(this.where, inputShape, this.convConfig).outShape;
  }

  build(inputShape) {
    if (!Array.isArray(inputShape)) typeFail(this.where, `build: input_shape must be an array, got ${fmtValue(inputShape)}`);
    const p = planKerasConv(this.where, inputShape, this.convConfig);
    this.inputChannels = p.C;
    this.addWeight('kernel', this.kernelShape, this.kernel_initializer);
    if (this.use_bias) this.addWeight('bias', [this.filters], this.bias_initializer);
    this.input_spec_shape = inputShape.slice();
    this.built = true;
    this._weightsChanged();
  }

  // Packs the kernel and bias. With known sizes past the batch, also makes
  // (and caches) the plan a first call of that shape runs (batch 1 when the
  // batch is unknown).
  prepack() {
    const s = this.input_spec_shape;
    if (s.slice(1).every((d) => Number.isInteger(d))) {
      const shape = [s[0] ?? 1, ...s.slice(1)];
      const p = this.plans.findShape(shape) ?? this.plans.addShape(shape, planKerasConv(this.where, shape, this.convConfig));
      prepackPlanned(this.where, p, this.kernel, this.bias);
      return;
    }
    prepackConv(this.where, this.kernel, this.bias, {
      nd: this.rank, layout: 'HWIO', groups: this.groups, channelsLast: this.data_format === 'channels_last',
      stride: this.strides, dilation: this.dilation_rate,
    });
  }

  // Batch 1, 8 outputs per spatial dimension (kernel tiles and edges).
  warmUpShape() {
    const spatial = this.kernel_size.map((k, i) => this.dilation_rate[i] * (k - 1) + 1 + 7 * this.strides[i]);
    return this.data_format === 'channels_last' ? [1, ...spatial, this.inputChannels] : [1, this.inputChannels, ...spatial];
  }

  get kernel() {
    return this.weight('kernel');
  }

  get bias() {
    return this.weight('bias');
  }

  apply(inputs, kwargs = {}) {
    const [x, owned] = asTensor(inputs, this.where, 'inputs');
    try {
      if (!this.built) this.build(x.shape);
      return this.call(x, kwargs);
    } finally {
      if (owned) x.dispose();
    }
  }

  call(inputs) {
    const [x, owned] = asTensor(inputs, this.where, 'inputs');
    try {
      this._requireBuilt('call');
      const p = kerasConvPlan(this.where, x, this.convConfig, this.plans);
      if (p.C !== this.inputChannels) {
        fail(this.where, `inputs must have ${this.inputChannels} channels (the layer was built for input shape ${fmtShape(this.input_spec_shape.map((d) => d ?? 'None'))}), got shape ${fmtShape(x.shape)}`);
      }
      return runConv(this.where, p, x, this.kernel, HWIO, this.bias, this.activationSpec);
    } finally {
      if (owned) x.dispose();
    }
  }

  get_config() {
    return {
      ...super.get_config(),
      filters: this.filters,
      kernel_size: this.kernel_size.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: this.data_format,
      dilation_rate: this.dilation_rate.slice(),
      groups: this.groups,
      activation: this.activationSpec.name,
      use_bias: this.use_bias,
      kernel_initializer: serializeInitializer(this.kernel_initializer),
      bias_initializer: serializeInitializer(this.bias_initializer),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }

  static from_config(config) {
    const c = { ...config };
    // A function activation serialises as its name, which cannot come back.
    if (typeof c.activation === 'string' && c.activation !== 'linear') {
      try {
        resolveActivation(this.className, c.activation);
      } catch {
        fail(this.className, `from_config: activation ${fmtValue(c.activation)} was a JS function; pass it again in the config`);
      }
    }
    return new this(c);
  }
}

export class Conv1D extends Conv {
  static get className() {
    return 'Conv1D';
  }

  constructor(options) {
    super(options, 1);
  }
}

export class Conv2D extends Conv {
  static get className() {
    return 'Conv2D';
  }

  constructor(options) {
    super(options, 2);
  }
}

export const Convolution1D = Conv1D;
export const Convolution2D = Conv2D;
