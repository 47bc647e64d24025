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
  const given = new Map();  // option name -> the key it was given as
  for (const key of Object.keys(options)) {
    const name = optionName(key);
    if (!Object.hasOwn(out, name)) {
      throw new TypeError(`${where}: unknown option '${key}' (expected one of ${Object.keys(out).join(', ')})`);
    }
    if (given.has(name)) throw new TypeError(`${where}: option '${name}' given twice (as '${given.get(name)}' and '${key}')`);
    given.set(name, key);
    const value = options[key];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
