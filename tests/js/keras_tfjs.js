// Test helper: TensorFlow.js (tfjs-layers on the CPU backend) as the Keras
// reference, and a runner that gives an nnwasm layer and a tfjs layer the
// same random weights and inputs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { torch } from '../../js/index.js';
import { randomValues, rng } from './reference/random.js';

export { tf, tfl };

export async function initTf() {
  await tf.setBackend('cpu');
}

// Random weights for every weight of a built nnwasm layer (variances kept
// positive), set on both layers.
export function shareWeights(layer, tfLayer, next) {
  const ws = layer.weights.map((w, i) => {
    const v = randomValues(next, w.numel());
    if ((layer.weightNames?.[i] ?? '').includes('variance')) for (let k = 0; k < v.length; k++) v[k] = 0.5 + Math.abs(v[k]);
    return torch.tensor(v, w.shape);
  });
  layer.set_weights(ws);
  if (tfLayer) tfLayer.setWeights(ws.map((w) => tf.tensor(w.data, w.shape)));
  for (const w of ws) w.dispose();
}

// Runs both on one seeded input; returns { got, want, shape, tfShape }.
export function runBoth(layer, tfLayer, shape, seed, { inputs = 1, kwargs = {} } = {}) {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const xs = Array.from({ length: inputs }, () => randomValues(next, n));
  const tts = xs.map((x) => tf.tensor(x, shape));
  const nts = xs.map((x) => torch.tensor(x, shape));
  const arg = (list) => (inputs === 1 && !kwargs.list ? list[0] : list);
  const tfOut = tfLayer.apply(arg(tts));
  const batchless = [null, ...shape.slice(1)];
  if (!layer.built) layer.build(inputs === 1 && !kwargs.list ? batchless : xs.map(() => batchless.slice()));
  if (layer.weights.length > 0 || tfLayer.getWeights().length > 0) shareWeights(layer, tfLayer, next);
  const want = tfLayer.apply(arg(tts));
  const out = layer.apply(arg(nts));
  const got = { data: out.data, shape: out.shape };
  const res = { got: got.data, shape: got.shape, want: want.dataSync(), tfShape: want.shape };
  out.dispose();
  for (const t of nts) t.dispose();
  tf.dispose([...tts, want, tfOut]);
  return res;
}

export function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}
