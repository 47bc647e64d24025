// The base of torch.nn module objects: training mode, child modules,
// parameters and buffers under PyTorch's dotted names, state_dict and
// load_state_dict.
//
// Parameters and buffers are ordinary properties (this.weight,
// this.running_mean); the module keeps the list of their names, as PyTorch
// does through nn.Parameter and register_buffer. Every module starts with the
// parameter names 'weight' and 'bias' (the only ones PyTorch's built-in layers
// use), so a layer that just assigns this.weight takes part; a null value is
// left out, as PyTorch leaves out a None bias. Child modules are the ones
// added with add_module (Sequential) and, as in PyTorch, every Module held in
// a property, in assignment order.
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { asTensor, Tensor } from '../../tensor.js';

const hidden = (obj, name, value) => Object.defineProperty(obj, name, { value, writable: true, enumerable: false });

export class Module {
  constructor() {
    hidden(this, '_modules', new Map());
    hidden(this, '_parameter_names', ['weight', 'bias']);
    hidden(this, '_buffer_names', []);
    // Checkpoint keys accepted and not loaded (BatchNorm's num_batches_tracked).
    hidden(this, '_ignored_keys', []);
    this.training = true;
  }

  forward() {
    throw new Error(`${this.constructor.name}.forward is not implemented`);
  }

  // Packs this module's own weights for the kernels now (their
  // input-independent packed copies, js/ops), so the first forward does not,
  // and runs forward once on a small zero input (warmUpOn: the WebAssembly
  // kernel compiles then). Modules with packed weights override it; the
  // constructor and load_state_dict call it. A weight assigned by hand is
  // packed on first use.
  prepack() {}

  // PyTorch modules are called like functions; JS spells it call().
  call(...args) {
    return this.forward(...args);
  }

  register_parameter(name, tensor) {
    this.#checkName('register_parameter', name);
    if (tensor !== null && !(tensor instanceof Tensor)) typeFail(`${this.constructor.name}.register_parameter`, `parameter '${name}' must be a Tensor or null, got ${fmtValue(tensor)}`);
    if (!this._parameter_names.includes(name)) this._parameter_names.push(name);
    this[name] = tensor;
  }

  register_buffer(name, tensor) {
    this.#checkName('register_buffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) typeFail(`${this.constructor.name}.register_buffer`, `buffer '${name}' must be a Tensor or null, got ${fmtValue(tensor)}`);
    if (!this._buffer_names.includes(name)) this._buffer_names.push(name);
    this[name] = tensor;
  }

  add_module(name, module) {
    this.#checkName('add_module', name);
    if (module !== null && !(module instanceof Module)) typeFail(`${this.constructor.name}.add_module`, `module '${name}' must be a Module or null, got ${fmtValue(module)}`);
    this._modules.set(name, module);
  }

  register_module(name, module) {
    this.add_module(name, module);
  }

