// torch.nn.Flatten (start_dim = 1: the batch stays).
import { checkInt } from '../../errors.js';
import { parseArgs } from '../args.js';
import { flattenDims } from '../functional/tensor_ops.js';
import { Module } from './module.js';

export class Flatten extends Module {
  constructor(...args) {
    super();
    const a = parseArgs('Flatten', args, [['start_dim', 1], ['end_dim', -1]]);
    checkInt('Flatten', 'start_dim', a.start_dim, { min: -Infinity });
    checkInt('Flatten', 'end_dim', a.end_dim, { min: -Infinity });
    this.start_dim = a.start_dim;
    this.end_dim = a.end_dim;
  }

  forward(input) {
    return flattenDims('Flatten', input, this.start_dim, this.end_dim);
  }

  extra_repr() {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}
