// The demo's benchmark cases, run in the demo's worker (demo/worker.js):
// the same ops on the same shapes, timed with nnwasm and with TensorFlow.js's
// WASM backend (loaded on demand from node_modules, as served by
// `npm start`). Nothing here touches the DOM; demo/bench.js draws the chart.

const TFJS_DIR = new URL('../node_modules/@tensorflow/', import.meta.url);

// Each case: what nnwasm needs (gated like the demo panels), and a setup for
// each library returning { run(), dispose() }. Sizes keep one run in the
// milliseconds on a 2-core laptop.
export const CASES = [
  {
    id: 'global_average_pooling1d',
    title: 'GlobalAveragePooling1D [8, 1024, 256]',
    needs: ['keras.layers.GlobalAveragePooling1D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(8, 1024, 256);
      const layer = new keras.layers.GlobalAveragePooling1D();
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([8, 1024, 256]);
      return { run: () => tf.mean(x, 1).dispose(), dispose: () => x.dispose() };
    },
  },
  {
    id: 'average_pooling2d',
    title: 'AveragePooling2D 2×2 [1, 112, 112, 64]',
    needs: ['keras.layers.AveragePooling2D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(1, 112, 112, 64);
      const layer = new keras.layers.AveragePooling2D({ pool_size: 2 });
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([1, 112, 112, 64]);
      return { run: () => tf.avgPool(x, 2, 2, 'valid').dispose(), dispose: () => x.dispose() };
    },
  },
  {
    id: 'max_pooling2d',
    title: 'MaxPooling2D 3×3 stride 2 same [1, 112, 112, 64]',
    needs: ['keras.layers.MaxPooling2D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(1, 112, 112, 64);
      const layer = new keras.layers.MaxPooling2D({ pool_size: 3, strides: 2, padding: 'same' });
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([1, 112, 112, 64]);
      return { run: () => tf.maxPool(x, 3, 2, 'same').dispose(), dispose: () => x.dispose() };
    },
  },
  {
    id: 'conv2d',
    title: 'Conv2D 3×3, 32→32, same [1, 56, 56, 32]',
    needs: ['keras.layers.Conv2D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(1, 56, 56, 32);
      const layer = new keras.layers.Conv2D({ filters: 32, kernel_size: 3, padding: 'same', use_bias: false });
      layer.build(x.shape);
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([1, 56, 56, 32]);
      const w = tf.randomNormal([3, 3, 32, 32]);
      return { run: () => tf.conv2d(x, w, 1, 'same').dispose(), dispose: () => tf.dispose([x, w]) };
    },
  },
  {
    id: 'conv1d',
    title: 'Conv1D k5, 64→64, same [4, 1024, 64]',
    needs: ['keras.layers.Conv1D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(4, 1024, 64);
      const layer = new keras.layers.Conv1D({ filters: 64, kernel_size: 5, padding: 'same', use_bias: false });
      layer.build(x.shape);
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([4, 1024, 64]);
      const w = tf.randomNormal([5, 64, 64]);
      return { run: () => tf.conv1d(x, w, 1, 'same').dispose(), dispose: () => tf.dispose([x, w]) };
    },
  },
];

const nextTask = () => new Promise((r) => setTimeout(r, 0));

// Median milliseconds of one run, after warm-up; at most ~budget ms.
// Warm-up: browsers first run WebAssembly from a quick baseline compile and
// switch a function to optimised code only after it has run a while (for
// either library, often 50-150 calls), so a few runs would time the baseline.
export async function timeIt(run, budgetMs = 250, warmUpMs = 300) {
  const warmStart = performance.now();
  for (let i = 0; i < 200 && (i < 3 || performance.now() - warmStart < warmUpMs); i++) {
    run();
    if (i % 25 === 24) await nextTask();
  }
  const times = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < budgetMs && times.length < 50)) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  await nextTask();
  return times[times.length >> 1];
}

// A module worker has no importScripts; the UMD bundles define globalThis.tf
// when evaluated as classic scripts in the global scope (indirect eval).
async function loadScript(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url} (HTTP ${response.status})`);
  (0, eval)(await response.text());
}

let tfjsPromise = null;
let layersPromise = null;
export function loadTfjs(threads) {
  tfjsPromise ??= (async () => {
    await loadScript(new URL('tfjs-core/dist/tf-core.min.js', TFJS_DIR).href);
    await loadScript(new URL('tfjs-backend-wasm/dist/tf-backend-wasm.min.js', TFJS_DIR).href);
    const tf = globalThis.tf;
    tf.wasm.setWasmPaths(new URL('tfjs-backend-wasm/dist/', TFJS_DIR).href);
    tf.wasm.setThreadsCount?.(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    await tf.ready();
    return tf;
  })();
  return tfjsPromise;
}

// TensorFlow.js with its layers API (tf.loadLayersModel), on the same wasm
// backend: for the demo's trained model and the user's own.
export function loadTfjsLayers(threads) {
  layersPromise ??= (async () => {
    const tf = await loadTfjs(threads);
    await loadScript(new URL('tfjs-layers/dist/tf-layers.min.js', TFJS_DIR).href);
    if (typeof tf.loadLayersModel !== 'function') throw new Error('tfjs-layers did not load');
    return tf;
  })();
  return layersPromise;
}
