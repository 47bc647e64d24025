// nnwasm: fast pooling and convolution for JavaScript on WebAssembly SIMD.
//   import { init, torch, keras, Tensor, backend } from 'nnwasm';
import { load } from './loader.js';
import { backendInfo, heapBytes, wasm } from './runtime.js';
import { liveTensorStorages, Tensor } from './tensor.js';
import { torch } from './torch/index.js';
import { keras } from './keras/index.js';

let loading = null;

// Loads the WebAssembly module once; later calls return the same promise.
// A failed load may be retried.
export function init(options = {}) {
  if (loading === null) {
    loading = load(options).then(() => backend(), (e) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}

// Which build loaded, why, and how it runs now.
export function backend() {
  const info = backendInfo();
  return {
    ...info,
    threads: wasm().numThreads(),
    memory: { heapBytes: heapBytes(), tensors: liveTensorStorages() },
  };
}

export { torch, keras, Tensor };
export default { init, backend, torch, keras, Tensor };
