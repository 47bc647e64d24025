// The torch-namespace tensor functions between layers: torch.cat, the
// elementwise arithmetic with PyTorch broadcasting (squeeze-excite's x * s
// with s of shape (N, C, 1, 1)), and torch.flatten.
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { cat as catOp } from '../../ops/concat.js';
import { affine, binary } from '../../ops/elementwise.js';
import { withTensor } from '../../ops/run.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkDim, checkNumber } from './checks.js';

export function cat(...args) {
  const a = parseArgs('cat', args, [['tensors', REQUIRED], ['dim', 0]]);
  if (!Array.isArray(a.tensors)) typeFail('cat', `tensors must be an array of Tensors, got ${fmtValue(a.tensors)}`);
  if (a.tensors.length === 0) fail('cat', 'expected a non-empty array of Tensors');
  return catOp('cat', a.tensors, a.dim);
}

function binaryWithAlpha(where, op, args) {
  const a = parseArgs(where, args, [['input', REQUIRED], ['other', REQUIRED], ['alpha', 1]]);
  checkNumber(where, 'alpha', a.alpha);
  if (a.alpha === 1) return binary(where, op, a.input, a.other);
  if (typeof a.other === 'number') return binary(where, op, a.input, a.alpha * a.other);
  const scaled = affine(where, a.other, a.alpha, 0);
  try {
    return binary(where, op, a.input, scaled);
  } finally {
    scaled.dispose();
  }
}

export function add(...args) {
  return binaryWithAlpha('add', 'add', args);
}

export function sub(...args) {
  return binaryWithAlpha('sub', 'sub', args);
}

function plainBinary(where, op) {
  return (...args) => {
    const a = parseArgs(where, args, [['input', REQUIRED], ['other', REQUIRED]]);
    return binary(where, op, a.input, a.other);
  };
}

export const mul = plainBinary('mul', 'mul');
export const div = plainBinary('div', 'div');
export const maximum = plainBinary('maximum', 'maximum');
export const minimum = plainBinary('minimum', 'minimum');

// Flattens dims start_dim..end_dim into one; the result shares the values.
export function flattenDims(where, input, startDim, endDim) {
  return withTensor(where, input, 'input', (x) => {
    const shape = x.shape;
    if (shape.length === 0) return x.reshape([1]);
    const start = checkDim(where, 'start_dim', startDim, shape.length);
    const end = checkDim(where, 'end_dim', endDim, shape.length);
    if (start > end) fail(where, `start_dim cannot come after end_dim (start_dim=${startDim}, end_dim=${endDim}, shape ${fmtShape(shape)})`);
    const merged = shape.slice(start, end + 1).reduce((p, d) => p * d, 1);
    return x.reshape([...shape.slice(0, start), merged, ...shape.slice(end + 1)]);
  });
}

export function flatten(...args) {
  const a = parseArgs('flatten', args, [['input', REQUIRED], ['start_dim', 0], ['end_dim', -1]]);
  return flattenDims('flatten', a.input, a.start_dim, a.end_dim);
}
