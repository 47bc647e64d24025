// Keras layer options: snake_case as Keras, camelCase as TensorFlow.js, both
// meaning the same option. Unknown names are refused as Keras refuses them.
import { fmtValue } from '../errors.js';
import { snakeCase } from '../torch/args.js';

// Options every layer takes (Keras's base Layer kwargs).
const BASE_DEFAULTS = { name: null, trainable: true, dtype: 'float32', input_shape: null, batch_input_shape: null, batch_size: null };

export function readOptions(where, options, defaults) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${fmtValue(options)}`);
  }
  const all = { ...BASE_DEFAULTS, ...defaults };
  const out = { ...all };
  const seen = new Map();
  for (const [key, value] of Object.entries(options)) {
    const name = snakeCase(key);
    if (!(name in all)) {
      throw new TypeError(`${where}: unknown option '${key}' (expected one of ${Object.keys(all).join(', ')})`);
    }
    if (seen.has(name)) throw new TypeError(`${where}: option '${name}' given twice (as '${seen.get(name)}' and '${key}')`);
    seen.set(name, key);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
