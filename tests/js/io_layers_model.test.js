// keras.models.load_model on TensorFlow.js layers models: four networks
// built, seeded and saved by tfjs-layers, in float32 and in the converter's
// float16 / uint8 / uint16 encodings (sharded over two groups), each loaded
// from memory, a Node folder and over HTTP, predicting what tfjs-layers
// predicts on the same artifacts; both topology serialisations; save ->
// load round trips; the unknown-layer error and keras.registerLayer.
import { backend, init, keras, torch } from '../../js/index.js';
import { load_model, loadLayersModel, model_from_json, saveModel } from '../../js/keras/models.js';
import { Layer } from '../../js/keras/layers/layer.js';
import { initTf, maxAbsDiff } from './keras_tfjs.js';
import {
  artifactsOf, audioCnn, converterFiles, imageClassifier, memoryArtifacts, mobileNetLike, randomizeWeights,
  seededInput, serve, servedFiles, settledTensorCount, tempDir, tf, tfjsLoad, tfl, toKeras3, uNetLike, writeFolder,
} from './io_fixtures.js';

beforeAll(async () => {
  await init({ threads: 2 });
  await initTf();
});

const live = () => backend().memory.tensors;

const NETS = [['MobileNetV2-style', mobileNetLike], ['1D audio CNN', audioCnn], ['U-Net-style', uNetLike], ['Sequential image classifier', imageClassifier]];
const ENCODINGS = ['float32', 'float16', 'uint8', 'uint16'];

// One seeded model per network, saved once.
const made = new Map();
async function saved(label, net) {
  if (!made.has(label)) {
    const { model, inputShape } = net();
    randomizeWeights(model, label.length);
    made.set(label, { model, inputShape, artifacts: await artifactsOf(model) });
  }
  return made.get(label);
}

function predictBoth(model, tfModel, inputShape, seed = 3) {
  const shape = [2, ...inputShape];
  const xs = seededInput(shape, seed);
  const x = torch.tensor(xs, shape);
  const got = model.predict(x);
  const want = tfModel.predict(tf.tensor(xs, shape));
  const out = { got: got.data, gotShape: got.shape, want: want.dataSync(), wantShape: want.shape };
  got.dispose();
  x.dispose();
  want.dispose();
  return out;
}

