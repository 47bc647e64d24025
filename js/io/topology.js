// The topology of TensorFlow.js's layers-model format, as the converters and
// Keras versions write it, brought to the one form Sequential.from_config
// and Model.from_config read (tf.keras 2's):
//   - modelTopology as { class_name, config } or wrapped in { model_config },
//     or a JSON string of either;
//   - Sequential configs as { layers } or, from old converters, the bare array;
//   - functional inbound nodes as tf.keras 2's [[name, node, tensor, kwargs]]
//     or Keras 3's { args: [__keras_tensor__ ...], kwargs };
//   - layer configs with Keras 3's dtype policies, module / registered_name
//     wrappers, TensorFlow.js's camelCase values ('channelsLast') and
//     initializers such as VarianceScaling that nnwasm names differently.
// What nnwasm has no equivalent for but only matters for training
// (regularizers, constraints, initializers of weights that are loaded
// anyway) is kept in `original` so saving writes it back.
import { fmtValue } from '../errors.js';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
const plainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export class TopologyError extends Error {}

// On a normalised layer config: the original values of the options nnwasm
// does not use. A symbol, so from_config's option check never sees it and
// object spreads carry it along.
export const KEPT = Symbol('kept options');

function bad(where, message) {
  throw new TopologyError(`${where}: ${message}`);
}

// -> { class_name, config } of the model.
export function readTopology(where, topology) {
  let t = topology;
  if (typeof t === 'string') {
    try {
      t = JSON.parse(t);
    } catch (e) {
      bad(where, `the model topology is not valid JSON (${e.message})`);
    }
  }
  if (plainObject(t) && 'model_config' in t) t = t.model_config;
  if (typeof t === 'string') {
    try {
      t = JSON.parse(t);
    } catch (e) {
      bad(where, `model_config is not valid JSON (${e.message})`);
    }
  }
  if (!plainObject(t) || typeof t.class_name !== 'string') {
    bad(where, `the model topology must be { class_name, config } (a Keras model config), got ${describe(t)}`);
  }
  if (!MODEL_CLASSES.has(t.class_name)) {
    bad(where, `the model topology's class_name must be Sequential, Functional or Model, got ${fmtValue(t.class_name)}`);
  }
  return { class_name: t.class_name === 'Sequential' ? 'Sequential' : 'Functional', config: t.config };
}

