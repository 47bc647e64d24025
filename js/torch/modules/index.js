// torch.nn module classes: one file per op family.
export { Module } from './module.js';
export * from './pooling.js';
export * from './conv.js';
