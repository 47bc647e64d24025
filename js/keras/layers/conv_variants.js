// Keras convolution variants: DepthwiseConv1D/2D, SeparableConv1D/2D,
// Conv1DTranspose/Conv2DTranspose. Weights are in Keras's layouts:
//   depthwise_kernel (k..., in, depth_multiplier)   -- the same memory as a
//     grouped conv's HWIO kernel (k..., 1, in * depth_multiplier) with
//     groups = in, so depthwise runs through convGeneral on a view of it;
//   pointwise_kernel (1..., in * depth_multiplier, filters);
//   transposed kernel (k..., filters, in).
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../../errors.js';
import { convGeneral, kerasConvGeometry, prepackConv } from '../../ops/conv.js';
import { convTranspose, prepackConvTranspose } from '../../ops/conv_transpose.js';
import { resolveActivation } from '../../ops/fused_activation.js';
import { withTensor } from '../../ops/run.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import { WeightedLayer } from './layer.js';

const dimsText = (shape) => fmtShape(shape.map((d) => d ?? 'None'));

function positiveInt(where, name, v) {
  if (typeof v !== 'number' || !Number.isInteger(v)) typeFail(where, `${name} must be an integer, got ${fmtValue(v)}`);
  if (v < 1) fail(where, `${name} must be >= 1, got ${v}`);
  return v;
}

const REGULARIZERS = ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint',
  'depthwise_regularizer', 'depthwise_constraint', 'pointwise_regularizer', 'pointwise_constraint'];

// Options, geometry and weights bookkeeping shared by the variants.
class ConvVariant extends WeightedLayer {
  constructor(options, nd, own, { needsFilters, paddings = ['valid', 'same'] }) {
    super(options, {
      kernel_size: undefined, strides: 1, padding: 'valid', data_format: 'channels_last', dilation_rate: 1,
      activation: null, use_bias: true, bias_initializer: 'zeros',
      ...Object.fromEntries(REGULARIZERS.map((k) => [k, null])),
      ...own,
    });
    const where = this.where;
    const o = this.options;
    this.rank = nd;
    if (needsFilters) {
      if (o.filters === undefined) fail(where, 'filters is required (the number of output channels)');
      this.filters = positiveInt(where, 'filters', o.filters);
    }
    if (o.kernel_size === undefined) fail(where, 'kernel_size is required');
    this.kernel_size = intTuple(where, 'kernel_size', o.kernel_size, nd, { min: 1 });
    this.strides = intTuple(where, 'strides', o.strides, nd, { min: 1 });
    this.dilation_rate = intTuple(where, 'dilation_rate', o.dilation_rate, nd, { min: 1 });
    const padding = typeof o.padding === 'string' ? o.padding.toLowerCase() : o.padding;
    if (!paddings.includes(padding)) fail(where, `padding must be one of ${paddings.map((p) => `'${p}'`).join(', ')}, got ${fmtValue(o.padding)}`);
    this.padding = padding;
    const df = o.data_format === 'channelsLast' ? 'channels_last' : o.data_format === 'channelsFirst' ? 'channels_first' : o.data_format;
    if (df !== 'channels_last' && df !== 'channels_first') {
      fail(where, `data_format must be 'channels_last' or 'channels_first', got ${fmtValue(o.data_format)}`);
    }
    this.data_format = df;
    this.activationSpec = resolveActivation(where, o.activation);
    if (typeof o.use_bias !== 'boolean') typeFail(where, `use_bias must be a boolean, got ${fmtValue(o.use_bias)}`);
    this.use_bias = o.use_bias;
    this.bias_initializer = getInitializer(where, 'bias_initializer', o.bias_initializer);
  }

  get channelsLast() {
    return this.data_format === 'channels_last';
  }

