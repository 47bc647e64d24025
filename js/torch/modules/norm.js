// torch.nn.BatchNorm1d / 2d / 3d: weight ones, bias zeros, running_mean
// zeros, running_var ones. In training (and whenever running statistics are
// not tracked) the batch's statistics normalise, and training updates the
// running ones (momentum, or the cumulative average when momentum is null).
// The running statistics are replaced by new tensors rather than written in
// place, so nothing cached from the old values can go stale.
import { checkInt, fail, fmtShape } from '../../errors.js';
import { batchNorm, TORCH_NORM_NAMES } from '../../ops/norm.js';
import { withTensor } from '../../ops/run.js';
import { Tensor } from '../../tensor.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkBool, checkNumber } from '../functional/checks.js';
import { normaliseWithBatchStats, updatedRunningStats } from '../functional/norm.js';
import { filledTensor, py } from './init.js';
import { Module } from './module.js';

class BatchNormNd extends Module {
  constructor(where, ranks, args) {
    super();
    const a = parseArgs(where, args, [['num_features', REQUIRED], ['eps', 1e-5], ['momentum', 0.1], ['affine', true],
      ['track_running_stats', true], ['device', null], ['dtype', null]]);
    checkInt(where, 'num_features', a.num_features, { min: 1 });
    checkNumber(where, 'eps', a.eps);
    if (a.momentum !== null) checkNumber(where, 'momentum', a.momentum);
    checkBool(where, 'affine', a.affine);
    checkBool(where, 'track_running_stats', a.track_running_stats);
    this.where = where;
    this.ranks = ranks;
    this.num_features = a.num_features;
    this.eps = a.eps;
    this.momentum = a.momentum;
    this.affine = a.affine;
    this.track_running_stats = a.track_running_stats;
    const c = [a.num_features];
    this.weight = a.affine ? filledTensor(c, 1, where) : null;
    this.bias = a.affine ? filledTensor(c, 0, where) : null;
    this._buffer_names.push('running_mean', 'running_var');
    this.running_mean = a.track_running_stats ? filledTensor(c, 0, where) : null;
    this.running_var = a.track_running_stats ? filledTensor(c, 1, where) : null;
    // A plain count, not a tensor; checkpoints' num_batches_tracked is accepted and not loaded.
    this.num_batches_tracked = 0;
    this._ignored_keys.push('num_batches_tracked');
  }

  forward(input) {
    const where = this.where;
    return withTensor(where, input, 'input', (x) => {
      if (!this.ranks.includes(x.ndim)) {
        fail(where, `expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input, got ${x.ndim}D input of shape ${fmtShape(x.shape)}`);
      }
      if (x.shape[1] !== this.num_features) {
        fail(where, `expected input with ${this.num_features} channels (num_features) at dim 1, got shape ${fmtShape(x.shape)}`);
      }
      const useBatch = this.training || this.running_mean === null;
      if (!useBatch) {
        return batchNorm(where, x, { axis: 1, mean: this.running_mean, variance: this.running_var, gamma: this.weight, beta: this.bias, eps: this.eps, names: TORCH_NORM_NAMES });
      }
      const r = normaliseWithBatchStats(where, x, this.weight, this.bias, this.eps);
      if (this.training && this.running_mean !== null) {
        this.num_batches_tracked += 1;
        const factor = this.momentum === null ? 1 / this.num_batches_tracked : this.momentum;
        const [mean, variance] = updatedRunningStats(this.running_mean.data, this.running_var.data, r.mean, r.variance, factor, r.count);
        let newMean = null;
        try {
          newMean = Tensor.fromFloat32(mean, [this.num_features], where);
          const newVar = Tensor.fromFloat32(variance, [this.num_features], where);
          this.running_mean.dispose();
          this.running_var.dispose();
          this.running_mean = newMean;
          this.running_var = newVar;
        } catch (e) {
          newMean?.dispose();
          r.output.dispose();
          throw e;
        }
      }
      return r.output;
    });
  }

  extra_repr() {
    return `${this.num_features}, eps=${py(this.eps)}, momentum=${py(this.momentum)}, ` +
      `affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.track_running_stats ? 'True' : 'False'}`;
  }
}

export class BatchNorm1d extends BatchNormNd {
  constructor(...args) {
    super('BatchNorm1d', [2, 3], args);
  }
}

export class BatchNorm2d extends BatchNormNd {
  constructor(...args) {
    super('BatchNorm2d', [4], args);
  }
}

export class BatchNorm3d extends BatchNormNd {
  constructor(...args) {
    super('BatchNorm3d', [5], args);
  }
}
