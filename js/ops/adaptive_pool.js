// Adaptive pooling (PyTorch adaptive_*_pool*): argument checking, output
// shapes and kernel calls, shared by torch.nn.functional and torch.nn.
import { fail, fmtShape, fmtValue, intTuple } from '../errors.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { checkBool } from './options.js';
import { PlanCache } from './plan_cache.js';
import { liveTensor, outputNumel, runPlannedWithIndices, withTensor } from './run.js';

// One plan cache for the family, keyed by op, input shape, output_size and
// return_indices (read from one reused holder, so a lookup allocates nothing).
const plans = new PlanCache();
const NAMES = ['output_size', 'return_indices'];
const args = { output_size: null, return_indices: false };

function cached(op, shape, outputSize, returnIndices, make, where) {
  args.output_size = outputSize;
  args.return_indices = returnIndices;
  try {
    const p = plans.find(op, shape, null, null, args, NAMES);
    return p !== undefined ? p : plans.add(op, shape, null, null, args, NAMES, make(where, shape, outputSize, returnIndices));
  } finally {
    args.output_size = null;
  }
}

// The plan's kernel entry and block, from the plan's named sizes.
function withEntry(where, name, p, fields, returnIndices = false) {
  const outNumel = outputNumel(where, p.outShape);
  const entry = kernel(name);
  const words = entry.pack({ input: 0, output: 0, ...fields });
  return {
    ...p, outNumel, returnIndices, entry, words,
    inputAt: entry.at('input'), outputAt: entry.at('output'), indicesAt: 'indices' in fields ? entry.at('indices') : 0,
  };
}

// (C, L) or (N, C, L) -> the numbers the kernel needs.
export function planAdaptivePool1d(where, shape, outputSize) {
  if (shape.length !== 2 && shape.length !== 3) {
    fail(where, `input must have 2 or 3 dimensions (C, L) or (N, C, L), got shape ${fmtShape(shape)}`);
  }
  const [outLength] = intTuple(where, 'output_size', outputSize, 1);
  const batched = shape.length === 3;
  const [n, c, length] = batched ? shape : [1, ...shape];
  if (c === 0 || length === 0) {
    fail(where, `input must have non-zero channels and length, got shape ${fmtShape(shape)}`);
  }
  const outShape = batched ? [n, c, outLength] : [c, outLength];
  return { rows: n * c, length, outLength, outShape };
}

function planAvg1d(where, shape, outputSize) {
  const p = planAdaptivePool1d(where, shape, outputSize);
  return withEntry(where, 'adaptiveAvgPool1dNcl', p, { rows: p.rows, length: p.length, out_length: p.outLength });
}

// 1D max as a plane of height 1: indices are positions along L.
function planMax1d(where, shape, outputSize, returnIndices) {
  const p = planAdaptivePool1d(where, shape, outputSize);
  return withEntry(where, 'adaptiveMaxPool2dNchw', p,
    { indices: 0, planes: p.rows, in_h: 1, in_w: p.length, out_h: 1, out_w: p.outLength }, returnIndices);
}

function planAvg2d(where, shape, outputSize) {
  const p = planAdaptivePool2d(where, shape, outputSize);
  return withEntry(where, 'adaptiveAvgPool2dNchw', p, { planes: p.planes, in_h: p.inH, in_w: p.inW, out_h: p.outH, out_w: p.outW });
}

function planMax2d(where, shape, outputSize, returnIndices) {
  const p = planAdaptivePool2d(where, shape, outputSize);
  return withEntry(where, 'adaptiveMaxPool2dNchw', p,
    { indices: 0, planes: p.planes, in_h: p.inH, in_w: p.inW, out_h: p.outH, out_w: p.outW }, returnIndices);
}

function runOn(where, x, op, outputSize, returnIndices, make) {
  const p = cached(op, Tensor.shapeOf(x), outputSize, returnIndices, make, where);
  return runPlannedWithIndices(where, p, x.ptr, returnIndices);
}

function run(where, input, op, outputSize, returnIndices, make) {
  const x = liveTensor(input);
  if (x === null) return withTensor(where, input, 'input', (t) => runOn(where, t, op, outputSize, returnIndices, make));
  return runOn(where, x, op, outputSize, returnIndices, make);
}

export function adaptiveAvgPool1d(where, input, outputSize) {
  return run(where, input, 'avg1d', outputSize, false, planAvg1d);
}

// output_size of adaptive 2D pooling: an int, or [h, w] where null keeps
// that input size (PyTorch's None).
function adaptiveSize2d(where, outputSize, inH, inW) {
  if (Array.isArray(outputSize)) {
    if (outputSize.length !== 2) fail(where, `output_size must be an int or an array of 2 ints (or null), got ${fmtValue(outputSize)}`);
    const sizes = outputSize.map((v, d) => (v === null || v === undefined ? [inH, inW][d] : v));
    return intTuple(where, 'output_size', sizes, 2);
  }
  return intTuple(where, 'output_size', outputSize, 2);
}

// (C, H, W) or (N, C, H, W) -> the numbers the kernel needs. outputSize may
// be checked before the input is known (inH/inW null).
export function planAdaptivePool2d(where, shape, outputSize) {
  if (shape.length !== 3 && shape.length !== 4) {
    fail(where, `input must have 3 or 4 dimensions (C, H, W) or (N, C, H, W), got shape ${fmtShape(shape)}`);
  }
  const batched = shape.length === 4;
  const [n, c, inH, inW] = batched ? shape : [1, ...shape];
  if (c === 0 || inH === 0 || inW === 0) {
    fail(where, `input must have non-zero channels, height and width, got shape ${fmtShape(shape)}`);
  }
  const [outH, outW] = adaptiveSize2d(where, outputSize, inH, inW);
  const outShape = batched ? [n, c, outH, outW] : [c, outH, outW];
  return { planes: n * c, inH, inW, outH, outW, outShape };
}

export function checkAdaptiveOutputSize(where, outputSize, spatial) {
  if (spatial === 1) return intTuple(where, 'output_size', outputSize, 1);
  return adaptiveSize2d(where, outputSize, 1, 1);
}

// AdaptiveMaxPool1d/2d's constructor arguments, checked at construction.
export function checkAdaptiveMaxOptions(where, spatial, { output_size: outputSize, return_indices: returnIndices }) {
  checkAdaptiveOutputSize(where, outputSize, spatial);
  return { output_size: outputSize, return_indices: checkBool(where, 'return_indices', returnIndices) };
}

export function adaptiveAvgPool2d(where, input, outputSize) {
  return run(where, input, 'avg2d', outputSize, false, planAvg2d);
}

export function adaptiveMaxPool2d(where, input, outputSize, returnIndices = false) {
  checkBool(where, 'return_indices', returnIndices);
  return run(where, input, 'max2d', outputSize, returnIndices, planMax2d);
}

export function adaptiveMaxPool1d(where, input, outputSize, returnIndices = false) {
  checkBool(where, 'return_indices', returnIndices);
  return run(where, input, 'max1d', outputSize, returnIndices, planMax1d);
}
