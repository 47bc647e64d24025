// Where a layers model comes from and goes to. Reading gives
//   { modelJSON: { modelTopology, format, ... }, weights: [{ name, shape, values }] }
// from a URL (fetch, or the app's own), a file path or file:// URL in Node,
// an object in memory, a tfjs IOHandler ({ load }), or the File objects of
// an <input type=file>. Shard paths are relative to model.json.
import { fmtValue } from '../errors.js';
import { asBytes } from './dtypes.js';
import { checkManifest, checkSpecs, concatBytes, decodeGroup } from './weights.js';

export const isNode = typeof process === 'object' && typeof process.versions?.node === 'string' && typeof window === 'undefined';
const NODE_FS = 'node:fs/promises';
const NODE_PATH = 'node:path';
const NODE_URL = 'node:url';
const nodeImport = (name) => import(/* @vite-ignore */ /* webpackIgnore: true */ name);

export class SourceError extends Error {}

function bad(where, message) {
  throw new SourceError(`${where}: ${message}`);
}

const plainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFileLike = (f) => f !== null && typeof f === 'object' && typeof f.name === 'string' && typeof f.arrayBuffer === 'function';
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export async function readArtifacts(where, source, options) {
  const progress = progressReporter(options.onProgress);
  let artifacts;
  const files = isFileLike(source) ? [source]
    : (Array.isArray(source) || (typeof FileList === 'function' && source instanceof FileList)) && source.length > 0 && Array.from(source).every(isFileLike)
      ? Array.from(source) : null;
  if (typeof source === 'string' || source instanceof URL) artifacts = await fromLocation(where, String(source), options, progress);
  else if (files) artifacts = await fromFiles(where, files);
  else if (plainObject(source) && typeof source.load === 'function' && !('modelTopology' in source)) {
    artifacts = fromMemory(where, await source.load());
  } else if (plainObject(source)) artifacts = fromMemory(where, source);
  else {
    throw new TypeError(`${where}: source must be a URL, a file path (Node), { modelTopology, weightsManifest | weightSpecs, weightData } or the File objects of model.json and its shards, got ${fmtValue(source)}`);
  }
  progress(1);
  return artifacts;
}

function progressReporter(onProgress) {
  let last = -1;
  return (fraction) => {
    if (!onProgress) return;
    const f = Math.min(1, Math.max(0, fraction));
    if (f <= last) return;
    last = f;
    onProgress(f);
  };
}

function checkModelJSON(where, json, from) {
  if (!plainObject(json)) bad(where, `${from} must hold a JSON object with modelTopology, got ${fmtValue(json)}`);
  if (json.modelTopology === undefined || json.modelTopology === null) {
    bad(where, `${from} has no modelTopology (keys: ${Object.keys(json).join(', ') || 'none'}); is it a TensorFlow.js layers model?`);
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    bad(where, `${from} has format ${fmtValue(json.format)}; nnwasm reads 'layers-model' (a graph model needs the TensorFlow.js converter's Keras output)`);
  }
}

function parseJSON(where, text, from) {
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = /^\s*</.test(text) ? ' (it looks like HTML: a page was served instead of the file?)' : '';
    return bad(where, `${from} is not valid JSON${hint}: ${e.message}`);
  }
}

// In memory: weightSpecs + weightData, or weightsManifest + weightData
// holding the groups back to back.
export function fromMemory(where, a) {
  if (!plainObject(a)) bad(where, `the model artifacts must be an object, got ${fmtValue(a)}`);
  checkModelJSON(where, a, 'the model artifacts');
  const data = a.weightData === undefined || a.weightData === null ? null
    : Array.isArray(a.weightData) ? concatBytes(a.weightData.map((d, i) => bytesOf(where, d, `weightData[${i}]`))) : bytesOf(where, a.weightData, 'weightData');
  let specs;
  if (a.weightSpecs !== undefined && a.weightSpecs !== null) specs = checkSpecs(where, a.weightSpecs);
  else if (a.weightsManifest !== undefined && a.weightsManifest !== null) specs = checkManifest(where, a.weightsManifest).flatMap((g) => g.specs);
  else specs = [];
  if (specs.length > 0 && data === null) bad(where, `the model artifacts list ${specs.length} weights but have no weightData`);
  const weights = decodeGroup(where, specs, data ?? new Uint8Array(0), 'weightData');
  return { modelJSON: a, weights };
}

