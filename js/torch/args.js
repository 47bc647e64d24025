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

// spec: [[name, default], ...] with REQUIRED for required arguments.
export function parseArgs(where, args, spec) {
  let positional = args;
  let named = {};
  if (args.length > 0 && isOptionsObject(args[args.length - 1])) {
    positional = args.slice(0, -1);
    named = args[args.length - 1];
  }
  if (positional.length > spec.length) {
    throw new TypeError(`${where}: takes at most ${spec.length} arguments (${spec.map((s) => s[0]).join(', ')}), got ${positional.length}`);
  }
  const out = {};
  spec.forEach(([name, def], i) => {
    out[name] = i < positional.length && positional[i] !== undefined ? positional[i] : def;
  });
  for (const [key, value] of Object.entries(named)) {
    const name = snakeCase(key);
    const i = spec.findIndex((s) => s[0] === name);
    if (i < 0) {
      throw new TypeError(`${where}: got an unexpected argument '${key}' (expected one of ${spec.map((s) => s[0]).join(', ')})`);
    }
    if (i < positional.length && positional[i] !== undefined) {
      throw new TypeError(`${where}: got multiple values for argument '${name}'`);
    }
    if (value !== undefined) out[name] = value;
  }
  for (const [name] of spec) {
    if (out[name] === REQUIRED) throw new TypeError(`${where}: missing required argument '${name}'`);
  }
  return out;
}
