// torch.nn module classes: one file per op family.
export { Module } from './module.js';
export * from './pooling.js';
export * from './conv.js';
export * from './container.js';
export * from './linear.js';
export * from './norm.js';
export * from './activation.js';
export * from './flatten.js';
export * from './dropout.js';
export * from './padding.js';
export * from './upsampling.js';
export * from './conv_transpose.js';
