// torch.nn.functional: one file per op family.
export * from './pooling.js';
export * from './conv.js';
