// keras.models.load_model / keras.loadLayersModel, model_from_json and the
// writer behind Model.save, for TensorFlow.js's layers-model format. A
// loaded model is made by Sequential.from_config / Model.from_config from
// the same layer classes a user builds by hand, so it runs the same code
// (the executor frees intermediates, the fusion pass applies). Loading is
// all or nothing: on any error every tensor made so far is freed.
import { fmtShape, fmtValue, typeFail } from '../errors.js';
import { Model } from '../graph/functional.js';
import { deferPrepack } from '../graph/prepack.js';
import { readArtifacts, download, isNode, writeFolder } from '../io/sources.js';
import { KEPT, normalizeModelConfig, readTopology, unsupportedInitializers } from '../io/topology.js';
import { encodeWeights } from '../io/weights.js';
import { Tensor } from '../tensor.js';
import { withPlaceholderWeights } from './initializers.js';
import { ADOPT_WEIGHTS } from './layers/layer.js';
import { layerClass, registeredLayerNames } from './registry.js';
import { Sequential } from './sequential.js';

const VERSION = 'nnwasm 0.1.0';
const LOAD_OPTIONS = ['onProgress', 'fetch', 'requestInit', 'weightPathPrefix', 'custom_objects', 'customObjects', 'warmup'];

// What a loaded layer's config held that nnwasm does not use (regularizers,
// constraints, initializers it has no equal for): saving writes it back.
const keptConfig = new WeakMap();

function checkOptions(where, options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) typeFail(where, `options must be an object, got ${fmtValue(options)}`);
  for (const k of Object.keys(options)) {
    if (!LOAD_OPTIONS.includes(k)) typeFail(where, `unknown option '${k}' (expected one of ${LOAD_OPTIONS.join(', ')})`);
  }
  for (const k of ['onProgress', 'fetch']) {
    if (options[k] !== undefined && typeof options[k] !== 'function') typeFail(where, `options.${k} must be a function, got ${fmtValue(options[k])}`);
  }
  if (options.warmup !== undefined && typeof options.warmup !== 'boolean') typeFail(where, `options.warmup must be true or false, got ${fmtValue(options.warmup)}`);
  return options;
}

// Rethrows e as `${where}: ...` (same Error class) unless it already says where.
function rethrow(where, e, context = '') {
  if (!(e instanceof Error)) throw e;
  if (e.message.startsWith(`${where}:`)) throw e;
  const err = new (e instanceof TypeError ? TypeError : e instanceof RangeError ? RangeError : Error)(`${where}: ${context}${e.message}`);
  err.cause = e;
  throw err;
}

// Leaf layers (nested models' layers included), each once.
function leafLayers(model, out = []) {
  for (const layer of model.layers ?? []) {
    if (layer instanceof Model || layer instanceof Sequential) leafLayers(layer, out);
    else if (!out.includes(layer)) out.push(layer);
  }
  return out;
}

function disposeModel(model, made) {
  for (const layer of made) {
    if (layer instanceof Model || layer instanceof Sequential) layer.dispose?.();
    else layer.dispose?.();
  }
  if (model) {
    for (const layer of leafLayers(model)) layer.dispose?.();
    model.dispose?.();
  }
}

