// Keras activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax.
// Each runs one elementwise pass of js/ops/activation.js (PReLU: the
// elementwise 'prelu' op with its alpha weight broadcast over the batch).
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { activation as activationOp } from '../../ops/activation.js';
import { binary } from '../../ops/elementwise.js';
import { softmax } from '../../ops/softmax.js';
import { withTensor } from '../../ops/run.js';
import { Tensor } from '../../tensor.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import { Layer, WeightedLayer } from './layer.js';

// Keras activation names -> the op's name and parameters (Keras 3's own
// defaults: gelu exact, leaky_relu slope 0.2, hard_sigmoid relu6(x+3)/6).
const KERAS_ACTIVATIONS = {
  linear: ['linear'],
  relu: ['relu'],
  relu6: ['relu6'],
  sigmoid: ['sigmoid'],
  tanh: ['tanh'],
  elu: ['elu', { alpha: 1 }],
  selu: ['selu'],
  gelu: ['gelu', { approximate: 'none' }],
  swish: ['silu'],
  silu: ['silu'],
  softplus: ['softplus', { beta: 1, threshold: 20 }],
  softsign: ['softsign'],
  hard_sigmoid: ['hardsigmoid'],
  hard_swish: ['hardswish'],
  hard_silu: ['hardswish'],
  leaky_relu: ['leaky_relu', { negative_slope: 0.2 }],
};
const ACTIVATION_NAMES = [...Object.keys(KERAS_ACTIVATIONS), 'softmax', 'log_softmax'];

// 'hardSigmoid' (TensorFlow.js) -> 'hard_sigmoid'.
export function activationName(where, activation) {
  if (activation === null || activation === undefined) return 'linear';
  if (typeof activation === 'function') return activation;
  if (typeof activation !== 'string') {
    typeFail(where, `activation must be a name (${ACTIVATION_NAMES.join(', ')}), null or a function, got ${fmtValue(activation)}`);
  }
  const name = activation.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).toLowerCase();
  if (!(name in KERAS_ACTIVATIONS) && name !== 'softmax' && name !== 'log_softmax') {
    fail(where, `activation must be one of ${ACTIVATION_NAMES.join(', ')} (or null, or a function), got ${fmtValue(activation)}`);
  }
  return name;
}

// Runs a Keras activation (a name from activationName, or a function) as a
// separate pass; returns a new Tensor.
export function runActivation(where, x, name) {
  if (typeof name === 'function') {
    const y = name(x);
    if (!(y instanceof Tensor)) fail(where, `the activation function returned ${fmtValue(y)}, not a Tensor`);
    return y === x ? x.clone() : y;
  }
  if (name === 'softmax' || name === 'log_softmax') return softmax(where, x, -1, { log: name === 'log_softmax' });
  const [op, params] = KERAS_ACTIVATIONS[name];
  return activationOp(where, x, op, params ?? {});
}

const shapeSame = (s) => s.slice();

export class Activation extends Layer {
  constructor(options) {
    // new Activation('relu') as Keras, or new Activation({ activation }).
    if (typeof options === 'string' || typeof options === 'function') options = { activation: options };
    super(options, { activation: undefined });
    if (this.options.activation === undefined) fail(this.where, 'activation is required (a name or a function)');
    this.activation = activationName(this.where, this.options.activation);
  }

  compute_output_shape(inputShape) {
    return shapeSame(inputShape);
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => runActivation(this.where, x, this.activation));
  }

  get_config() {
    const a = this.activation;
    return { ...super.get_config(), activation: typeof a === 'function' ? (a.name || 'function') : a };
  }
}

function nonNegative(where, name, v, { nullable = false } = {}) {
  if (nullable && v === null) return null;
  if (typeof v !== 'number' || Number.isNaN(v)) typeFail(where, `${name} must be a number${nullable ? ' or null' : ''}, got ${fmtValue(v)}`);
  if (v < 0) fail(where, `${name} must be >= 0, got ${v}`);
  return v;
}

export class ReLU extends Layer {
  constructor(options) {
    super(options, { max_value: null, negative_slope: 0, threshold: 0 });
    const o = this.options;
    this.max_value = nonNegative(this.where, 'max_value', o.max_value, { nullable: true });
    this.negative_slope = nonNegative(this.where, 'negative_slope', o.negative_slope);
    this.threshold = nonNegative(this.where, 'threshold', o.threshold);
  }

  // The fused conv output pass can clamp as relu / relu6; null otherwise.
  get fusedActivation() {
    if (this.negative_slope !== 0 || this.threshold !== 0) return null;
    if (this.max_value === null) return 'relu';
    return this.max_value === 6 ? 'relu6' : null;
  }

  compute_output_shape(inputShape) {
    return shapeSame(inputShape);
  }

  call(inputs) {
    const { max_value, negative_slope, threshold } = this;
    return withTensor(this.where, inputs, 'inputs', (x) => {
      if (this.fusedActivation !== null) return activationOp(this.where, x, this.fusedActivation);
      return activationOp(this.where, x, 'keras_relu', { max_value, negative_slope, threshold });
    });
  }

