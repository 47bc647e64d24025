// What every op does around its kernel call: take a Tensor or nested array,
// allocate the output in the heap, call the kernel, and on any failure free
// what the call allocated so an error leaks nothing.
import { checkStatus } from '../runtime.js';
import { asTensor, Tensor } from '../tensor.js';

// Runs body(tensor) with `input` as a Tensor; a temporary made from a nested
// array is disposed afterwards.
export function withTensor(where, input, name, body) {
  const [t, owned] = asTensor(input, where, name);
  try {
    return body(t);
  } finally {
    if (owned) t.dispose();
  }
}

// Allocates the output, runs kernel(outPtr) -> status, returns the output.
export function runKernel(where, outShape, kernel) {
  const out = Tensor.empty(outShape, where);
  let status;
  try {
    status = kernel(out.ptr);
  } catch (e) {
    out.dispose();
    throw e;
  }
  if (status !== 0) {
    out.dispose();
    checkStatus(where, status);
  }
  return out;
}
