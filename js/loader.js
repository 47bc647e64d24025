// Chooses the WebAssembly build the runtime supports and loads it, in Node
// (bytes read with fs: Emscripten 3.1.6's loader cannot fetch a file path)
// and in browsers (URLs made with `new URL(..., import.meta.url)` so bundlers
// copy the files and rewrite the addresses).
import { attach } from './runtime.js';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' &&
  typeof window === 'undefined';

// A tiny module using one SIMD128 instruction; validates only where SIMD is
// supported (missing, e.g., in Safari before 16.4).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0,
  65, 0, 253, 15, 11]);

export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function sharedMemoryReason() {
  if (typeof SharedArrayBuffer !== 'function') {
    return isNode ? 'SharedArrayBuffer is not available in this runtime'
      : 'this page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp), so SharedArrayBuffer is not available';
  }
  if (!isNode && globalThis.crossOriginIsolated !== true) {
    return 'this page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp)';
  }
  return null;
}

async function hardwareThreads() {
  if (isNode) {
    const os = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_OS);
    return os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  }
  return globalThis.navigator?.hardwareConcurrency || 1;
}

const NODE_OS = 'node:os';
const NODE_MODULE = 'node:module';
const MAX_AUTO_THREADS = 8;

// The options init() reads; any other name is refused, not ignored.
const INIT_OPTIONS = ['threads', 'simd', 'wasmDir', 'wasmBinary'];

export function checkInitOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`init: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!INIT_OPTIONS.includes(key)) {
      throw new TypeError(`init: unknown option ${JSON.stringify(key)} (the options are ${INIT_OPTIONS.join(', ')})`);
    }
  }
  if (options.simd !== undefined && typeof options.simd !== 'boolean') {
    throw new TypeError(`init: simd must be true or false (or left unset to detect), got ${JSON.stringify(options.simd)}`);
  }
}

// -> { build, threads, reason }
export async function chooseBuild(options) {
  const threadsOpt = options.threads ?? 'auto';
  if (threadsOpt !== 'auto' && !(Number.isInteger(threadsOpt) && threadsOpt >= 1)) {
    throw new TypeError(`init: threads must be 'auto' or an integer >= 1, got ${JSON.stringify(threadsOpt)}`);
  }
  const simd = simdSupported();
  if (options.simd === true && !simd) {
    throw new Error('init: simd: true was asked for, but this runtime does not support WebAssembly SIMD ' +
      '(Safari before 16.4, or an old engine); leave simd unset to use the baseline build');
  }
  if (options.simd === false || !simd) {
    const why = options.simd === false ? 'simd: false was asked for' : 'this runtime does not support WebAssembly SIMD';
    return { build: 'baseline', threads: 1, reason: `${why}; the baseline build has no threads` };
  }
  const wanted = threadsOpt === 'auto' ? Math.min(await hardwareThreads(), MAX_AUTO_THREADS) : threadsOpt;
  if (wanted <= 1) {
    return { build: 'simd', threads: 1, reason: threadsOpt === 'auto' ? 'one hardware thread' : 'threads: 1 was asked for' };
  }
  const noShared = sharedMemoryReason();
  if (noShared) return { build: 'simd', threads: 1, reason: `${noShared}; running on one thread` };
  return { build: 'simd-threads', threads: wanted, reason: `SharedArrayBuffer available, ${wanted} threads` };
}

function checkWasmBytes(bytes, where) {
  const b = new Uint8Array(bytes.buffer ?? bytes, bytes.byteOffset ?? 0, Math.min(4, bytes.byteLength));
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) {
    const head = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`init: ${where} is not a WebAssembly file (expected magic bytes 00 61 73 6d, got ${head || 'nothing'}); ` +
      'if a server or bundler answered with HTML, point init({ wasmDir }) at the folder holding the nnwasm .wasm files');
  }
}

async function loadNode(build, threads, options) {
  const { createRequire } = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_MODULE);
  const require = createRequire(import.meta.url);
  const fs = require('node:fs');
  const path = require('node:path');
  const { fileURLToPath } = require('node:url');
  const dir = options.wasmDir !== undefined
    ? (String(options.wasmDir).startsWith('file:') ? fileURLToPath(options.wasmDir) : path.resolve(String(options.wasmDir)))
    : fileURLToPath(new URL(/* @vite-ignore */ '../dist/', import.meta.url));
  const gluePath = path.join(dir, `nnwasm-${build}.cjs`);
  const wasmPath = path.join(dir, `nnwasm-${build}.wasm`);
  let wasmBinary = options.wasmBinary;
  if (wasmBinary === undefined) {
    try {
      wasmBinary = fs.readFileSync(wasmPath);
    } catch (e) {
      throw new Error(`init: cannot read ${wasmPath} (${e.code ?? e.message}); run \`npm run build\` in a source checkout, or pass init({ wasmDir })`);
    }
  }
  checkWasmBytes(wasmBinary, wasmPath);
  const factory = require(gluePath);
  const module = await factory({
    wasmBinary,
    nnWorkers: threads - 1,
    mainScriptUrlOrBlob: gluePath,
    locateFile: (file) => path.join(dir, file.endsWith('.worker.js') ? `nnwasm-${build}.node-worker.cjs` : file),
  });
  return module;
}

