// The `keras` namespace: keras.layers.*
import * as globalPooling from './layers/global_pooling.js';
import { Layer } from './layers/layer.js';

const layerClasses = { ...globalPooling };

// TensorFlow.js's factory spellings: keras.layers.globalAveragePooling1d({...}).
const factories = {};
for (const [name, cls] of Object.entries(layerClasses)) {
  const factory = name.charAt(0).toLowerCase() + name.slice(1).replace(/(\d)D$/, '$1d');
  if (!(factory in factories)) factories[factory] = (options) => new cls(options);
}

export const keras = {
  layers: { Layer, ...layerClasses, ...factories },
};
