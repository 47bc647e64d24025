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

// Runs body(tensors) with each of `inputs` (an array) as a Tensor, named
// `${name}[i]` in errors; the temporaries made from nested arrays are
// disposed afterwards.
export function withTensorList(where, inputs, name, body) {
  const owned = [];
  try {
    const ts = inputs.map((x, i) => {
      const [t, own] = asTensor(x, where, `${name}[${i}]`);
      if (own) owned.push(t);
      return t;
    });
    return body(ts);
  } finally {
    for (const t of owned) t.dispose();
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
  return runChecked(where, out, kernel, undefined, out.ptr);
}

// fn.call(self, arg) -> status, writing into the allocated `out`: out, or
// on a throw or a failing status out freed and the error raised. (fn and
// self apart so the per-call path allocates no closure.)
function runChecked(where, out, fn, self, arg) {
  let status;
  try {
    status = fn.call(self, arg);
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
  const words = plan.words;
  words[plan.inputAt] = inputPtr;
  words[plan.outputAt] = out.ptr;
  return runChecked(where, out, plan.entry.run, plan.entry, words);
}

// runPlanned for a pooling plan with an indices word (plan.indicesAt, 0
// when the kernel has none): with returnIndices -> [output, indices], the
// indices a new tensor of the output's shape; else the output alone.
export function runPlannedWithIndices(where, plan, inputPtr, returnIndices) {
  if (!returnIndices || plan.indicesAt === 0) {
    if (plan.indicesAt !== 0) plan.words[plan.indicesAt] = 0;
    return runPlanned(where, plan, inputPtr);
  }
  const indices = Tensor.planned(plan.outShape, plan.outNumel, where);
  try {
    plan.words[plan.indicesAt] = indices.ptr;
    return [runPlanned(where, plan, inputPtr), indices];
  } catch (e) {
    indices.dispose();
    throw e;
  }
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
