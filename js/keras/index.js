// The `keras` namespace: keras.layers.*, one file per layer family, and the
// functional API (keras.Input, keras.Model) from js/graph.
import { Input, InputLayer, Model, model } from '../graph/functional.js';
import * as activation from './layers/activation.js';
import * as conv from './layers/conv.js';
import * as convVariants from './layers/conv_variants.js';
import * as core from './layers/core.js';
import * as globalPooling from './layers/global_pooling.js';
import { Layer } from './layers/layer.js';
import { loadLayersModel, models, saveModel } from './models.js';
import * as merge from './layers/merge.js';
import * as normalization from './layers/normalization.js';
import * as pooling from './layers/pooling.js';
import * as reshaping from './layers/reshaping.js';
import { registerLayer } from './registry.js';
import { markBuiltInLayers } from '../graph/prepack.js';
import { Sequential } from './sequential.js';

const pickClasses = (mod) => Object.fromEntries(Object.entries(mod).filter(([name, v]) => typeof v === 'function' && /^[A-Z]/.test(name) && v.prototype instanceof Layer));

const layerClasses = {
  ...globalPooling, ...pooling, ...conv,
  ...pickClasses(core), ...pickClasses(activation), ...pickClasses(normalization), ...pickClasses(reshaping),
  ...pickClasses(merge), ...pickClasses(convVariants),
  InputLayer,
};

// Config round trips (Sequential.from_config, Model.from_config) find layer
// classes by name; tf.keras 2 names a functional model 'Functional'.
for (const [name, cls] of Object.entries({ ...layerClasses, Sequential })) registerLayer(cls, name);
markBuiltInLayers(Object.values(layerClasses));
registerLayer(Model, 'Functional');
registerLayer(Model, 'Model');

// TensorFlow.js's factory spellings: keras.layers.globalAveragePooling1d({...}),
// keras.layers.dense({...}), keras.layers.conv2dTranspose({...}).
const factories = {};
for (const [name, cls] of Object.entries(layerClasses)) {
  const factory = name.charAt(0).toLowerCase() + name.slice(1).replace(/(\d)D(?=$|Transpose$)/, '$1d');
  if (!(factory in factories)) factories[factory] = (options) => new cls(options);
}
// TensorFlow.js's own irregular spellings.
Object.assign(factories, { prelu: factories.pReLU, elu: factories.eLU, cropping2D: factories.cropping2d });
delete factories.pReLU;
delete factories.eLU;

// model.save(target): js/keras/models.js writes TensorFlow.js's layers-model format.
Model.prototype.save = function save(target) { return saveModel(this, target); };
Sequential.prototype.save = function save(target) { return saveModel(this, target); };

export const keras = {
  layers: { Layer, ...layerClasses, ...factories },
  models,
  loadLayersModel,
  Sequential,
  sequential: (options) => new Sequential(options),
  Model,
  model,
  Input,
  input: Input,
  InputLayer,
  registerLayer,
};
