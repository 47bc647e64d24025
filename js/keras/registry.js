// Layer classes by name, so a config ({ class_name, config }) can be turned
// back into a layer: Sequential.from_config looks its layers up here.
// js/keras/index.js registers every built-in layer; an app registers its own
// layer classes with keras.registerLayer(cls), or passes them per call as
// from_config(config, { MyLayer }) (Keras's custom_objects).
import { fail, fmtValue, typeFail } from '../errors.js';

const classes = new Map();

export function registerLayer(cls, name = cls?.className ?? cls?.name) {
  if (typeof cls !== 'function') typeFail('registerLayer', `cls must be a layer class, got ${fmtValue(cls)}`);
  if (typeof name !== 'string' || name === '') typeFail('registerLayer', `name must be a non-empty string, got ${fmtValue(name)}`);
  classes.set(name, cls);
  return cls;
}

export function layerClass(where, className, customObjects = null) {
  const cls = customObjects?.[className] ?? classes.get(className);
  if (typeof cls !== 'function') {
    fail(where, `unknown layer class_name ${fmtValue(className)}: register it with keras.registerLayer(cls) ` +
      'or pass it in custom_objects');
  }
  return cls;
}

// The {class_name, config} record Keras serializes a layer as.
export function serializeLayer(layer) {
  return { class_name: layer.constructor.className ?? layer.constructor.name, config: layer.get_config() };
}

export const registeredLayerNames = () => [...classes.keys()].sort();
