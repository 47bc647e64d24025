// The demo's nnwasm, in a module Web Worker: the page (demo.js) sends
// inputs and draws what comes back, so nnwasm's thread pool never blocks the
// page's main thread (Emscripten warns "Blocking on the main thread is very
// dangerous" when a threaded build runs there) and the page stays
// responsive during the benchmark. Same protocol as examples/worker/:
// { id, type, ... } in, { id, result } or { id, error } out; `id` is the
// request's number, so no request field may be called that.
import { backend, init, keras, torch } from '../js/index.js';
import { CASES, loadTfjs, loadTfjsLayers, timeIt } from './bench-cases.js';
import { has, OPS, smallCnn } from './ops.js';

const nn = { torch, keras };
let ready = null;
const tfjsThreads = () => backend().maxThreads ?? backend().threads;

// The trained shapes model (demo/model/), loaded by both libraries, and an
// nnwasm model over the same layers whose extra output is the first
// conv block's feature maps.
let shapes = null;

// The symbolic output of a layer in a functional model (its first use).
const layerOutput = (model, name) => model.get_layer(name).output;

// Random input of a model's input shape(s): null dimensions are 1 for the
// batch and 32 elsewhere.
function inputShapes(shapeOrShapes) {
  const list = Array.isArray(shapeOrShapes[0]) || shapeOrShapes[0] === undefined ? shapeOrShapes : [shapeOrShapes];
  return list.map((s) => s.map((d, i) => (d === null ? (i === 0 ? 1 : 32) : d)));
}

const maxAbsDiff = (a, b) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
};

// Runs and times nnwasm's and tfjs's predict on the same inputs (arrays of
// { shape, data }) -> { nnwasm, tfjs: Float32Array[] per output, ms each }.
async function compare(model, tfModel, tf, inputs, budgetMs) {
  const xs = inputs.map((x) => torch.tensor(x.data, x.shape));
  const txs = inputs.map((x) => tf.tensor(x.data, x.shape));
  const arg = xs.length === 1 ? xs[0] : xs;
  const targ = txs.length === 1 ? txs[0] : txs;
  try {
    const ys = [model.predict(arg)].flat();
    const got = ys.map((y) => ({ shape: y.shape, data: y.data }));
    ys.forEach((y) => y.dispose());
    const tys = [tfModel.predict(targ)].flat();
    const want = tys.map((y) => ({ shape: y.shape, data: y.dataSync().slice() }));
    tf.dispose(tys);
    const nnwasmMs = await timeIt(() => [model.predict(arg)].flat().forEach((y) => y.dispose()), budgetMs, budgetMs);
    const tfjsMs = await timeIt(() => tf.dispose(tfModel.predict(targ)), budgetMs, budgetMs);
    const diffs = got.map((g, i) => maxAbsDiff(g.data, want[i]?.data ?? []));
    return { nnwasm: got, tfjs: want, nnwasmMs, tfjsMs, maxDiff: Math.max(...diffs) };
  } finally {
    xs.forEach((x) => x.dispose());
    tf.dispose(txs);
  }
}

const plain = (t) => ({ shape: t.shape, data: t.data });