function describe(v) {
  if (v === null || typeof v !== 'object') return fmtValue(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `an object with keys ${Object.keys(v).slice(0, 8).join(', ') || '(none)'}`;
}

// A model config in the form from_config reads. state.classes collects the
// layer classes used; layer names must be unique within each model.
export function normalizeModelConfig(where, className, config, state) {
  if (className === 'Sequential' && Array.isArray(config)) config = { layers: config };
  if (!plainObject(config)) bad(where, `the ${className} config must be an object, got ${describe(config)}`);
  if (!Array.isArray(config.layers)) bad(where, `the ${className} config must have a layers array, got ${describe(config.layers)}`);
  const out = { ...config };
  delete out.dtype;
  if (typeof out.name !== 'string') delete out.name;
  if (typeof out.trainable !== 'boolean') delete out.trainable;
  if (className === 'Sequential') {
    if (out.build_input_shape !== undefined && !isShape(out.build_input_shape)) delete out.build_input_shape;
  }
  const scope = { ...state, names: new Set() };
  out.layers = config.layers.map((entry, i) => normalizeLayerEntry(where, className, entry, i, scope));
  if (className !== 'Sequential') {
    out.input_layers = endpoints(where, 'input_layers', config.input_layers);
    out.output_layers = endpoints(where, 'output_layers', config.output_layers);
    renumberNestedNodes(out);
  }
  return out;
}

// A nested model built on its own Input has that inner call as node 0 in
// tf.keras 2 and tfjs, and the config leaves it out (Keras's
// _should_skip_first_node): references then count from 1. Shift them so
// node indices count the calls listed here.
function renumberNestedNodes(config) {
  const refs = [...config.layers.flatMap((l) => (l.inbound_nodes ?? []).flat()), ...config.output_layers];
  for (const l of config.layers) {
    if (!MODEL_CLASSES.has(l.class_name) && l.class_name !== 'Functional') continue;
    const mine = refs.filter((r) => r[0] === l.name);
    const top = Math.max(-1, ...mine.map((r) => r[1]));
    const shift = top + 1 - l.inbound_nodes.length;
    if (shift > 0) for (const r of mine) r[1] = Math.max(0, r[1] - shift);
  }
}

function isShape(s) {
  return Array.isArray(s) && s.every((d) => d === null || (Number.isInteger(d) && d >= 0));
}

// [[name, node, tensor], ...]; Keras 3 writes a single endpoint flat.
function endpoints(where, what, refs) {
  if (!Array.isArray(refs) || refs.length === 0) bad(where, `the functional config's ${what} must be a non-empty array of [layer_name, node_index, tensor_index], got ${describe(refs)}`);
  const list = typeof refs[0] === 'string' ? [refs] : refs;
  return list.map((r) => checkRef(where, what, r));
}

function checkRef(where, what, r) {
  if (!Array.isArray(r) || r.length < 3 || typeof r[0] !== 'string' || !Number.isInteger(r[1]) || r[1] < 0 || !Number.isInteger(r[2]) || r[2] < 0) {
    bad(where, `${what}: each tensor reference must be [layer_name, node_index, tensor_index], got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1], r[2]];
}

function normalizeLayerEntry(where, modelClass, entry, i, state) {
  if (!plainObject(entry) || typeof entry.class_name !== 'string' || entry.class_name === '') {
    bad(where, `layer ${i} of the ${modelClass} config must be { class_name, config }, got ${describe(entry)}`);
  }
  const className = entry.class_name;
  const config = entry.config;
  if (!plainObject(config) && !(className === 'Sequential' && Array.isArray(config))) {
    bad(where, `layer ${i} (${className}) must have a config object, got ${describe(config)}`);
  }
  const name = entry.name ?? config.name;
  if (typeof name !== 'string' || name === '') bad(where, `layer ${i} (${className}) must have a name, got ${fmtValue(name)}`);
  if (state.names.has(name)) bad(where, `the layer name '${name}' is used twice; layer names must be unique`);
  state.names.add(name);
  const label = `layer '${name}' (${className})`;
  state.classes.add(className);
  let cfg;
  if (MODEL_CLASSES.has(className)) {
    cfg = normalizeModelConfig(`${where}: ${label}`, className === 'Sequential' ? 'Sequential' : 'Functional', config, state);
  } else {
    cfg = normalizeLayerConfig(`${where}: ${label}`, className, config);
  }
  cfg.name = name;
  const out = { class_name: className === 'Model' ? 'Functional' : className, config: cfg, name };
  if (modelClass !== 'Sequential') out.inbound_nodes = inboundNodes(`${where}: ${label}`, entry.inbound_nodes);
  return out;
}

// tf.keras 2's [[[name, node, tensor, kwargs], ...] per node] from either form.
function inboundNodes(where, nodes) {
  if (nodes === undefined || nodes === null) return [];
  if (!Array.isArray(nodes)) bad(where, `inbound_nodes must be an array, got ${describe(nodes)}`);
  return nodes.map((node) => {
    if (Array.isArray(node)) {
      if (node.length === 0) bad(where, 'an inbound node lists no input tensors');
      return node.map((r) => {
        const ref = checkRef(where, 'inbound_nodes', r);
        const kwargs = r[3] === undefined || r[3] === null ? {} : r[3];
        if (!plainObject(kwargs)) bad(where, `inbound_nodes: the kwargs of a tensor reference must be an object, got ${describe(r[3])}`);
        return [...ref, plainKwargs(kwargs)];
      });
    }
    if (!plainObject(node) || !Array.isArray(node.args)) {
      bad(where, `each inbound node must be a list of [layer_name, node_index, tensor_index, kwargs] (tf.keras 2) or { args, kwargs } (Keras 3), got ${describe(node)}`);
    }
    const first = node.args[0];
    const tensors = Array.isArray(first) ? first : [first];
    if (tensors.length === 0) bad(where, 'an inbound node lists no input tensors');
    const kwargs = plainObject(node.kwargs) ? plainKwargs(node.kwargs) : {};
    const refs = tensors.map((t) => {
      const h = t?.config?.keras_history;
      if (!plainObject(t) || t.class_name !== '__keras_tensor__' || !Array.isArray(h)) {
        bad(where, `inbound_nodes: args must be __keras_tensor__ records with a keras_history, got ${describe(t)}`);
      }
      return [...checkRef(where, 'keras_history', h), kwargs];
    });
    return refs;
  });
}

// Call arguments that are plain values (training, mask = null); tensors
// passed by keyword are not supported in inference graphs here.
function plainKwargs(kwargs) {
  const out = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (v === null || v === undefined) continue;
    if (plainObject(v) && v.class_name === '__keras_tensor__') continue;
    out[k] = v;
  }
  return out;
}

// ---- layer configs ----------------------------------------------------------

// String options whose values TensorFlow.js may spell in camelCase.
const ENUM_KEYS = ['data_format', 'activation', 'padding', 'interpolation', 'mode', 'distribution', 'padding_mode'];
// Keras 3 additions with no effect at inference (dropped when unset).
const DROP_WHEN_UNSET = ['lora_rank', 'lora_alpha', 'quantization_config', 'optional'];
const TRAINING_ONLY = /_(regularizer|constraint)$/;

const camelToSnake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const isCamel = (s) => /^[a-z]+[0-9]*([A-Z][a-z0-9]*)+$/.test(s);

function normalizeLayerConfig(where, className, config) {
  const out = {};
  const original = {};
  for (const [rawKey, value] of Object.entries(config)) {
    const key = isCamel(rawKey) ? camelToSnake(rawKey) : rawKey;
    if (DROP_WHEN_UNSET.includes(key)) {
      if (value === null || value === false || value === 0) continue;
      bad(where, `${key} = ${JSON.stringify(value)} is not supported by nnwasm (inference of the plain layer only)`);
    }
    if (key === 'dtype') {
      out.dtype = dtypeName(where, value);
      continue;
    }
    if (TRAINING_ONLY.test(key)) {
      // Kept as written; the layers accept and ignore them.
      if (value !== null && value !== undefined) original[key] = value;
      out[key] = null;
      continue;
    }
    if (key.endsWith('_initializer')) {
      const init = initializer(value);
      if (init.substituted) original[key] = value;
      out[key] = init.value;
      continue;
    }
    out[key] = ENUM_KEYS.includes(key) && typeof value === 'string' && isCamel(value) ? camelToSnake(value) : value;
  }
  if (Object.keys(original).length > 0) out[KEPT] = original;
  return out;
}

// Keras 3's { class_name: 'DTypePolicy', config: { name } } or a dtype name;
// nnwasm computes in float32 whatever the floating type the model was made in.
function dtypeName(where, value) {
  let v = value;
  if (plainObject(v)) v = v.config?.name ?? v.name;
  if (v === null || v === undefined) return 'float32';
  if (typeof v !== 'string') bad(where, `dtype must be a dtype name or a DTypePolicy, got ${describe(value)}`);
  if (/^(mixed_)?(float16|bfloat16|float32|float64|half|float|double)$/.test(v)) return 'float32';
  return v;
}

const NNWASM_INITS = new Set(['GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'Zeros', 'Ones', 'RandomNormal', 'RandomUniform']);
const INIT_NAMES = {
  glorot_uniform: 'GlorotUniform', glorot_normal: 'GlorotNormal', he_uniform: 'HeUniform', he_normal: 'HeNormal',
  zeros: 'Zeros', ones: 'Ones', random_normal: 'RandomNormal', random_uniform: 'RandomUniform', zero: 'Zeros', one: 'Ones',
};

// VarianceScaling with the parameters of a named initializer -> that name.
function varianceScalingName(c) {
  const mode = typeof c.mode === 'string' ? camelToSnake(c.mode) : 'fan_in';
  const dist = typeof c.distribution === 'string' ? camelToSnake(c.distribution) : 'truncated_normal';
  const normal = dist === 'normal' || dist === 'truncated_normal';
  const scale = c.scale ?? 1;
  if (scale === 1 && mode === 'fan_avg') return dist === 'uniform' ? 'GlorotUniform' : normal ? 'GlorotNormal' : null;
  if (scale === 2 && mode === 'fan_in') return dist === 'uniform' ? 'HeUniform' : normal ? 'HeNormal' : null;
  return null;
}

// -> { value, substituted }: an initializer nnwasm has, or, when it has no
// equal, 'zeros' (the loaded weights replace it; model_from_json says so).
function initializer(spec) {
  if (spec === null || spec === undefined) return { value: spec, substituted: false };
  let cls;
  let config = {};
  if (typeof spec === 'string') cls = INIT_NAMES[camelToSnake(spec)] ?? spec;
  else if (plainObject(spec) && typeof (spec.class_name ?? spec.className) === 'string') {
    cls = spec.class_name ?? spec.className;
    cls = INIT_NAMES[camelToSnake(cls)] ?? cls;
    config = plainObject(spec.config) ? spec.config : {};
    if (cls === 'VarianceScaling') cls = varianceScalingName(config) ?? cls;
  } else return { value: spec, substituted: false };  // the layer reports it
  if (!NNWASM_INITS.has(cls)) return { value: 'zeros', substituted: true, unsupported: cls };
  const seed = Number.isInteger(config.seed) ? config.seed : null;
  const own = {};
  if (cls === 'RandomNormal') Object.assign(own, pick(config, ['mean', 'stddev']));
  if (cls === 'RandomUniform') Object.assign(own, pick(config, ['minval', 'maxval']));
  return { value: { class_name: cls, config: { ...own, seed } }, substituted: false };
}

function pick(o, keys) {
  const out = {};
  for (const k of keys) if (typeof o[k] === 'number') out[k] = o[k];
  return out;
}

// The initializer class names a config uses that nnwasm substitutes.
export function unsupportedInitializers(original) {
  const out = [];
  for (const [key, value] of Object.entries(original)) {
    if (key.endsWith('_initializer')) out.push(`${key} ${typeof value === 'string' ? value : value.class_name ?? value.className}`);
  }
  return out;
}
