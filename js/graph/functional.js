// keras.Input, InputLayer and the functional keras.Model: a graph of layer
// applications recorded on symbolic tensors, run in topological order by
// the executor (intermediates freed as soon as no later layer needs them),
// with the fusion pass applied at inference.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { inPlaceholderScope } from '../keras/initializers.js';
import { Layer } from '../keras/layers/layer.js';
import { layerClass, serializeLayer } from '../keras/registry.js';
import { asTensor, Tensor } from '../tensor.js';
import { snakeCase } from '../torch/args.js';
import { makePlan, runPlan } from './executor.js';
import { fuseSteps } from './fusion.js';
import { deferPrepack, prepackDeferred, prepackSteps } from './prepack.js';
import { countModelParams, getModelWeights, modelWeights, setModelWeights } from './model_weights.js';
import { Node, SymbolicTensor } from './symbolic.js';

const typeName = (layer) => layer.constructor.className ?? layer.constructor.name;

export class InputLayer extends Layer {
  constructor(options = {}) {
    const o = {};
    for (const [k, v] of Object.entries(options ?? {})) o[snakeCase(k)] = v;
    // sparse / ragged: accepted from configs, always false here.
    const { shape = null, input_shape = null, batch_size = null, batch_shape = null, batch_input_shape = null,
      sparse, ragged, ...rest } = o;
    super(rest, {});
    const where = 'InputLayer';
    let full = batch_shape ?? batch_input_shape;
    const s = shape ?? input_shape;
    if (full === null) {
      if (s === null) fail(where, 'shape is required (the input shape without the batch axis), or batch_shape');
      if (!Array.isArray(s)) typeFail(where, `shape must be an array of sizes (null = any), got ${fmtValue(s)}`);
      full = [batch_size, ...s];
    }
    if (!Array.isArray(full) || full.some((d) => d !== null && !(Number.isInteger(d) && d >= 0))) {
      fail(where, `shape must be an array of non-negative integers or null, got ${fmtValue(full)}`);
    }
    this.batch_shape = full.slice();
    this.built = true;
    const node = new Node(this, [], {}, false);
    node.outputs = [new SymbolicTensor(full, node, 0, this.name)];
  }

  // As in Keras, an input layer's input is its output.
  get input() {
    return this.output;
  }

  compute_output_shape(inputShape) {
    return inputShape.slice();
  }

  call(x) {
    return x;
  }

  get_config() {
    return { batch_input_shape: this.batch_shape.slice(), dtype: 'float32', sparse: false, ragged: false, name: this.name };
  }

  static from_config(config) {
    return new InputLayer(config);
  }
}

// keras.Input({ shape, batch_size, name }) -> a symbolic tensor.
export function Input(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    typeFail('Input', `expects an options object { shape, batch_size, name }, got ${fmtValue(options)}`);
  }
  return new InputLayer(options).output;
}

function asList(where, name, v) {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) fail(where, `${name} must name at least one symbolic tensor`);
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      typeFail(where, `${name}${Array.isArray(v) ? `[${i}]` : ''} must be a symbolic tensor (from keras.Input or layer.apply), got ${fmtValue(t)}`);
    }
  });
  return list;
}

