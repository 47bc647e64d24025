// Keras core layers: Dense, Flatten, Reshape, Permute, Dropout,
// SpatialDropout1D/2D. Dense runs js/ops/linear.js (kernel packed once per
// kernel tensor, the activation fused in the output pass); the shape layers
// are views or one copy; dropouts are the identity at inference.
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { binary } from '../../ops/elementwise.js';
import { checkDataFormat } from '../../ops/global_pool.js';
import { linear, prepackLinear } from '../../ops/linear.js';
import { resolveActivation } from '../../ops/fused_activation.js';
import { withTensor } from '../../ops/run.js';
import { uniform } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import { Layer, WeightedLayer } from './layer.js';

const dimsText = (shape) => fmtShape(shape.map((d) => d ?? 'None'));
const REGULARIZERS = {
  kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
};

export class Dense extends WeightedLayer {
  constructor(options) {
    super(options, {
      units: undefined, activation: null, use_bias: true, kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros',
      ...REGULARIZERS,
    });
    const where = this.where;
    const o = this.options;
    if (o.units === undefined) fail(where, 'units is required (the size of the output\'s last axis)');
    if (!Number.isInteger(o.units)) typeFail(where, `units must be an integer, got ${fmtValue(o.units)}`);
    if (o.units < 1) fail(where, `units must be >= 1, got ${o.units}`);
    this.units = o.units;
    this.activationSpec = resolveActivation(where, o.activation);
    if (typeof o.use_bias !== 'boolean') typeFail(where, `use_bias must be a boolean, got ${fmtValue(o.use_bias)}`);
    this.use_bias = o.use_bias;
    this.kernel_initializer = getInitializer(where, 'kernel_initializer', o.kernel_initializer);
    this.bias_initializer = getInitializer(where, 'bias_initializer', o.bias_initializer);
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  get kernel() {
    return this.weight('kernel');
  }

  get bias() {
    return this.weight('bias');
  }

  #inputDim(inputShape) {
    if (!Array.isArray(inputShape) || inputShape.length < 2) {
      fail(this.where, `input must have at least 2 dimensions (batch, ..., features), got ${Array.isArray(inputShape) ? `shape ${dimsText(inputShape)}` : fmtValue(inputShape)}`);
    }
    const k = inputShape.at(-1);
    if (!Number.isInteger(k) || k < 1) fail(this.where, `the last dimension of the input must be known and non-zero, got shape ${dimsText(inputShape)}`);
    return k;
  }

  build(inputShape) {
    const k = this.#inputDim(inputShape);
    this.addWeight('kernel', [k, this.units], this.kernel_initializer);
    if (this.use_bias) this.addWeight('bias', [this.units], this.bias_initializer);
    this.input_spec_shape = inputShape.slice();
    this.built = true;
    this._weightsChanged();
  }

  prepack() {
    prepackLinear(this.where, this.kernel, this.bias, 'in_out');
  }

  warmUpShape() {
    return [1, this.kernel.shape[0]];
  }

  compute_output_shape(inputShape) {
    const k = this.#inputDim(inputShape);
    if (this.built && k !== this.kernel.shape[0]) {
      fail(this.where, `input must have ${this.kernel.shape[0]} features in its last dimension (the kernel is ${fmtShape(this.kernel.shape)}), got shape ${dimsText(inputShape)}`);
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      if (!this.built) this.build([null, ...x.shape.slice(1)]);
      this.compute_output_shape(x.shape);
      return linear(this.where, x, this.kernel, this.bias, { layout: 'in_out', activation: this.activationSpec });
    });
  }

  get_config() {
    return {
      ...super.get_config(),
      units: this.units,
      activation: this.activationSpec.name,
      use_bias: this.use_bias,
      kernel_initializer: serializeInitializer(this.kernel_initializer),
      bias_initializer: serializeInitializer(this.bias_initializer),
      ...REGULARIZERS,
    };
  }
}

// A view of x with a new shape: no copy, x keeps its own storage reference.
function view(x, shape) {
  return x.reshape(shape);
}

export class Flatten extends Layer {
  constructor(options) {
    super(options, { data_format: 'channels_last' });
    this.data_format = checkDataFormat(this.where, this.options.data_format);
  }

  compute_output_shape(inputShape) {
    if (inputShape.length < 1) fail(this.where, `input must have a batch dimension, got shape ${dimsText(inputShape)}`);
    const rest = inputShape.slice(1);
    const n = rest.some((d) => d === null) ? null : rest.reduce((a, b) => a * b, 1);
    return [inputShape[0], n];
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      const s = x.shape;
      if (s.length < 1) fail(this.where, `input must have a batch dimension, got shape ${fmtShape(s)}`);
      const n = s.slice(1).reduce((a, b) => a * b, 1);
      // channels_first flattens in channels-last order, as Keras does.
      if (this.data_format === 'channels_first' && s.length > 2) {
        const channelsLast = x.permute([0, ...s.slice(2).map((_, i) => i + 2), 1]);
        const out = view(channelsLast, [s[0], n]);
        channelsLast.dispose();
        return out;
      }
      return view(x, [s[0], n]);
    });
  }

  get_config() {
    return { ...super.get_config(), data_format: this.data_format };
  }
}

