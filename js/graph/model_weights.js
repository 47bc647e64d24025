// The weights of a model (Sequential or functional) as one list over its
// layers in order, as Keras's get_weights / set_weights take them.
import { fail, fmtValue } from '../errors.js';

export function modelWeights(layers) {
  return layers.flatMap((l) => l.weights ?? []);
}

export function getModelWeights(layers) {
  return layers.flatMap((l) => (typeof l.get_weights === 'function' ? l.get_weights() : []));
}

// where: 'Sequential.set_weights' or 'Model.set_weights'.
export function setModelWeights(where, layers, weights) {
  const sizes = layers.map((l) => (l.weights ?? []).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!Array.isArray(weights) || weights.length !== total) {
    fail(where, `expects a list of ${total} weights, got ${Array.isArray(weights) ? weights.length : fmtValue(weights)}`);
  }
  let at = 0;
  layers.forEach((layer, i) => {
    if (sizes[i] > 0) layer.set_weights(weights.slice(at, at + sizes[i]));
    at += sizes[i];
  });
}

export function countModelParams(layers) {
  return layers.reduce((n, l) => n + l.count_params(), 0);
}