describe.each(NETS)('%s', (label, net) => {
  test.each(ENCODINGS)('%s weights: from memory, a folder and HTTP, predict matches tfjs-layers within 1e-4', async (encoding) => {
    const { model: tfOriginal, inputShape, artifacts } = await saved(label, net);
    const files = converterFiles(artifacts, { encoding });
    expect(files.modelJSON.weightsManifest.length).toBe(2);
    expect(files.modelJSON.weightsManifest.some((g) => g.paths.length > 1)).toBe(true);
    // tfjs-layers 4.22 dequantises the same artifacts itself.
    const tfModel = encoding === 'float32' ? tfOriginal : await tfjsLoad(files);
    const dir = writeFolder(files);
    const server = await serve(servedFiles(files));
    try {
      const sources = {
        memory: memoryArtifacts(files),
        path: dir,
        'model.json path': `${dir}/model.json`,
        url: `${server.base}/models/m/model.json`,
      };
      for (const [kind, source] of Object.entries(sources)) {
        const before = await settledTensorCount();
        const fractions = [];
        const model = await load_model(source, { onProgress: (f) => fractions.push(f) });
        const r = predictBoth(model, tfModel, inputShape);
        expect(r.gotShape).toEqual(r.wantShape);
        const err = maxAbsDiff(r.got, r.want);
        if (!(err < 1e-4)) throw new Error(`${label} ${encoding} from ${kind}: max |nnwasm - tfjs| = ${err}`);
        expect(fractions.at(-1)).toBe(1);
        for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThan(fractions[i - 1]);
        if (kind === 'url') expect(fractions.length).toBeGreaterThan(2);
        expect(model.count_params()).toBe(tfModel.countParams());
        model.dispose();
        for (const l of model.layers) l.dispose?.();
        expect(await settledTensorCount()).toBe(before);
      }
      // every shard fetched once, relative to model.json
      const shardRequests = server.requests.filter((u) => u.endsWith('.bin'));
      expect(shardRequests.sort()).toEqual(Object.keys(files.shards).map((n) => `/models/m/${n}`).sort());
    } finally {
      await server.close();
    }
  });

  test('quantised weights hold what the manifest says: uint8 within scale / 2 of float32', async () => {
    const { artifacts } = await saved(label, net);
    const exact = await load_model(artifacts);
    const files = converterFiles(artifacts, { encoding: 'uint8' });
    const q = await load_model(memoryArtifacts(files));
    const specs = files.modelJSON.weightsManifest.flatMap((g) => g.weights);
    exact.layers.forEach((layer, i) => {
      const a = layer.get_weights();
      const b = q.layers[i].get_weights();
      a.forEach((w, j) => {
        expect(b[j].shape).toEqual(w.shape);
        expect(maxAbsDiff(w.data, b[j].data)).toBeLessThanOrEqual(halfStep(specs, layer.name) + 1e-6);
      });
    });
  });

  test('Keras 3 serialisation of the same topology loads to identical results', async () => {
    const { artifacts, inputShape } = await saved(label, net);
    const k3 = { ...artifacts, modelTopology: toKeras3(artifacts.modelTopology) };
    const a = await load_model(artifacts);
    const b = await load_model(k3);
    expect(b.layers.map((l) => l.name)).toEqual(a.layers.map((l) => l.name).filter((n) => b.layers.some((l) => l.name === n)));
    const shape = [3, ...inputShape];
    const x = torch.tensor(seededInput(shape, 8), shape);
    expect(Array.from(b.predict(x).data)).toEqual(Array.from(a.predict(x).data));
  });

  test('save -> load_model round trips bit-identically (memory and a folder); tfjs-layers reads what nnwasm saves', async () => {
    const { artifacts, inputShape, model: tfModel } = await saved(label, net);
    const a = await load_model(artifacts);
    const shape = [2, ...inputShape];
    const x = torch.tensor(seededInput(shape, 4), shape);
    const want = Array.from(a.predict(x).data);
    const mem = await saveModel(a);
    expect(mem.format).toBe('layers-model');
    const b = await load_model(mem);
    const dir = tempDir();
    const res = await saveModel(b, dir);
    expect(res.files.map((f) => f.split('/').pop())).toEqual(['model.json', 'group1-shard1of1.bin']);
    const c = await load_model(dir);
    for (const m of [b, c]) {
      expect(m.get_weights().map((w) => Array.from(w.data))).toEqual(a.get_weights().map((w) => Array.from(w.data)));
      expect(Array.from(m.predict(x).data)).toEqual(want);
    }
    // regularizers and constraints of the original come back
    const original = JSON.stringify(artifacts.modelTopology);
    for (const k of ['L1L2', 'MaxNorm']) if (original.includes(k)) expect(JSON.stringify(mem.modelTopology)).toContain(k);
    // tfjs-layers loads nnwasm's file
    const back = await tfl.loadLayersModel(tf.io.fromMemory(mem));
    const r = predictBoth(c, back, inputShape);
    expect(maxAbsDiff(r.got, r.want)).toBeLessThan(1e-5);
    const r2 = predictBoth(c, tfModel, inputShape);
    expect(maxAbsDiff(r2.got, r2.want)).toBeLessThan(1e-4);
  });
});

// Half the largest quantisation step among a layer's weights.
function halfStep(specs, layerName) {
  return Math.max(...specs.filter((s) => s.name.startsWith(`${layerName}/`)).map((s) => s.quantization.scale)) * 0.5;
}

