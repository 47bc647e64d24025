// The loaded WebAssembly module and views of its heap. Everything that
// touches the module goes through here, so "call init() first" is one check.

let mod = null;
let memory = null;
let f32 = new Float32Array(0);
let u32 = new Uint32Array(0);
let info = null;

export function attach(module, wasmMemory, backendInfo) {
  mod = module;
  memory = wasmMemory;
  info = backendInfo;
}

export function wasm() {
  if (mod === null) {
    throw new Error('nnwasm: the WebAssembly module is not loaded yet; `await init()` before calling ops or creating tensors');
  }
  return mod;
}

export function isLoaded() {
  return mod !== null;
}

// The heap can grow during any allocation, which replaces memory.buffer;
// a view made before would read a stale (or detached) buffer. Re-made here.
export function heapF32() {
  const buf = memory.buffer;
  if (f32.buffer !== buf) f32 = new Float32Array(buf);
  return f32;
}

export function heapU32() {
  const buf = memory.buffer;
  if (u32.buffer !== buf) u32 = new Uint32Array(buf);
  return u32;
}

export function heapBytes() {
  return memory.buffer.byteLength;
}

export function backendInfo() {
  wasm();
  return info;
}

const OUT_OF_MEMORY = 5;  // nnwasm::Status::kOutOfMemory (cpp/src/runtime/status.h)

// Turns a kernel's status code into an Error naming the op (and, when the
// kernel could not allocate its scratch memory, the bytes it asked for).
export function checkStatus(where, status) {
  if (status === 0) return;
  if (status === OUT_OF_MEMORY) {
    throw new Error(`${where}: cannot allocate ${mod.failedAllocationBytes()} bytes of scratch memory in the WebAssembly heap`);
  }
  throw new Error(`${where}: kernel refused the call (${mod.statusText(status)})`);
}
