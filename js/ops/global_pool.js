// Global pooling (Keras GlobalAveragePooling1D and kin): argument checking,
// output shapes, masks and kernel calls, shared by the keras layers.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { wasm } from '../runtime.js';
import { flattenNested, Tensor } from '../tensor.js';
import { runKernel, withTensor } from './run.js';

export function checkDataFormat(where, v) {
  if (v !== 'channels_last' && v !== 'channels_first') {
    fail(where, `data_format must be 'channels_last' or 'channels_first', got ${fmtValue(v)}`);
  }
  return v;
}

// shape is (batch, steps, channels) or (batch, channels, steps); entries may
// be null (unknown) when called from compute_output_shape.
export function planGlobalPool1d(where, shape, { dataFormat, keepdims }) {
  if (!Array.isArray(shape) || shape.length !== 3) {
    fail(where, `input must have 3 dimensions (batch, steps, channels) for data_format '${dataFormat}'` +
      `${dataFormat === 'channels_first' ? ' as (batch, channels, steps)' : ''}, got shape ${Array.isArray(shape) ? fmtShape(shape) : fmtValue(shape)}`);
  }
  const channelsLast = dataFormat === 'channels_last';
  const [batch, steps, channels] = channelsLast ? shape : [shape[0], shape[2], shape[1]];
  let outShape;
  if (!keepdims) outShape = [batch, channels];
  else outShape = channelsLast ? [batch, 1, channels] : [batch, channels, 1];
  return { batch, steps, channels, channelsLast, outShape };
}

// A Keras mask (batch, steps) of booleans or 0/1, as a float 0/1 tensor.
function maskTensor(where, mask, batch, steps) {
  let values;
  let shape;
  if (mask instanceof Tensor) {
    values = mask.data;
    shape = mask.shape;
  } else if (Array.isArray(mask)) {
    [values, shape] = flattenNested(mask, where);
  } else if (ArrayBuffer.isView(mask) && !(mask instanceof DataView)) {
    values = Float32Array.from(mask, Number);
    shape = [values.length];
  } else {
    return typeFail(where, `mask must be a Tensor or nested array of booleans or 0/1 with shape [${batch}, ${steps}], got ${fmtValue(mask)}`);
  }
  if (shape.length === 1 && values.length === batch * steps) shape = [batch, steps];
  if (shape.length !== 2 || shape[0] !== batch || shape[1] !== steps) {
    fail(where, `mask must have shape [${batch}, ${steps}] (batch, steps), got shape ${fmtShape(shape)}`);
  }
  return Tensor.fromFloat32(values, shape, where);
}

// 2D: (batch, rows, cols, channels) or (batch, channels, rows, cols); the
// kernels see it as 1D with steps = rows * cols.
export function planGlobalPool2d(where, shape, { dataFormat, keepdims }) {
  const channelsLast = dataFormat === 'channels_last';
  if (!Array.isArray(shape) || shape.length !== 4) {
    fail(where, `input must have 4 dimensions ${channelsLast ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)'}` +
      ` for data_format '${dataFormat}', got shape ${Array.isArray(shape) ? fmtShape(shape) : fmtValue(shape)}`);
  }
  const [batch, h, w, channels] = channelsLast ? shape : [shape[0], shape[2], shape[3], shape[1]];
  const steps = h === null || w === null ? null : h * w;
  let outShape;
  if (!keepdims) outShape = [batch, channels];
  else outShape = channelsLast ? [batch, 1, 1, channels] : [batch, channels, 1, 1];
  return { batch, steps, channels, channelsLast, outShape };
}

const KERNELS = {
  avg: ['globalAvgPool1dNlc', 'globalAvgPool1dNcl'],
  max: ['globalMaxPool1dNlc', 'globalMaxPool1dNcl'],
};

function runGlobal(where, x, p, op, m) {
  const [nlc, ncl] = KERNELS[op];
  const maskPtr = m === null ? 0 : m.ptr;
  return runKernel(where, p.outShape, (out) =>
    (p.channelsLast
      ? wasm()[nlc](x.ptr, maskPtr, out, p.batch, p.steps, p.channels)
      : wasm()[ncl](x.ptr, maskPtr, out, p.batch, p.channels, p.steps)));
}

// op: 'avg' | 'max'. Masked steps are left out of the mean / max.
export function globalPool1d(where, op, input, options, mask = null) {
  return withTensor(where, input, 'inputs', (x) => {
    const p = planGlobalPool1d(where, x.shape, options);
    const m = mask === null || mask === undefined ? null : maskTensor(where, mask, p.batch, p.steps);
    try {
      return runGlobal(where, x, p, op, m);
    } finally {
      m?.dispose();
    }
  });
}

export function globalPool2d(where, op, input, options) {
  return withTensor(where, input, 'inputs', (x) => runGlobal(where, x, planGlobalPool2d(where, x.shape, options), op, null));
}

export function globalAvgPool1d(where, input, options, mask = null) {
  return globalPool1d(where, 'avg', input, options, mask);
}
