// Global pooling (Keras GlobalAveragePooling1D and kin): argument checking,
// output shapes, masks and kernel calls, shared by the keras layers.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { flattenNested, Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { checkBool, checkDataFormat } from './options.js';
import { PlanCache } from './plan_cache.js';
import { liveTensor, outputNumel, runPlanned, withTensor } from './run.js';

export { checkDataFormat };

// The options of the global pooling layers, checked at construction.
export function checkGlobalPoolOptions(where, { data_format: dataFormat, keepdims }) {
  return { dataFormat: checkDataFormat(where, dataFormat), keepdims: checkBool(where, 'keepdims', keepdims) };
}

// shape is (batch, steps, channels) or (batch, channels, steps); entries may
// be null (unknown) when called from compute_output_shape.
export function planGlobalPool1d(where, shape, { dataFormat, keepdims }, op = 'avg') {
  if (!Array.isArray(shape) || shape.length !== 3) {
    fail(where, `input must have 3 dimensions (batch, steps, channels) for data_format '${dataFormat}'` +
      `${dataFormat === 'channels_first' ? ' as (batch, channels, steps)' : ''}, got shape ${Array.isArray(shape) ? fmtShape(shape) : fmtValue(shape)}`);
  }
  const channelsLast = dataFormat === 'channels_last';
  const [batch, steps, channels] = channelsLast ? shape : [shape[0], shape[2], shape[1]];
  let outShape;
  if (!keepdims) outShape = [batch, channels];
  else outShape = channelsLast ? [batch, 1, channels] : [batch, channels, 1];
  return globalPlan(where, op, { batch, steps, channels, channelsLast, outShape });
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
export function planGlobalPool2d(where, shape, { dataFormat, keepdims }, op = 'avg') {
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
  return globalPlan(where, op, { batch, steps, channels, channelsLast, outShape });
}

const ENTRIES = {
  avg: ['globalAvgPool1dNlc', 'globalAvgPool1dNcl'],
  max: ['globalMaxPool1dNlc', 'globalMaxPool1dNcl'],
};

// The plan's kernel entry and block (none while a size is unknown, as from
// compute_output_shape).
function globalPlan(where, op, p) {
  if (p.batch === null || p.steps === null || p.channels === null) return p;
  const outNumel = outputNumel(where, p.outShape);
  const entry = kernel(ENTRIES[op][p.channelsLast ? 0 : 1]);
  const words = entry.pack({ input: 0, mask: 0, output: 0, batch: p.batch, length: p.steps, channels: p.channels });
  return {
    ...p, outNumel, entry, words,
    inputAt: entry.at('input'), outputAt: entry.at('output'), maskAt: entry.at('mask'),
  };
}

function runGlobal(where, x, p, m) {
  p.words[p.maskAt] = m === null ? 0 : m.ptr;
  return runPlanned(where, p, x.ptr);
}

// The layer's plan for x (its cache is keyed by shape; op and options are
// the layer's).
function planFor(where, x, options, op, plans, plan) {
  const shape = Tensor.shapeOf(x);
  const p = plans.findShape(shape);
  return p !== undefined ? p : plans.addShape(shape, plan(where, shape, options, op));
}

function pool1dOn(where, op, x, options, mask, plans) {
  const p = planFor(where, x, options, op, plans, planGlobalPool1d);
  if (mask === null || mask === undefined) return runGlobal(where, x, p, null);
  const m = maskTensor(where, mask, p.batch, p.steps);
  try {
    return runGlobal(where, x, p, m);
  } finally {
    m.dispose();
  }
}

// op: 'avg' | 'max'. Masked steps are left out of the mean / max. `plans`
// is the layer's own cache.
export function globalPool1d(where, op, input, options, mask = null, plans = new PlanCache(1)) {
  const x = liveTensor(input);
  if (x === null) return withTensor(where, input, 'inputs', (t) => pool1dOn(where, op, t, options, mask, plans));
  return pool1dOn(where, op, x, options, mask, plans);
}

function pool2dOn(where, op, x, options, plans) {
  return runGlobal(where, x, planFor(where, x, options, op, plans, planGlobalPool2d), null);
}

export function globalPool2d(where, op, input, options, plans = new PlanCache(1)) {
  const x = liveTensor(input);
  if (x === null) return withTensor(where, input, 'inputs', (t) => pool2dOn(where, op, t, options, plans));
  return pool2dOn(where, op, x, options, plans);
}

export function globalAvgPool1d(where, input, options, mask = null) {
  return globalPool1d(where, 'avg', input, options, mask);
}
