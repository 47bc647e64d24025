// torch.nn activation modules (one per activation), Softmax and LogSoftmax:
// the functional ops with their arguments checked at construction.
import { activation } from '../../ops/activation.js';
import { parseArgs } from '../args.js';
import { ACTIVATIONS, activationParams, softmaxDim } from '../functional/activation.js';
import { checkInt } from '../../errors.js';
import { py } from './init.js';
import { Module } from './module.js';

class ActivationModule extends Module {
  constructor(where, name, args) {
    super();
    const a = parseArgs(where, args, ACTIVATIONS[name].spec);
    this.where = where;
    this.name = name;
    this.params = activationParams(where, name, a);
    Object.assign(this, this.params);
    if ('inplace' in a) this.inplace = a.inplace;
  }

  forward(input) {
    return activation(this.where, input, this.name, this.params);
  }

  extra_repr() {
    const parts = Object.entries(this.params).map(([k, v]) => `${k}=${py(v)}`);
    if (this.inplace) parts.push('inplace=True');
    return parts.join(', ');
  }
}

const define = (where, name) => ({
  [where]: class extends ActivationModule {
    constructor(...args) {
      super(where, name, args);
    }
  },
})[where];

export const ReLU = define('ReLU', 'relu');
export const ReLU6 = define('ReLU6', 'relu6');
export const LeakyReLU = define('LeakyReLU', 'leaky_relu');
export const ELU = define('ELU', 'elu');
export const SELU = define('SELU', 'selu');
export const GELU = define('GELU', 'gelu');
export const SiLU = define('SiLU', 'silu');
export const Hardswish = define('Hardswish', 'hardswish');
export const Hardsigmoid = define('Hardsigmoid', 'hardsigmoid');
export const Sigmoid = define('Sigmoid', 'sigmoid');
export const Tanh = define('Tanh', 'tanh');
export const Softplus = define('Softplus', 'softplus');
export const Softsign = define('Softsign', 'softsign');

class SoftmaxNd extends Module {
  constructor(where, log, args) {
    super();
    const a = parseArgs(where, args, [['dim', null]]);
    if (a.dim !== null) checkInt(where, 'dim', a.dim, { min: -Infinity });
    this.where = where;
    this.log = log;
    this.dim = a.dim;
  }

  forward(input) {
    return softmaxDim(this.where, input, this.dim, this.log);
  }

  extra_repr() {
    return `dim=${py(this.dim)}`;
  }
}

export class Softmax extends SoftmaxNd {
  constructor(...args) {
    super('Softmax', false, args);
  }
}

export class LogSoftmax extends SoftmaxNd {
  constructor(...args) {
    super('LogSoftmax', true, args);
  }
}
