// Keras activations for layers that fuse them into their kernels: a name
// (or null, or a JS function) -> what the kernel applies. Elementwise ones
// have a code the C++ output pass understands (cpp/src/conv/conv.h
// Activation); softmax is a separate pass over the last axis; a JS function
// is called on the output Tensor.
import { fail, fmtValue, typeFail } from '../errors.js';
import { checkStatus } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';

export const ACTIVATION_CODES = {
  linear: 0,
  relu: 1,
  relu6: 2,
  sigmoid: 3,
  tanh: 4,
  elu: 5,
  selu: 6,
  gelu: 7,
  swish: 8,
  silu: 8,
  softplus: 9,
  softsign: 10,
  hard_sigmoid: 11,
};

const NAMES = [...Object.keys(ACTIVATION_CODES), 'softmax'];

// -> { name, code, softmax, fn }: code is the fused elementwise activation
// (0 = linear when softmax or fn follow).
export function resolveActivation(where, activation) {
  if (activation === null || activation === undefined) return { name: 'linear', code: 0, softmax: false, fn: null };
  if (typeof activation === 'function') {
    return { name: activation.name || 'function', code: 0, softmax: false, fn: activation };
  }
  if (typeof activation !== 'string') {
    typeFail(where, `activation must be a name (${NAMES.join(', ')}), null or a function, got ${fmtValue(activation)}`);
  }
  // Keras accepts 'hardSigmoid'-style spellings through TensorFlow.js.
  const name = activation.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).toLowerCase();
  if (name === 'softmax') return { name, code: 0, softmax: true, fn: null };
  if (!(name in ACTIVATION_CODES)) {
    fail(where, `activation must be one of ${NAMES.join(', ')} (or null, or a function), got ${fmtValue(activation)}`);
  }
  return { name, code: ACTIVATION_CODES[name], softmax: false, fn: null };
}

// Softmax (last axis) and JS-function activations, after the kernel.
export function finishActivation(where, out, activation) {
  if (activation.softmax) {
    const shape = Tensor.shapeOf(out);
    const last = shape.length === 0 ? 1 : shape[shape.length - 1];
    const rows = last === 0 ? 0 : out.numel() / last;
    const softmax = kernel('softmaxRows');
    const status = softmax.run(softmax.pack({ x: out.ptr, rows, n: last }));
    if (status !== 0) {
      out.dispose();
      checkStatus(where, status);
    }
  }
  if (activation.fn !== null) {
    let result;
    try {
      result = activation.fn(out);
    } catch (e) {
      out.dispose();
      throw e;
    }
    if (result !== out && result instanceof Tensor) out.dispose();
    return result;
  }
  return out;
}