function bytesOf(where, d, what) {
  const b = asBytes(d);
  if (b === null) throw new TypeError(`${where}: ${what} must be an ArrayBuffer or a Uint8Array, got ${fmtValue(d)}`);
  return b;
}

// ---- URLs and files -----------------------------------------------------------

async function fromLocation(where, location, options, progress) {
  const local = isNode && (!SCHEME.test(location) || /^file:/i.test(location) || /^[a-z]:[\\/]/i.test(location));
  const reader = local ? await nodeReader(where, location) : urlReader(where, location, options);
  const modelJSON = parseJSON(where, new TextDecoder().decode(await reader.read(reader.modelPath)), reader.label(reader.modelPath));
  checkModelJSON(where, modelJSON, reader.label(reader.modelPath));
  const groups = modelJSON.weightsManifest === undefined ? [] : checkManifest(where, modelJSON.weightsManifest);
  const total = groups.reduce((a, g) => a + g.bytes, 0);
  let done = 0;
  const prefix = options.weightPathPrefix;
  const parts = await Promise.all(groups.map((g) => Promise.all(g.paths.map(async (p) => {
    const at = reader.resolve(p, prefix);
    let last = 0;
    const bytes = await reader.read(at, (n) => {
      done += n - last;
      last = n;
      if (total > 0) progress((0.99 * done) / total);
    });
    return bytes;
  }))));
  const weights = groups.flatMap((g, i) => {
    const sizes = parts[i].map((b, j) => `${reader.label(reader.resolve(g.paths[j], prefix))} (${b.length} bytes)`);
    return decodeGroup(where, g.specs, concatBytes(parts[i]), `weight group ${i + 1} from ${sizes.join(' + ')}`);
  });
  return { modelJSON, weights };
}

