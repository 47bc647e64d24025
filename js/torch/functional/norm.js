// torch.nn.functional.batch_norm: inference with the running statistics, or
// (training=true, or no running statistics) with the batch's, channel axis 1.
// Training updates the running statistics as PyTorch does:
//   running = (1 - momentum) * running + momentum * batch
// with the batch's unbiased variance for running_var (the biased one
// normalises).
import { fail, fmtShape, fmtValue, typeFail } from '../../errors.js';
import { batchNorm, batchStats, TORCH_NORM_NAMES } from '../../ops/norm.js';
import { withTensor } from '../../ops/run.js';
import { heapF32 } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkBool, checkNumber } from './checks.js';

function optionalTensor(where, name, v) {
  if (v === null || v === undefined) return null;
  if (!(v instanceof Tensor) && !Array.isArray(v)) typeFail(where, `${name} must be a Tensor or null, got ${fmtValue(v)}`);
  return v;
}

// The new running statistics after one batch -> [mean, var] Float32Arrays.
// count: values per channel in the batch (> 1).
export function updatedRunningStats(runningMean, runningVar, batchMean, batchVar, momentum, count) {
  const c = batchMean.length;
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const unbias = count / (count - 1);
  for (let i = 0; i < c; i++) {
    mean[i] = (1 - momentum) * runningMean[i] + momentum * batchMean[i];
    variance[i] = (1 - momentum) * runningVar[i] + momentum * batchVar[i] * unbias;
  }
  return [mean, variance];
}

// Normalises x with its batch statistics -> { output, mean, variance, count }
// (mean and variance as Float32Arrays [C]).
export function normaliseWithBatchStats(where, x, weight, bias, eps) {
  if (x.ndim < 2) fail(where, `input must have at least 2 dimensions (N, C, ...), got shape ${fmtShape(x.shape)}`);
  const count = x.numel() / x.shape[1];
  if (count <= 1) fail(where, `expected more than 1 value per channel when training, got input size ${fmtShape(x.shape)}`);
  const stats = batchStats(where, x, 1);
  try {
    const output = batchNorm(where, x, { axis: 1, mean: stats.mean, variance: stats.variance, gamma: weight, beta: bias, eps, names: TORCH_NORM_NAMES });
    return { output, mean: stats.mean.data, variance: stats.variance.data, count };
  } finally {
    stats.mean.dispose();
    stats.variance.dispose();
  }
}

// PyTorch changes the running statistics in place; so do we, into the
// caller's Tensor or plain array.
function writeInPlace(target, values) {
  if (target instanceof Tensor) heapF32().set(values, target.ptr >>> 2);
  else values.forEach((v, i) => { target[i] = v; });
}

// The values of a running statistic of `c` channels, checked before any is
// written so a bad one changes neither.
function readRunning(where, name, t, c) {
  if (t instanceof Tensor) {
    if (t.isDisposed) fail(where, `${name} was disposed; it cannot be used any more`);
    if (t.numel() !== c) fail(where, `${name} must have ${c} elements (one per channel), got shape ${fmtShape(t.shape)}`);
    return t.data;
  }
  if (t.length !== c || t.some((v) => typeof v !== 'number')) {
    fail(where, `${name} must be a Tensor or an array of ${c} numbers to be updated in training, got ${fmtValue(t)}`);
  }
  return t;
}

export function batch_norm(...args) {
  const where = 'batch_norm';
  const a = parseArgs(where, args, [['input', REQUIRED], ['running_mean', REQUIRED], ['running_var', REQUIRED],
    ['weight', null], ['bias', null], ['training', false], ['momentum', 0.1], ['eps', 1e-5]]);
  const runningMean = optionalTensor(where, 'running_mean', a.running_mean);
  const runningVar = optionalTensor(where, 'running_var', a.running_var);
  const weight = optionalTensor(where, 'weight', a.weight);
  const bias = optionalTensor(where, 'bias', a.bias);
  checkBool(where, 'training', a.training);
  checkNumber(where, 'momentum', a.momentum);
  checkNumber(where, 'eps', a.eps);
  if ((runningMean === null) !== (runningVar === null)) fail(where, 'running_mean and running_var must both be given or both be null');
  if (!a.training) {
    if (runningMean === null) fail(where, 'running_mean and running_var must be defined in evaluation mode (training=false)');
    return batchNorm(where, a.input, { axis: 1, mean: runningMean, variance: runningVar, gamma: weight, beta: bias, eps: a.eps, names: TORCH_NORM_NAMES });
  }
  return withTensor(where, a.input, 'input', (x) => {
    const r = normaliseWithBatchStats(where, x, weight, bias, a.eps);
    if (runningMean !== null) {
      try {
        const c = r.mean.length;
        const [mean, variance] = updatedRunningStats(readRunning(where, 'running_mean', runningMean, c),
          readRunning(where, 'running_var', runningVar, c), r.mean, r.variance, a.momentum, r.count);
        writeInPlace(runningMean, mean);
        writeInPlace(runningVar, variance);
      } catch (e) {
        r.output.dispose();
        throw e;
      }
    }
    return r.output;
  });
}
