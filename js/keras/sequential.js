// keras.Sequential: layers run back to back on heap-resident tensors. Each
// layer's output feeds the next without a copy through JS, and every
// intermediate is disposed as soon as the next layer has consumed it.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { makePlan, runPlan } from '../graph/executor.js';
import { fuseSteps } from '../graph/fusion.js';
import { deferPrepack, prepackDeferred, prepackSteps } from '../graph/prepack.js';
import { countModelParams, getModelWeights, modelWeights, setModelWeights } from '../graph/model_weights.js';
import { withTensor } from '../ops/run.js';
import { inPlaceholderScope } from './initializers.js';
import { Layer } from './layers/layer.js';
import { layerClass, serializeLayer } from './registry.js';

const LAYER_METHODS = ['build', 'compute_output_shape', 'call', 'count_params', 'get_config'];

function isLayer(x) {
  return x !== null && typeof x === 'object' && LAYER_METHODS.every((m) => typeof x[m] === 'function');
}

function typeName(layer) {
  return layer.constructor.className ?? layer.constructor.name;
}

// Python's tuple repr with None, as Keras prints shapes: (None, 26, 26, 32).
function shapeText(shape) {
  const dims = shape.map((d) => (d === null || d === undefined ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

function fmtDims(shape) {
  return fmtShape(shape.map((d) => (d === null || d === undefined ? 'null' : d)));
}

// Keras's readable_memory_size: 1.25 KB, 0.00 B.
function readableBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}

const count = (n) => n.toLocaleString('en-US');

function checkShapeArg(where, shape) {
  if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d >= 0))) {
    fail(where, `input_shape must be an array of non-negative integers or null, got ${fmtValue(shape)}`);
  }
  return shape.slice();
}

export class Sequential extends Layer {
  #layers = [];
  #inputShape = null;     // with batch, as the model was built (batch usually null)
  #outputShapes = [];     // per layer, once built
  #plans = new Map();     // fuse flag -> { plan, fused }, dropped when layers change

  // new Sequential([layers], { name }) as Keras, or new Sequential({ layers, name })
  // as TensorFlow.js's tf.sequential.
  constructor(layers = null, options = undefined) {
    if (layers !== null && typeof layers === 'object' && !Array.isArray(layers) && options === undefined) {
      ({ layers = null, ...options } = layers);
    }
    super(options, {});
    if (layers !== null && layers !== undefined) {
      if (!Array.isArray(layers)) typeFail('Sequential', `layers must be an array of layers, got ${fmtValue(layers)}`);
      deferPrepack(() => {
        for (const layer of layers) this.add(layer);
      });
      this.#prepackIfDue();
    }
  }

  // Folds BatchNorm into the convolutions and packs every weight now, as the
  // first predict would otherwise (done by the constructor, build() and
  // set_weights; after add() or a layer's own set_weights, predict does it,
  // or call this).
  // warmUp: false leaves out the warm-up runs on small inputs (load_model
  // runs a whole predict instead).
  prepack({ warmUp = true } = {}) {
    if (!this.built || this.#layers.length === 0) return;
    this.#plan(true);
    const { plan, fused } = this.#plans.get(true);
    prepackSteps(plan.steps, fused, warmUp);
  }

  #prepackIfDue() {
    if (!prepackDeferred() && !inPlaceholderScope()) this.prepack();
  }

  static get className() {
    return 'Sequential';
  }

  get layers() {
    return this.#layers.slice();
  }

  get input_shape() {
    return this.#inputShape?.slice() ?? null;
  }

