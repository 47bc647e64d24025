// Plans cached by input shape and options, so a repeated call does no
// checking arithmetic and allocates no plan: a small Map per call site,
// keyed by a string, dropping its oldest entry when full (a program that
// sweeps shapes keeps at most `limit` plans per site).
export class PlanCache {
  #plans = new Map();
  #limit;

  constructor(limit = 64) {
    this.#limit = limit;
  }

  // key null (options the cache cannot key) is never found.
  get(key) {
    return key === null ? undefined : this.#plans.get(key);
  }

  put(key, plan) {
    if (key === null) return plan;
    if (this.#plans.size >= this.#limit) this.#plans.delete(this.#plans.keys().next().value);
    this.#plans.set(key, plan);
    return plan;
  }
}

export function shapeKey(shape) {
  let k = '';
  for (let i = 0; i < shape.length; i++) k += `${shape[i]},`;
  return k;
}

// A key part that tells apart every option value a plan may accept:
// numbers, booleans, null/undefined, 'valid'/'same', arrays of numbers or
// null. Anything else gives null: that call is planned (and checked) afresh.
function part(v) {
  switch (typeof v) {
    case 'number': return `${v}`;
    case 'boolean': return v ? 't' : 'f';
    case 'undefined': return 'u';
    case 'string': return v === 'valid' || v === 'same' ? v : null;
    default: break;
  }
  if (v === null) return 'n';
  if (!Array.isArray(v)) return null;
  let k = '[';
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x === 'number') k += `${x},`;
    else if (x === null) k += 'n,';
    else return null;
  }
  return `${k}]`;
}

// The key of options[name] for each name, or null.
export function optionsKey(options, names) {
  let k = '';
  for (let i = 0; i < names.length; i++) {
    const p = part(options[names[i]]);
    if (p === null) return null;
    k += `${p}|`;
  }
  return k;
}
