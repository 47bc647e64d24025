// Keras layer options: snake_case as Keras, camelCase as TensorFlow.js, both
// meaning the same option. Unknown names are refused as Keras refuses them.
import { fmtValue } from '../errors.js';
import { snakeCase } from '../torch/args.js';

// Options every layer takes (Keras's base Layer kwargs).
const BASE_DEFAULTS = { name: null, trainable: true, dtype: 'float32', input_shape: null, batch_input_shape: null, batch_size: null };

// camelCase -> snake_case, memoised: a model's load reads every layer's
// options, and the regex replace was most of that.
const snakeNames = new Map();
function optionName(key) {
  let name = snakeNames.get(key);
  if (name === undefined) {
    name = snakeCase(key);
    if (snakeNames.size < 4096) snakeNames.set(key, name);
  }
  return name;
}

export function readOptions(where, options, defaults) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${fmtValue(options)}`);
  }
  // Object.assign, not {...a, ...b}: on Node 20 that double spread took
  // ~25 us for a conv's 22 options, most of a model's load.
  const out = Object.assign({}, BASE_DEFAULTS, defaults);
  // The key each option was given as, kept once one comes in camelCase
  // (only then can two keys name the same option).
  let givenAs = null;
  const keys = Object.keys(options);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const name = optionName(key);
    if (!Object.hasOwn(out, name)) {
      throw new TypeError(`${where}: unknown option '${key}' (expected one of ${Object.keys(out).join(', ')})`);
    }
    if (givenAs === null && name !== key) {
      givenAs = new Map();
      for (let j = 0; j < i; j++) givenAs.set(keys[j], keys[j]);  // snake_case so far
    }
    if (givenAs !== null) {
      if (givenAs.has(name)) {
        throw new TypeError(`${where}: option '${name}' given twice (as '${givenAs.get(name)}' and '${key}')`);
      }
      givenAs.set(name, key);
    }
    const value = options[key];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