  get output_shape() {
    return this.built ? (this.#outputShapes.at(-1) ?? this.#inputShape).slice() : null;
  }

  // Adds a layer on top. The model builds as soon as its input shape is
  // known (the first layer's input_shape option, build(), or predict()), and
  // a layer that cannot take the shape before it is refused.
  add(layer) {
    if (!isLayer(layer)) {
      typeFail('Sequential.add', `layer must be a keras layer (with ${LAYER_METHODS.join(', ')}), got ${fmtValue(layer)}`);
    }
    if (this.#layers.some((l) => l.name === layer.name)) {
      fail('Sequential.add', `all layers in a Sequential model must have unique names; '${layer.name}' is already ` +
        'the name of a layer in this model (pass another name option)');
    }
    if (this.#layers.length === 0 && this.#inputShape === null && layer.declaredInputShape) {
      this.#inputShape = layer.declaredInputShape.slice();
    }
    if (this.#inputShape !== null) {
      const before = this.#outputShapes.at(-1) ?? this.#inputShape;
      const out = this.#buildLayer(layer, before, 'Sequential.add');
      this.#outputShapes.push(out);
      this.built = true;
    }
    this.#layers.push(layer);
    this.#dropPlans();
  }

  #dropPlans() {
    for (const { fused } of this.#plans.values()) for (const f of fused) f.dispose();
    this.#plans.clear();
  }

  // The layers as a chain of executor steps (ids 0..n), fused or not.
  #plan(fuse) {
    let p = this.#plans.get(fuse);
    if (p === undefined) {
      const steps = this.#layers.map((layer, i) => ({
        name: layer.name,
        type: typeName(layer),
        layer,
        kwargs: {},
        inputs: [i],
        outputs: [i + 1],
        list: false,
        run: (x) => (typeof layer.apply === 'function' ? layer.apply(x) : layer.call(x)),
      }));
      const ends = [[0], [steps.length]];
      const base = makePlan(steps, ...ends);
      if (fuse) {
        const { steps: fusedSteps, fused } = fuseSteps(steps, base.pinned, base.uses);
        p = { plan: makePlan(fusedSteps, ...ends), fused };
      } else p = { plan: base, fused: [] };
      this.#plans.set(fuse, p);
    }
    return p.plan;
  }

  // Removes the top layer and returns it.
  pop() {
    if (this.#layers.length === 0) fail('Sequential.pop', 'there are no layers to remove');
    if (this.built) this.#outputShapes.pop();
    this.#dropPlans();
    return this.#layers.pop();
  }

  get_layer(nameOrIndex) {
    const layer = Number.isInteger(nameOrIndex) ? this.#layers.at(nameOrIndex)
      : this.#layers.find((l) => l.name === nameOrIndex);
    if (!layer) fail('Sequential.get_layer', `no layer ${fmtValue(nameOrIndex)} (layers: ${this.#layers.map((l) => l.name).join(', ') || 'none'})`);
    return layer;
  }

  #buildLayer(layer, shape, where) {
    try {
      if (!layer.built) layer.build(shape.slice());
      const out = layer.compute_output_shape(shape.slice());
      if (!Array.isArray(out)) fail(typeName(layer), `compute_output_shape returned ${fmtValue(out)}, not a shape`);
      return out.slice();
    } catch (e) {
      const err = new (e instanceof TypeError ? TypeError : Error)(
        `${where}: layer '${layer.name}' (${typeName(layer)}) cannot take input of shape ${fmtDims(shape)}: ${e.message}`);
      err.cause = e;
      throw err;
    }
  }

  // Builds every layer for inputs of this shape (batch first; null = any size).
  build(inputShape) {
    const shape = checkShapeArg('Sequential.build', inputShape);
    const outs = [];
    let s = shape;
    deferPrepack(() => {
      for (const layer of this.#layers) {
        s = this.#buildLayer(layer, s, 'Sequential.build');
        outs.push(s);
      }
    });
    this.#inputShape = shape;
    this.#outputShapes = outs;
    this.built = true;
    this.#prepackIfDue();
  }

  compute_output_shape(inputShape) {
    let s = checkShapeArg('Sequential.compute_output_shape', inputShape);
    for (const layer of this.#layers) s = layer.compute_output_shape(s.slice());
    return s.slice();
  }

  // Same rank, and equal sizes wherever the built shape fixed one.
  #checkInput(where, shape) {
    const want = this.#inputShape;
    if (want.length !== shape.length || want.some((d, i) => d !== null && d !== shape[i])) {
      fail(where, `x must have shape ${fmtDims(want)} (null: any size) to fit this model, got shape ${fmtShape(shape)}`);
    }
  }

  // The steps predict() runs, by layer name; fused chains read
  // 'pad+conv+bn+relu' (for inspecting what the fusion pass did).
  executionPlan({ fuse = true } = {}) {
    return this.#plan(fuse).steps.map((s) => s.name);
  }

  // Runs every layer on x (a Tensor or nested array) and returns the last
  // output, a new Tensor; x itself is left as it was. At inference chains
  // like Conv -> BatchNormalization -> ReLU run fused (fuse: false runs
  // each layer on its own).
  predict(x, { fuse = true } = {}) {
    const where = 'Sequential.predict';
    if (this.#layers.length === 0) fail(where, 'the model has no layers; add() some first');
    return withTensor(where, x, 'x', (input) => {
      if (!this.built) this.build([null, ...input.shape.slice(1)]);
      this.#checkInput(where, input.shape);
      return runPlan(where, this.#plan(fuse), [input])[0];
    });
  }

  // Frees the fusion pass's folded weights (the layers keep theirs).
  dispose() {
    this.#dropPlans();
  }

  call(inputs) {
    return this.predict(inputs);
  }

  apply(inputs) {
    return this.predict(inputs);
  }

  get weights() {
    return modelWeights(this.#layers);
  }

  get_weights() {
    return getModelWeights(this.#layers);
  }

  // One list for the whole model, in layer order, as get_weights returns it.
  set_weights(weights) {
    deferPrepack(() => setModelWeights('Sequential.set_weights', this.#layers, weights));
    this.#prepackIfDue();
  }

  count_params() {
    if (!this.built) {
      fail('Sequential.count_params', 'the model has not been built yet: give the first layer an input_shape, ' +
        'or call build(input_shape) or predict(x) first');
    }
    return countModelParams(this.#layers);
  }

  get_config() {
    const config = { name: this.name, trainable: this.trainable, dtype: 'float32', layers: this.#layers.map(serializeLayer) };
    if (this.built) config.build_input_shape = this.#inputShape.slice();
    return config;
  }

  // custom_objects: { ClassName: cls } for layer classes not registered.
  static from_config(config, customObjects = null) {
    const where = 'Sequential.from_config';
    if (config === null || typeof config !== 'object' || !Array.isArray(config.layers)) {
      typeFail(where, `config must be an object with a layers array (from get_config()), got ${fmtValue(config)}`);
    }
    const model = new this(null, { name: config.name ?? null, trainable: config.trainable ?? true });
    let buildShape = config.build_input_shape ?? null;
    for (const entry of config.layers) {
      if (entry === null || typeof entry !== 'object' || typeof entry.class_name !== 'string') {
        typeFail(where, `each layer must be { class_name, config }, got ${fmtValue(entry)}`);
      }
      // Keras 2 configs start with an InputLayer holding the input shape.
      if (entry.class_name === 'InputLayer') {
        buildShape ??= entry.config?.batch_input_shape ?? entry.config?.batch_shape ?? null;
        continue;
      }
      const cls = layerClass(where, entry.class_name, customObjects);
      model.add(cls.from_config(entry.config ?? {}, customObjects));
    }
    if (buildShape !== null && !model.built) model.build(buildShape);
    return model;
  }

  // Keras's table: layer name and type, output shape, parameter count, totals.
  summary() {
    const rows = this.#layers.map((layer, i) => {
      const built = this.built && i < this.#outputShapes.length;
      return [
        `${layer.name} (${typeName(layer)})`,
        built ? shapeText(this.#outputShapes[i]) : '?',
        built ? count(layer.count_params()) : '0 (unbuilt)',
      ];
    });
    let trainable = 0;
    let frozen = 0;
    this.#layers.forEach((layer, i) => {
      if (!this.built || i >= this.#outputShapes.length) return;
      const n = layer.count_params();
      // BatchNormalization's moving statistics are weights but not trained.
      const fixed = (layer.non_trainable_weights ?? []).reduce((a, w) => a + w.numel(), 0);
      if (this.trainable && layer.trainable !== false) {
        trainable += n - fixed;
        frozen += fixed;
      } else frozen += n;
    });
    const header = ['Layer (type)', 'Output Shape', 'Param #'];
    const widths = [30, 26, 12].map((min, c) => Math.max(min, ...[header, ...rows].map((r) => r[c].length + 2)));
    const line = (l, fill, mid, r) => l + widths.map((w) => fill.repeat(w)).join(mid) + r;
    const cells = (r, edge) => edge + r.map((text, c) =>
      (c === 2 ? ` ${text.padStart(widths[c] - 2)} ` : ` ${text.padEnd(widths[c] - 2)} `)).join(edge) + edge;
    const out = [`Model: "${this.name}"`, line('┏', '━', '┳', '┓'), cells(header, '┃'), line('┡', '━', '╇', '┩')];
    rows.forEach((r, i) => {
      out.push(cells(r, '│'));
      if (i < rows.length - 1) out.push(line('├', '─', '┼', '┤'));
    });
    out.push(line('└', '─', '┴', '┘'));
    const total = trainable + frozen;
    out.push(` Total params: ${count(total)} (${readableBytes(total * 4)})`);
    out.push(` Trainable params: ${count(trainable)} (${readableBytes(trainable * 4)})`);
    out.push(` Non-trainable params: ${count(frozen)} (${readableBytes(frozen * 4)})`);
    return out.join('\n');
  }

  toString() {
    return `Sequential(name=${this.name}, layers=[${this.#layers.map((l) => l.name).join(', ')}])`;
  }
}
