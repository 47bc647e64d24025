// torch.nn.Linear (weight (out_features, in_features), bias (out_features),
// initialised as PyTorch does) and torch.nn.Identity.
import { checkInt, typeFail, fmtValue } from '../../errors.js';
import { prepackLinear } from '../../ops/linear.js';
import { withTensor } from '../../ops/run.js';
import { parseArgs, REQUIRED } from '../args.js';
import { torchLinear } from '../functional/linear.js';
import { uniformFanIn } from './init.js';
import { warmUpOn } from '../../graph/prepack.js';
import { Module } from './module.js';

export class Linear extends Module {
  constructor(...args) {
    super();
    const where = 'Linear';
    const a = parseArgs(where, args, [['in_features', REQUIRED], ['out_features', REQUIRED], ['bias', true],
      ['device', null], ['dtype', null]]);
    checkInt(where, 'in_features', a.in_features);
    checkInt(where, 'out_features', a.out_features);
    if (typeof a.bias !== 'boolean') typeFail(where, `bias must be a boolean, got ${fmtValue(a.bias)}`);
    this.in_features = a.in_features;
    this.out_features = a.out_features;
    this.weight = uniformFanIn([a.out_features, a.in_features], a.in_features, where);
    this.bias = a.bias ? uniformFanIn([a.out_features], a.in_features, where) : null;
    this.prepack();
  }

  prepack() {
    prepackLinear('Linear', this.weight, this.bias, 'out_in');
    warmUpOn([1, this.in_features], (x) => this.forward(x));
  }

  forward(input) {
    return torchLinear('Linear', input, this.weight, this.bias);
  }

  extra_repr() {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}

// Arguments are accepted and ignored, as in PyTorch. forward gives a new
// tensor over the same values (no copy).
export class Identity extends Module {
  // eslint-disable-next-line no-unused-vars
  constructor(...args) {
    super();
  }

  forward(input) {
    return withTensor('Identity', input, 'input', (x) => x.reshape(x.shape));
  }
}