// Literal specifiers, so bundlers see and copy each build's files. Only the
// threaded build needs its glue's URL (its workers import the glue).
const WEB_BUILDS = {
  'simd-threads': {
    glue: () => import('../dist/nnwasm-simd-threads.mjs'),
    glueUrl: () => new URL('../dist/nnwasm-simd-threads.mjs', import.meta.url),
    wasmUrl: () => new URL('../dist/nnwasm-simd-threads.wasm', import.meta.url),
    workerUrl: () => new URL('../dist/nnwasm-simd-threads.worker.js', import.meta.url),
  },
  simd: {
    glue: () => import('../dist/nnwasm-simd.mjs'),
    wasmUrl: () => new URL('../dist/nnwasm-simd.wasm', import.meta.url),
  },
  baseline: {
    glue: () => import('../dist/nnwasm-baseline.mjs'),
    wasmUrl: () => new URL('../dist/nnwasm-baseline.wasm', import.meta.url),
  },
};

// Bundlers inline small assets as data: URLs (Vite does so with the 2 KB
// worker script), but a data: worker has an opaque origin and cannot share
// the heap; a blob: URL made here keeps the page's origin.
async function sameOriginScriptUrl(url) {
  if (!url.startsWith('data:')) return url;
  const blob = await (await fetch(url)).blob();
  return URL.createObjectURL(new Blob([blob], { type: 'text/javascript' }));
}

// Vite's dev server pre-bundles dependencies into node_modules/.vite/deps/,
// where '../dist/' does not exist; it still serves the package's own files.
function viteDevDist() {
  const m = /^(.*\/node_modules\/)\.vite\/deps[^/]*\//.exec(import.meta.url);
  return m ? new URL(`${m[1]}nnwasm/dist/`) : null;
}

// Vite's dev server rewrites the (classic) worker script it serves into
// something only a module can run; `?raw` gives the file's text untouched.
// webpackIgnore: webpack would otherwise bundle every file of js/ with ?raw
// (and fail on index.d.ts); the import only runs under Vite's dev server.
async function viteDevWorkerUrl(url) {
  const { default: text } = await import(/* @vite-ignore */ /* webpackIgnore: true */ `${url}?raw`);
  return URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
}

