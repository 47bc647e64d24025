// Test helper for the io suites: real models built and saved by
// TensorFlow.js (tfjs-layers on the CPU backend), copies of their artifacts
// written the way tensorflowjs_converter writes them (sharded groups,
// float16 and uint8 / uint16 affine quantisation), folders on disk and a
// tiny HTTP server on 127.0.0.1.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFloat16 } from '../../js/io/dtypes.js';
import { backend } from '../../js/index.js';
import { tf, tfl } from './keras_tfjs.js';
import { randomValues, rng } from './reference/random.js';

export { tf, tfl };

// The live-tensor count once the collector has freed what earlier tests
// dropped without dispose(). Such tensors are freed at any await, so a count
// compared across an await must be taken this way on both sides (a CI run
// saw 484 of them vanish mid-test).
export async function settledTensorCount() {
  // Finalizers of tensors dropped earlier run some tasks after a gc(), not
  // always in the next one: the count has settled once three rounds in a
  // row leave it unchanged.
  let count = backend().memory.tensors;
  for (let i = 0, same = 0; i < 50 && same < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const now = backend().memory.tensors;
    same = now === count ? same + 1 : 0;
    count = now;
  }
  return count;
}

// ---- models (tfjs-layers) --------------------------------------------------

export function mobileNetLike() {
  const L = tfl.layers;
  const input = tfl.input({ shape: [16, 16, 3], name: 'image' });
  const bn = (name) => L.batchNormalization({ name });
  const relu6 = (name) => L.reLU({ maxValue: 6, name });
  let x = L.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'stem_pad' }).apply(input);
  x = L.conv2d({ filters: 8, kernelSize: 3, strides: 2, useBias: false, name: 'stem_conv' }).apply(x);
  x = relu6('stem_relu').apply(bn('stem_bn').apply(x));
  let y = L.conv2d({ filters: 16, kernelSize: 1, useBias: false, name: 'b1_expand' }).apply(x);
  y = relu6('b1_expand_relu').apply(bn('b1_expand_bn').apply(y));
  y = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'b1_dw' }).apply(y);
  y = relu6('b1_dw_relu').apply(bn('b1_dw_bn').apply(y));
  y = L.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: 'b1_project' }).apply(y);
  y = bn('b1_project_bn').apply(y);
  x = L.add({ name: 'b1_add' }).apply([x, y]);
  x = L.conv2d({ filters: 24, kernelSize: 1, name: 'head_conv', kernelRegularizer: tfl.regularizers.l2({ l2: 1e-4 }) }).apply(x);
  x = L.globalAveragePooling2d({ name: 'pool' }).apply(x);
  x = L.dense({ units: 5, activation: 'softmax', name: 'logits' }).apply(x);
  return { model: tfl.model({ inputs: input, outputs: x, name: 'mobilenet_like' }), inputShape: [16, 16, 3] };
}

export function audioCnn() {
  const L = tfl.layers;
  const model = tfl.sequential({ name: 'audio_cnn' });
  model.add(L.conv1d({ inputShape: [64, 2], filters: 6, kernelSize: 5, activation: 'relu', name: 'conv_a' }));
  model.add(L.maxPooling1d({ poolSize: 2, name: 'pool_a' }));
  model.add(L.conv1d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv_b', kernelConstraint: tfl.constraints.maxNorm({ maxValue: 3 }) }));
  model.add(L.maxPooling1d({ poolSize: 2, strides: 2, name: 'pool_b' }));
  model.add(L.globalAveragePooling1d({ name: 'gap' }));
  model.add(L.dense({ units: 4, activation: 'softmax', name: 'classes' }));
  return { model, inputShape: [64, 2] };
}

export function uNetLike() {
  const L = tfl.layers;
  const input = tfl.input({ shape: [16, 16, 2], name: 'image' });
  const conv = (filters, name, extra = {}) => L.conv2d({ filters, kernelSize: 3, padding: 'same', name, ...extra });
  const c1 = L.activation({ activation: 'relu', name: 'c1_act' }).apply(L.batchNormalization({ name: 'c1_bn' }).apply(conv(6, 'c1').apply(input)));
  const p1 = L.maxPooling2d({ poolSize: 2, name: 'p1' }).apply(c1);
  const c2 = conv(8, 'c2', { activation: 'relu' }).apply(p1);
  const p2 = L.maxPooling2d({ poolSize: 2, name: 'p2' }).apply(c2);
  const b = conv(12, 'bottom', { activation: 'relu' }).apply(p2);
  const u2 = L.conv2dTranspose({ filters: 8, kernelSize: 2, strides: 2, padding: 'same', name: 'up2' }).apply(b);
  const c3 = conv(8, 'c3', { activation: 'relu' }).apply(L.concatenate({ name: 'cat2' }).apply([u2, c2]));
  const u1 = L.upSampling2d({ size: [2, 2], name: 'up1' }).apply(c3);
  const m1 = L.concatenate({ name: 'cat1' }).apply([u1, c1]);
  const out = L.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid', name: 'mask' }).apply(m1);
  return { model: tfl.model({ inputs: input, outputs: out, name: 'unet_like' }), inputShape: [16, 16, 2] };
}

export function imageClassifier() {
  const L = tfl.layers;
  const model = tfl.sequential({
    name: 'classifier',
    layers: [
      L.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv1' }),
      L.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      L.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'elu', name: 'conv2' }),
      L.averagePooling2d({ poolSize: 2, name: 'pool2' }),
      L.flatten({ name: 'flat' }),
      L.dropout({ rate: 0.25, name: 'drop' }),
      L.dense({ units: 10, activation: 'relu', name: 'fc1' }),
      L.dense({ units: 3, activation: 'softmax', name: 'fc2' }),
    ],
  });
  return { model, inputShape: [12, 12, 1] };
}

