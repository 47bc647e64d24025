// torch.nn.functional: one file per op family.
export * from './pooling.js';
export { conv1d, conv2d } from './conv.js';  // not torchConv, the modules' shared body
