// nnwasm: fast pooling and convolution for JavaScript on WebAssembly SIMD.
//   import { init, torch, keras, Tensor, backend, setWinograd } from 'nnwasm';
import { load, secondInitMismatch } from './loader.js';
import { backendInfo, heapBytes, wasm } from './runtime.js';
import { setWinograd, winogradEnabled } from './ops/conv.js';
import { liveTensorStorages, Tensor } from './tensor.js';
import { torch } from './torch/index.js';
import { keras } from './keras/index.js';

let loading = null;  // the first init()'s promise of backend()
let loaded = null;   // { options, choice } of the build loaded

// Loads the WebAssembly module once; later calls resolve to the same backend.
// A later call whose options ask for another build rejects instead of
// silently returning the first one. A failed load may be retried.
export function init(options = {}) {
  if (loading === null) {
    loading = load(options).then(({ choice }) => {
      loaded = { options, choice };
      return backend();
    }, (e) => {
      loading = null;
      throw e;
    });
    return loading;
  }
  if (options !== null && typeof options === 'object' && Object.keys(options).length === 0) return loading;
  return loading.then(async (info) => {
    const mismatch = await secondInitMismatch(options, loaded);
    if (mismatch) throw mismatch;
    return info;
  });
}

// Which build loaded, why, and how it runs now.
export function backend() {
  const info = backendInfo();
  return {
    ...info,
    threads: wasm().numThreads(),
    winograd: winogradEnabled(),
    memory: { heapBytes: heapBytes(), tensors: liveTensorStorages() },
  };
}

// setWinograd(enabled): whether 3x3 stride-1 convolutions may
// run the Winograd kernel (default true; js/ops/conv.js decides per layer).
export { torch, keras, Tensor, setWinograd };
export default { init, backend, torch, keras, Tensor, setWinograd };