describe('formats found in the wild', () => {
  test('old converter output: model_config wrapper, no format field, camelCase values, prefixed weight names, loadLayersModel', async () => {
    const { artifacts, inputShape, model: tfModel } = await saved('Sequential image classifier', imageClassifier);
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
    for (const l of topology.config.layers) {
      if (l.config.data_format) l.config.data_format = 'channelsLast';
      if (l.config.kernel_initializer) l.config.kernel_initializer = { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: 7 } };
    }
    const old = {
      modelTopology: { keras_version: '2.1.4', backend: 'tensorflow', model_config: topology },
      weightSpecs: artifacts.weightSpecs.map((s, i) => ({ ...s, name: i % 2 ? `classifier/${s.name}:0` : s.name })),
      weightData: artifacts.weightData,
    };
    const m = await loadLayersModel(old);
    expect(m.get_layer('conv1').get_config().kernel_initializer.class_name).toBe('HeNormal');
    const r = predictBoth(m, tfModel, inputShape);
    expect(maxAbsDiff(r.got, r.want)).toBeLessThan(1e-4);
  });

  test('a tf.keras 2.15 export as the converter writes it from .h5 (Functional, groups, axis [3], seeded GlorotUniform, ragged)', async () => {
    const L = tfl.layers;
    const input = tfl.input({ shape: [6, 6, 3], name: 'input_1' });
    let t = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv2d' }).apply(input);
    t = L.batchNormalization({ name: 'batch_normalization' }).apply(t);
    t = L.reLU({ name: 're_lu' }).apply(t);
    t = L.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(t);
    t = L.dense({ units: 3, activation: 'softmax', name: 'dense' }).apply(t);
    const tfModel = tfl.model({ inputs: input, outputs: t });
    randomizeWeights(tfModel, 9);
    const { weightSpecs, weightData } = await artifactsOf(tfModel);
    const init = (seed) => ({ class_name: 'GlorotUniform', config: { seed } });
    const base = (name) => ({ name, trainable: true, dtype: 'float32' });
    const node = (from) => [[[from, 0, 0, {}]]];
    const config = {
      name: 'model',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 6, 6, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, name: 'input_1', inbound_nodes: [] },
        { class_name: 'Conv2D', config: { ...base('conv2d'), filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true, kernel_initializer: init(1), bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: { class_name: 'L2', config: { l2: 0.0001 } }, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }, name: 'conv2d', inbound_nodes: node('input_1') },
        { class_name: 'BatchNormalization', config: { ...base('batch_normalization'), axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true, beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} }, moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} }, beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null }, name: 'batch_normalization', inbound_nodes: node('conv2d') },
        { class_name: 'ReLU', config: { ...base('re_lu'), max_value: null, negative_slope: 0.0, threshold: 0.0 }, name: 're_lu', inbound_nodes: node('batch_normalization') },
        { class_name: 'GlobalAveragePooling2D', config: { ...base('global_average_pooling2d'), data_format: 'channels_last', keepdims: false }, name: 'global_average_pooling2d', inbound_nodes: node('re_lu') },
        { class_name: 'Dense', config: { ...base('dense'), units: 3, activation: 'softmax', use_bias: true, kernel_initializer: init(2), bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null }, name: 'dense', inbound_nodes: node('global_average_pooling2d') },
      ],
      input_layers: [['input_1', 0, 0]],
      output_layers: [['dense', 0, 0]],
    };
    const modelJSON = {
      format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.17.0',
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Functional', config } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weightSpecs }],
    };
    const dir = writeFolder({ modelJSON, shards: { 'group1-shard1of1.bin': new Uint8Array(weightData) } });
    const m = await load_model(dir);
    expect(m.get_layer('conv2d').get_config().kernel_initializer).toEqual({ class_name: 'GlorotUniform', config: { seed: 1 } });
    const r = predictBoth(m, tfModel, [6, 6, 3]);
    expect(maxAbsDiff(r.got, r.want)).toBeLessThan(1e-5);
    expect(JSON.stringify((await saveModel(m)).modelTopology)).toContain('"kernel_regularizer":{"class_name":"L2","config":{"l2":0.0001}}');
  });

  test('a Sequential nested in a functional model (its own input node skipped, as tf.keras 2 and tfjs number them)', async () => {
    const inner = tfl.sequential({ name: 'features', layers: [tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: 'c' }), tfl.layers.globalAveragePooling2d({ name: 'g' })] });
    const input = tfl.input({ shape: [8, 8, 3], name: 'img' });
    const outer = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2, name: 'head' }).apply(inner.apply(input)), name: 'outer' });
    randomizeWeights(inner, 1);
    randomizeWeights(outer, 2);
    const artifacts = await artifactsOf(outer);
    const m = await load_model(artifacts);
    const r = predictBoth(m, outer, [8, 8, 3]);
    expect(maxAbsDiff(r.got, r.want)).toBeLessThan(1e-5);
    const again = await load_model(await saveModel(m));
    const r2 = predictBoth(again, outer, [8, 8, 3]);
    expect(Array.from(r2.got)).toEqual(Array.from(r.got));
  });

  test('File objects of an <input type=file> (model.json and its shards)', async () => {
    const { artifacts, inputShape, model: tfModel } = await saved('1D audio CNN', audioCnn);
    const files = converterFiles(artifacts, { encoding: 'float16', shardBytes: 300 });
    const list = [new File([JSON.stringify(files.modelJSON)], 'model.json'), ...Object.entries(files.shards).map(([n, b]) => new File([b], n))];
    const m = await load_model(list.reverse());
    const r = predictBoth(m, await tfjsLoad(files), inputShape);
    expect(maxAbsDiff(r.got, r.want)).toBeLessThan(1e-4);
    expect(tfModel).toBeDefined();
  });

  test('options.fetch supplies the requests (headers, caches)', async () => {
    const { artifacts, inputShape, model: tfModel } = await saved('1D audio CNN', audioCnn);
    const files = converterFiles(artifacts);
    const served = servedFiles(files, '/m');
    const seen = [];
    const fetch = async (url, init) => {
      seen.push([url, init?.headers?.authorization]);
      const body = served[new URL(url).pathname];
      return new Response(body === undefined ? 'nope' : body, { status: body === undefined ? 404 : 200 });
    };
    const m = await load_model('https://models.example/m/model.json', { fetch, requestInit: { headers: { authorization: 'Bearer t' } } });
    expect(seen[0]).toEqual(['https://models.example/m/model.json', 'Bearer t']);
    expect(seen.length).toBe(1 + Object.keys(files.shards).length);
    const r = predictBoth(m, tfModel, inputShape);
    expect(maxAbsDiff(r.got, r.want)).toBeLessThan(1e-4);
  });

  test('load_model folds and packs at load: folded and packed weights exist before the first predict, with or without the warm-up', async () => {
    const { artifacts, inputShape } = await saved('MobileNetV2-style', mobileNetLike);
    const x = torch.randn(1, ...inputShape);
    for (const warmup of [true, false]) {
      const model = await load_model(artifacts, { warmup });
      const before = live();
      model.predict(x).dispose();
      expect(live()).toBe(before);
      model.dispose();
      for (const l of model.layers) l.dispose?.();
    }
    await expect(load_model(artifacts, { warmup: 'yes' })).rejects.toThrow(/^load_model: options.warmup must be true or false, got "yes"/);
    x.dispose();
  });

  test('load_model draws no initial values: the weights come from the file, the seeded stream is untouched', async () => {
    const { artifacts } = await saved('Sequential image classifier', imageClassifier);
    torch.manual_seed(7);
    const expected = torch.randn(16);
    torch.manual_seed(7);
    const loaded = await load_model(artifacts);
    const next = torch.randn(16);
    expect(Array.from(next.data)).toEqual(Array.from(expected.data));
    // model_from_json does initialise (it draws from the same stream)
    torch.manual_seed(7);
    const fresh = model_from_json(artifacts.modelTopology);
    const after = torch.randn(16);
    expect(Array.from(after.data)).not.toEqual(Array.from(expected.data));
    expect(fresh.get_weights()[0].data.some((v) => v !== 0)).toBe(true);
    for (const t of [expected, next, after]) t.dispose();
    loaded.dispose();
    fresh.dispose();
  });

  test('model_from_json: the topology only, weights initialised, same shapes', async () => {
    const { artifacts } = await saved('MobileNetV2-style', mobileNetLike);
    const m = model_from_json(JSON.stringify(artifacts.modelTopology));
    const loaded = await load_model(artifacts);
    expect(m.get_weights().map((w) => w.shape)).toEqual(loaded.get_weights().map((w) => w.shape));
    expect(m.get_layer('stem_conv').get_config().kernel_size).toEqual([3, 3]);
    // an initializer nnwasm has no equal for: model_from_json says so, load_model
    // (whose weights replace it) loads, and saving writes the original back
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
    const head = topology.config.layers.find((l) => l.name === 'logits');
    head.config.kernel_initializer = { class_name: 'TruncatedNormal', config: { mean: 0, stddev: 0.02, seed: null } };
    const before = live();
    expect(() => model_from_json(topology)).toThrow("model_from_json: layer 'logits' uses kernel_initializer TruncatedNormal, which nnwasm cannot initialise");
    expect(live()).toBe(before);
    const withWeights = await load_model({ ...artifacts, modelTopology: topology });
    expect(Array.from(withWeights.get_layer('logits').get_weights()[0].data)).toEqual(Array.from(loaded.get_layer('logits').get_weights()[0].data));
    const written = await saveModel(withWeights);
    expect(written.modelTopology.config.layers.find((l) => l.name === 'logits').config.kernel_initializer).toEqual(head.config.kernel_initializer);
  });
});

