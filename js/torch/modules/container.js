// torch.nn.Sequential: modules run back to back. Children are named '0',
// '1', ... (or by the keys of one object / Map given instead), and reachable
// as seq[0], as in PyTorch. forward frees the intermediates it made.
import { fail, fmtValue, typeFail } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { Module } from './module.js';

export class Sequential extends Module {
  constructor(...args) {
    super();
    const named = args.length === 1 && (args[0] instanceof Map || (args[0] !== null && typeof args[0] === 'object' &&
      !(args[0] instanceof Module) && !Array.isArray(args[0])));
    const entries = named ? [...(args[0] instanceof Map ? args[0].entries() : Object.entries(args[0]))]
      : (args.length === 1 && Array.isArray(args[0]) ? args[0] : args).map((m, i) => [String(i), m]);
    for (const [name, m] of entries) {
      if (!(m instanceof Module)) typeFail('Sequential', `module ${name} must be a torch.nn Module, got ${fmtValue(m)}`);
      this.add_module(name, m);
    }
  }

  add_module(name, module) {
    super.add_module(name, module);
    if (/^\d+$/.test(name)) Object.defineProperty(this, name, { get: () => this._modules.get(name), configurable: true, enumerable: false });
  }

  append(module) {
    if (!(module instanceof Module)) typeFail('Sequential.append', `module must be a torch.nn Module, got ${fmtValue(module)}`);
    this.add_module(String(this._modules.size), module);
    return this;
  }

  get length() {
    return this._modules.size;
  }

  // seq.at(-1) as Python's seq[-1].
  at(index) {
    const list = [...this._modules.values()];
    if (!Number.isInteger(index) || index < -list.length || index >= list.length) {
      fail('Sequential.at', `index must be an integer in [${-list.length}, ${list.length - 1}], got ${fmtValue(index)}`);
    }
    return list[index < 0 ? index + list.length : index];
  }

  [Symbol.iterator]() {
    return this._modules.values();
  }

  forward(input) {
    let x = input;
    for (const m of this._modules.values()) {
      if (m === null) continue;
      let y;
      try {
        y = m.forward(x);
      } catch (e) {
        if (x !== input && x instanceof Tensor) x.dispose();
        throw e;
      }
      // Free what an earlier module made, not the caller's input nor a
      // tensor a module handed straight through.
      if (x !== input && x !== y && x instanceof Tensor) x.dispose();
      x = y;
    }
    return x;
  }
}

// torch.nn.ModuleList: holds modules under '0', '1', ... so that they take
// part in named_modules and state_dict; it has no forward of its own.
export class ModuleList extends Module {
  constructor(modules = []) {
    super();
    if (!Array.isArray(modules)) typeFail('ModuleList', `modules must be an array of torch.nn Modules, got ${fmtValue(modules)}`);
    for (const m of modules) this.append(m);
  }

  append(module) {
    if (!(module instanceof Module)) typeFail('ModuleList.append', `module must be a torch.nn Module, got ${fmtValue(module)}`);
    const name = String(this._modules.size);
    this.add_module(name, module);
    Object.defineProperty(this, name, { get: () => this._modules.get(name), configurable: true, enumerable: false });
    return this;
  }

  get length() {
    return this._modules.size;
  }

  [Symbol.iterator]() {
    return this._modules.values();
  }
}
