// The one-off work of a first call, done when weights are set instead:
// packing weights for the kernels (js/ops), folding BatchNorm (a model's
// fused convolutions) and one warm-up call on a small zero input (V8
// compiles the WebAssembly kernels on first use). Here: when layers do it
// themselves and when they leave it to the model that builds or loads them
// (which folds first and packs the folded weights, so a layer packing its
// own kernel there would pack for nothing), and the model's pass over its
// steps.
import { prepackConv } from '../ops/conv.js';
import { Tensor } from '../tensor.js';

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

// Runs fn(x) once on zeros of `shape` (null: nothing), its output(s)
// disposed and any error dropped (the real call reports it). V8 compiles a
// WebAssembly function when it first runs (a few ms for a convolution
// kernel) and JS takes its slow path the first time: a call on a small
// input when weights are set pays that there, not in the first real call.
export function warmUpOn(shape, fn) {
  if (shape === null) return;
  let x = null;
  try {
    x = Tensor.fromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, 'warm-up');
    for (const t of [fn(x)].flat()) t?.dispose?.();
  } catch {
    // left for the first real call to report
  } finally {
    x?.dispose();
  }
}

// A layer's warm-up: one call() on its warmUpShape(), if it has one.
export function warmUpLayer(layer) {
  if (typeof layer.warmUpShape === 'function') warmUpOn(layer.warmUpShape(), (x) => layer.call(x));
}

// Folds and packs now what running these executor steps would on first use:
// each fused convolution's folded weights (fused: fuseSteps's FusedConv
// objects) and their packed copies, and every other step's layer.prepack();
// then (warmUp) runs each once on a small input.
export function prepackSteps(steps, fused, warmUp = true) {
  for (const f of fused) {
    const { kernel, bias, groups } = f.prepared();
    const c = f.conv;
    prepackConv(c.where, kernel, bias, {
      nd: c.rank, layout: 'HWIO', groups, channelsLast: c.data_format === 'channels_last', stride: c.strides, dilation: c.dilation_rate,
    });
    if (warmUp && firstOfKind(kernelKind(c, kernel, f.act))) warmUpOn(c.warmUpShape?.() ?? null, (x) => f.run(x));
  }
  for (const s of steps) {
    if (s.layer === null || typeof s.layer?.prepack !== 'function') continue;
    s.layer.prepack(warmUp ? undefined : { warmUp: false });
    if (warmUp && firstOfKind(kernelKind(s.layer, s.layer.kernel ?? null, null))) warmUpLayer(s.layer);
  }
}

// Warm-up runs compile kernels, so one run per kind of layer is enough
// (MobileNetV2's 52 convolutions are a dozen kinds; a model loaded again
// needs none): the kind is what picks the WebAssembly path (class, kernel
// size, strides, dilation, layout, groups, activation, and the channel
// counts' small / Winograd-sized buckets), kept for the module's life.
const warmedKinds = new Set();

function firstOfKind(kind) {
  if (warmedKinds.has(kind)) return false;
  warmedKinds.add(kind);
  return true;
}

function kernelKind(layer, kernel, act) {
  const ks = kernel?.shape ?? [];
  const bucket = (n) => (n === undefined ? '-' : n <= 4 ? n : n < 16 ? 's' : 'w');
  return [layer.constructor.name, layer.kernel_size, layer.strides, layer.dilation_rate, layer.padding, layer.data_format,
    layer.groups, act?.code ?? layer.activationSpec?.code ?? layer.activation, ks.map(bucket)].map(String).join('|');
}