  get_config() {
    return { ...super.get_config(), max_value: this.max_value, negative_slope: this.negative_slope, threshold: this.threshold };
  }
}

export class LeakyReLU extends Layer {
  // Keras 3's negative_slope (default 0.3); tf.keras 2 and TensorFlow.js
  // call it alpha.
  constructor(options) {
    super(options, { negative_slope: undefined, alpha: undefined });
    const { negative_slope: s, alpha: a } = this.options;
    if (s !== undefined && a !== undefined) fail(this.where, `give negative_slope or alpha (the same option), not both; got ${s} and ${a}`);
    this.negative_slope = nonNegative(this.where, s !== undefined ? 'negative_slope' : 'alpha', s ?? a ?? 0.3);
  }

  compute_output_shape(inputShape) {
    return shapeSame(inputShape);
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs',
      (x) => activationOp(this.where, x, 'leaky_relu', { negative_slope: this.negative_slope }));
  }

  get_config() {
    const c = { ...super.get_config(), negative_slope: this.negative_slope };
    return c;
  }
}

export class ELU extends Layer {
  constructor(options) {
    super(options, { alpha: 1 });
    if (typeof this.options.alpha !== 'number') typeFail(this.where, `alpha must be a number, got ${fmtValue(this.options.alpha)}`);
    this.alpha = this.options.alpha;
  }

  compute_output_shape(inputShape) {
    return shapeSame(inputShape);
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => activationOp(this.where, x, 'elu', { alpha: this.alpha }));
  }

  get_config() {
    return { ...super.get_config(), alpha: this.alpha };
  }
}

export class Softmax extends Layer {
  constructor(options) {
    super(options, { axis: -1 });
    const a = this.options.axis;
    if (!Number.isInteger(a) && !(Array.isArray(a) && a.length === 1 && Number.isInteger(a[0]))) {
      typeFail(this.where, `axis must be an integer, got ${fmtValue(a)}`);
    }
    this.axis = Array.isArray(a) ? a[0] : a;
  }

  compute_output_shape(inputShape) {
    const n = inputShape.length;
    if (this.axis < -n || this.axis >= n) fail(this.where, `axis ${this.axis} is out of range for input of shape ${fmtShape(inputShape.map((d) => d ?? 'None'))}`);
    return shapeSame(inputShape);
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this.compute_output_shape(x.shape);
      return softmax(this.where, x, this.axis);
    });
  }

  get_config() {
    return { ...super.get_config(), axis: this.axis };
  }
}

// f(x) = x for x >= 0, alpha * x otherwise, alpha learned per element of
// the input shape (batch excluded), shared (size 1) along shared_axes.
export class PReLU extends WeightedLayer {
  constructor(options) {
    super(options, {
      alpha_initializer: 'zeros', alpha_regularizer: null, alpha_constraint: null, shared_axes: null,
    });
    const where = this.where;
    this.alpha_initializer = getInitializer(where, 'alpha_initializer', this.options.alpha_initializer);
    let axes = this.options.shared_axes;
    if (axes !== null && !Array.isArray(axes)) axes = [axes];
    if (axes !== null && axes.some((a) => !Number.isInteger(a) || a < 1)) {
      fail(where, `shared_axes must be null or axes >= 1 (1-based, the batch axis 0 excluded), got ${fmtValue(this.options.shared_axes)}`);
    }
    this.shared_axes = axes;
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  alphaShape(inputShape) {
    if (inputShape.length < 2) fail(this.where, `input must have at least 2 dimensions (batch, ...), got shape ${fmtShape(inputShape)}`);
    const shape = inputShape.slice(1);
    for (const a of this.shared_axes ?? []) {
      if (a >= inputShape.length) fail(this.where, `shared_axes ${fmtValue(this.shared_axes)} has axis ${a}, beyond the input's ${inputShape.length} dimensions`);
      shape[a - 1] = 1;
    }
    if (shape.some((d) => d === null)) {
      fail(this.where, `every non-shared dimension must be known to size alpha, got input shape ${fmtShape(inputShape.map((d) => d ?? 'None'))} (share the unknown axes with shared_axes)`);
    }
    return shape;
  }

  build(inputShape) {
    const shape = this.alphaShape(inputShape);
    this.addWeight('alpha', shape, this.alpha_initializer);
    this.input_spec_shape = inputShape.slice();
    this.built = true;
  }

  compute_output_shape(inputShape) {
    this.alphaShape(inputShape);
    return shapeSame(inputShape);
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      if (!this.built) this.build(x.shape);
      const want = this.weight('alpha').shape;
      const got = x.shape.slice(1);
      if (got.length !== want.length || want.some((d, i) => d !== 1 && d !== got[i])) {
        fail(this.where, `inputs must have shape [batch, ${want.join(', ')}] (1 = any size, shared) to fit alpha, got shape ${fmtShape(x.shape)}`);
      }
      return binary(this.where, 'prelu', x, this.weight('alpha'));
    });
  }

  get_config() {
    return {
      ...super.get_config(),
      alpha_initializer: serializeInitializer(this.alpha_initializer),
      alpha_regularizer: null,
      alpha_constraint: null,
      shared_axes: this.shared_axes?.slice() ?? null,
    };
  }
}
