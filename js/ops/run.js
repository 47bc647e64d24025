// What every op does around its kernel call: take a Tensor or nested array,
// allocate the output in the heap, call the kernel, and on any failure free
// what the call allocated so an error leaks nothing.
import { fail, fmtShape } from '../errors.js';
import { checkStatus } from '../runtime.js';
import { asTensor, plannedNumel, Tensor } from '../tensor.js';

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

// `input` when it is a live Tensor (the common case, taken without
// allocating), else null: the caller goes through withTensor.
export function liveTensor(input) {
  return input instanceof Tensor && !input.isDisposed ? input : null;
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

// Runs a plan's kernel entry: plan.entry (js/ops/abi.js), its packed block
// plan.words with the other buffers already written, plan.inputAt /
// plan.outputAt the words of the input and output addresses. Allocates the
// output of plan.outShape (plan.outNumel values) -> the output.
export function runPlanned(where, plan, inputPtr) {
  const out = Tensor.planned(plan.outShape, plan.outNumel, where);
  let status;
  try {
    const words = plan.words;
    words[plan.inputAt] = inputPtr;
    words[plan.outputAt] = out.ptr;
    status = plan.entry.run(words);
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

// A plan's output size, refused (as Tensor.empty would) before its sizes
// are packed into 32-bit words.
export function outputNumel(where, shape) {
  const numel = plannedNumel(where, shape);
  // An empty output may still have a size no word holds: refused alike.
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] > 0xffffffff) fail(where, `the output shape ${fmtShape(shape)} has a dimension larger than 2^32 - 1`);
  }
  return numel;
}
