// The `keras` namespace: keras.layers.*, one file per layer family.
import * as conv from './layers/conv.js';
import * as globalPooling from './layers/global_pooling.js';
import { Layer } from './layers/layer.js';
import * as pooling from './layers/pooling.js';
import { registerLayer } from './registry.js';
import { Sequential } from './sequential.js';

const layerClasses = { ...globalPooling, ...pooling, ...conv };

// Config round trips (Sequential.from_config) find layer classes by name.
for (const [name, cls] of Object.entries({ ...layerClasses, Sequential })) registerLayer(cls, name);

// TensorFlow.js's factory spellings: keras.layers.globalAveragePooling1d({...}).
const factories = {};
for (const [name, cls] of Object.entries(layerClasses)) {
  const factory = name.charAt(0).toLowerCase() + name.slice(1).replace(/(\d)D$/, '$1d');
  if (!(factory in factories)) factories[factory] = (options) => new cls(options);
}

export const keras = {
  layers: { Layer, ...layerClasses, ...factories },
  Sequential,
  registerLayer,
};
