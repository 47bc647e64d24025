// Elementwise activations as their own op (F.relu & co, Keras Activation /
// ReLU / LeakyReLU / ELU layers): the one checking place for names and
// parameters. Any shape; the result is a new Tensor of the same shape.
import { fail, fmtValue, typeFail } from '../errors.js';
import { kernel } from './abi.js';
import { runKernel, withTensor } from './run.js';

// Kind numbers of cpp/src/activation/activation.h.
const KINDS = {
  linear: 0, relu: 1, relu6: 2, leaky_relu: 3, elu: 4, selu: 5, gelu: 6, gelu_tanh: 7, silu: 8,
  hardswish: 9, hardsigmoid: 10, sigmoid: 11, tanh: 12, softplus: 13, softsign: 14, keras_relu: 15,
};
const NAMES = Object.keys(KINDS).filter((n) => n !== 'gelu_tanh');

// Each name's parameters with their defaults.
const PARAMS = {
  leaky_relu: { negative_slope: 0.01 },
  elu: { alpha: 1 },
  gelu: { approximate: 'none' },
  softplus: { beta: 1, threshold: 20 },
  keras_relu: { max_value: null, negative_slope: 0, threshold: 0 },
};

function number(where, name, v, { nullable = false } = {}) {
  if (nullable && (v === null || v === undefined)) return null;
  if (typeof v !== 'number') typeFail(where, `${name} must be a number${nullable ? ' or null' : ''}, got ${fmtValue(v)}`);
  return v;
}

// name + params -> the kernel's { kind, a, b, c }.
function resolve(where, name, params) {
  if (typeof name !== 'string' || !(name in KINDS) || name === 'gelu_tanh') {
    fail(where, `activation must be one of ${NAMES.join(', ')}, got ${fmtValue(name)}`);
  }
  if (params === null || typeof params !== 'object') typeFail(where, `params must be an object, got ${fmtValue(params)}`);
  const known = PARAMS[name] ?? {};
  // An undefined value means the default (the fronts pass options through).
  const p = { ...known };
  for (const key of Object.keys(params)) {
    if (!(key in known)) {
      const takes = Object.keys(known);
      fail(where, `${name} takes ${takes.length ? `the parameters ${takes.join(', ')}` : 'no parameters'}, got ${fmtValue(key)}`);
    }
    if (params[key] !== undefined) p[key] = params[key];
  }
  switch (name) {
    case 'leaky_relu': return { kind: KINDS.leaky_relu, a: number(where, 'negative_slope', p.negative_slope), b: 0, c: 0 };
    case 'elu': return { kind: KINDS.elu, a: number(where, 'alpha', p.alpha), b: 0, c: 0 };
    case 'gelu':
      if (p.approximate !== 'none' && p.approximate !== 'tanh') {
        fail(where, `approximate must be 'none' or 'tanh', got ${fmtValue(p.approximate)}`);
      }
      return { kind: p.approximate === 'tanh' ? KINDS.gelu_tanh : KINDS.gelu, a: 0, b: 0, c: 0 };
    case 'softplus':
      return { kind: KINDS.softplus, a: number(where, 'beta', p.beta), b: number(where, 'threshold', p.threshold), c: 0 };
    case 'keras_relu': {
      const maxValue = number(where, 'max_value', p.max_value, { nullable: true });
      const slope = number(where, 'negative_slope', p.negative_slope);
      const threshold = number(where, 'threshold', p.threshold);
      if (maxValue !== null && maxValue < 0) fail(where, `max_value must be >= 0 or null, got ${maxValue}`);
      if (slope < 0) fail(where, `negative_slope must be >= 0, got ${slope}`);
      return { kind: KINDS.keras_relu, a: slope, b: threshold, c: maxValue === null ? Infinity : maxValue };
    }
    default: return { kind: KINDS[name], a: 0, b: 0, c: 0 };
  }
}

// f(input) elementwise as a new Tensor.
export function activation(where, input, name, params = {}) {
  const k = resolve(where, name, params);
  return withTensor(where, input, 'input', (x) => {
    const entry = kernel('activation');
    const words = entry.pack({ input: x.ptr, output: 0, count: x.numel(), ...k });
    return runKernel(where, x.shape, (out) => {
      entry.set(words, 'output', out);
      return entry.run(words);
    });
  });
}

export const ACTIVATION_NAMES = NAMES;
