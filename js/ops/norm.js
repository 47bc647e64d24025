// Batch normalization (F.batch_norm, nn.BatchNorm1d/2d, Keras
// BatchNormalization): the one checking place for the channel axis and the
// per-channel parameters. The input is viewed as (outer, C, inner) around
// the channel axis, so any axis of any rank runs the same two kernels.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { asTensor, Tensor } from '../tensor.js';
import { checkStatus } from '../runtime.js';
import { kernel } from './abi.js';
import { runKernel, withTensor } from './run.js';

// (outer, C, inner) for `axis` of shape (negative counts from the end).
function channelView(where, shape, axis) {
  const r = shape.length;
  if (r === 0) fail(where, `input must have at least 1 dimension, got shape ${fmtShape(shape)}`);
  if (typeof axis !== 'number' || !Number.isInteger(axis)) typeFail(where, `axis must be an integer, got ${fmtValue(axis)}`);
  if (axis < -r || axis >= r) fail(where, `axis must be in [${-r}, ${r - 1}] for input of shape ${fmtShape(shape)}, got ${axis}`);
  const a = axis < 0 ? axis + r : axis;
  const prod = (s) => s.reduce((x, y) => x * y, 1);
  return { outer: prod(shape.slice(0, a)), C: shape[a], inner: prod(shape.slice(a + 1)), axis: a };
}

// Runs body(tensors) with every named argument as a Tensor (null stays
// null); temporaries made from nested arrays are disposed afterwards.
function withTensors(where, named, body) {
  const owned = [];
  try {
    const out = {};
    for (const [name, v] of Object.entries(named)) {
      if (v === null || v === undefined) {
        out[name] = null;
        continue;
      }
      const [t, own] = asTensor(v, where, name);
      if (own) owned.push(t);
      out[name] = t;
    }
    return body(out);
  } finally {
    for (const t of owned) t.dispose();
  }
}

function checkPerChannel(where, name, t, C, shape, axis) {
  if (t === null) return;
  if (t.shape.length !== 1 || t.shape[0] !== C) {
    fail(where, `${name} must have shape [${C}] (the size of axis ${axis} of input shape ${fmtShape(shape)}), got shape ${fmtShape(t.shape)}`);
  }
}

const OWN_NAMES = { mean: 'mean', variance: 'variance', gamma: 'gamma', beta: 'beta' };
// The argument names each front's errors use for mean, variance, gamma, beta.
export const TORCH_NORM_NAMES = { mean: 'running_mean', variance: 'running_var', gamma: 'weight', beta: 'bias' };
export const KERAS_NORM_NAMES = { mean: 'moving_mean', variance: 'moving_variance', gamma: 'gamma', beta: 'beta' };

// (x - mean) / sqrt(variance + eps) * gamma + beta per channel of `axis`.
export function batchNorm(where, input, { axis, mean, variance, gamma = null, beta = null, eps, names = OWN_NAMES } = {}) {
  if (typeof eps !== 'number' || Number.isNaN(eps)) typeFail(where, `eps must be a number, got ${fmtValue(eps)}`);
  if (mean === null || mean === undefined) typeFail(where, `${names.mean} must be a Tensor of per-channel values, got ${fmtValue(mean)}`);
  if (variance === null || variance === undefined) typeFail(where, `${names.variance} must be a Tensor of per-channel values, got ${fmtValue(variance)}`);
  return withTensors(where, { input, mean, variance, gamma, beta }, (t) => {
    const shape = t.input.shape;
    const v = channelView(where, shape, axis);
    for (const name of ['mean', 'variance', 'gamma', 'beta']) checkPerChannel(where, names[name], t[name], v.C, shape, v.axis);
    if (t.input.numel() === 0) return Tensor.empty(shape, where);
    const entry = kernel('batchNorm');
    const words = entry.pack({
      input: t.input.ptr, output: 0, mean: t.mean.ptr, variance: t.variance.ptr,
      gamma: t.gamma?.ptr ?? 0, beta: t.beta?.ptr ?? 0, outer: v.outer, channels: v.C, inner: v.inner, eps,
    });
    return runKernel(where, shape, (out) => {
      entry.set(words, 'output', out);
      return entry.run(words);
    });
  });
}

// Per-channel mean and biased variance over every axis but `axis`.
export function batchStats(where, input, axis) {
  return withTensor(where, input, 'input', (x) => {
    const shape = x.shape;
    const v = channelView(where, shape, axis);
    if (v.outer * v.inner === 0) {
      fail(where, `input must hold at least one value per channel to compute batch statistics, got shape ${fmtShape(shape)}`);
    }
    const mean = Tensor.empty([v.C], where);
    let variance = null;
    try {
      variance = Tensor.empty([v.C], where);
      const entry = kernel('batchStats');
      const status = entry.run(entry.pack({ input: x.ptr, mean: mean.ptr, variance: variance.ptr, outer: v.outer, channels: v.C, inner: v.inner }));
      checkStatus(where, status);
    } catch (e) {
      mean.dispose();
      variance?.dispose();
      throw e;
    }
    return { mean, variance };
  });
}
