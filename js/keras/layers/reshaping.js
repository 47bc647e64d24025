// Keras spatial reshaping layers: ZeroPadding1D/2D, Cropping1D/2D (one
// js/ops/pad.js padSpatial pass: cropping is negative padding) and
// UpSampling1D/2D (js/ops/resize.js interpolate).
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { checkDataFormat } from '../../ops/global_pool.js';
import { padSpatial } from '../../ops/pad.js';
import { interpolate } from '../../ops/resize.js';
import { withTensor } from '../../ops/run.js';
import { Layer } from './layer.js';

const dimsText = (shape) => fmtShape(shape.map((d) => d ?? 'None'));

// Keras's padding / cropping forms: int; nd ints (symmetric per dim); or
// nd pairs [before, after] -> [[before, after] per dim].
function pairs(where, name, v, nd) {
  const bad = () => fail(where, `${name} must be a non-negative int, ${nd === 1 ? 'a pair [left, right]' : `an array of ${nd} ints or of ${nd} pairs [before, after]`}, got ${fmtValue(v)}`);
  const int = (x) => (Number.isInteger(x) && x >= 0 ? x : bad());
  if (Number.isInteger(v)) return new Array(nd).fill(null).map(() => [int(v), int(v)]);
  if (!Array.isArray(v)) return typeFail(where, `${name} must be an int or an array, got ${fmtValue(v)}`);
  if (nd === 1) {
    if (v.length !== 2) bad();
    return [[int(v[0]), int(v[1])]];
  }
  if (v.length !== nd) bad();
  return v.map((d) => (Array.isArray(d) ? (d.length === 2 ? [int(d[0]), int(d[1])] : bad()) : [int(d), int(d)]));
}

class SpatialPadding extends Layer {
  // sign: +1 pads, -1 crops.
  constructor(options, nd, key, fallback, sign, hasDataFormat) {
    super(options, { [key]: fallback, ...(hasDataFormat ? { data_format: 'channels_last' } : {}) });
    this.nd = nd;
    this.key = key;
    this.sign = sign;
    this.hasDataFormat = hasDataFormat;
    this[key] = pairs(this.where, key, this.options[key], nd);
    this.data_format = hasDataFormat ? checkDataFormat(this.where, this.options.data_format) : 'channels_last';
  }

  get channelsLast() {
    return this.data_format === 'channels_last';
  }

  get amounts() {
    return this[this.key];
  }

  compute_output_shape(inputShape) {
    const nd = this.nd;
    if (inputShape.length !== nd + 2) {
      const dims = this.channelsLast ? `(batch, ${nd === 1 ? 'steps' : 'rows, cols'}, channels)` : `(batch, channels, ${nd === 1 ? 'steps' : 'rows, cols'})`;
      fail(this.where, `input must have ${nd + 2} dimensions ${dims}, got shape ${dimsText(inputShape)}`);
    }
    const first = this.channelsLast ? 1 : 2;
    const out = inputShape.slice();
    this.amounts.forEach(([b, a], i) => {
      const d = inputShape[first + i];
      if (d === null) return;
      const size = d + this.sign * (b + a);
      if (size < 0 || (this.sign < 0 && size === 0)) {
        fail(this.where, `${this.key} ${fmtValue(this.options[this.key])} removes ${b + a} of the ${d} elements of spatial dimension ${i} (input shape ${dimsText(inputShape)})`);
      }
      out[first + i] = size;
    });
    return out;
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this.compute_output_shape(x.shape);
      return padSpatial(this.where, x, {
        nd: this.nd,
        channelsLast: this.channelsLast,
        before: this.amounts.map(([b]) => this.sign * b),
        after: this.amounts.map(([, a]) => this.sign * a),
      });
    });
  }

  get_config() {
    const amounts = this.nd === 1 ? this.amounts[0].slice() : this.amounts.map((p) => p.slice());
    const c = { ...super.get_config(), [this.key]: amounts };
    if (this.hasDataFormat) c.data_format = this.data_format;
    return c;
  }
}

export class ZeroPadding1D extends SpatialPadding {
  constructor(options) {
    super(options, 1, 'padding', 1, 1, true);
  }
}

export class ZeroPadding2D extends SpatialPadding {
  constructor(options) {
    super(options, 2, 'padding', [[1, 1], [1, 1]], 1, true);
  }
}

export class Cropping1D extends SpatialPadding {
  constructor(options) {
    super(options, 1, 'cropping', [1, 1], -1, false);
  }
}

export class Cropping2D extends SpatialPadding {
  constructor(options) {
    super(options, 2, 'cropping', [[0, 0], [0, 0]], -1, true);
  }
}

// ---- up-sampling ----------------------------------------------------------

function sizes(where, v, nd) {
  const arr = Array.isArray(v) ? v : new Array(nd).fill(v);
  if (arr.length !== nd || arr.some((s) => !Number.isInteger(s) || s < 1)) {
    fail(where, `size must be a positive int${nd > 1 ? ` or an array of ${nd} positive ints` : ''}, got ${fmtValue(v)}`);
  }
  return arr.slice();
}

export class UpSampling1D extends Layer {
  constructor(options) {
    super(options, { size: 2 });
    this.size = sizes(this.where, this.options.size, 1)[0];
  }

  compute_output_shape(inputShape) {
    if (inputShape.length !== 3) fail(this.where, `input must have 3 dimensions (batch, steps, features), got shape ${dimsText(inputShape)}`);
    return [inputShape[0], inputShape[1] === null ? null : inputShape[1] * this.size, inputShape[2]];
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this.compute_output_shape(x.shape);
      return interpolate(this.where, x, { scale_factor: this.size, mode: 'nearest', channelsLast: true });
    });
  }

  get_config() {
    return { ...super.get_config(), size: this.size };
  }
}

// interpolation 'bilinear' follows Keras 3 (half-pixel centres, as
// tf.image.resize); TensorFlow.js's UpSampling2D uses resizeBilinear
// without them, which shifts the output by a quarter pixel.
export class UpSampling2D extends Layer {
  constructor(options) {
    super(options, { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' });
    const where = this.where;
    this.size = sizes(where, this.options.size, 2);
    this.data_format = checkDataFormat(where, this.options.data_format);
    const i = this.options.interpolation;
    if (i !== 'nearest' && i !== 'bilinear') fail(where, `interpolation must be 'nearest' or 'bilinear', got ${fmtValue(i)}`);
    this.interpolation = i;
  }

  compute_output_shape(inputShape) {
    if (inputShape.length !== 4) fail(this.where, `input must have 4 dimensions, got shape ${dimsText(inputShape)}`);
    const out = inputShape.slice();
    const first = this.data_format === 'channels_last' ? 1 : 2;
    for (let i = 0; i < 2; i++) out[first + i] = inputShape[first + i] === null ? null : inputShape[first + i] * this.size[i];
    return out;
  }

  call(inputs) {
    return withTensor(this.where, inputs, 'inputs', (x) => {
      this.compute_output_shape(x.shape);
      const channelsLast = this.data_format === 'channels_last';
      if (this.interpolation === 'nearest') {
        return interpolate(this.where, x, { scale_factor: this.size, mode: 'nearest', channelsLast });
      }
      return interpolate(this.where, x, {
        scale_factor: this.size, mode: 'bilinear', align_corners: false, channelsLast, half_pixel: true,
      });
    });
  }

  get_config() {
    return { ...super.get_config(), size: this.size.slice(), data_format: this.data_format, interpolation: this.interpolation };
  }
}