// Builds the model from a normalised config. Every layer made is recorded
// (through custom_objects stand-ins) so a failure part way frees them all,
// and errors name the layer they come from.
function buildModel(where, modelTopology, customObjects, made) {
  const top = readTopology(where, modelTopology);
  const state = { classes: new Set() };
  const config = normalizeModelConfig(where, top.class_name, top.config, state);
  const stand = {};
  const applies = [];
  for (const className of state.classes) {
    if (className === 'InputLayer') continue;
    let real;
    try {
      real = layerClass(where, className, customObjects);
    } catch {
      const users = [...findLayers(config, className)].map((n) => `'${n}'`).join(', ');
      throw new Error(`${where}: unknown layer class ${fmtValue(className)} (layer ${users}); supported classes: ${registeredLayerNames().join(', ')}. ` +
        'Register your own with keras.registerLayer(cls) or pass it in options.custom_objects');
    }
    const standIn = function StandIn() {};
    standIn.from_config = (cfg, co) => {
      let layer;
      try {
        layer = real.from_config(cfg, co);
      } catch (e) {
        rethrow(where, e, `layer '${cfg?.name}' (${className}): `);
      }
      made.push(layer);
      const original = cfg?.[KEPT];
      if (original) keptConfig.set(layer, original);
      // Shape errors while the graph is connected name the layer too.
      const apply = layer.apply;
      layer.apply = (inputs, kwargs) => {
        try {
          return apply.call(layer, inputs, kwargs);
        } catch (e) {
          return rethrow(where, e, `layer '${layer.name}' (${className}): `);
        }
      };
      applies.push([layer, apply]);
      return layer;
    };
    stand[className] = standIn;
    if (className === 'Model') stand.Functional = standIn;
  }
  try {
    const cls = top.class_name === 'Sequential' ? Sequential : Model;
    return cls.from_config(config, { ...(customObjects ?? {}), ...stand });
  } catch (e) {
    return rethrow(where, e);
  } finally {
    for (const [layer, apply] of applies) layer.apply = apply;
  }
}

function* findLayers(config, className) {
  for (const l of config.layers ?? []) {
    if (l.class_name === className) yield l.name;
    if (Array.isArray(l.config?.layers)) yield* findLayers(l.config, className);
  }
}

// Each layer's weight names in get_weights order.
const KNOWN_WEIGHTS = ['kernel', 'depthwise_kernel', 'pointwise_kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance', 'alpha', 'embeddings'];
function weightNamesOf(layer) {
  const ws = layer.weights ?? [];
  if (Array.isArray(layer.weightNames) && layer.weightNames.length === ws.length) return layer.weightNames;
  return ws.map((w, i) => KNOWN_WEIGHTS.find((k) => layer[k] === w) ?? `weight_${i}`);
}

// 'conv2d_1/kernel', 'model/conv2d_1/kernel', 'conv2d_1/kernel:0',
// Keras 3's 'layers/conv2d_1/vars/0' -> { layer, index }.
function locateWeight(where, name, byName, namesOf) {
  let segs = name.replace(/:\d+$/, '').split('/');
  let index = null;
  if (segs.length >= 3 && segs.at(-2) === 'vars' && /^\d+$/.test(segs.at(-1))) {
    index = Number(segs.at(-1));
    segs = segs.slice(0, -1);
    segs[segs.length - 1] = '';
  }
  for (let i = 0; i < segs.length - 1; i++) {
    const layer = byName.get(segs.slice(i, -1).join('/'));
    if (!layer) continue;
    const names = namesOf(layer);
    const short = segs.at(-1);
    const at = index ?? names.indexOf(short);
    if (at < 0 || at >= names.length) {
      throw new Error(`${where}: weight '${name}' names layer '${layer.name}' (${layer.constructor.className}), which has ${names.length ? `weights ${names.join(', ')}` : 'no weights'}, not '${index ?? short}'`);
    }
    return { layer, index: at };
  }
  const withWeights = [...byName.values()].filter((l) => (l.weights ?? []).length > 0).map((l) => l.name);
  throw new Error(`${where}: weight '${name}' belongs to no layer of the model (layers with weights: ${withWeights.join(', ') || 'none'})`);
}

