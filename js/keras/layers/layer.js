// The base of every Keras-style layer: naming, config round trip, build,
// weights bookkeeping. Subclasses give the options they take and call().
import { fail, fmtShape, fmtValue } from '../../errors.js';
import { prepackDeferred, warmUpLayer } from '../../graph/prepack.js';
import { applySymbolic, isSymbolic } from '../../graph/symbolic.js';
import { asTensor, Tensor } from '../../tensor.js';
import { initialize, inPlaceholderScope } from '../initializers.js';
import { readOptions } from '../options.js';

const nameCounts = new Map();

// The internal method load_model hands freshly made weight tensors to.
export const ADOPT_WEIGHTS = Symbol('nnwasm.adoptWeights');

// Keras's unique default names: conv1d, conv1d_1, conv1d_2, ...
function uniqueName(prefix) {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

// Keras's to_snake_case: GlobalAveragePooling1D -> global_average_pooling1d.
function snakeClassName(cls) {
  return cls.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

const NOT_BUILT_HINTS = {
  count_params: ', so its weights do not exist; call build(input_shape) or apply it to an input first',
  set_weights: '; call build(input_shape) first',
  call: '; use apply() or build(input_shape) first',
};

export class Layer {
  // defaults: this layer's own options and their default values.
  constructor(options, defaults) {
    const cls = this.constructor.className;
    this.options = readOptions(cls, options, defaults);
    const { name, trainable, dtype } = this.options;
    if (name !== null && typeof name !== 'string') fail(cls, `name must be a string, got ${fmtValue(name)}`);
    if (dtype !== 'float32' && dtype !== null) fail(cls, `dtype must be 'float32' (nnwasm computes in float32), got ${fmtValue(dtype)}`);
    this.name = name ?? uniqueName(snakeClassName(cls));
    this.trainable = trainable;
    this.built = false;
    this.input_spec_shape = null;
    // Symbolic inputs (keras.Input) record a graph node instead of running,
    // whatever apply() the subclass defines.
    const run = this.apply;
    Object.defineProperty(this, 'apply', {
      configurable: true,
      writable: true,
      value: (inputs, kwargs = {}) => (isSymbolic(inputs) ? applySymbolic(this, inputs, kwargs) : run.call(this, inputs, kwargs)),
    });
  }

  static get className() {
    return this.name;
  }

  get where() {
    return this.constructor.className;
  }

  // The input shape given at construction (Keras input_shape excludes batch).
  get declaredInputShape() {
    const { input_shape: s, batch_input_shape: b, batch_size: n } = this.options;
    if (b) return b;
    if (s) return [n ?? null, ...s];
    return null;
  }

  build(inputShape) {
    this.compute_output_shape(inputShape);  // validates
    this.input_spec_shape = inputShape.slice();
    this.built = true;
  }

  compute_output_shape() {
    throw new Error(`${this.where}.compute_output_shape is not implemented`);
  }

  // Runs the layer. Keras's __call__: builds on first use.
  apply(inputs, kwargs = {}) {
    if (inputs instanceof Tensor && inputs.isDisposed) fail(this.where, 'inputs was disposed; it cannot be used any more');
    if (!this.built && inputs instanceof Tensor) this.build(inputs.shape);
    return this.call(inputs, kwargs);
  }

  call() {
    throw new Error(`${this.where}.call is not implemented`);
  }

  get weights() {
    return [];
  }

  get_weights() {
    return this.weights.map((w) => w.clone());
  }

  set_weights(weights) {
    if (!Array.isArray(weights) || weights.length !== this.weights.length) {
      fail(this.where, `set_weights expects a list of ${this.weights.length} weights, got ${Array.isArray(weights) ? weights.length : fmtValue(weights)}`);
    }
  }

  count_params() {
    let n = 0;
    for (const w of this.weights) n += w.numel();
    return n;
  }

  // Internal: refuses `what` (count_params, set_weights or call) on a layer
  // whose weights do not exist yet.
  _requireBuilt(what) {
    if (!this.built) fail(this.where, `${what}: the layer '${this.name}' is not built yet${NOT_BUILT_HINTS[what]}`);
  }

  // Keras's base config; subclasses add their own options.
  get_config() {
    const config = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    const s = this.declaredInputShape;
    if (s) config.batch_input_shape = s.slice();
    return config;
  }

  static from_config(config) {
    return new this(config);
  }

  // Keras's layer.input / layer.output: the symbolic tensors of the layer's
  // one call in a functional graph (a layer called several times has no
  // single one, as in Keras).
  get input() {
    return this.#onlyNode('input').inputsWereList ? this.#onlyNode('input').inputs.slice() : this.#onlyNode('input').inputs[0];
  }

  get output() {
    const outs = this.#onlyNode('output').outputs;
    return outs.length === 1 ? outs[0] : outs.slice();
  }

  #onlyNode(what) {
    const nodes = this.inboundNodes ?? [];
    if (nodes.length === 0) fail(this.where, `layer '${this.name}' has no ${what} yet: it has not been called on a symbolic tensor (keras.Input)`);
    if (nodes.length > 1) fail(this.where, `layer '${this.name}' has been called ${nodes.length} times, so it has no single ${what}`);
    return nodes[0];
  }

  toString() {
    return `${this.where}(name=${this.name}${this.input_spec_shape ? `, input_shape=${fmtShape(this.input_spec_shape)}` : ''})`;
  }
}

// A layer whose weights are made in build() with addWeight and replaced as a
// whole by set_weights (checked first: nothing changes unless all fit).
// Replacing makes new tensors, so caches keyed on them (packed or fused
// weights) never see stale values.
export class WeightedLayer extends Layer {
  #slots = [];

  // Makes (or remakes, on a rebuild) a weight; returns the tensor.
  addWeight(name, shape, initializer, trainable = true) {
    // A placeholder is never read: load_model replaces it before returning.
    const t = inPlaceholderScope() ? Tensor.empty(shape, this.where) : Tensor.fromFloat32(initialize(initializer, shape), shape, this.where);
    const old = this.#slots.findIndex((w) => w.name === name);
    if (old >= 0) {
      this.#slots[old].tensor.dispose();
      this.#slots[old] = { name, tensor: t, trainable };
    } else this.#slots.push({ name, tensor: t, trainable });
    return t;
  }

  weight(name) {
    return this.#slots.find((w) => w.name === name)?.tensor ?? null;
  }

  get weightNames() {
    return this.#slots.map((w) => w.name);
  }

  get weights() {
    return this.#slots.map((w) => w.tensor);
  }

  get trainable_weights() {
    return this.trainable ? this.#slots.filter((w) => w.trainable).map((w) => w.tensor) : [];
  }

  get non_trainable_weights() {
    return this.#slots.filter((w) => !this.trainable || !w.trainable).map((w) => w.tensor);
  }

  // Makes now what the first call would make from the weights (packed
  // copies for the kernels), so it is paid when weights are set, not in the
  // first call. Layers with packed weights override it; the lazy path in
  // js/ops still packs whatever this did not.
  prepack() {}

  // The small input a layer runs once after prepack() (warmUpLayer), or
  // null; layers whose kernels are worth compiling early override it.
  warmUpShape() {
    return null;
  }

  // Internal: after build() made the weights or set_weights replaced them.
  // Not for load_model's placeholder weights, nor inside deferPrepack (a
  // model building or setting its layers prepacks them itself).
  _weightsChanged() {
    if (!this.built || prepackDeferred() || inPlaceholderScope()) return;
    this.prepack();
    warmUpLayer(this);
  }

  // Internal: replaces one weight with a tensor the layer owns.
  replaceWeight(name, tensor) {
    const slot = this.#slots.find((w) => w.name === name);
    slot.tensor.dispose();
    slot.tensor = tensor;
  }

  count_params() {
    this._requireBuilt('count_params');
    return super.count_params();
  }

  set_weights(weights) {
    this.#replaceWeights(weights, false);
  }

  // Internal (load_model): as set_weights, but the layer takes the tensors
  // themselves instead of copies; on an Error the caller still owns them.
  [ADOPT_WEIGHTS](tensors) {
    this.#replaceWeights(tensors, true);
  }

  #replaceWeights(weights, adopt) {
    const where = this.where;
    this._requireBuilt('set_weights');
    const slots = this.#slots;
    if (!Array.isArray(weights) || weights.length !== slots.length) {
      fail(where, `set_weights expects a list of ${slots.length} weights (${slots.map((w) => w.name).join(', ')}), got ${Array.isArray(weights) ? weights.length : fmtValue(weights)}`);
    }
    const made = [];
    try {
      weights.forEach((w, i) => {
        const [t, owned] = asTensor(w, where, `set_weights ${slots[i].name}`);
        const want = slots[i].tensor.shape;
        const shape = t.shape;
        if (shape.length !== want.length || shape.some((d, j) => d !== want[j])) {
          if (owned) t.dispose();
          fail(where, `set_weights: ${slots[i].name} must have shape ${fmtShape(want)}, got shape ${fmtShape(shape)}`);
        }
        made.push(owned || adopt ? t : t.clone());
      });
    } catch (e) {
      if (!adopt) for (const t of made) t.dispose();
      throw e;
    }
    slots.forEach((slot, i) => {
      slot.tensor.dispose();
      slot.tensor = made[i];
    });
    this._weightsChanged();
  }

  dispose() {
    for (const w of this.#slots) w.tensor.dispose();
  }
}
