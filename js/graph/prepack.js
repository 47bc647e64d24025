// The one-off work of a first call, done when weights are set instead:
// packing weights for the kernels (js/ops), folding BatchNorm (a model's
// fused convolutions) and warm-up calls on zero inputs. V8 first runs a
// WebAssembly function from a quick baseline compile (Liftoff, 2-5x slower
// for SIMD loops) and compiles it optimised in the background only once it
// has run a while; a function that first runs inside a long call runs all
// of that call unoptimised. So a model's warm-up runs every kind of layer:
// small convolutions several times (enough to start their optimised
// compile while the load goes on), the other layers once or a few times at
// their own batch-1 shape (their kernels pick paths by size and threads).
// Here: when layers do it themselves and when they leave it to the model
// that builds or loads them (which folds first and packs the folded
// weights, so a layer packing its own kernel there would pack for nothing),
// and the model's pass over its steps.
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

// Runs fn(x) `runs` times on zeros of `shape` (null: nothing; an array of
// shapes: fn gets a list), its output(s) disposed and any error dropped
// (the real call reports it).
export function warmUpOn(shape, fn, runs = 1) {
  if (shape === null) return;
  const list = Array.isArray(shape[0]);
  const xs = [];
  try {
    for (const s of list ? shape : [shape]) xs.push(Tensor.fromFloat32(new Float32Array(numel(s)), s, 'warm-up'));
    for (let r = 0; r < runs; r++) for (const t of [fn(list ? xs : xs[0])].flat()) t?.dispose?.();
  } catch {
    // left for the first real call to report
  } finally {
    for (const x of xs) x.dispose();
  }
}

const numel = (shape) => shape.reduce((a, b) => a * b, 1);

// Runs of a small convolution's warm-up: enough for V8 to start compiling
// its kernel optimised (a budget of roughly 1.8 MB of executed code per
// function in V8 11-13); a few ms at load, paid once per kind of layer.
const SMALL_WARM_UP_RUNS = 8;
// A layer with no small warm-up shape runs at its own batch-1 shape, up to
// this many values (larger inputs: left to the first call), repeated until
// about WARM_UP_VALUES values have gone through it.
const MAX_WARM_UP_VALUES = 1 << 22;
const WARM_UP_VALUES = 1 << 20;

// The batch-1 input shape(s) a built layer was built for, or null when a
// size is unknown or the input is large.
function builtShape(layer) {
  const s = layer.input_spec_shape;
  if (!Array.isArray(s) || s.length === 0) return null;
  const list = Array.isArray(s[0]) ? s : [s];
  const shapes = list.map((d) => [1, ...d.slice(1)]);
  if (!shapes.every((d) => d.every((n) => Number.isInteger(n) && n > 0))) return null;
  const values = shapes.reduce((a, d) => a + numel(d), 0);
  if (values > MAX_WARM_UP_VALUES) return null;
  return { shape: list === s ? shapes : shapes[0], runs: Math.min(SMALL_WARM_UP_RUNS, Math.ceil(WARM_UP_VALUES / values)) };
}

// A layer's warm-up: call() on its warmUpShape(), if it has one (once when
// a layer's own weights are set, which may happen often; a model's load
// runs each kind SMALL_WARM_UP_RUNS times, once per module).
export function warmUpLayer(layer, runs = 1) {
  if (typeof layer.warmUpShape === 'function') warmUpOn(layer.warmUpShape(), (x) => layer.call(x), runs);
}

// The built-in layer classes (js/keras/index.js), the only ones a model's
// warm-up runs at their built shape: an app's own layers and activation
// functions are its code, not ours to call before it asks.
const builtInClasses = new Set();

export function markBuiltInLayers(classes) {
  for (const cls of classes) builtInClasses.add(cls);
}

// A model step's layer: its small warm-up shape, else (built-in layers)
// the shape it was built for.
function warmUpStepLayer(layer) {
  if (typeof layer.warmUpShape === 'function' && layer.warmUpShape() !== null) {
    warmUpLayer(layer, SMALL_WARM_UP_RUNS);
    return;
  }
  if (!builtInClasses.has(layer.constructor) || typeof layer.activation === 'function') return;
  const built = builtShape(layer);
  if (built !== null) warmUpOn(built.shape, (x) => layer.apply(x), built.runs);
}

// Folds and packs now what running these executor steps would on first use:
// each fused convolution's folded weights (fused: fuseSteps's FusedConv
// objects) and their packed copies, and every other step's layer.prepack();
// then (warmUp) runs each once on a small input.
export function prepackSteps(steps, fused, warmUp = true) {
  for (const f of fused) {
    const { kernel, bias, groups, scale } = f.prepared();
    const c = f.conv;
    prepackConv(c.where, kernel, bias, {
      nd: c.rank, layout: 'HWIO', groups, channelsLast: c.data_format === 'channels_last', stride: c.strides, dilation: c.dilation_rate,
      scale,
    });
    if (warmUp && firstOfKind(kernelKind(c, kernel, f.act))) warmUpOn(c.warmUpShape?.() ?? null, (x) => f.run(x), SMALL_WARM_UP_RUNS);
  }
  for (const s of steps) {
    if (s.layer === null || s.layer === undefined) continue;
    if (typeof s.layer.prepack === 'function') s.layer.prepack(warmUp ? undefined : { warmUp: false });
    if (warmUp && firstOfKind(kernelKind(s.layer, s.layer.kernel ?? null, null))) warmUpStepLayer(s.layer);
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