describe('unknown layer classes', () => {
  class Scale extends Layer {
    static get className() {
      return 'Scale';
    }

    constructor(options = {}) {
      const { factor = 1, ...rest } = options;
      super(rest, {});
      this.factor = factor;
    }

    compute_output_shape(s) {
      return s.slice();
    }

    call(x) {
      return torch.tensor(x.data.map((v) => v * this.factor), x.shape);
    }

    get_config() {
      return { ...super.get_config(), factor: this.factor };
    }
  }

  test('name the class, the layer and the supported classes; keras.registerLayer adds one', async () => {
    const { artifacts } = await saved('Sequential image classifier', imageClassifier);
    const topology = JSON.parse(JSON.stringify(artifacts.modelTopology));
    topology.config.layers.splice(2, 0, { class_name: 'Scale', config: { name: 'scale_by_two', factor: 2 } });
    const src = { ...artifacts, modelTopology: topology };
    const before = await settledTensorCount();
    await expect(load_model(src)).rejects.toThrow(/load_model: unknown layer class "Scale" \(layer 'scale_by_two'\); supported classes: .*Conv2D.*Dense/);
    expect(await settledTensorCount()).toBe(before);
    keras.registerLayer(Scale);
    const m = await load_model(src);
    const plain = await load_model(artifacts);
    const x = torch.randn(1, 12, 12, 1);
    expect(m.predict(x).shape).toEqual(plain.predict(x).shape);
  });
});
