// The option checks every op family shares (data_format, Keras and PyTorch
// padding, booleans), so each is written once and says the same thing
// wherever it is refused. Families import these; fronts never check.
import { fail, fmtValue, intTuple, typeFail } from '../errors.js';

export function checkBool(where, name, v) {
  if (typeof v !== 'boolean') typeFail(where, `${name} must be a boolean, got ${fmtValue(v)}`);
  return v;
}

// Keras data_format; TensorFlow.js's 'channelsLast' spelling is the same.
const DATA_FORMATS = { channels_last: 'channels_last', channels_first: 'channels_first', channelsLast: 'channels_last', channelsFirst: 'channels_first' };

export function checkDataFormat(where, v) {
  const f = typeof v === 'string' ? DATA_FORMATS[v] : undefined;
  if (f === undefined) fail(where, `data_format must be 'channels_last' or 'channels_first', got ${fmtValue(v)}`);
  return f;
}

// Keras padding: 'valid' | 'same', and 'causal' where the layer allows it
// (Conv1D). Case-insensitive, as Keras.
export function checkKerasPadding(where, v, { causal = false } = {}) {
  const p = typeof v === 'string' ? v.toLowerCase() : v;
  if (p === 'valid' || p === 'same' || (causal && p === 'causal')) return p;
  const allowed = causal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'";
  return fail(where, `padding must be ${allowed}, got ${fmtValue(v)}`);
}

// PyTorch convolution padding: an int, an array of nd ints, 'valid' or
// 'same' ('same' only with stride 1, as PyTorch). -> 'valid' | 'same' | ints.
export function checkTorchConvPadding(where, v, nd, stride) {
  if (typeof v === 'string') {
    if (v !== 'valid' && v !== 'same') fail(where, `padding must be an int, an array of ${nd} ints, 'valid' or 'same', got ${fmtValue(v)}`);
    if (v === 'same' && stride.some((s) => s !== 1)) {
      fail(where, `padding='same' is not supported for strided convolutions (stride=${fmtValue(stride)}), as in PyTorch`);
    }
    return v;
  }
  return intTuple(where, 'padding', v, nd, { min: 0 });
}

// A positive integer option (filters, groups, channels).
export function checkPositiveInt(where, name, v) {
  if (typeof v !== 'number' || !Number.isInteger(v)) typeFail(where, `${name} must be an integer, got ${fmtValue(v)}`);
  if (v < 1) fail(where, `${name} must be >= 1, got ${v}`);
  return v;
}
