// Keras BatchNormalization on any axis. Inference normalises with the
// moving statistics; apply(x, { training: true }) with the batch's own
// (biased) mean and variance, then moves the moving statistics towards them
// by (1 - momentum), as Keras 3 does. Weights in Keras's order: gamma, beta
// (when scale / center), moving_mean, moving_variance.
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { affine, binary } from '../../ops/elementwise.js';
import { batchNorm, batchStats } from '../../ops/norm.js';
import { withTensor } from '../../ops/run.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import { WeightedLayer } from './layer.js';

const dimsText = (shape) => fmtShape(shape.map((d) => d ?? 'None'));

export class BatchNormalization extends WeightedLayer {
  constructor(options) {
    super(options, {
      axis: -1, momentum: 0.99, epsilon: 1e-3, center: true, scale: true,
      beta_initializer: 'zeros', gamma_initializer: 'ones',
      moving_mean_initializer: 'zeros', moving_variance_initializer: 'ones',
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
      synchronized: false, renorm: false, renorm_clipping: null, renorm_momentum: 0.99, fused: null, virtual_batch_size: null, adjustment: null,
    });
    const where = this.where;
    const o = this.options;
    let axis = o.axis;
    if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
    if (!Number.isInteger(axis)) typeFail(where, `axis must be an integer (one channel axis), got ${fmtValue(o.axis)}`);
    this.axis = axis;
    for (const k of ['momentum', 'epsilon']) {
      if (typeof o[k] !== 'number' || Number.isNaN(o[k])) typeFail(where, `${k} must be a number, got ${fmtValue(o[k])}`);
    }
    if (o.epsilon <= 0) fail(where, `epsilon must be > 0, got ${o.epsilon}`);
    this.momentum = o.momentum;
    this.epsilon = o.epsilon;
    for (const k of ['center', 'scale']) {
      if (typeof o[k] !== 'boolean') typeFail(where, `${k} must be a boolean, got ${fmtValue(o[k])}`);
    }
    if (o.renorm) fail(where, 'renorm is not supported (inference only needs the moving statistics)');
    this.center = o.center;
    this.scale = o.scale;
    this.inits = {};
    for (const k of ['beta', 'gamma', 'moving_mean', 'moving_variance']) {
      this.inits[k] = getInitializer(where, `${k}_initializer`, o[`${k}_initializer`]);
    }
    if (this.declaredInputShape) this.build(this.declaredInputShape);
  }

  // The axis as a non-negative index for inputs of this rank.
  channelAxis(rank) {
    if (this.axis < -rank || this.axis >= rank || rank < 1) {
      fail(this.where, `axis ${this.axis} is out of range for an input with ${rank} dimensions`);
    }
    return this.axis < 0 ? this.axis + rank : this.axis;
  }

  #channels(inputShape) {
    const c = inputShape[this.channelAxis(inputShape.length)];
    if (!Number.isInteger(c) || c < 1) {
      fail(this.where, `the normalised axis ${this.axis} of the input must have a known non-zero size, got shape ${dimsText(inputShape)}`);
    }
    return c;
  }

  build(inputShape) {
    const c = this.#channels(inputShape);
    if (this.scale) this.addWeight('gamma', [c], this.inits.gamma);
    if (this.center) this.addWeight('beta', [c], this.inits.beta);
    this.addWeight('moving_mean', [c], this.inits.moving_mean, false);
    this.addWeight('moving_variance', [c], this.inits.moving_variance, false);
    this.input_spec_shape = inputShape.slice();
    this.built = true;
  }

  compute_output_shape(inputShape) {
    const c = this.#channels(inputShape);
    if (this.built && c !== this.weight('moving_mean').shape[0]) {
      fail(this.where, `input must have ${this.weight('moving_mean').shape[0]} channels on axis ${this.axis}, got shape ${dimsText(inputShape)}`);
    }
    return inputShape.slice();
  }

  get gamma() {
    return this.weight('gamma');
  }

  get beta() {
    return this.weight('beta');
  }

  get moving_mean() {
    return this.weight('moving_mean');
  }

  get moving_variance() {
    return this.weight('moving_variance');
  }

  call(inputs, kwargs = {}) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      if (!this.built) this.build(x.shape);
      this.compute_output_shape(x.shape);
      const axis = this.channelAxis(x.ndim);
      const norm = { axis, gamma: this.gamma, beta: this.beta, eps: this.epsilon };
      if (kwargs?.training !== true) {
        return batchNorm(this.where, x, { ...norm, mean: this.moving_mean, variance: this.moving_variance });
      }
      const { mean, variance } = batchStats(this.where, x, axis);
      try {
        const out = batchNorm(this.where, x, { ...norm, mean, variance });
        this.#move('moving_mean', mean);
        this.#move('moving_variance', variance);
        return out;
      } finally {
        mean.dispose();
        variance.dispose();
      }
    });
  }

  // moving = moving * momentum + batch * (1 - momentum), as a new tensor.
  #move(name, batch) {
    const kept = affine(this.where, this.weight(name), this.momentum);
    let fresh = null;
    try {
      fresh = affine(this.where, batch, 1 - this.momentum);
      this.replaceWeight(name, binary(this.where, 'add', kept, fresh));
    } finally {
      kept.dispose();
      fresh?.dispose();
    }
  }

  get_config() {
    const c = {
      ...super.get_config(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
    for (const k of ['beta', 'gamma', 'moving_mean', 'moving_variance']) c[`${k}_initializer`] = serializeInitializer(this.inits[k]);
    Object.assign(c, { beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null });
    return c;
  }
}
