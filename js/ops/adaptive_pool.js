// Adaptive pooling (PyTorch adaptive_*_pool*): argument checking, output
// shapes and kernel calls, shared by torch.nn.functional and torch.nn.
import { fail, fmtShape, intTuple } from '../errors.js';
import { wasm } from '../runtime.js';
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
