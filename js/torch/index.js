// The `torch` namespace: tensor creation, threads, nn and nn.functional.
import { fail, fmtValue, typeFail } from '../errors.js';
import { manualSeed, normal, uniform } from '../random.js';
import { backendInfo, heapF32, wasm } from '../runtime.js';
import { checkShape, flattenNested, Tensor } from '../tensor.js';
import * as functional from './functional/index.js';
import * as modules from './modules/index.js';
import { load_safetensors, save_safetensors } from './safetensors.js';
import { add, cat, div, flatten, maximum, minimum, mul, sub } from './functional/tensor_ops.js';

function shapeArgs(where, args) {
  const shape = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return checkShape(where, shape);
}

function filled(where, args, fill) {
  const t = Tensor.empty(shapeArgs(where, args), where);
  const heap = heapF32();  // taken after the allocation, which may grow the heap
  const p = t.ptr >>> 2;
  for (let i = 0, n = t.numel(); i < n; i++) heap[p + i] = fill(i);
  return t;
}

function tensor(values, shape) {
  const where = 'tensor';
  if (values instanceof Tensor) return values.clone();
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const f = values instanceof Float32Array ? values : Float32Array.from(values, Number);
    return Tensor.fromFloat32(f, shape === undefined ? [f.length] : checkShape(where, shape), where);
  }
  if (Array.isArray(values)) {
    if (shape !== undefined) {
      const flat = values.flat(Infinity);
      for (const v of flat) if (typeof v !== 'number' && typeof v !== 'boolean') typeFail(where, `values must be numbers, got ${fmtValue(v)}`);
      return Tensor.fromFloat32(Float32Array.from(flat, Number), checkShape(where, shape), where);
    }
    const [flat, inferred] = flattenNested(values, where);
    return Tensor.fromFloat32(flat, inferred, where);
  }
  if (typeof values === 'number') return Tensor.fromFloat32(new Float32Array([values]), [], where);
  return typeFail(where, `values must be a nested array, a Float32Array or a number, got ${fmtValue(values)}`);
}

let warnedThreads = false;

// Clamps to the threads the loaded build started; says so once, as
// onnxruntime-web warns when threads are asked for without isolation.
function set_num_threads(n) {
  if (!Number.isInteger(n) || n < 1) fail('set_num_threads', `n must be an integer >= 1, got ${fmtValue(n)}`);
  const running = wasm().setNumThreads(n);
  if (running < n && !warnedThreads) {
    warnedThreads = true;
    const { build, reason } = backendInfo();
    const loaded = build === 'simd-threads'
      ? `the loaded build '${build}' started ${running} thread${running === 1 ? '' : 's'} at init() (${reason})`
      : `the loaded build '${build}' has no threads (${reason})`;
    console.warn(`torch.set_num_threads(${n}): ${loaded}; running on ${running} thread${running === 1 ? '' : 's'}`);
  }
}

function get_num_threads() {
  return wasm().numThreads();
}

export const torch = {
  Tensor,
  load_safetensors,
  save_safetensors,
  float32: 'float32',
  tensor,
  zeros: (...shape) => filled('zeros', shape, () => 0),
  ones: (...shape) => filled('ones', shape, () => 1),
  rand: (...shape) => filled('rand', shape, uniform),
  randn: (...shape) => filled('randn', shape, normal),
  arange: (n) => {
    if (!Number.isInteger(n) || n < 0) fail('arange', `end must be a non-negative integer, got ${fmtValue(n)}`);
    return filled('arange', [n], (i) => i);
  },
  cat,
  concat: cat,
  concatenate: cat,
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  flatten,
  manual_seed: manualSeed,
  set_num_threads,
  get_num_threads,
  nn: { functional, ...modules },
};