function shapeText(shape) {
  const dims = shape.map((d) => (d === null || d === undefined ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

export class Model extends Layer {
  #inputs;
  #outputs;
  #nodes;            // non-input nodes, topological order
  #layers;
  #steps;
  #plans = new Map();  // fuse flag -> { plan, fused }
  #multiIn;
  #multiOut;

  constructor(options = {}) {
    if (options === null || typeof options !== 'object') typeFail('Model', `expects { inputs, outputs, name }, got ${fmtValue(options)}`);
    const { inputs, outputs, ...rest } = options;
    super(rest, {});
    const where = 'Model';
    if (inputs === undefined || outputs === undefined) fail(where, 'inputs and outputs are required (symbolic tensors from keras.Input and layer.apply)');
    this.#multiIn = Array.isArray(inputs);
    this.#multiOut = Array.isArray(outputs);
    this.#inputs = asList(where, 'inputs', inputs);
    this.#outputs = asList(where, 'outputs', outputs);
    this.#inputs.forEach((t, i) => {
      if (!(t.node.layer instanceof InputLayer)) fail(where, `inputs[${i}] (${t.name}) must come straight from keras.Input`);
    });
    this.#trace();
    this.built = true;
    this.#prepackIfDue();
  }

  // Folds BatchNorm into the convolutions and packs every weight now, as the
  // first predict would otherwise (done when the model is made and by
  // set_weights; after a layer's own set_weights, predict does it, or call
  // this).
  // warmUp: false leaves out the warm-up runs on small inputs (load_model
  // runs a whole predict instead).
  prepack({ warmUp = true } = {}) {
    this.#plan(true);
    const { plan, fused } = this.#plans.get(true);
    prepackSteps(plan.steps, fused, warmUp);
  }

  #prepackIfDue() {
    if (!prepackDeferred() && !inPlaceholderScope()) this.prepack();
  }

  static get className() {
    return 'Functional';
  }

  // Nodes reachable from the outputs, post-order; every path must end at
  // one of the inputs.
  #trace() {
    const where = 'Model';
    const inputIds = new Set(this.#inputs.map((t) => t.id));
    const done = new Set();
    const active = new Set();
    const order = [];
    const visit = (t) => {
      if (inputIds.has(t.id)) return;
      const node = t.node;
      if (node.layer instanceof InputLayer) {
        fail(where, `the graph is disconnected: output depends on input '${node.layer.name}', which is not in this model's inputs (${this.#inputs.map((x) => x.node.layer.name).join(', ')})`);
      }
      if (done.has(node)) return;
      if (active.has(node)) fail(where, 'the graph has a cycle');
      active.add(node);
      for (const x of node.inputs) visit(x);
      active.delete(node);
      done.add(node);
      order.push(node);
    };
    for (const t of this.#outputs) visit(t);
    this.#nodes = order;
    const layers = this.#inputs.map((t) => t.node.layer);
    for (const n of order) if (!layers.includes(n.layer)) layers.push(n.layer);
    const names = new Set();
    for (const l of layers) {
      if (names.has(l.name)) fail(where, `all layers in a model must have unique names; '${l.name}' is used twice`);
      names.add(l.name);
    }
    this.#layers = layers;
    this.#steps = order.map((node) => ({
      name: node.layer.name,
      type: typeName(node.layer),
      layer: node.layer,
      kwargs: node.kwargs,
      inputs: node.inputs.map((x) => x.id),
      outputs: node.outputs.map((x) => x.id),
      list: node.inputsWereList,
      run: (args) => node.layer.apply(args, node.kwargs),
    }));
  }

  get layers() {
    return this.#layers.slice();
  }

  get inputs() {
    return this.#inputs.slice();
  }

  get outputs() {
    return this.#outputs.slice();
  }

  get input_shape() {
    const s = this.#inputs.map((t) => t.shape.slice());
    return this.#multiIn ? s : s[0];
  }

  get output_shape() {
    const s = this.#outputs.map((t) => t.shape.slice());
    return this.#multiOut ? s : s[0];
  }

  get_layer(nameOrIndex) {
    const layer = Number.isInteger(nameOrIndex) ? this.#layers.at(nameOrIndex) : this.#layers.find((l) => l.name === nameOrIndex);
    if (!layer) fail('Model.get_layer', `no layer ${fmtValue(nameOrIndex)} (layers: ${this.#layers.map((l) => l.name).join(', ')})`);
    return layer;
  }

  #plan(fuse) {
    let p = this.#plans.get(fuse);
    if (p === undefined) {
      const ins = this.#inputs.map((t) => t.id);
      const outs = this.#outputs.map((t) => t.id);
      const base = makePlan(this.#steps, ins, outs);
      if (fuse) {
        const { steps, fused } = fuseSteps(this.#steps, base.pinned, base.uses);
        p = { plan: makePlan(steps, ins, outs), fused };
      } else p = { plan: base, fused: [] };
      this.#plans.set(fuse, p);
    }
    return p.plan;
  }

  // The steps predict() runs, by layer name; fused chains read
  // 'pad+conv+bn+relu' (for inspecting what the fusion pass did).
  executionPlan({ fuse = true } = {}) {
    return this.#plan(fuse).steps.map((s) => s.name);
  }

  // x: a Tensor / nested array, an array of them (one per input), or an
  // object by input name. Returns a Tensor, or an array for several outputs.
  predict(x, { fuse = true } = {}) {
    const where = 'Model.predict';
    const n = this.#inputs.length;
    let given;
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Tensor)) {
      given = this.#inputs.map((t) => {
        const name = t.node.layer.name;
        if (!(name in x)) fail(where, `x has no entry for input '${name}' (got keys ${Object.keys(x).join(', ')})`);
        return x[name];
      });
    } else if (n > 1) {
      if (!Array.isArray(x) || x.length !== n) fail(where, `the model has ${n} inputs; x must be an array of ${n} tensors, got ${Array.isArray(x) ? `${x.length}` : fmtValue(x)}`);
      given = x;
    } else given = Array.isArray(x) && x.length === 1 && x[0] instanceof Tensor ? x : [x];
    const made = [];
    try {
      const tensors = given.map((v, i) => {
        const [t, owned] = asTensor(v, where, n > 1 ? `x[${i}]` : 'x');
        if (owned) made.push(t);
        const want = this.#inputs[i].shape;
        const s = t.shape;
        if (s.length !== want.length || want.some((d, j) => d !== null && d !== s[j])) {
          fail(where, `input '${this.#inputs[i].node.layer.name}' must have shape ${fmtShape(want.map((d) => d ?? 'null'))} (null: any size), got shape ${fmtShape(s)}`);
        }
        return t;
      });
      const outs = runPlan(where, this.#plan(fuse), tensors);
      return this.#multiOut ? outs : outs[0];
    } finally {
      for (const t of made) t.dispose();
    }
  }

  call(inputs, kwargs) {
    return this.predict(inputs, kwargs);
  }

  compute_output_shape() {
    return this.output_shape;
  }

  build() {
    this.built = true;
  }

  get weights() {
    return modelWeights(this.#layers);
  }

  get_weights() {
    return getModelWeights(this.#layers);
  }

  set_weights(weights) {
    deferPrepack(() => setModelWeights('Model.set_weights', this.#layers, weights));
    this.#prepackIfDue();
  }

  count_params() {
    return countModelParams(this.#layers);
  }

  // This model's own node indices per layer (a shared layer may have nodes
  // in other models too).
  #nodeIndex(node) {
    if (node.layer instanceof InputLayer) return 0;
    return this.#nodes.filter((n) => n.layer === node.layer).indexOf(node);
  }

  get_config() {
    const ref = (t) => [t.node.layer.name, this.#nodeIndex(t.node), t.index];
    const layers = this.#layers.map((layer) => {
      const nodes = this.#nodes.filter((n) => n.layer === layer);
      return {
        ...serializeLayer(layer),
        name: layer.name,
        inbound_nodes: nodes.map((n) => n.inputs.map((t) => [...ref(t), n.kwargs && Object.keys(n.kwargs).length ? { ...n.kwargs } : {}])),
      };
    });
    return {
      name: this.name,
      trainable: this.trainable,
      layers,
      input_layers: this.#inputs.map(ref),
      output_layers: this.#outputs.map(ref),
    };
  }

  // Rebuilds the graph from get_config()'s form (tf.keras 2's functional
  // config); custom_objects: { ClassName: cls } for unregistered layers.
  static from_config(config, customObjects = null) {
    const where = 'Model.from_config';
    if (config === null || typeof config !== 'object' || !Array.isArray(config.layers)) {
      typeFail(where, `config must be an object with layers, input_layers and output_layers (from get_config()), got ${fmtValue(config)}`);
    }
    const byName = new Map();   // name -> { layer, outputs: [[SymbolicTensor...] per node] }
    const pending = [];
    for (const entry of config.layers) {
      if (entry === null || typeof entry !== 'object' || typeof entry.class_name !== 'string') {
        typeFail(where, `each layer must be { class_name, config, name, inbound_nodes }, got ${fmtValue(entry)}`);
      }
      const name = entry.name ?? entry.config?.name;
      if (entry.class_name === 'InputLayer') {
        const layer = new InputLayer({ ...entry.config, name });
        byName.set(name, { layer, nodes: [[layer.output]] });
        continue;
      }
      const cls = layerClass(where, entry.class_name, customObjects);
      const layer = cls.from_config({ ...(entry.config ?? {}), name }, customObjects);
      byName.set(name, { layer, nodes: [] });
      (entry.inbound_nodes ?? []).forEach((node, index) => pending.push({ name, node, index }));
    }
    const tensor = ([layerName, nodeIndex, tensorIndex]) => byName.get(layerName)?.nodes[nodeIndex]?.[tensorIndex];
    // Apply nodes once their inputs exist (config order is usually enough).
    let progress = true;
    while (pending.length > 0 && progress) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const { name, node, index } = pending[i];
        const entry = byName.get(name);
        if (entry.nodes.length !== index) continue;  // a shared layer's nodes in order
        // tf.keras 2: [[layer, node, tensor, kwargs], ...]; Keras 3:
        // { args: [tensor or [tensors]], kwargs } with keras_history refs.
        const keras3 = !Array.isArray(node);
        const args = keras3 ? [node.args?.[0]].flat() : node;
        const refs = args.map((a) => (Array.isArray(a) ? a : a?.config?.keras_history));
        const ins = refs.map((r) => (Array.isArray(r) ? tensor(r) : undefined));
        if (ins.some((t) => t === undefined)) continue;
        const kwargs = keras3 ? node.kwargs ?? {} : refs[0]?.[3] ?? {};
        const list = entry.layer.constructor.takesList === true || ins.length > 1 || (keras3 && Array.isArray(node.args?.[0]));
        const out = entry.layer.apply(list ? ins : ins[0], kwargs);
        entry.nodes.push(Array.isArray(out) ? out : [out]);
        pending.splice(i, 1);
        i--;
        progress = true;
      }
    }
    if (pending.length > 0) fail(where, `cannot connect layer '${pending[0].name}': its inbound layers are missing from the config`);
    const ends = (refs, what) => (refs ?? []).map((r) => {
      const t = tensor(r);
      if (t === undefined) fail(where, `${what} refers to ${fmtValue(r)}, which is not in the config`);
      return t;
    });
    const inputs = ends(config.input_layers, 'input_layers');
    const outputs = ends(config.output_layers, 'output_layers');
    return new this({
      inputs: inputs.length === 1 ? inputs[0] : inputs,
      outputs: outputs.length === 1 ? outputs[0] : outputs,
      name: config.name ?? null,
    });
  }

  // Keras's table with the "Connected to" column: layer[node][tensor] of
  // each inbound tensor.
  summary() {
    const rows = [];
    for (const layer of this.#layers) {
      const nodes = layer instanceof InputLayer ? [layer.inboundNodes[0]] : this.#nodes.filter((n) => n.layer === layer);
      nodes.forEach((node, k) => {
        const outShape = node.outputs.length === 1 ? shapeText(node.outputs[0].shape) : node.outputs.map((t) => shapeText(t.shape)).join(', ');
        const conn = node.inputs.map((t) => `${t.node.layer.name}[${this.#nodeIndex(t.node)}][${t.index}]`);
        rows.push([
          k === 0 ? `${layer.name} (${typeName(layer)})` : '',
          outShape,
          k === 0 ? layer.count_params().toLocaleString('en-US') : '',
          conn.length ? conn : ['-'],
        ]);
      });
    }
    const header = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
    const texts = [header.map((h) => [h]), ...rows.map((r) => [[r[0]], [r[1]], [r[2]], r[3]])];
    const widest = (c) => Math.max(...texts.map((r) => Math.max(...r[c].map((t) => t.length + 2))));
    const widths = [28, 22, 10, 20].map((min, c) => Math.max(min, widest(c)));
    const line = (l, fill, mid, r) => l + widths.map((w) => fill.repeat(w)).join(mid) + r;
    const cells = (texts, edge) => edge + texts.map((text, c) =>
      (c === 2 ? ` ${text.padStart(widths[c] - 2)} ` : ` ${text.padEnd(widths[c] - 2)} `)).join(edge) + edge;
    const out = [`Model: "${this.name}"`, line('┏', '━', '┳', '┓'), cells(header, '┃'), line('┡', '━', '╇', '┩')];
    rows.forEach((r, i) => {
      const conn = r[3];
      conn.forEach((c, j) => out.push(cells(j === 0 ? [r[0], r[1], r[2], c] : ['', '', '', c], '│')));
      if (i < rows.length - 1) out.push(line('├', '─', '┼', '┤'));
    });
    out.push(line('└', '─', '┴', '┘'));
    let trainable = 0;
    let frozen = 0;
    for (const layer of this.#layers) {
      const all = layer.count_params();
      const fixed = (layer.non_trainable_weights ?? (layer.trainable === false ? layer.weights : [])).reduce((a, w) => a + w.numel(), 0);
      const f = this.trainable ? Math.min(fixed, all) : all;
      frozen += f;
      trainable += all - f;
    }
    const bytes = (n) => {
      let v = n * 4;
      const units = ['B', 'KB', 'MB', 'GB'];
      let u = 0;
      while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
      }
      return `${v.toFixed(2)} ${units[u]}`;
    };
    const total = trainable + frozen;
    out.push(` Total params: ${total.toLocaleString('en-US')} (${bytes(total)})`);
    out.push(` Trainable params: ${trainable.toLocaleString('en-US')} (${bytes(trainable)})`);
    out.push(` Non-trainable params: ${frozen.toLocaleString('en-US')} (${bytes(frozen)})`);
    return out.join('\n');
  }

  // Frees the folded weights of the fusion pass (the layers keep theirs).
  dispose() {
    for (const { fused } of this.#plans.values()) for (const f of fused) f.dispose();
    this.#plans.clear();
  }

  toString() {
    return `Model(name=${this.name}, layers=[${this.#layers.map((l) => l.name).join(', ')}])`;
  }
}

export function model(options) {
  return new Model(options);
}
