// F.linear / nn.Linear / Keras Dense on the last axis of any rank: the one
// checking place for the weight layout and shapes, and the packed-weights
// cache (once per weight tensor and bias, disposed with the weight).
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { heapU32, checkStatus } from '../runtime.js';
import { asTensor, Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { finishActivation } from './fused_activation.js';
import { keepPacked, keptPacked } from './packed_weights.js';
import { runKernel } from './run.js';

const LAYOUTS = { out_in: 0, in_out: 1 };

// The packed weights (bias included) for weight in `layout`, made once and
// kept on the weight tensor; a different bias tensor repacks.
function packedWeights(where, weight, layout, bias, K, N) {
  const kept = keptPacked(weight, `linear-pack:${layout}`, bias);
  if (kept !== null) return kept;
  const sizeEntry = kernel('linearPackedSize');
  const result = Tensor.empty([1], where);
  let floats;
  try {
    checkStatus(where, sizeEntry.run(sizeEntry.pack({ in_features: K, out_features: N, result: result.ptr })));
    floats = heapU32()[result.ptr >>> 2];
  } finally {
    result.dispose();
  }
  const packed = Tensor.empty([floats], where);
  try {
    const packEntry = kernel('linearPack');
    checkStatus(where, packEntry.run(packEntry.pack({
      weight: weight.ptr, bias: bias === null ? 0 : bias.ptr, packed: packed.ptr, in_features: K, out_features: N, layout: LAYOUTS[layout],
    })));
  } catch (e) {
    packed.dispose();
    throw e;
  }
  return keepPacked(weight, `linear-pack:${layout}`, bias, packed);
}

// Packs weight (+ bias) now, as linear()'s first call would, so the module
// or layer that owns them pays for it when they are set. weight and bias are
// Tensors already checked by their owner (2-D weight in `layout`, bias of
// its output features or null).
export function prepackLinear(where, weight, bias, layout = 'out_in') {
  const [N, K] = layout === 'out_in' ? weight.shape : [weight.shape[1], weight.shape[0]];
  packedWeights(where, weight, layout, bias, K, N);
}

export function linear(where, input, weight, bias, { layout = 'out_in', activation = null } = {}) {
  if (!(layout in LAYOUTS)) fail(where, `layout must be 'out_in' or 'in_out', got ${fmtValue(layout)}`);
  if (activation !== null && (typeof activation !== 'object' || typeof activation.code !== 'number')) {
    typeFail(where, `activation must be a resolveActivation() result or null, got ${fmtValue(activation)}`);
  }
  const owned = [];
  const take = (v, name) => {
    const [t, own] = asTensor(v, where, name);
    if (own) owned.push(t);
    return t;
  };
  try {
    const x = take(input, 'input');
    const w = take(weight, 'weight');
    const b = bias === null || bias === undefined ? null : take(bias, 'bias');
    const xs = x.shape;
    const ws = w.shape;
    const wDesc = layout === 'out_in' ? '(out_features, in_features)' : '(in_features, units)';
    if (ws.length !== 2) fail(where, `weight must have 2 dimensions ${wDesc}, got shape ${fmtShape(ws)}`);
    const [N, K] = layout === 'out_in' ? ws : [ws[1], ws[0]];
    if (N === 0) fail(where, `weight must have at least one output feature, got shape ${fmtShape(ws)}`);
    if (xs.length === 0) fail(where, `input must have at least 1 dimension (..., in_features), got shape ${fmtShape(xs)}`);
    if (xs[xs.length - 1] !== K) {
      fail(where, `input's last dimension must be in_features = ${K} (weight shape ${fmtShape(ws)} ${wDesc}), got input shape ${fmtShape(xs)}`);
    }
    if (b !== null && (b.shape.length !== 1 || b.shape[0] !== N)) {
      fail(where, `bias must have shape [${N}] (one value per output feature), got shape ${fmtShape(b.shape)}`);
    }
    const rows = xs.slice(0, -1).reduce((p, d) => p * d, 1);
    const outShape = [...xs.slice(0, -1), N];
    const packed = packedWeights(where, w, layout, b, K, N);
    const act = activation ?? { code: 0, softmax: false, fn: null };
    const entry = kernel('linear');
    const words = entry.pack({ input: x.ptr, packed: packed.ptr, output: 0, rows, in_features: K, out_features: N, activation: act.code });
    const out = runKernel(where, outShape, (o) => {
      entry.set(words, 'output', o);
      return entry.run(words);
    });
    return finishActivation(where, out, act);
  } finally {
    for (const t of owned) t.dispose();
  }
}
