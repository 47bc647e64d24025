// Plans cached by input shape and options, so a repeated call does no
// checking arithmetic and allocates nothing to find its plan: a short list
// per call site, most recent first, compared value by value (no key
// strings), dropping its oldest entry when full, so a program that sweeps
// shapes keeps at most `limit` plans per site.
//
// An entry matches on a tag (a primitive naming the op variant), up to
// three shapes (input, weight, bias; null when absent) and the options
// options[names[i]]: primitives compared with ===, arrays of primitives
// element by element. A call whose options hold anything else (objects,
// nested arrays) is planned afresh and not cached.

function sameShape(a, b) {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameValue(stored, v) {
  if (stored === v) return true;
  if (!Array.isArray(stored) || !Array.isArray(v) || stored.length !== v.length) return false;
  for (let i = 0; i < v.length; i++) if (stored[i] !== v[i]) return false;
  return true;
}

// A copy of v the caller cannot change later, or undefined when v is not
// cacheable.
function frozenCopy(v) {
  if (v === null || typeof v !== 'object') return { v };
  if (!Array.isArray(v)) return undefined;
  for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') return undefined;
  return { v: v.slice() };
}

export class PlanCache {
  #entries = [];
  #limit;

  constructor(limit = 32) {
    this.#limit = limit;
  }

  find(tag, s1, s2, s3, options, names) {
    const entries = this.#entries;
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e];
      if (entry.tag !== tag || !sameShape(entry.s1, s1) || !sameShape(entry.s2, s2) || !sameShape(entry.s3, s3)) continue;
      let same = true;
      for (let i = 0; i < names.length && same; i++) same = sameValue(entry.values[i], options[names[i]]);
      if (same) return entry.plan;
    }
    return undefined;
  }

  add(tag, s1, s2, s3, options, names, plan) {
    const values = [];
    for (let i = 0; i < names.length; i++) {
      const c = frozenCopy(options[names[i]]);
      if (c === undefined) return plan;
      values.push(c.v);
    }
    const entries = this.#entries;
    if (entries.length >= this.#limit) entries.pop();
    const copy = (s) => (s === null ? null : s.slice());
    entries.unshift({ tag, s1: copy(s1), s2: copy(s2), s3: copy(s3), values, plan });
    return plan;
  }


  // For a site whose options are fixed (a layer's): the plan for `shape`.
  findShape(shape) {
    return this.find(0, shape, null, null, null, NONE);
  }

  addShape(shape, plan) {
    return this.add(0, shape, null, null, null, NONE, plan);
  }
}

const NONE = [];
