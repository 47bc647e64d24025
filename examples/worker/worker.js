// nnwasm in a module Web Worker: the same package, with its thread pool
// inside this worker, so the page's main thread never waits on a lock
// (browsers warn "Blocking on the main thread is very dangerous" when a
// threaded WebAssembly build runs there). Started by main.js with
//   new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
//
// In an app, import from 'nnwasm' (a bundler resolves it; a plain page's
// import map does not reach workers, so without a bundler use the path to
// node_modules/nnwasm/js/index.js).
import { backend, init, torch } from '../../js/index.js';

// Messages in:  { id, type: 'init', options }
//               { id, type: 'call', fn, input: { data, shape }, args }
//   fn names a torch.nn.functional function; args are the arguments after
//   the input (numbers, arrays, an options object), as on the main thread.
// Messages out: { id, result } or { id, error }; tensors come back as
//   { shape, data } with data's buffer transferred, not copied.
const ready = { promise: null };

async function handle(msg) {
  if (msg.type === 'init') {
    ready.promise ??= init(msg.options ?? {});
    await ready.promise;
    return { ...backend(), crossOriginIsolated: globalThis.crossOriginIsolated === true };
  }
  if (msg.type === 'call') {
    if (!ready.promise) throw new Error('worker: send { type: "init" } first');
    await ready.promise;
    const fn = torch.nn.functional[msg.fn];
    if (typeof fn !== 'function') throw new Error(`worker: torch.nn.functional has no function ${JSON.stringify(msg.fn)}`);
    const x = torch.tensor(msg.input.data, msg.input.shape);
    try {
      const y = fn(x, ...(msg.args ?? []));
      const outputs = Array.isArray(y) ? y : [y];   // return_indices gives [output, indices]
      const result = outputs.map((t) => ({ shape: t.shape, data: t.data }));
      for (const t of outputs) t.dispose();
      return Array.isArray(y) ? result : result[0];
    } finally {
      x.dispose();
    }
  }
  throw new Error(`worker: unknown message type ${JSON.stringify(msg.type)}`);
}

const transferables = (r) => (Array.isArray(r) ? r : [r]).filter((t) => t?.data instanceof Float32Array).map((t) => t.data.buffer);

self.onmessage = async ({ data: msg }) => {
  try {
    const result = await handle(msg);
    self.postMessage({ id: msg.id, result }, transferables(result));
  } catch (e) {
    self.postMessage({ id: msg.id, error: e?.message ?? String(e) });
  }
};