const HANDLERS = {
  async init() {
    ready ??= init();
    const info = await ready;
    return { info, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },

  // One op of demo/ops.js on { shape, data } -> { available, output, ms } or
  // { available: false, missing } when this build lacks what it needs.
  run({ op, input }) {
    const missing = OPS[op].needs.filter((path) => !has(nn, [path]));
    if (missing.length) return { available: false, missing };
    const x = torch.tensor(input.data, input.shape);
    try {
      const t0 = performance.now();
      const y = OPS[op].run(nn, x);
      const ms = performance.now() - t0;
      const output = plain(y);
      y.dispose();
      return { available: true, output, ms };
    } finally {
      x.dispose();
    }
  },

  summary({ shape }) {
    return smallCnn(nn, shape).summary();
  },

  // Loads demo/model/ with both libraries -> { classes, inputShape, mapsLayer }.
  async shapesLoad({ url, mapsLayer }) {
    const tf = await loadTfjsLayers(tfjsThreads());
    const model = await keras.models.load_model(url);
    const withMaps = new keras.Model({ inputs: model.inputs, outputs: [model.outputs[0], layerOutput(model, mapsLayer)] });
    const tfModel = await tf.loadLayersModel(url);
    const json = await (await fetch(url)).json();
    shapes = { model, withMaps, tfModel, tf };
    return { classes: json.userDefinedMetadata?.classes ?? null, inputShape: model.input_shape, plan: model.executionPlan() };
  },

  // One drawing { shape, data } -> probabilities from both, the feature
  // maps, and each library's predict time.
  async shapesPredict({ input, budgetMs = 120 }) {
    const { model, withMaps, tfModel, tf } = shapes;
    const x = torch.tensor(input.data, input.shape);
    let maps;
    try {
      const [p, m] = withMaps.predict(x);
      maps = { shape: m.shape, data: m.data };
      p.dispose();
      m.dispose();
    } finally {
      x.dispose();
    }
    const r = await compare(model, tfModel, tf, [input], budgetMs);
    return { probs: r.nnwasm[0].data, tfjsProbs: r.tfjs[0].data, maps, nnwasmMs: r.nnwasmMs, tfjsMs: r.tfjsMs, maxDiff: r.maxDiff };
  },

  // The user's own model.json + shards (File objects): loaded by both
  // libraries, run on a random input of its input shape.
  async userModel({ files }) {
    const tf = await loadTfjsLayers(tfjsThreads());
    const t0 = performance.now();
    let model;
    try {
      model = await keras.models.load_model(files);
    } catch (e) {
      throw new Error(`nnwasm could not load the files: ${e.message}`);
    }
    const nnwasmLoadMs = performance.now() - t0;
    const t1 = performance.now();
    let tfModel;
    try {
      tfModel = await tf.loadLayersModel(tf.io.browserFiles([...files].sort((a, b) => (b.name.endsWith('.json') ? 1 : 0) - (a.name.endsWith('.json') ? 1 : 0))));
    } catch (e) {
      model.dispose();
      throw new Error(`nnwasm loaded the model, but TensorFlow.js could not: ${e.message}`);
    }
    const tfjsLoadMs = performance.now() - t1;
    try {
      const shapesIn = inputShapes(model.input_shape);
      const inputs = shapesIn.map((shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = Math.random();
        return { shape, data };
      });
      const r = await compare(model, tfModel, tf, inputs, 200);
      return {
        name: model.name, layers: model.layers.length, params: model.count_params(), inputShapes: shapesIn,
        outputShapes: r.nnwasm.map((o) => o.shape), nnwasmMs: r.nnwasmMs, tfjsMs: r.tfjsMs, maxDiff: r.maxDiff,
        nnwasmLoadMs, tfjsLoadMs,
      };
    } finally {
      model.dispose();
      tfModel.dispose();
    }
  },

  cases() {
    return CASES.map((c) => ({ id: c.id, title: c.title, available: has(nn, c.needs) }));
  },

  backend() {
    return backend();
  },

  // Times one case with one library -> median ms.
  async bench({ lib, caseId }) {
    const c = CASES.find((k) => k.id === caseId);
    const setup = lib === 'nnwasm' ? c.nnwasm(nn) : c.tfjs(await loadTfjs(tfjsThreads()));
    try {
      return await timeIt(setup.run);
    } finally {
      setup.dispose();
    }
  },
};

const transfer = (r) => (r?.output?.data instanceof Float32Array ? [r.output.data.buffer] : []);

self.onmessage = async ({ data: msg }) => {
  try {
    if (msg.type !== 'init') await ready;
    const result = await HANDLERS[msg.type](msg);
    self.postMessage({ id: msg.id, result }, transfer(result));
  } catch (e) {
    self.postMessage({ id: msg.id, error: e?.message ?? String(e), stack: e?.stack });
  }
};