export function tinyModel() {
  const L = tfl.layers;
  const input = tfl.input({ shape: [6, 6, 2], name: 'x' });
  let x = L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv' }).apply(input);
  x = L.batchNormalization({ name: 'bn' }).apply(x);
  const y = L.reLU({ name: 'relu' }).apply(x);
  x = L.add({ name: 'add' }).apply([x, y]);
  x = L.globalAveragePooling2d({ name: 'gap' }).apply(x);
  x = L.dense({ units: 2, name: 'out' }).apply(x);
  return { model: tfl.model({ inputs: input, outputs: x, name: 'tiny' }), inputShape: [6, 6, 2] };
}

// Seeded weights: moving variances positive, gammas near 1.
export function randomizeWeights(model, seed) {
  const next = rng(seed);
  for (const layer of model.layers) {
    const ws = layer.weights;
    if (ws.length === 0) continue;
    layer.setWeights(ws.map((w) => {
      const v = randomValues(next, w.shape.reduce((a, b) => a * b, 1));
      const n = w.originalName ?? w.name;
      for (let k = 0; k < v.length; k++) {
        if (n.endsWith('moving_variance')) v[k] = 0.5 + Math.abs(v[k]);
        else if (n.endsWith('gamma')) v[k] = 1 + 0.5 * v[k];
        else v[k] *= 0.7;
      }
      return tf.tensor(v, w.shape);
    }));
  }
}

// The artifacts model.save hands a save handler (weightData an ArrayBuffer).
export async function artifactsOf(model) {
  let out;
  await model.save(tf.io.withSaveHandler(async (a) => {
    out = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return { modelTopology: out.modelTopology, format: out.format, generatedBy: out.generatedBy, convertedBy: out.convertedBy, weightSpecs: out.weightSpecs, weightData: out.weightData };
}

// ---- the converter's weight encodings -----------------------------------------

// tensorflowjs_converter --quantize_{uint8,uint16,float16}: per weight,
// affine q = round((v - min) / scale) with min/max nudged so 0 is exact.
function quantize(values, dtype) {
  if (dtype === 'float16') return { bytes: encodeFloat16(values), quantization: { dtype: 'float16' } };
  const qmax = dtype === 'uint8' ? 255 : 65535;
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi === lo) hi = lo + 1;
  let scale = (hi - lo) / qmax;
  const zero = Math.round(-lo / scale);
  lo = -zero * scale;
  hi = lo + qmax * scale;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.round((Math.min(hi, Math.max(lo, values[i])) - lo) / scale);
  scale = Math.fround(scale);
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype, scale, min: Math.fround(lo) } };
}