function urlReader(where, location, options) {
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') bad(where, `cannot load ${location}: this runtime has no fetch(); pass options.fetch`);
  const base = typeof location === 'string' && !SCHEME.test(location) && globalThis.location?.href ? new URL(location, globalThis.location.href) : null;
  const modelUrl = base ? base.href : location;
  return {
    modelPath: modelUrl,
    label: (u) => u,
    resolve: (p, prefix) => {
      try {
        return new URL(p, prefix ? new URL(prefix.endsWith('/') ? prefix : `${prefix}/`, modelUrl) : modelUrl).href;
      } catch {
        return bad(where, `cannot resolve the shard path ${fmtValue(p)} against ${modelUrl}`);
      }
    },
    read: async (url, onBytes) => {
      let res;
      try {
        res = await fetchFn(url, options.requestInit);
      } catch (e) {
        bad(where, `could not fetch ${url}: ${e.message}`);
      }
      if (!res || typeof res.arrayBuffer !== 'function') bad(where, `fetch(${url}) did not return a Response`);
      if (res.ok === false) bad(where, `fetching ${url} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      try {
        if (onBytes && res.body && typeof res.body.getReader === 'function') {
          const reader = res.body.getReader();
          const chunks = [];
          let n = 0;
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            chunks.push(value);
            n += value.length;
            onBytes(n);
          }
          return concatBytes(chunks.length ? chunks : [new Uint8Array(0)]);
        }
        const b = new Uint8Array(await res.arrayBuffer());
        onBytes?.(b.length);
        return b;
      } catch (e) {
        return bad(where, `reading ${url} failed: ${e.message}`);
      }
    },
  };
}

async function nodeReader(where, location) {
  const fs = await nodeImport(NODE_FS);
  const path = await nodeImport(NODE_PATH);
  let file = location;
  if (/^file:/i.test(location)) file = (await nodeImport(NODE_URL)).fileURLToPath(location);
  try {
    if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'model.json');
  } catch {
    // reported by read() below with the path
  }
  return {
    modelPath: file,
    label: (f) => f,
    resolve: (p, prefix) => path.resolve(prefix ?? path.dirname(file), p),
    read: async (f, onBytes) => {
      try {
        const b = await fs.readFile(f);
        onBytes?.(b.length);
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        return bad(where, e.code === 'ENOENT' ? `cannot read ${f}: no such file` : `cannot read ${f}: ${e.message}`);
      }
    },
  };
}

// Files picked by the user: model.json (or the one .json file) and shards
// found by the base name of each manifest path.
async function fromFiles(where, files) {
  if (files.length === 0 || !files.every(isFileLike)) bad(where, 'expects the File objects of model.json and its weight shards');
  const jsons = files.filter((f) => /\.json$/i.test(f.name));
  const modelFile = jsons.find((f) => f.name === 'model.json') ?? (jsons.length === 1 ? jsons[0] : null);
  if (!modelFile) bad(where, `among the files (${files.map((f) => f.name).join(', ')}) there must be model.json (or exactly one .json file)`);
  const modelJSON = parseJSON(where, await modelFile.text?.() ?? new TextDecoder().decode(await modelFile.arrayBuffer()), modelFile.name);
  checkModelJSON(where, modelJSON, modelFile.name);
  const groups = modelJSON.weightsManifest === undefined ? [] : checkManifest(where, modelJSON.weightsManifest);
  const byName = new Map(files.map((f) => [f.name, f]));
  const weights = [];
  for (const [i, g] of groups.entries()) {
    const parts = [];
    for (const p of g.paths) {
      const base = p.split('/').pop();
      const f = byName.get(base);
      if (!f) bad(where, `the weight shard ${base} listed in ${modelFile.name} is not among the files given (${files.map((x) => x.name).join(', ')})`);
      parts.push(new Uint8Array(await f.arrayBuffer()));
    }
    weights.push(...decodeGroup(where, g.specs, concatBytes(parts), `weight group ${i + 1} from ${g.paths.map((p) => p.split('/').pop()).join(' + ')}`));
  }
  return { modelJSON, weights };
}

// ---- writing ----------------------------------------------------------------

// A folder in Node: model.json and group1-shard1of1.bin.
export async function writeFolder(where, folder, modelJSON, data) {
  const fs = await nodeImport(NODE_FS);
  const path = await nodeImport(NODE_PATH);
  let dir = folder;
  if (/^file:/i.test(dir)) dir = (await nodeImport(NODE_URL)).fileURLToPath(dir);
  try {
    await fs.mkdir(dir, { recursive: true });
    const jsonPath = path.join(dir, 'model.json');
    const binPath = path.join(dir, modelJSON.weightsManifest[0].paths[0]);
    await fs.writeFile(binPath, data);
    await fs.writeFile(jsonPath, JSON.stringify(modelJSON));
    return [jsonPath, binPath];
  } catch (e) {
    return bad(where, `cannot write the model to ${dir}: ${e.message}`);
  }
}

// A browser download of <name>.json and <name>.weights.bin (TensorFlow.js's
// downloads:// names, so the pair loads back through <input type=file>).
export function download(where, name, modelJSON, data) {
  const doc = globalThis.document;
  if (!doc || typeof URL.createObjectURL !== 'function') bad(where, 'a download needs a browser page (document and URL.createObjectURL)');
  const files = [[`${name}.json`, new Blob([JSON.stringify(modelJSON)], { type: 'application/json' })],
    [modelJSON.weightsManifest[0].paths[0], new Blob([data], { type: 'application/octet-stream' })]];
  for (const [fileName, blob] of files) {
    const a = doc.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
  }
  return files.map(([f]) => f);
}
