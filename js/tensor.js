// Tensor: a float32, dense, row-major array that lives in the WebAssembly
// heap, so a chain of ops never copies between JS and WASM. Reshaped tensors
// share their storage; the storage is freed when the last tensor using it is
// disposed or garbage collected.
import { fail, fmtShape, fmtValue, typeFail } from './errors.js';
import { heapF32, wasm } from './runtime.js';

class Storage {
  constructor(ptr, numel) {
    this.ptr = ptr;
    this.numel = numel;
    this.refs = 1;
  }

  release() {
    if (--this.refs === 0 && this.ptr !== 0) {
      wasm().tensorFree(this.ptr);
      this.ptr = 0;
      liveStorages--;
    }
  }
}

// Tensors the program drops without dispose() are freed by the collector.
const registry = new FinalizationRegistry((storage) => storage.release());

// Registering costs a cell V8 keeps in its old space until a full
// collection, so a tensor made and disposed in one go (most op outputs) is
// never registered: new tensors wait here, and are registered at the end of
// the current job only if still alive. Finalizers cannot run before then
// anyway. Disposing the newest waiting tensor pops it, so the list stays
// short in the usual make-use-dispose order.
const waiting = [];
let flushQueued = false;
let flushWaiting = null;  // set by Tensor's static block (it reads private fields)

let liveStorages = 0;

// One tensor may take as much of the 4 GiB heap as is free
// (bindings/runtime.cc grows it past dlmalloc's 2 GiB-per-request limit).
function allocStorage(numel, where) {
  const ptr = wasm().tensorAlloc(numel * 4) >>> 0;
  if (ptr === 0) {
    fail(where, `cannot allocate ${numel} float32 values (${(numel * 4 / 2 ** 20).toFixed(1)} MiB): ` +
      'the WebAssembly heap is limited to 4 GiB');
  }
  liveStorages++;
  return new Storage(ptr, numel);
}