  // (batch, spatial..., C) parts of an input shape, checked.
  splitShape(inputShape) {
    const nd = this.rank;
    if (!Array.isArray(inputShape) || inputShape.length !== nd + 2) {
      const dims = this.channelsLast ? `(batch, ${nd === 1 ? 'steps' : 'rows, cols'}, channels)` : `(batch, channels, ${nd === 1 ? 'steps' : 'rows, cols'})`;
      fail(this.where, `input must have ${nd + 2} dimensions ${dims}, got ${Array.isArray(inputShape) ? `shape ${dimsText(inputShape)}` : fmtValue(inputShape)}`);
    }
    const C = this.channelsLast ? inputShape[nd + 1] : inputShape[1];
    const spatial = this.channelsLast ? inputShape.slice(1, nd + 1) : inputShape.slice(2);
    if (!Number.isInteger(C) || C < 1) fail(this.where, `the channel dimension of the input must be known and non-zero, got shape ${dimsText(inputShape)}`);
    if (spatial.some((d) => d === 0)) fail(this.where, `input must have non-zero spatial sizes, got shape ${dimsText(inputShape)}`);
    if (this.built && C !== this.inputChannels) {
      fail(this.where, `inputs must have ${this.inputChannels} channels (the layer was built for input shape ${dimsText(this.input_spec_shape)}), got shape ${dimsText(inputShape)}`);
    }
    return { N: inputShape[0], C, spatial };
  }

  geometry(spatial) {
    return spatial.map((L, i) => kerasConvGeometry(this.where, L, this.kernel_size[i], this.strides[i], this.dilation_rate[i], this.padding));
  }

  // Batch 1, about 8 outputs per spatial dimension.
  warmUpShape() {
    const spatial = this.kernel_size.map((k, i) => this.dilation_rate[i] * (k - 1) + 1 + 7 * this.strides[i]);
    return this.channelsLast ? [1, ...spatial, this.inputChannels] : [1, this.inputChannels, ...spatial];
  }

  outputShape(N, spatial, C) {
    return this.channelsLast ? [N, ...spatial, C] : [N, C, ...spatial];
  }

  build(inputShape) {
    const { C } = this.splitShape(inputShape);
    this.compute_output_shape(inputShape);
    this.inputChannels = C;
    this.makeWeights(C);
    this.input_spec_shape = inputShape.slice();
    this.built = true;
    this._weightsChanged();
  }

  apply(inputs, kwargs = {}) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      if (!this.built) this.build([null, ...x.shape.slice(1)]);
      return this.call(x, kwargs);
    });
  }

  baseConfig() {
    return {
      ...super.get_config(),
      kernel_size: this.kernel_size.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      data_format: this.data_format,
      dilation_rate: this.dilation_rate.slice(),
      activation: this.activationSpec.name,
      use_bias: this.use_bias,
      bias_initializer: serializeInitializer(this.bias_initializer),
      bias_regularizer: null,
      activity_regularizer: null,
      bias_constraint: null,
    };
  }
}

// ---- depthwise ---------------------------------------------------------------

class DepthwiseConv extends ConvVariant {
  constructor(options, nd) {
    super(options, nd, { depth_multiplier: 1, depthwise_initializer: 'glorot_uniform' }, { needsFilters: false });
    this.depth_multiplier = positiveInt(this.where, 'depth_multiplier', this.options.depth_multiplier);
    this.depthwise_initializer = getInitializer(this.where, 'depthwise_initializer', this.options.depthwise_initializer);
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  get depthwise_kernel() {
    return this.weight('depthwise_kernel');
  }

  get bias() {
    return this.weight('bias');
  }

  makeWeights(C) {
    this.addWeight('depthwise_kernel', [...this.kernel_size, C, this.depth_multiplier], this.depthwise_initializer);
    if (this.use_bias) this.addWeight('bias', [C * this.depth_multiplier], this.bias_initializer);
  }

  compute_output_shape(inputShape) {
    const { N, C, spatial } = this.splitShape(inputShape);
    return this.outputShape(N, this.geometry(spatial).map((g) => g.out), C * this.depth_multiplier);
  }

  // The grouped-conv view of the kernel, kept with the kernel tensor.
  static groupedKernel(kernel, nd) {
    return kernel.derived('keras-depthwise-as-grouped', () => {
      const s = kernel.shape;
      return kernel.reshape([...s.slice(0, nd), 1, s[nd] * s[nd + 1]]);
    });
  }

  // The convGeneral arguments for an input of this shape (the fusion pass
  // calls it too, with its own kernel, bias and activation).
  convArgs(inputShape) {
    const { C, spatial } = this.splitShape(inputShape);
    const geo = this.geometry(spatial);
    return {
      nd: this.rank, layout: 'HWIO', stride: this.strides, dilation: this.dilation_rate,
      padBefore: geo.map((g) => g.before), padAfter: geo.map((g) => g.after), groups: C, channelsLast: this.channelsLast,
    };
  }

  get convKernel() {
    return DepthwiseConv.groupedKernel(this.depthwise_kernel, this.rank);
  }

  prepack() {
    prepackConv(this.where, this.convKernel, this.bias, {
      nd: this.rank, layout: 'HWIO', groups: this.inputChannels, channelsLast: this.channelsLast,
    });
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this._requireBuilt('call');
      return convGeneral(this.where, x, this.convKernel, {
        ...this.convArgs(x.shape), bias: this.bias, activation: this.activationSpec,
      });
    });
  }

  get_config() {
    return {
      ...this.baseConfig(),
      depth_multiplier: this.depth_multiplier,
      depthwise_initializer: serializeInitializer(this.depthwise_initializer),
      depthwise_regularizer: null,
      depthwise_constraint: null,
    };
  }
}

