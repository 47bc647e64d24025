// When layers prepack (pack their weights for the kernels, js/ops) and when
// they leave it to the model that builds or loads them: a model folds
// BatchNorm into its convolutions first and packs the folded weights, so a
// layer packing its own kernel there would pack for nothing.
import { prepackConv } from '../ops/conv.js';

let deferred = 0;

// Runs fn() with the layers' own prepacking deferred -> fn's result; the
// caller prepacks afterwards (a model's prepack()).
export function deferPrepack(fn) {
  deferred++;
  try {
    return fn();
  } finally {
    deferred--;
  }
}

export function prepackDeferred() {
  return deferred > 0;
}

// Folds and packs now what running these executor steps would on first use:
// each fused convolution's folded weights (fused: fuseSteps's FusedConv
// objects) and their packed copies, and every other step's layer.prepack().
export function prepackSteps(steps, fused) {
  for (const f of fused) {
    const { kernel, bias, groups } = f.prepared();
    const c = f.conv;
    prepackConv(c.where, kernel, bias, { nd: c.rank, layout: 'HWIO', groups, channelsLast: c.data_format === 'channels_last' });
  }
  for (const s of steps) if (s.layer !== null && typeof s.layer?.prepack === 'function') s.layer.prepack();
}
