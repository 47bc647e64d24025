// torch.nn.functional: one file per op family.
export * from './pooling.js';
export * from './conv.js';
export { linear } from './linear.js';
export { batch_norm } from './norm.js';
export {
  relu, relu6, leaky_relu, elu, selu, gelu, silu, hardswish, hardsigmoid, sigmoid, tanh, softplus, softsign,
  softmax, log_softmax,
} from './activation.js';
export { pad } from './pad.js';
export { interpolate, upsample } from './resize.js';
export { conv_transpose1d, conv_transpose2d } from './conv_transpose.js';
export { dropout } from './dropout.js';