export class DepthwiseConv1D extends DepthwiseConv {
  constructor(options) {
    super(options, 1);
  }
}

export class DepthwiseConv2D extends DepthwiseConv {
  constructor(options) {
    super(options, 2);
  }
}

// ---- separable ---------------------------------------------------------------

class SeparableConv extends ConvVariant {
  constructor(options, nd) {
    super(options, nd, {
      filters: undefined, depth_multiplier: 1, depthwise_initializer: 'glorot_uniform', pointwise_initializer: 'glorot_uniform',
    }, { needsFilters: true });
    this.depth_multiplier = positiveInt(this.where, 'depth_multiplier', this.options.depth_multiplier);
    this.depthwise_initializer = getInitializer(this.where, 'depthwise_initializer', this.options.depthwise_initializer);
    this.pointwise_initializer = getInitializer(this.where, 'pointwise_initializer', this.options.pointwise_initializer);
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  makeWeights(C) {
    const m = C * this.depth_multiplier;
    this.addWeight('depthwise_kernel', [...this.kernel_size, C, this.depth_multiplier], this.depthwise_initializer);
    this.addWeight('pointwise_kernel', [...new Array(this.rank).fill(1), m, this.filters], this.pointwise_initializer);
    if (this.use_bias) this.addWeight('bias', [this.filters], this.bias_initializer);
  }

  compute_output_shape(inputShape) {
    const { N, spatial } = this.splitShape(inputShape);
    return this.outputShape(N, this.geometry(spatial).map((g) => g.out), this.filters);
  }

  prepack() {
    const nd = this.rank;
    const channelsLast = this.channelsLast;
    prepackConv(this.where, DepthwiseConv.groupedKernel(this.weight('depthwise_kernel'), nd), null, {
      nd, layout: 'HWIO', groups: this.inputChannels, channelsLast,
    });
    prepackConv(this.where, this.weight('pointwise_kernel'), this.weight('bias'), { nd, layout: 'HWIO', groups: 1, channelsLast });
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this._requireBuilt('call');
      const { C, spatial } = this.splitShape(x.shape);
      const geo = this.geometry(spatial);
      const nd = this.rank;
      const ones = new Array(nd).fill(1);
      const zeros = new Array(nd).fill(0);
      const mid = convGeneral(this.where, x, DepthwiseConv.groupedKernel(this.weight('depthwise_kernel'), nd), {
        nd, layout: 'HWIO', stride: this.strides, dilation: this.dilation_rate, padBefore: geo.map((g) => g.before),
        padAfter: geo.map((g) => g.after), groups: C, channelsLast: this.channelsLast, bias: null, activation: null,
      });
      try {
        return convGeneral(this.where, mid, this.weight('pointwise_kernel'), {
          nd, layout: 'HWIO', stride: ones, dilation: ones, padBefore: zeros, padAfter: zeros, groups: 1,
          channelsLast: this.channelsLast, bias: this.weight('bias'), activation: this.activationSpec,
        });
      } finally {
        mid.dispose();
      }
    });
  }

  get_config() {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      depth_multiplier: this.depth_multiplier,
      depthwise_initializer: serializeInitializer(this.depthwise_initializer),
      pointwise_initializer: serializeInitializer(this.pointwise_initializer),
      depthwise_regularizer: null,
      pointwise_regularizer: null,
      depthwise_constraint: null,
      pointwise_constraint: null,
    };
  }
}