export class Reshape extends Layer {
  constructor(options) {
    super(options, { target_shape: undefined });
    const t = this.options.target_shape;
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1)) || t.filter((d) => d === -1).length > 1) {
      fail(this.where, `target_shape must be an array of non-negative integers (batch excluded) with at most one -1, got ${fmtValue(t)}`);
    }
    this.target_shape = t.slice();
  }

  #resolve(inputShape) {
    const rest = inputShape.slice(1);
    const t = this.target_shape.slice();
    if (rest.some((d) => d === null)) return t.map((d) => (d === -1 ? null : d));
    const n = rest.reduce((a, b) => a * b, 1);
    const known = t.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const infer = t.indexOf(-1);
    if (infer >= 0) {
      if (known === 0 || n % known !== 0) {
        fail(this.where, `cannot reshape input of shape ${dimsText(inputShape)} (${n} values per sample) to target_shape ${fmtValue(this.target_shape)}`);
      }
      t[infer] = n / known;
    } else if (known !== n) {
      fail(this.where, `target_shape ${fmtValue(this.target_shape)} holds ${known} values per sample, the input of shape ${dimsText(inputShape)} has ${n}`);
    }
    return t;
  }

  compute_output_shape(inputShape) {
    return [inputShape[0], ...this.#resolve(inputShape)];
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => view(x, [x.shape[0], ...this.#resolve(x.shape)]));
  }

  get_config() {
    return { ...super.get_config(), target_shape: this.target_shape.slice() };
  }
}

export class Permute extends Layer {
  constructor(options) {
    super(options, { dims: undefined });
    const d = this.options.dims;
    const sorted = Array.isArray(d) ? d.slice().sort((a, b) => a - b) : null;
    if (!sorted || sorted.some((v, i) => v !== i + 1)) {
      fail(this.where, `dims must be a permutation of 1..${Array.isArray(d) ? d.length : 'n'} (1-based, the batch axis excluded), got ${fmtValue(d)}`);
    }
    this.dims = d.slice();
  }

  compute_output_shape(inputShape) {
    if (inputShape.length !== this.dims.length + 1) {
      fail(this.where, `input must have ${this.dims.length + 1} dimensions (batch + dims ${fmtValue(this.dims)}), got shape ${dimsText(inputShape)}`);
    }
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this.compute_output_shape(x.shape);
      return x.permute([0, ...this.dims]);
    });
  }

  get_config() {
    return { ...super.get_config(), dims: this.dims.slice() };
  }
}

// ---- dropout -----------------------------------------------------------------

function checkRate(where, rate) {
  if (typeof rate !== 'number' || Number.isNaN(rate)) typeFail(where, `rate must be a number in [0, 1), got ${fmtValue(rate)}`);
  if (rate < 0 || rate >= 1) fail(where, `rate must be in [0, 1), got ${rate}`);
  return rate;
}

// Training mode: keeps each element of a mask of maskShape (broadcast over
// x) with probability 1 - rate and scales kept values by 1 / (1 - rate).
function dropout(where, x, rate, maskShape) {
  if (rate === 0) return view(x, x.shape);
  const n = maskShape.reduce((a, b) => a * b, 1);
  const keep = new Float32Array(n);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) keep[i] = uniform() >= rate ? scale : 0;
  const mask = Tensor.fromFloat32(keep, maskShape, where);
  try {
    return binary(where, 'mul', x, mask);
  } finally {
    mask.dispose();
  }
}

class BaseDropout extends Layer {
  constructor(options, defaults = {}) {
    super(options, { rate: undefined, seed: null, ...defaults });
    if (this.options.rate === undefined) fail(this.where, 'rate is required (the fraction of inputs to drop)');
    this.rate = checkRate(this.where, this.options.rate);
    this.seed = this.options.seed;
  }

  compute_output_shape(inputShape) {
    return inputShape.slice();
  }

  maskShape(shape) {
    return shape;
  }

  // The identity at inference; apply(x, { training: true }) drops.
  call(inputs, kwargs = {}) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this.compute_output_shape(x.shape);
      if (kwargs?.training === true) return dropout(this.where, x, this.rate, this.maskShape(x.shape));
      return view(x, x.shape);
    });
  }

  get_config() {
    return { ...super.get_config(), rate: this.rate, seed: this.seed };
  }
}

export class Dropout extends BaseDropout {
  constructor(options) {
    super(options, { noise_shape: null });
    const ns = this.options.noise_shape;
    if (ns !== null && (!Array.isArray(ns) || ns.some((d) => d !== null && !Number.isInteger(d)))) {
      fail(this.where, `noise_shape must be null or an array of integers / nulls, got ${fmtValue(ns)}`);
    }
    this.noise_shape = ns;
  }

  maskShape(shape) {
    if (this.noise_shape === null) return shape;
    if (this.noise_shape.length !== shape.length) {
      fail(this.where, `noise_shape ${fmtValue(this.noise_shape)} must have one entry per input dimension, got input shape ${fmtShape(shape)}`);
    }
    return this.noise_shape.map((d, i) => d ?? shape[i]);
  }

  get_config() {
    return { ...super.get_config(), noise_shape: this.noise_shape };
  }
}

export class SpatialDropout1D extends BaseDropout {
  compute_output_shape(inputShape) {
    if (inputShape.length !== 3) fail(this.where, `input must have 3 dimensions (batch, steps, channels), got shape ${dimsText(inputShape)}`);
    return inputShape.slice();
  }

  // Whole channels are dropped: one mask value per (sample, channel).
  maskShape(shape) {
    return [shape[0], 1, shape[2]];
  }
}

export class SpatialDropout2D extends BaseDropout {
  constructor(options) {
    super(options, { data_format: 'channels_last' });
    this.data_format = checkDataFormat(this.where, this.options.data_format);
  }

  compute_output_shape(inputShape) {
    if (inputShape.length !== 4) fail(this.where, `input must have 4 dimensions, got shape ${dimsText(inputShape)}`);
    return inputShape.slice();
  }

  maskShape(shape) {
    return this.data_format === 'channels_last' ? [shape[0], 1, 1, shape[3]] : [shape[0], shape[1], 1, 1];
  }

  get_config() {
    return { ...super.get_config(), data_format: this.data_format };
  }
}