async function loadBrowser(build, threads, options) {
  const files = WEB_BUILDS[build];
  const viteDev = options.wasmDir === undefined ? viteDevDist() : null;
  const base = options.wasmDir !== undefined ? new URL(String(options.wasmDir).replace(/\/?$/, '/'), globalThis.location?.href)
    : viteDev;
  const at = (name, fallback) => (base ? new URL(name, base) : fallback());
  const wasmUrl = at(`nnwasm-${build}.wasm`, files.wasmUrl);
  let wasmBinary = options.wasmBinary;
  if (wasmBinary === undefined) {
    let response;
    try {
      response = await fetch(wasmUrl);
    } catch (e) {
      throw new Error(`init: could not fetch ${wasmUrl} (${e.message}); pass init({ wasmDir }) with the folder holding the nnwasm .wasm files`);
    }
    if (!response.ok) {
      throw new Error(`init: fetching ${wasmUrl} failed with HTTP ${response.status}; pass init({ wasmDir }) with the folder holding the nnwasm .wasm files`);
    }
    wasmBinary = new Uint8Array(await response.arrayBuffer());
  }
  checkWasmBytes(wasmBinary, String(wasmUrl));
  const glueUrl = base ? new URL(`nnwasm-${build}.mjs`, base) : null;
  const factory = (base ? await import(/* @vite-ignore */ /* webpackIgnore: true */ String(glueUrl)) : await files.glue()).default;
  const moduleArgs = { wasmBinary, nnWorkers: threads - 1 };
  if (files.workerUrl) {
    const mainUrl = glueUrl ?? files.glueUrl();
    const workerUrl = viteDev ? await viteDevWorkerUrl(new URL(`nnwasm-${build}.worker.js`, viteDev))
      : await sameOriginScriptUrl(String(at(`nnwasm-${build}.worker.js`, files.workerUrl)));
    moduleArgs.mainScriptUrlOrBlob = String(mainUrl);
    moduleArgs.locateFile = (file) => (file.endsWith('.worker.js') ? workerUrl : String(new URL(file, mainUrl)));
  }
  return factory(moduleArgs);
}

function findMemory(module) {
  if (module.wasmMemory instanceof WebAssembly.Memory) return module.wasmMemory;
  const mem = Object.values(module.asm ?? {}).find((v) => v instanceof WebAssembly.Memory);
  if (!mem) throw new Error('init: the WebAssembly module exports no memory (a build problem)');
  return mem;
}

// Idle pthread workers must not keep a Node process alive.
function unrefWorkers(module) {
  const p = module.PThread;
  if (!p) return;
  for (const w of [...(p.unusedWorkers ?? []), ...(p.runningWorkers ?? [])]) w.unref?.();
}

// The build-choosing options as the user wrote them, for messages.
function describeAsked(options) {
  const parts = ['threads', 'simd'].filter((k) => options[k] !== undefined).map((k) => `${k}: ${JSON.stringify(options[k])}`);
  return `init(${parts.length ? `{ ${parts.join(', ')} }` : ''})`;
}

const describeChoice = (c) => `the ${c.build} build with ${c.threads} thread${c.threads === 1 ? '' : 's'}`;

// A later init(options) cannot load another build: one process (or worker)
// holds one module. Checked against the loaded choice only for the options
// given, so init() and the same options again pass. -> null or an Error.
export async function secondInitMismatch(options, loaded) {
  checkInitOptions(options);
  if (options.threads === undefined && options.simd === undefined) return null;
  const asked = await chooseBuild(options);
  const simdDiffers = options.simd !== undefined && (asked.build === 'baseline') !== (loaded.choice.build === 'baseline');
  const threadsDiffer = options.threads !== undefined && asked.threads !== loaded.choice.threads;
  if (!simdDiffers && !threadsDiffer) return null;
  const hint = !simdDiffers && asked.threads < loaded.choice.threads
    ? `call torch.set_num_threads(${asked.threads}) to run ops on fewer threads`
    : 'call init() without options to use the loaded build, or load the other build in a new process or worker';
  return new Error(`init: ${describeAsked(options)} asks for ${describeChoice(asked)}, but ${describeChoice(loaded.choice)} ` +
    `is already loaded by the first ${describeAsked(loaded.options)} (${loaded.choice.reason}); a process holds one nnwasm ` +
    `module and its build cannot change after loading, so the later options cannot apply; ${hint}`);
}

// -> { module, choice }
export async function load(options = {}) {
  checkInitOptions(options);
  const choice = await chooseBuild(options);
  const module = isNode ? await loadNode(choice.build, choice.threads, options)
    : await loadBrowser(choice.build, choice.threads, options);
  let threads = 1;
  if (choice.build === 'simd-threads') {
    module.limitThreads(choice.threads);
    threads = module.setNumThreads(choice.threads);
    if (isNode) unrefWorkers(module);
  }
  attach(module, findMemory(module), {
    build: choice.build,
    simd: choice.build !== 'baseline',
    maxThreads: threads,
    reason: choice.reason,
    environment: isNode ? 'node' : 'browser',
  });
  return { module, choice };
}