export class SeparableConv1D extends SeparableConv {
  constructor(options) {
    super(options, 1);
  }
}

export class SeparableConv2D extends SeparableConv {
  constructor(options) {
    super(options, 2);
  }
}

// ---- transposed --------------------------------------------------------------

// Keras's deconv_output_length and the crop of the full transposed output
// ((L-1)*s + span) that gives it, as TensorFlow's conv2d_transpose does:
// padBefore = floor(total / 2) for 'same'; growth past the full length
// comes back as output_padding.
export function kerasTransposeGeometry(length, k, s, d, padding, outputPadding) {
  const span = d * (k - 1) + 1;
  if (length === null) return { out: null, before: 0, after: 0, extra: 0 };
  let out;
  if (outputPadding === null) out = padding === 'valid' ? length * s + Math.max(span - s, 0) : length * s;
  else out = (length - 1) * s + span - 2 * (padding === 'same' ? Math.floor(span / 2) : 0) + outputPadding;
  const full = (length - 1) * s + span;
  const before = padding === 'same' ? Math.floor(Math.max(full - out, 0) / 2) : 0;
  const after = full - out - before;
  return after >= 0 ? { out, before, after, extra: 0 } : { out, before, after: 0, extra: -after };
}

class ConvTranspose extends ConvVariant {
  constructor(options, nd) {
    super(options, nd, { filters: undefined, output_padding: null, kernel_initializer: 'glorot_uniform' }, { needsFilters: true });
    const where = this.where;
    const op = this.options.output_padding;
    this.output_padding = op === null ? null : intTuple(where, 'output_padding', op, nd, { min: 0 });
    this.output_padding?.forEach((p, i) => {
      if (p >= this.strides[i]) {
        fail(where, `output_padding ${fmtValue(op)} must be smaller than strides ${fmtValue(this.strides)} in every dimension`);
      }
    });
    this.kernel_initializer = getInitializer(where, 'kernel_initializer', this.options.kernel_initializer);
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  get kernel() {
    return this.weight('kernel');
  }

  get bias() {
    return this.weight('bias');
  }

  makeWeights(C) {
    this.addWeight('kernel', [...this.kernel_size, this.filters, C], this.kernel_initializer);
    if (this.use_bias) this.addWeight('bias', [this.filters], this.bias_initializer);
  }

  // Batch 1, 4 inputs per spatial dimension (the output is strides times larger).
  warmUpShape() {
    const spatial = new Array(this.rank).fill(4);
    return this.channelsLast ? [1, ...spatial, this.inputChannels] : [1, this.inputChannels, ...spatial];
  }

  prepack() {
    prepackConvTranspose(this.where, this.kernel, { nd: this.rank, layout: 'keras', channelsLast: this.channelsLast });
  }

  transposeGeometry(spatial) {
    return spatial.map((L, i) => kerasTransposeGeometry(L, this.kernel_size[i], this.strides[i], this.dilation_rate[i],
      this.padding, this.output_padding?.[i] ?? null));
  }

  compute_output_shape(inputShape) {
    const { N, spatial } = this.splitShape(inputShape);
    return this.outputShape(N, this.transposeGeometry(spatial).map((g) => g.out), this.filters);
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this._requireBuilt('call');
      return convTranspose(this.where, x, this.kernel, {
        nd: this.rank, layout: 'keras', bias: this.bias, stride: this.strides, dilation: this.dilation_rate,
        padding: this.padding, output_padding: this.output_padding, channelsLast: this.channelsLast,
        activation: this.activationSpec,
      });
    });
  }

  get_config() {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      output_padding: this.output_padding?.slice() ?? null,
      kernel_initializer: serializeInitializer(this.kernel_initializer),
      kernel_regularizer: null,
      kernel_constraint: null,
    };
  }
}

export class Conv1DTranspose extends ConvTranspose {
  constructor(options) {
    super(options, 1);
  }
}

export class Conv2DTranspose extends ConvTranspose {
  constructor(options) {
    super(options, 2);
  }
}

export const Convolution1DTranspose = Conv1DTranspose;
export const Convolution2DTranspose = Conv2DTranspose;
