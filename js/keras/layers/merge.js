// Keras merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum
// (elementwise with broadcasting, js/ops/elementwise.js) and Concatenate
// (js/ops/concat.js). Each takes an array of inputs.
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { cat } from '../../ops/concat.js';
import { affine, binary } from '../../ops/elementwise.js';
import { withTensorList } from '../../ops/run.js';
import { Layer } from './layer.js';

const dimsText = (shape) => fmtShape(shape.map((d) => d ?? 'None'));

function checkList(where, shapes, { exactly = null } = {}) {
  if (!Array.isArray(shapes) || !shapes.every(Array.isArray)) {
    typeFail(where, `expects a list of inputs (an array of tensors or shapes), got ${fmtValue(shapes)}`);
  }
  if (exactly !== null && shapes.length !== exactly) {
    fail(where, `expects exactly ${exactly} inputs, got ${shapes.length}`);
  }
  if (shapes.length < 1) fail(where, 'expects a list of at least 1 input, got an empty list');
}

// Keras's elementwise merge shape: batch axes may be unknown; other
// dimensions equal or 1 (broadcast); lower ranks align at the end.
function mergeShape(where, shapes) {
  let out = shapes[0].slice();
  for (let i = 1; i < shapes.length; i++) {
    const s = shapes[i];
    const n = Math.max(out.length, s.length);
    const next = [];
    for (let d = 0; d < n; d++) {
      const ia = out.length - n + d;
      const ib = s.length - n + d;
      const a = ia < 0 ? 1 : out[ia];
      const b = ib < 0 ? 1 : s[ib];
      if (a === null || b === null) next.push(a === 1 ? b : b === 1 ? a : a ?? b);
      else if (a === b || b === 1) next.push(a);
      else if (a === 1) next.push(b);
      else {
        fail(where, `inputs with shapes ${shapes.map(dimsText).join(' and ')} cannot be merged: dimension ${d} is ${a} in one and ${b} in another (sizes must be equal or 1)`);
      }
    }
    out = next;
  }
  return out;
}

// Tensors (or nested arrays) for the inputs; temporaries freed afterwards.
function withTensors(where, inputs, body) {
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.every((x) => typeof x === 'number')) {
    typeFail(where, `inputs must be an array of tensors, got ${fmtValue(inputs)}`);
  }
  return withTensorList(where, inputs, 'inputs', body);
}

class Merge extends Layer {
  // A config's inbound node lists one tensor the same way whether or not
  // the layer took a list: merges always do.
  static get takesList() {
    return true;
  }

  constructor(options, op) {
    super(options, {});
    this.op = op;
  }

  build(inputShape) {
    this.compute_output_shape(inputShape);
    this.input_spec_shape = inputShape.map((s) => s.slice());
    this.built = true;
  }

  compute_output_shape(inputShape) {
    checkList(this.where, inputShape, { exactly: this.exactly ?? null });
    return mergeShape(this.where, inputShape);
  }

  // Folds the inputs left to right, freeing each partial result.
  reduce(ts) {
    let acc = null;
    for (let i = 1; i < ts.length; i++) {
      const next = binary(this.where, this.op, acc ?? ts[0], ts[i]);
      acc?.dispose();
      acc = next;
    }
    return acc ?? ts[0].clone();
  }

  apply(inputs, kwargs = {}) {
    return this.call(inputs, kwargs);
  }

  call(inputs) {
    return withTensors(this.where, inputs, (ts) => {
      this.compute_output_shape(ts.map((t) => t.shape));
      return this.reduce(ts);
    });
  }
}

export class Add extends Merge {
  constructor(options) {
    super(options, 'add');
  }
}

export class Subtract extends Merge {
  constructor(options) {
    super(options, 'sub');
    this.exactly = 2;
  }
}

export class Multiply extends Merge {
  constructor(options) {
    super(options, 'mul');
  }
}

export class Maximum extends Merge {
  constructor(options) {
    super(options, 'maximum');
  }
}

export class Minimum extends Merge {
  constructor(options) {
    super(options, 'minimum');
  }
}

export class Average extends Merge {
  constructor(options) {
    super(options, 'add');
  }

  reduce(ts) {
    const sum = super.reduce(ts);
    if (ts.length === 1) return sum;
    try {
      return affine(this.where, sum, 1 / ts.length);
    } finally {
      sum.dispose();
    }
  }
}

export class Concatenate extends Layer {
  static get takesList() {
    return true;
  }

  constructor(options) {
    super(options, { axis: -1 });
    if (!Number.isInteger(this.options.axis)) typeFail(this.where, `axis must be an integer, got ${fmtValue(this.options.axis)}`);
    this.axis = this.options.axis;
  }

  build(inputShape) {
    this.compute_output_shape(inputShape);
    this.input_spec_shape = inputShape.map((s) => s.slice());
    this.built = true;
  }

  compute_output_shape(inputShape) {
    checkList(this.where, inputShape);
    const n = inputShape[0].length;
    if (this.axis < -n || this.axis >= n) {
      fail(this.where, `axis ${this.axis} is out of range for inputs with ${n} dimensions (shape ${dimsText(inputShape[0])})`);
    }
    const axis = this.axis < 0 ? this.axis + n : this.axis;
    const out = inputShape[0].slice();
    inputShape.forEach((s, i) => {
      const mismatch = s.length !== n || s.some((d, j) => j !== axis && d !== null && out[j] !== null && d !== out[j]);
      if (mismatch) {
        fail(this.where, `inputs must have matching shapes except on the concatenation axis ${this.axis}; input ${i} has shape ${dimsText(s)}, input 0 has ${dimsText(inputShape[0])}`);
      }
      if (i > 0) out[axis] = out[axis] === null || s[axis] === null ? null : out[axis] + s[axis];
      s.forEach((d, j) => {
        if (j !== axis && out[j] === null) out[j] = d;
      });
    });
    return out;
  }

  apply(inputs, kwargs = {}) {
    return this.call(inputs, kwargs);
  }

  call(inputs) {
    return withTensors(this.where, inputs, (ts) => {
      this.compute_output_shape(ts.map((t) => t.shape));
      return cat(this.where, ts, this.axis);
    });
  }

  get_config() {
    return { ...super.get_config(), axis: this.axis };
  }
}