// Assigns decoded weights by layer name; every check before any change.
function setModelWeights(where, model, weights) {
  const layers = leafLayers(model);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const names = new Map();
  const namesOf = (l) => {
    if (!names.has(l)) names.set(l, weightNamesOf(l));
    return names.get(l);
  };
  const slots = new Map();   // layer -> values per weight index
  for (const w of weights) {
    const { layer, index } = locateWeight(where, w.name, byName, namesOf);
    if (!slots.has(layer)) slots.set(layer, new Array(layer.weights.length).fill(null));
    const s = slots.get(layer);
    if (s[index] !== null) throw new Error(`${where}: weights '${s[index].name}' and '${w.name}' both give ${layer.name}/${namesOf(layer)[index]}`);
    const want = layer.weights[index].shape;
    if (want.length !== w.shape.length || want.some((d, i) => d !== w.shape[i])) {
      throw new Error(`${where}: weight '${w.name}' has shape ${fmtShape(w.shape)} in the weights manifest, but layer '${layer.name}' (${layer.constructor.className}) needs ${namesOf(layer)[index]} of shape ${fmtShape(want)}`);
    }
    s[index] = w;
  }
  for (const layer of layers) {
    const n = (layer.weights ?? []).length;
    if (n === 0) continue;
    const s = slots.get(layer);
    const missing = namesOf(layer).filter((_, i) => !s || s[i] === null);
    if (missing.length > 0) {
      throw new Error(`${where}: the weights manifest has no ${missing.map((m) => `'${layer.name}/${m}'`).join(', ')} for layer '${layer.name}' (${layer.constructor.className})`);
    }
  }
  for (const [layer, s] of slots) {
    const ts = [];
    try {
      for (const w of s) ts.push(Tensor.fromFloat32(w.values, w.shape, where));
      if (typeof layer[ADOPT_WEIGHTS] === 'function') {
        layer[ADOPT_WEIGHTS](ts);  // the layer owns them now
        ts.length = 0;
      } else {
        layer.set_weights(ts);
      }
    } finally {
      for (const t of ts) t.dispose();
    }
  }
}

// await keras.models.load_model(source, { onProgress, fetch, requestInit,
// weightPathPrefix, custom_objects })
export async function load_model(source, options = undefined) {
  return loadWith('load_model', source, options);
}

export async function loadLayersModel(source, options = undefined) {
  return loadWith('loadLayersModel', source, options);
}

async function loadWith(where, source, options) {
  const opts = checkOptions(where, options);
  const customObjects = opts.custom_objects ?? opts.customObjects ?? null;
  const { modelJSON, weights } = await readArtifacts(where, source, opts);
  const made = [];
  let model = null;
  try {
    model = withPlaceholderWeights(() => buildModel(where, modelJSON.modelTopology, customObjects, made));
    // The layers take their weights unpacked; the model then folds and packs
    // once, so the first predict (and the warm-up) find them ready.
    deferPrepack(() => setModelWeights(where, model, weights));
    // The warm-up: one fused convolution or packed layer of each kind runs
    // on a small zero input (js/graph/prepack.js), so the WebAssembly kernels
    // are compiled before the first predict (a whole predict on zeros took
    // longer than the load).
    model.prepack({ warmUp: opts.warmup !== false });
    return model;
  } catch (e) {
    disposeModel(model, made);
    throw e;
  }
}

// keras.models.model_from_json(json): the topology only (a JSON string or
// object, the model.json's modelTopology or the whole model.json), weights
// initialised by each layer's initializer.
export function model_from_json(json, customObjects = null) {
  const where = 'model_from_json';
  let topology = json;
  if (typeof json === 'string') {
    try {
      topology = JSON.parse(json);
    } catch (e) {
      throw new Error(`${where}: json is not valid JSON (${e.message})`);
    }
  }
  if (topology !== null && typeof topology === 'object' && 'modelTopology' in topology) topology = topology.modelTopology;
  const made = [];
  let model;
  try {
    model = buildModel(where, topology, customObjects, made);
  } catch (e) {
    disposeModel(null, made);
    throw e;
  }
  for (const layer of made) {
    const inits = unsupportedInitializers(keptConfig.get(layer) ?? {});
    if (inits.length > 0) {
      disposeModel(model, made);
      throw new Error(`${where}: layer '${layer.name}' uses ${inits.join(', ')}, which nnwasm cannot initialise (it has ${['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'zeros', 'ones', 'random_normal', 'random_uniform'].join(', ')}); load the model with its weights (load_model) instead`);
    }
  }
  return model;
}

// ---- saving -------------------------------------------------------------------

const plainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function withKept(entry, layer) {
  const original = keptConfig.get(layer);
  return original ? { ...entry, config: { ...entry.config, ...original } } : entry;
}

