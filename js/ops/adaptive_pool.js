// Adaptive pooling (PyTorch adaptive_*_pool*): argument checking, output
// shapes and kernel calls, shared by torch.nn.functional and torch.nn.
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../errors.js';
import { wasm } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { runKernel, withTensor } from './run.js';

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

export function adaptiveAvgPool1d(where, input, outputSize) {
  return withTensor(where, input, 'input', (x) => {
    const p = planAdaptivePool1d(where, x.shape, outputSize);
    return runKernel(where, p.outShape, (out) =>
      wasm().adaptiveAvgPool1dNcl(x.ptr, out, p.rows, p.length, p.outLength));
  });
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

function checkReturnIndices(where, v) {
  if (typeof v !== 'boolean') typeFail(where, `return_indices must be a boolean, got ${fmtValue(v)}`);
  return v;
}

// Max with optional PyTorch indices; plan in 2D terms.
function runAdaptiveMax(where, x, p, returnIndices) {
  const call = (out, indices) =>
    wasm().adaptiveMaxPool2dNchw(x.ptr, out, indices, p.planes, p.inH, p.inW, p.outH, p.outW);
  if (!returnIndices) return runKernel(where, p.outShape, (out) => call(out, 0));
  const indices = Tensor.empty(p.outShape, where);
  try {
    return [runKernel(where, p.outShape, (out) => call(out, indices.ptr)), indices];
  } catch (e) {
    indices.dispose();
    throw e;
  }
}

export function adaptiveAvgPool2d(where, input, outputSize) {
  return withTensor(where, input, 'input', (x) => {
    const p = planAdaptivePool2d(where, x.shape, outputSize);
    return runKernel(where, p.outShape, (out) =>
      wasm().adaptiveAvgPool2dNchw(x.ptr, out, p.planes, p.inH, p.inW, p.outH, p.outW));
  });
}

export function adaptiveMaxPool2d(where, input, outputSize, returnIndices = false) {
  checkReturnIndices(where, returnIndices);
  return withTensor(where, input, 'input', (x) => runAdaptiveMax(where, x, planAdaptivePool2d(where, x.shape, outputSize), returnIndices));
}

// 1D as a plane of height 1: indices are positions along L.
export function adaptiveMaxPool1d(where, input, outputSize, returnIndices = false) {
  checkReturnIndices(where, returnIndices);
  return withTensor(where, input, 'input', (x) => {
    const p = planAdaptivePool1d(where, x.shape, outputSize);
    const plan2d = { planes: p.rows, inH: 1, inW: p.length, outH: 1, outW: p.outLength, outShape: p.outShape };
    return runAdaptiveMax(where, x, plan2d, returnIndices);
  });
}