export function checkShape(where, shape) {
  if (!Array.isArray(shape)) typeFail(where, `shape must be an array of non-negative integers, got ${fmtValue(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      fail(where, `shape must be an array of non-negative integers, got ${fmtValue(shape)}`);
    }
  }
  return shape;
}

function product(shape) {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// Largest tensor the 32-bit heap could hold.
const MAX_NUMEL = 2 ** 30;

// The values a plan's output shape holds, refused as Tensor.empty refuses
// it: plans check this before packing sizes into 32-bit words.
export function plannedNumel(where, shape, numel = product(shape)) {
  if (numel > MAX_NUMEL) {
    fail(where, `cannot allocate a tensor of shape ${fmtShape(shape)} (${numel} values): ` +
      'the WebAssembly heap is limited to 4 GiB');
  }
  return numel;
}

export class Tensor {
  #storage;
  #shape;
  #numel;
  #derived = null;
  #waitingAt = -1;  // index in `waiting`, or -1 once registered

  // Internal: use torch.tensor / zeros / ... or Tensor.empty.
  constructor(storage, shape, numel = product(shape)) {
    this.#storage = storage;
    this.#shape = shape;
    this.#numel = numel;
    this.#waitingAt = waiting.length;
    waiting.push(this);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flushWaiting);
    }
  }

  static {
    flushWaiting = () => {
      flushQueued = false;
      for (let i = 0; i < waiting.length; i++) {
        const t = waiting[i];
        if (t === null) continue;
        t.#waitingAt = -1;
        if (t.#storage !== null) registry.register(t, t.#storage, t);
      }
      waiting.length = 0;
    };
  }

  // An op's output: `shape` is the plan's own array (checked, never changed
  // by a Tensor), shared rather than copied, and `numel` its product.
  static planned(shape, numel, where) {
    return new Tensor(allocStorage(plannedNumel(where, shape, numel), where), shape, numel);
  }

  // The shape array itself, for js/ops plans (which must not change it).
  static shapeOf(t) {
    return t.#shape;
  }

  // An uninitialised tensor of the given shape, in the heap.
  static empty(shape, where = 'Tensor') {
    const numel = product(checkShape(where, shape));
    if (numel > MAX_NUMEL) {
      fail(where, `cannot allocate a tensor of shape ${fmtShape(shape)} (${numel} values): ` +
        'the WebAssembly heap is limited to 4 GiB');
    }
    return new Tensor(allocStorage(numel, where), shape.slice());
  }

  static fromFloat32(values, shape, where = 'tensor') {
    // Checked before allocating: a wrong shape must not grow the heap first.
    if (values.length !== product(checkShape(where, shape))) {
      fail(where, `got ${values.length} values for shape ${fmtShape(shape)}, which holds ${product(shape)}`);
    }
    const t = Tensor.empty(shape, where);
    heapF32().set(values, t.ptr >>> 2);
    return t;
  }

  #alive(where) {
    if (this.#storage === null) {
      fail(where, 'this tensor was disposed; it cannot be used any more');
    }
    return this.#storage;
  }

  get isDisposed() {
    return this.#storage === null;
  }

  // Byte offset of the first value in the WebAssembly heap.
  get ptr() {
    return this.#alive('Tensor.ptr').ptr;
  }

  get shape() {
    this.#alive('Tensor.shape');
    return this.#shape.slice();
  }

  get ndim() {
    this.#alive('Tensor.ndim');
    return this.#shape.length;
  }

  get dtype() {
    return 'float32';
  }

  numel() {
    this.#alive('Tensor.numel');
    return this.#numel;
  }

  size(dim) {
    this.#alive('Tensor.size');
    if (dim === undefined) return this.#shape.slice();
    const n = this.#shape.length;
    if (!Number.isInteger(dim) || dim < -n || dim >= n) {
      fail('Tensor.size', `dim must be an integer in [${-n}, ${n - 1}], got ${fmtValue(dim)}`);
    }
    return this.#shape[dim < 0 ? dim + n : dim];
  }

  // The values, row-major, as the caller's own Float32Array.
  get data() {
    return this.#values('Tensor.data');
  }

  #values(where) {
    const p = this.#alive(where).ptr >>> 2;
    return heapF32().slice(p, p + this.#numel);
  }

  dataSync() {
    return this.#values('Tensor.dataSync');
  }

  tolist() {
    const flat = this.#values('Tensor.tolist');
    const shape = this.#shape;
    if (shape.length === 0) return flat[0];
    let pos = 0;
    const build = (d) => {
      const out = new Array(shape[d]);
      for (let i = 0; i < shape[d]; i++) out[i] = d === shape.length - 1 ? flat[pos++] : build(d + 1);
      return out;
    };
    return build(0);
  }

  // A tensor of a new shape over the same values (no copy). One -1 is
  // inferred, as in PyTorch.
  reshape(...args) {
    const storage = this.#alive('Tensor.reshape');
    const shape = args.length === 1 && Array.isArray(args[0]) ? args[0].slice() : args;
    let infer = -1;
    let known = 1;
    shape.forEach((d, i) => {
      if (d === -1 && infer === -1) infer = i;
      else if (!Number.isInteger(d) || d < 0) {
        fail('Tensor.reshape', `shape must be non-negative integers with at most one -1, got ${fmtShape(shape)}`);
      } else known *= d;
    });
    if (infer >= 0) {
      if (known === 0 || this.#numel % known !== 0) {
        fail('Tensor.reshape', `shape ${fmtShape(shape)} is invalid for input of size ${this.#numel}`);
      }
      shape[infer] = this.#numel / known;
    }
    if (product(shape) !== this.#numel) {
      fail('Tensor.reshape', `shape ${fmtShape(shape)} is invalid for input of size ${this.#numel}`);
    }
    storage.refs++;
    return new Tensor(storage, shape);
  }

  view(...args) {
    this.#alive('Tensor.view');
    return this.reshape(...args);
  }

  // A new tensor with the dimensions reordered (values copied, row-major).
  permute(...args) {
    this.#alive('Tensor.permute');
    const dims = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    const n = this.#shape.length;
    const norm = dims.map((d) => (Number.isInteger(d) && d < 0 ? d + n : d));
    const seen = new Set(norm);
    if (dims.length !== n || seen.size !== n || norm.some((d) => !Number.isInteger(d) || d < 0 || d >= n)) {
      fail('Tensor.permute', `dims must be a permutation of [0..${n - 1}] for shape ${fmtShape(this.#shape)}, got ${fmtValue(dims)}`);
    }
    const shape = norm.map((d) => this.#shape[d]);
    const inStrides = new Array(n);
    for (let i = n - 1, s = 1; i >= 0; i--) {
      inStrides[i] = s;
      s *= this.#shape[i];
    }
    const strides = norm.map((d) => inStrides[d]);
    const out = Tensor.empty(shape, 'Tensor.permute');
    const heap = heapF32();
    const src = this.#storage.ptr >>> 2;
    const dst = out.ptr >>> 2;
    const idx = new Array(n).fill(0);
    for (let k = 0, off = 0; k < this.#numel; k++) {
      heap[dst + k] = heap[src + off];
      for (let d = n - 1; d >= 0; d--) {
        idx[d]++;
        off += strides[d];
        if (idx[d] < shape[d]) break;
        off -= strides[d] * shape[d];
        idx[d] = 0;
      }
    }
    return out;
  }

  clone() {
    const storage = this.#alive('Tensor.clone');
    const out = Tensor.empty(this.#shape, 'Tensor.clone');
    wasm().tensorCopy(out.ptr, storage.ptr, this.#numel * 4);
    return out;
  }

  // A value derived from this tensor's contents (e.g. convolution weights
  // packed for a kernel), made by make() on first use and disposed with the
  // tensor. No op changes a tensor in place, so it never goes stale.
  derived(key, make) {
    this.#alive('Tensor.derived');
    this.#derived ??= new Map();
    let value = this.#derived.get(key);
    if (value === undefined) {
      value = make();
      this.#derived.set(key, value);
    }
    return value;
  }

  // Frees the memory now. Later use of this tensor throws; a second
  // dispose() does nothing.
  dispose() {
    if (this.#storage === null) return;
    if (this.#derived !== null) {
      for (const value of this.#derived.values()) value?.dispose?.();
      this.#derived = null;
    }
    if (this.#waitingAt < 0) {
      registry.unregister(this);
    } else {
      waiting[this.#waitingAt] = null;
      this.#waitingAt = -1;
      while (waiting.length > 0 && waiting[waiting.length - 1] === null) waiting.pop();
    }
    this.#storage.release();
    this.#storage = null;
  }

  toString() {
    if (this.#storage === null) return 'Tensor(disposed)';
    return `Tensor(shape=${fmtShape(this.#shape)}, dtype=float32)`;
  }
}

// Storages allocated and not yet freed: the leak tests watch it.
export function liveTensorStorages() {
  return liveStorages;
}

// Nested arrays -> [Float32Array, shape].
export function flattenNested(values, where) {
  const shape = [];
  for (let v = values; Array.isArray(v); v = v[0]) shape.push(v.length);
  const out = new Float32Array(product(shape));
  let pos = 0;
  const walk = (v, d) => {
    if (d === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        typeFail(where, `values must be numbers (or booleans) in nested arrays, got ${fmtValue(v)}`);
      }
      out[pos++] = Number(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      fail(where, `nested arrays must be rectangular: expected length ${shape[d]} at depth ${d}, got ${Array.isArray(v) ? v.length : fmtValue(v)}`);
    }
    for (const x of v) walk(x, d + 1);
  };
  walk(values, 0);
  return [out, shape];
}

// Ops accept a Tensor or a nested number array wherever they take a tensor.
// Returns [tensor, owned]: owned tensors are temporaries the op disposes.
export function asTensor(x, where, name = 'input') {
  if (x instanceof Tensor) {
    if (x.isDisposed) fail(where, `${name} was disposed; it cannot be used any more`);
    return [x, false];
  }
  if (Array.isArray(x)) {
    const [values, shape] = flattenNested(x, where);
    return [Tensor.fromFloat32(values, shape, where), true];
  }
  return typeFail(where, `${name} must be a Tensor or a nested array of numbers, got ${fmtValue(x)}`);
}