// The model's topology with the kept options of loaded layers put back.
function topologyOf(model) {
  const isSeq = model instanceof Sequential;
  const config = model.get_config();
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const fix = (cfg, layersByName) => ({
    ...cfg,
    layers: cfg.layers.map((entry) => {
      const name = entry.name ?? entry.config?.name;
      const layer = layersByName.get(name);
      if (!layer) return entry;
      const out = withKept(entry, layer);
      if ((layer instanceof Model || layer instanceof Sequential) && Array.isArray(out.config?.layers)) {
        out.config = fix(out.config, new Map(layer.layers.map((l) => [l.name, l])));
      }
      return out;
    }),
  });
  return { class_name: isSeq ? 'Sequential' : 'Functional', config: fix(config, byName), keras_version: VERSION, backend: 'nnwasm' };
}

// The artifacts TensorFlow.js's model.save gives a save handler.
export function modelArtifacts(model, weightsPath = 'group1-shard1of1.bin') {
  const where = 'save';
  if (!(model instanceof Model || model instanceof Sequential)) {
    typeFail(where, `model must be a keras.Model or keras.Sequential, got ${fmtValue(model)}`);
  }
  if (model instanceof Sequential && !model.built) {
    throw new Error(`${where}: the Sequential model '${model.name}' is not built yet, so it has no weights; build(input_shape) or predict() first`);
  }
  const weights = [];
  const seen = new Set();
  for (const layer of leafLayers(model)) {
    const names = weightNamesOf(layer);
    (layer.weights ?? []).forEach((w, i) => {
      const name = `${layer.name}/${names[i]}`;
      if (seen.has(name)) throw new Error(`${where}: two weights are named '${name}'`);
      seen.add(name);
      weights.push({ name, shape: w.shape, values: w.data });
    });
  }
  const { specs, data } = encodeWeights(weights);
  const modelTopology = topologyOf(model);
  return {
    modelTopology,
    format: 'layers-model',
    generatedBy: VERSION,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    weightsManifest: [{ paths: [weightsPath], weights: specs }],
  };
}

// saveModel(model, target):
//   undefined / null     -> the artifacts object in memory
//     { modelTopology, format, weightSpecs, weightData, weightsManifest }
//   a function           -> called with the artifacts (tf.io.withSaveHandler's form)
//   { save(artifacts) }  -> a TensorFlow.js IOHandler
//   'downloads://name'   -> a browser download of name.json + name.weights.bin
//   a folder path or file:// URL (Node) -> model.json + group1-shard1of1.bin in it
export async function saveModel(model, target = null) {
  const where = 'save';
  if (target === null || target === undefined) {
    const a = modelArtifacts(model);
    delete a.weightsManifest;
    return a;
  }
  if (typeof target === 'function') {
    const a = modelArtifacts(model);
    delete a.weightsManifest;
    return target(a);
  }
  if (plainObject(target) && typeof target.save === 'function') {
    const a = modelArtifacts(model);
    delete a.weightsManifest;
    return target.save(a);
  }
  if (typeof target !== 'string' && !(target instanceof URL)) {
    typeFail(where, `target must be a folder path (Node), 'downloads://name', a function or a { save } handler, or omitted for the artifacts in memory, got ${fmtValue(target)}`);
  }
  const t = String(target);
  const dl = /^downloads:\/\//i.exec(t);
  if (dl || !isNode) {
    const name = (dl ? t.slice(dl[0].length) : t) || 'model';
    const a = modelArtifacts(model, `${name}.weights.bin`);
    const modelJSON = manifestJSON(a);
    return { files: download(where, name, modelJSON, new Uint8Array(a.weightData)), modelArtifactsInfo: info(a) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t) && !/^file:/i.test(t)) {
    throw new Error(`${where}: cannot save to ${t}: Node saves to a folder path or a file:// URL`);
  }
  const a = modelArtifacts(model);
  const files = await writeFolder(where, t, manifestJSON(a), new Uint8Array(a.weightData));
  return { files, modelArtifactsInfo: info(a) };
}

function manifestJSON(a) {
  return { format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, modelTopology: a.modelTopology, weightsManifest: a.weightsManifest };
}

function info(a) {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: JSON.stringify(a.modelTopology).length,
    weightSpecsBytes: JSON.stringify(a.weightSpecs).length,
    weightDataBytes: a.weightData.byteLength,
  };
}

export const models = { load_model, model_from_json, loadLayersModel, save_model: (model, target) => saveModel(model, target) };
