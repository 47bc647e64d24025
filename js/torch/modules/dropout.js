// torch.nn.Dropout: the identity in eval(); in train() mode zeroes with
// probability p and scales the rest by 1 / (1 - p) (F.dropout).
import { parseArgs } from '../args.js';
import { checkBool } from '../functional/checks.js';
import { checkDropoutP, torchDropout } from '../functional/dropout.js';
import { Module } from './module.js';

export class Dropout extends Module {
  constructor(...args) {
    super();
    const a = parseArgs('Dropout', args, [['p', 0.5], ['inplace', false]]);
    this.p = checkDropoutP('Dropout', a.p);
    this.inplace = checkBool('Dropout', 'inplace', a.inplace);
  }

  forward(input) {
    return torchDropout('Dropout', input, this.p, this.training);
  }

  extra_repr() {
    return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}