  #checkName(method, name) {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      typeFail(`${this.constructor.name}.${method}`, `name must be a non-empty string without '.', got ${fmtValue(name)}`);
    }
  }

  // -> [[name, module], ...] of the direct children.
  named_children() {
    const out = [];
    const seen = new Set();
    for (const [name, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    for (const [name, m] of Object.entries(this)) {
      if (m instanceof Module && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  children() {
    return this.named_children().map(([, m]) => m);
  }

  // -> [['', this], ['features', ...], ['features.0', ...], ...], each module once.
  named_modules(memo = new Set(), prefix = '') {
    if (memo.has(this)) return [];
    memo.add(this);
    const out = [[prefix, this]];
    for (const [name, m] of this.named_children()) {
      out.push(...m.named_modules(memo, prefix === '' ? name : `${prefix}.${name}`));
    }
    return out;
  }

  modules() {
    return this.named_modules().map(([, m]) => m);
  }

  #ownTensors(names) {
    const out = [];
    for (const name of names) {
      const t = this[name];
      if (t instanceof Tensor) out.push([name, t]);
    }
    return out;
  }

  #named(kind, recurse) {
    const out = [];
    const seen = new Set();
    const modules = recurse ? this.named_modules() : [['', this]];
    for (const [prefix, m] of modules) {
      const names = kind === 'parameters' ? m._parameter_names : m._buffer_names;
      for (const [name, t] of m.#ownTensors(names)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([prefix === '' ? name : `${prefix}.${name}`, t]);
      }
    }
    return out;
  }

  named_parameters(prefix = '', recurse = true) {
    return this.#named('parameters', recurse).map(([n, t]) => [prefix === '' ? n : `${prefix}.${n}`, t]);
  }

  parameters(recurse = true) {
    return this.#named('parameters', recurse).map(([, t]) => t);
  }

  named_buffers(prefix = '', recurse = true) {
    return this.#named('buffers', recurse).map(([n, t]) => [prefix === '' ? n : `${prefix}.${n}`, t]);
  }

  buffers(recurse = true) {
    return this.#named('buffers', recurse).map(([, t]) => t);
  }

  train(mode = true) {
    if (typeof mode !== 'boolean') typeFail(`${this.constructor.name}.train`, `mode must be a boolean, got ${fmtValue(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval() {
    return this.train(false);
  }

  // { 'features.0.weight': Tensor, ... }: parameters then buffers of each
  // module, children after their parent, as PyTorch orders them. The values
  // are the module's own tensors (no copy), as PyTorch's are; load_state_dict
  // replaces them, so hold a clone() of any you need past that.
  state_dict() {
    const out = {};
    for (const [prefix, m] of this.named_modules()) {
      const p = prefix === '' ? '' : `${prefix}.`;
      for (const [name, t] of m.#ownTensors(m._parameter_names)) out[p + name] = t;
      for (const [name, t] of m.#ownTensors(m._buffer_names)) out[p + name] = t;
    }
    return out;
  }

  // Copies the values of `dict` (an object or Map of name -> Tensor or nested
  // array) into this module's parameters and buffers. Strict: missing and
  // unexpected keys are errors; non-strict: they are returned as
  // { missing_keys, unexpected_keys }. Shape mismatches are errors either
  // way. Nothing is changed unless everything loads (PyTorch may load part).
  load_state_dict(dict, strict = true) {
    const where = `${this.constructor.name}.load_state_dict`;
    if (typeof strict !== 'boolean') typeFail(where, `strict must be a boolean, got ${fmtValue(strict)}`);
    let entries;
    if (dict instanceof Map) entries = [...dict.entries()];
    else if (dict !== null && typeof dict === 'object' && !Array.isArray(dict) && !(dict instanceof Tensor)) entries = Object.entries(dict);
    else typeFail(where, `state_dict must be an object or a Map of name -> Tensor, got ${fmtValue(dict)}`);

    // name -> [module, attribute]
    const expected = new Map();
    const ignored = new Set();
    for (const [prefix, m] of this.named_modules()) {
      const p = prefix === '' ? '' : `${prefix}.`;
      for (const [name] of m.#ownTensors(m._parameter_names)) expected.set(p + name, [m, name]);
      for (const [name] of m.#ownTensors(m._buffer_names)) expected.set(p + name, [m, name]);
      for (const name of m._ignored_keys) ignored.add(p + name);
    }
    const given = new Map(entries);
    const missing = [...expected.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !expected.has(k) && !ignored.has(k));
    const errors = [];
    if (strict && missing.length > 0) errors.push(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && unexpected.length > 0) errors.push(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);

    const loads = [];
    const temporaries = [];
    try {
      for (const [key, value] of given) {
        const target = expected.get(key);
        if (target === undefined) continue;
        const [m, name] = target;
        const current = m[name];
        let t;
        if (value instanceof Tensor) {
          if (value.isDisposed) fail(where, `the value of "${key}" was disposed`);
          t = value;
        } else if (Array.isArray(value)) {
          [t] = asTensor(value, where, `"${key}"`);
          temporaries.push(t);
        } else {
          typeFail(where, `the value of "${key}" must be a Tensor or a nested array, got ${fmtValue(value)}`);
        }
        if (!sameShape(t.shape, current.shape)) {
          errors.push(`size mismatch for ${key}: copying a param with shape ${fmtShape(t.shape)} from checkpoint, ` +
            `the shape in current model is ${fmtShape(current.shape)}.`);
          continue;
        }
        loads.push([m, name, t]);
      }
      if (errors.length > 0) {
        throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
      }
      // Every tensor of a module is its own (a clone), so the caller may
      // dispose the dict; the replaced ones are freed with their packed copies.
      const clones = loads.map(([, , t]) => t.clone());
      loads.forEach(([m, name], i) => {
        const old = m[name];
        m[name] = clones[i];
        if (old !== clones[i]) old.dispose();
      });
      for (const m of new Set(loads.map(([mod]) => mod))) m.prepack();
    } finally {
      for (const t of temporaries) t.dispose();
    }
    return { missing_keys: missing, unexpected_keys: unexpected };
  }

  // Frees every parameter and buffer (and their packed copies) now.
  dispose() {
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }

  // PyTorch's repr: Name(extra) or, with children, one indented line each.
  extra_repr() {
    return '';
  }

  toString() {
    const children = this.named_children();
    const name = this.constructor.name;
    if (children.length === 0) return `${name}(${this.extra_repr()})`;
    const lines = children.map(([n, m]) => `  (${n}): ${String(m).replace(/\n/g, '\n  ')}`);
    const extra = this.extra_repr();
    return `${name}(${extra === '' ? '' : `${extra}`}\n${lines.join('\n')}\n)`;
  }
}

function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
