// tfjs-backend-wasm 4.x never enables its threaded build in Node
// (WASM_HAS_MULTITHREAD_SUPPORT returns false when IS_NODE, tfjs issue #3830).
// Forcing the flag is not enough: the backend hands its pthread worker script
// and main script to Emscripten as Blob URLs, and Node's Worker and the
// worker's importScripts (fs.readFileSync) cannot open "blob:" URLs.
// This shim writes those two scripts to files and hands out the paths instead,
// so the unmodified threaded-SIMD build of tfjs runs with real worker_threads.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';

const MAIN_SCRIPT_MARK = 'var WasmBackendModuleThreadedSimd';

/**
 * Call before tf.setBackend('wasm'); call the returned function after
 * tf.ready() to put back os.cpus() and Blob. (createObjectURL stays patched:
 * it only answers differently for Blobs recorded during start-up, e.g. if
 * tfjs ever needs a worker beyond its 8 preallocated ones.)
 * @param {number} threads what setThreadsCount will ask for
 */
export function enableTfjsWasmThreadsInNode(tf, scratchDir, threads) {
  fs.mkdirSync(scratchDir, { recursive: true });
  const NodeBlob = globalThis.Blob;
  const blobText = new WeakMap();
  let mainScriptPath = null;

  // Remember the text of every Blob built from strings (Blob contents can
  // only be read asynchronously, but createObjectURL must answer at once).
  globalThis.Blob = class TextRememberingBlob extends NodeBlob {
    constructor(parts = [], options) {
      super(parts, options);
      if (parts.every((p) => typeof p === 'string')) {
        const text = parts.join('');
        blobText.set(this, text);
        if (text.startsWith(MAIN_SCRIPT_MARK)) {
          mainScriptPath = path.join(scratchDir, 'tfjs-main-script.cjs');
          fs.writeFileSync(mainScriptPath, text);
        }
      }
    }
  };

  const nodeCreateObjectURL = URL.createObjectURL;
  URL.createObjectURL = (blob) => {
    const text = blobText.get(blob);
    if (text === undefined) return nodeCreateObjectURL(blob);
    // The worker receives the main script as a Blob too; inside the worker,
    // make createObjectURL answer with the file we wrote.
    const prelude = `URL.createObjectURL = () => ${JSON.stringify(mainScriptPath)};` +
      'URL.revokeObjectURL = () => {};\n' + bundlerRequireGlobals();
    const workerPath = path.join(scratchDir, 'tfjs-pthread-worker.cjs');
    fs.writeFileSync(workerPath, prelude + text);
    return workerPath;
  };

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);

  // tfjs caps its pool at emscripten_num_logical_cores()/2 (it assumes two
  // hyper-threads per core), i.e. 1 thread on a 2-core machine, in a browser
  // too. Report 2x the cores while the module starts so the cap allows
  // `threads`; the count tfjs really uses is read back with getThreadsCount().
  const realCpus = os.cpus;
  const cpus = realCpus();
  if (cpus.length < 2 * threads) {
    os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  }
  return () => {
    os.cpus = realCpus;
    globalThis.Blob = NodeBlob;
  };
}

// The factory source that tfjs posts to the worker was bundled by rollup, which
// renamed its require('fs') etc. to module-level `require$$N` variables and
// `global` to `commonjsGlobal`. They do not exist in the worker, so declare
// them there, the requires from the bundle's own list.
function bundlerRequireGlobals() {
  const require = createRequire(import.meta.url);
  const bundle = fs.readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm'), 'utf8');
  const lines = ['globalThis.commonjsGlobal = globalThis;'];
  for (const m of bundle.matchAll(/^var (require\$\$\d+) = require\('([\w:/-]+)'\);$/gm)) {
    lines.push(`globalThis[${JSON.stringify(m[1])}] = require(${JSON.stringify(m[2])});`);
  }
  return lines.join('\n') + '\n';
}
