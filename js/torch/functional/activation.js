// torch.nn.functional activations and softmax / log_softmax, mapped onto
// js/ops/activation.js and js/ops/softmax.js. The result is always a new
// tensor: `inplace` is accepted for PyTorch code and changes nothing.
import { activation } from '../../ops/activation.js';
import { softmax as softmaxOp } from '../../ops/softmax.js';
import { withTensor } from '../../ops/run.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkBool, checkChoice, checkNumber } from './checks.js';

// name -> [PyTorch's arguments after input, their checks -> the op's params].
export const ACTIVATIONS = {
  relu: { spec: [['inplace', false]] },
  relu6: { spec: [['inplace', false]] },
  leaky_relu: { spec: [['negative_slope', 0.01], ['inplace', false]], params: ['negative_slope'] },
  elu: { spec: [['alpha', 1], ['inplace', false]], params: ['alpha'] },
  selu: { spec: [['inplace', false]] },
  gelu: { spec: [['approximate', 'none']], params: ['approximate'] },
  silu: { spec: [['inplace', false]] },
  hardswish: { spec: [['inplace', false]] },
  hardsigmoid: { spec: [['inplace', false]] },
  sigmoid: { spec: [] },
  tanh: { spec: [] },
  softplus: { spec: [['beta', 1], ['threshold', 20]], params: ['beta', 'threshold'] },
  softsign: { spec: [] },
};

// Checks the arguments of activation `name` -> the op's params object.
export function activationParams(where, name, a) {
  const params = {};
  for (const p of ACTIVATIONS[name].params ?? []) {
    if (p === 'approximate') checkChoice(where, p, a[p], ['none', 'tanh']);
    else checkNumber(where, p, a[p]);
    params[p] = a[p];
  }
  if ('inplace' in a) checkBool(where, 'inplace', a.inplace);
  return params;
}

function makeActivation(name) {
  const spec = [['input', REQUIRED], ...ACTIVATIONS[name].spec];
  return (...args) => {
    const a = parseArgs(name, args, spec);
    return activation(name, a.input, name, activationParams(name, name, a));
  };
}

export const relu = makeActivation('relu');
export const relu6 = makeActivation('relu6');
export const leaky_relu = makeActivation('leaky_relu');
export const elu = makeActivation('elu');
export const selu = makeActivation('selu');
export const gelu = makeActivation('gelu');
export const silu = makeActivation('silu');
export const hardswish = makeActivation('hardswish');
export const hardsigmoid = makeActivation('hardsigmoid');
export const sigmoid = makeActivation('sigmoid');
export const tanh = makeActivation('tanh');
export const softplus = makeActivation('softplus');
export const softsign = makeActivation('softsign');

// PyTorch's legacy rule when dim is not given (it warns; we follow it).
function implicitDim(ndim) {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

export function softmaxDim(where, input, dim, log) {
  return withTensor(where, input, 'input', (x) =>
    softmaxOp(where, x, dim === null ? implicitDim(x.ndim) : dim, { log }));
}

const SOFTMAX_ARGS = [['input', REQUIRED], ['dim', null], ['_stacklevel', 3], ['dtype', null]];

function checkDtype(where, dtype) {
  if (dtype !== null && dtype !== 'float32') checkChoice(where, 'dtype', dtype, ['float32']);
}

export function softmax(...args) {
  const a = parseArgs('softmax', args, SOFTMAX_ARGS);
  checkDtype('softmax', a.dtype);
  return softmaxDim('softmax', a.input, a.dim, false);
}

export function log_softmax(...args) {
  const a = parseArgs('log_softmax', args, SOFTMAX_ARGS);
  checkDtype('log_softmax', a.dtype);
  return softmaxDim('log_softmax', a.input, a.dim, true);
}
