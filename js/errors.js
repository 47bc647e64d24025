// Error helpers: every message names the function or layer, the argument,
// what was expected and what was given (API.md, "Errors").

export function fmtShape(shape) {
  return `[${shape.join(', ')}]`;
}

export function fmtValue(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(', ')}]`;
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return String(v);
}

export function fail(where, message) {
  throw new Error(`${where}: ${message}`);
}

export function typeFail(where, message) {
  throw new TypeError(`${where}: ${message}`);
}

// A non-negative (or positive) integer, as PyTorch and Keras take sizes.
export function checkInt(where, name, v, { min = 0 } = {}) {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    typeFail(where, `${name} must be an integer, got ${fmtValue(v)}`);
  }
  if (v < min) fail(where, `${name} must be >= ${min}, got ${v}`);
  return v;
}

// An int or an array of `n` ints (PyTorch's _single/_pair, Keras's
// normalize_tuple).
export function intTuple(where, name, v, n, { min = 0 } = {}) {
  const arr = Array.isArray(v) ? v : [v];
  const expected = `an int or an array of ${n} int${n > 1 ? 's' : ''}`;
  if (Array.isArray(v) && v.length !== n) fail(where, `${name} must be ${expected}, got ${fmtValue(v)}`);
  const out = arr.length === 1 && n > 1 ? new Array(n).fill(arr[0]) : arr;
  for (const x of out) {
    if (typeof x !== 'number' || !Number.isInteger(x)) typeFail(where, `${name} must be ${expected}, got ${fmtValue(v)}`);
    if (x < min) fail(where, `${name} must be >= ${min}, got ${fmtValue(v)}`);
  }
  return out;
}
