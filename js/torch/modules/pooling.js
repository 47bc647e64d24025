// torch.nn pooling modules: the functional ops with their arguments held.
import { adaptiveAvgPool1d, planAdaptivePool1d } from '../../ops/adaptive_pool.js';
import { parseArgs, REQUIRED } from '../args.js';
import { Module } from './module.js';


export class AdaptiveAvgPool1d extends Module {
  constructor(...args) {
    super();
    const a = parseArgs('AdaptiveAvgPool1d', args, [['output_size', REQUIRED]]);
    planAdaptivePool1d('AdaptiveAvgPool1d', [1, 1], a.output_size);  // checks output_size now
    this.output_size = a.output_size;
  }

  forward(input) {
    return adaptiveAvgPool1d('AdaptiveAvgPool1d', input, this.output_size);
  }

  toString() {
    return `AdaptiveAvgPool1d(output_size=${this.output_size})`;
  }
}