// Artifacts -> { modelJSON (with weightsManifest), shards: { name: bytes } }
// in two groups, each cut into shards of at most shardBytes (default: 3 shards).
export function converterFiles(artifacts, { encoding = 'float32', shardBytes = null } = {}) {
  const data = new Uint8Array(artifacts.weightData);
  const specs = [];
  const blobs = [];
  let at = 0;
  for (const s of artifacts.weightSpecs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(data.buffer.slice(at, at + 4 * n));
    at += 4 * n;
    if (encoding === 'float32') {
      specs.push({ ...s });
      blobs.push(new Uint8Array(values.buffer));
    } else {
      const { bytes, quantization } = quantize(values, encoding);
      specs.push({ name: s.name, shape: s.shape, dtype: 'float32', quantization });
      blobs.push(bytes);
    }
  }
  const half = Math.ceil(specs.length / 2);
  const groups = [[0, half], [half, specs.length]].filter(([a, b]) => b > a);
  const shards = {};
  const manifest = groups.map(([a, b], g) => {
    const bytes = concat(blobs.slice(a, b));
    const size = shardBytes ?? Math.max(1, Math.ceil(bytes.length / 3));
    const count = Math.max(1, Math.ceil(bytes.length / size));
    const paths = [];
    for (let i = 0; i < count; i++) {
      const name = `group${g + 1}-shard${i + 1}of${count}.bin`;
      shards[name] = bytes.slice(i * size, (i + 1) * size);
      paths.push(name);
    }
    return { paths, weights: specs.slice(a, b) };
  });
  const modelJSON = { format: 'layers-model', generatedBy: artifacts.generatedBy, convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology: artifacts.modelTopology, weightsManifest: manifest };
  return { modelJSON, shards };
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// The in-memory form with a weightsManifest: the groups' bytes back to back.
export function memoryArtifacts({ modelJSON, shards }) {
  const parts = modelJSON.weightsManifest.flatMap((g) => g.paths.map((p) => shards[p]));
  return { modelTopology: modelJSON.modelTopology, format: modelJSON.format, weightsManifest: modelJSON.weightsManifest, weightData: concat(parts).buffer };
}

export function writeFolder({ modelJSON, shards }, dir = mkdtempSync(join(tmpdir(), 'nnwasm-io-'))) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), typeof modelJSON === 'string' ? modelJSON : JSON.stringify(modelJSON));
  for (const [name, bytes] of Object.entries(shards)) writeFileSync(join(dir, name), bytes);
  return dir;
}

export function tempDir() {
  return mkdtempSync(join(tmpdir(), 'nnwasm-io-'));
}

// Serves `files` ({ '/path': bytes or string }) on 127.0.0.1; requests are logged.
export async function serve(files) {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const body = files[req.url.split('?')[0]];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': req.url.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    res.end(typeof body === 'string' ? body : Buffer.from(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

export function servedFiles({ modelJSON, shards }, dir = '/models/m') {
  const files = { [`${dir}/model.json`]: JSON.stringify(modelJSON) };
  for (const [name, bytes] of Object.entries(shards)) files[`${dir}/${name}`] = bytes;
  return files;
}

// tfjs's own reading of the same artifacts (its decodeWeights dequantises).
export async function tfjsLoad({ modelJSON, shards }) {
  const m = memoryArtifacts({ modelJSON, shards });
  const specs = m.weightsManifest.flatMap((g) => g.weights);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: m.modelTopology, weightSpecs: specs, weightData: m.weightData }));
}

export function seededInput(shape, seed) {
  return randomValues(rng(seed), shape.reduce((a, b) => a * b, 1));
}

// tf.keras 2's functional/sequential config -> Keras 3's serialisation of
// the same model: keras_history inbound nodes, module / registered_name
// wrappers, DTypePolicy dtypes, batch_shape, single endpoints written flat.
export function toKeras3(topology) {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const wrapInit = (v) => (v && typeof v === 'object' && v.class_name ? { module: 'keras.initializers', class_name: v.class_name, config: v.config, registered_name: null } : v);
  const tensorRef = ([name, node, index]) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [name, node, index] } });
  const layer = (entry, functional) => {
    const config = { ...entry.config, dtype: policy };
    for (const k of Object.keys(config)) if (k.endsWith('_initializer')) config[k] = wrapInit(config[k]);
    if (entry.class_name === 'InputLayer') {
      config.batch_shape = config.batch_input_shape;
      delete config.batch_input_shape;
      config.dtype = 'float32';
    }
    const out = { module: 'keras.layers', class_name: entry.class_name, config, registered_name: null, name: entry.name ?? config.name };
    if (functional) {
      out.build_config = { input_shape: null };
      out.inbound_nodes = (entry.inbound_nodes ?? []).map((node) => ({
        args: [node.length > 1 ? node.map(tensorRef) : tensorRef(node[0])],
        kwargs: entry.class_name === 'BatchNormalization' || entry.class_name === 'Dropout' ? { training: false, mask: null } : {},
      }));
    }
    return out;
  };
  const functional = topology.class_name !== 'Sequential';
  const c = topology.config;
  const config = { name: c.name, trainable: true, layers: c.layers.map((l) => layer(l, functional)) };
  // Keras 3's Sequential starts with its InputLayer.
  const first = config.layers[0].config;
  if (!functional && first.batch_input_shape) {
    config.layers.unshift({ module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: first.batch_input_shape, dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null });
    delete first.batch_input_shape;
  }
  if (functional) {
    config.input_layers = c.input_layers.length === 1 ? c.input_layers[0] : c.input_layers;
    config.output_layers = c.output_layers.length === 1 ? c.output_layers[0] : c.output_layers;
  }
  return { module: 'keras', class_name: functional ? 'Functional' : 'Sequential', config, registered_name: null, build_config: { input_shape: null } };
}
