// A promise per request to the nnwasm worker (worker.js). Tensors travel as
// { shape, data: Float32Array }; the input's buffer is copied, so the
// caller's array stays usable.
export function nnwasmWorker(url = new URL('./worker.js', import.meta.url)) {
  const worker = new Worker(url, { type: 'module' });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data: { id, result, error } }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(result);
  };
  worker.onerror = (e) => {
    const err = new Error(`nnwasm worker failed to start: ${e.message ?? 'see the console'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const send = (msg) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...msg, id });
  });
  return {
    // -> backend() as seen inside the worker, plus crossOriginIsolated
    init: (options = {}) => send({ type: 'init', options }),
    // call('avg_pool2d', { data, shape }, 2, { stride: 1 }) -> { shape, data }
    call: (fn, input, ...args) => send({ type: 'call', fn, input: { data: Float32Array.from(input.data), shape: input.shape }, args }),
    terminate: () => worker.terminate(),
  };
}
