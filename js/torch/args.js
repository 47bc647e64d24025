// PyTorch's call forms: arguments positional in PyTorch's order, or by name
// in a trailing plain object (F.avg_pool2d(x, 2, { stride: 1 })). camelCase
// names are accepted as the snake_case ones.
import { Tensor } from '../tensor.js';

const REQUIRED = Symbol('required');
export { REQUIRED };

function isOptionsObject(v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Tensor || ArrayBuffer.isView(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function snakeCase(name) {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// spec: [[name, default], ...] with REQUIRED for required arguments (a
// module-level constant: it is read on every call). Positional calls, the
// common case, allocate only the result.
export function parseArgs(where, args, spec) {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  const hasNamed = isOptionsObject(last);
  const count = hasNamed ? args.length - 1 : args.length;
  if (count > spec.length) {
    throw new TypeError(`${where}: takes at most ${spec.length} arguments (${spec.map((s) => s[0]).join(', ')}), got ${count}`);
  }
  const out = {};
  for (let i = 0; i < spec.length; i++) {
    const s = spec[i];
    out[s[0]] = i < count && args[i] !== undefined ? args[i] : s[1];
  }
  if (hasNamed) readNamed(where, args, count, spec, last, out);
  for (let i = 0; i < spec.length; i++) {
    if (out[spec[i][0]] === REQUIRED) throw new TypeError(`${where}: missing required argument '${spec[i][0]}'`);
  }
  return out;
}

function readNamed(where, positional, count, spec, named, out) {
  for (const [key, value] of Object.entries(named)) {
    const name = snakeCase(key);
    const i = spec.findIndex((s) => s[0] === name);
    if (i < 0) {
      throw new TypeError(`${where}: got an unexpected argument '${key}' (expected one of ${spec.map((s) => s[0]).join(', ')})`);
    }
    if (i < count && positional[i] !== undefined) {
      throw new TypeError(`${where}: got multiple values for argument '${name}'`);
    }
    if (value !== undefined) out[name] = value;
  }
}
