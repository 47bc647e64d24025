// Broken layers-model artifacts: each gives a clear Error naming what is
// wrong (the URL or file of a bad shard, the weight, the layer) and leaves
// nothing half-loaded: the live tensor count is back where it was. Then a
// seeded mutation test: 10,000 random corruptions of a valid model.json and
// its weights each give a clear Error or a model whose every weight is what
// the (corrupted) artifacts say, never a crash or a wrongly sized tensor.
import { backend, init, torch } from '../../js/index.js';
import { load_model, model_from_json } from '../../js/keras/models.js';
import { initTf } from './keras_tfjs.js';
import {
  artifactsOf, converterFiles, memoryArtifacts, randomizeWeights, serve, servedFiles, settledTensorCount, tempDir, tinyModel,
  writeFolder,
} from './io_fixtures.js';
import { randInt, rng } from './reference/random.js';

let tiny;
beforeAll(async () => {
  await init({ threads: 2 });
  await initTf();
  const { model, inputShape } = tinyModel();
  randomizeWeights(model, 5);
  tiny = { artifacts: await artifactsOf(model), inputShape };
});

const live = () => backend().memory.tensors;
const clone = (v) => JSON.parse(JSON.stringify(v));

async function expectClean(promise, pattern) {
  const before = await settledTensorCount();
  await expect(promise()).rejects.toThrow(pattern);
  expect(await settledTensorCount()).toBe(before);
}

describe('broken artifacts', () => {
  test('a truncated shard over HTTP names the shard URLs and sizes', async () => {
    const files = converterFiles(tiny.artifacts);
    const name = files.modelJSON.weightsManifest[1].paths.at(-1);
    files.shards[name] = files.shards[name].slice(0, 5);
    const server = await serve(servedFiles(files));
    try {
      await expectClean(() => load_model(`${server.base}/models/m/model.json`),
        new RegExp(`load_model: weight group 2 from .*${server.base}/models/m/${name} \\(5 bytes\\).* holds only \\d+ bytes, but its \\d+ weights .* need \\d+ \\(a truncated or missing shard\\?\\)`));
    } finally {
      await server.close();
    }
  });

  test('a missing shard: the URL and the HTTP status; in a folder: the path', async () => {
    const files = converterFiles(tiny.artifacts);
    const name = files.modelJSON.weightsManifest[0].paths[0];
    delete files.shards[name];
    const server = await serve(servedFiles(files));
    try {
      await expectClean(() => load_model(`${server.base}/models/m/model.json`), `load_model: fetching ${server.base}/models/m/${name} failed: HTTP 404 Not Found`);
    } finally {
      await server.close();
    }
    const dir = writeFolder(files);
    await expectClean(() => load_model(dir), `load_model: cannot read ${dir}/${name}: no such file`);
    await expectClean(() => load_model(`${dir}/nothing.json`), `load_model: cannot read ${dir}/nothing.json: no such file`);
  });

  test('a weight of the wrong size', async () => {
    const a = clone({ ...tiny.artifacts, weightData: undefined });
    a.weightData = tiny.artifacts.weightData;
    const i = a.weightSpecs.findIndex((s) => s.name === 'conv/kernel');
    a.weightSpecs[i].shape = [3, 3, 2, 2];
    // the data no longer matches the specs
    await expectClean(() => load_model(a), /load_model: weightData holds \d+ bytes, but its \d+ weights .* need \d+/);
    // the data matches (one spec swapped for a same-size one), the layer does not
    const b = clone({ ...tiny.artifacts, weightData: undefined });
    b.weightData = tiny.artifacts.weightData;
    b.weightSpecs[i].shape = [3, 2, 3, 3];
    await expectClean(() => load_model(b), "load_model: weight 'conv/kernel' has shape [3, 2, 3, 3] in the weights manifest, but layer 'conv' (Conv2D) needs kernel of shape [3, 3, 2, 3]");
  });

  test('unknown dtypes, missing and extra weights', async () => {
    const a = { ...tiny.artifacts, weightSpecs: clone(tiny.artifacts.weightSpecs) };
    a.weightSpecs[0].dtype = 'complex64';
    await expectClean(() => load_model(a), "load_model: weight 'conv/kernel' has dtype \"complex64\"; expected float32, float16, int32 or bool, or a quantization of uint8, uint16 or float16");
    a.weightSpecs[0].dtype = 'float32';
    a.weightSpecs[0].quantization = { dtype: 'int4', scale: 1, min: 0 };
    await expectClean(() => load_model(a), "load_model: weight 'conv/kernel' has quantization dtype \"int4\"; expected one of uint8, uint16, float16");
    a.weightSpecs[0].quantization = { dtype: 'uint8', scale: 'big', min: 0 };
    await expectClean(() => load_model(a), "load_model: weight 'conv/kernel' is uint8-quantised but its scale \"big\" and min 0 are not both finite numbers");
    // a renamed weight: the layer lacks it and the manifest has one nobody takes
    const b = { ...tiny.artifacts, weightSpecs: clone(tiny.artifacts.weightSpecs) };
    b.weightSpecs.find((s) => s.name === 'bn/gamma').name = 'bn/scale';
    await expectClean(() => load_model(b), "load_model: weight 'bn/scale' names layer 'bn' (BatchNormalization), which has weights gamma, beta, moving_mean, moving_variance, not 'scale'");
    b.weightSpecs.find((s) => s.name === 'bn/scale').name = 'nobody/kernel';
    await expectClean(() => load_model(b), "load_model: weight 'nobody/kernel' belongs to no layer of the model (layers with weights: conv, bn, out)");
    const c = { ...tiny.artifacts, weightSpecs: tiny.artifacts.weightSpecs.slice(0, -1) };
    const dropped = tiny.artifacts.weightSpecs.at(-1).name;
    c.weightData = tiny.artifacts.weightData.slice(0, tiny.artifacts.weightData.byteLength - 4 * 3);
    await expectClean(() => load_model(c), `load_model: the weights manifest has no '${dropped}'`);
  });

  test('bad JSON: a file, a URL serving HTML, a topology string', async () => {
    const files = converterFiles(tiny.artifacts);
    const dir = writeFolder({ ...files, modelJSON: '{"modelTopology": {' });
    await expectClean(() => load_model(dir), new RegExp(`load_model: ${dir}/model.json is not valid JSON: `));
    const server = await serve({ '/m/model.json': '<!doctype html><html>Not here</html>' });
    try {
      await expectClean(() => load_model(`${server.base}/m/model.json`), `load_model: ${server.base}/m/model.json is not valid JSON (it looks like HTML: a page was served instead of the file?)`);
    } finally {
      await server.close();
    }
    expect(() => model_from_json('{"class_name": "Sequential", ')).toThrow(/^model_from_json: json is not valid JSON/);
    await expectClean(() => load_model({ format: 'graph-model', modelTopology: {} }), "load_model: the model artifacts has format \"graph-model\"; nnwasm reads 'layers-model'");
    await expectClean(() => load_model({ weightSpecs: [] }), /load_model: the model artifacts has no modelTopology/);
    await expect(load_model(42)).rejects.toThrow(TypeError);
    await expect(load_model(tiny.artifacts, { onprogress: () => 0 })).rejects.toThrow("load_model: unknown option 'onprogress' (expected one of onProgress, fetch");
  });

  test('a layer config with a bad value names the layer; the layers made before it are freed', async () => {
    const a = { ...tiny.artifacts, modelTopology: clone(tiny.artifacts.modelTopology) };
    const layers = a.modelTopology.config.layers;
    layers.find((l) => l.name === 'out').config.units = -3;
    await expectClean(() => load_model(a), "load_model: layer 'out' (Dense): Dense: units must be >= 1, got -3");
    layers.find((l) => l.name === 'out').config.units = 2;
    layers.find((l) => l.name === 'conv').config.padding = 'sometimes';
    await expectClean(() => load_model(a), /^load_model: layer 'conv' \(Conv2D\): Conv2D: padding must be/);
    layers.find((l) => l.name === 'conv').config.padding = 'same';
    layers.find((l) => l.name === 'out').config.units = 7;
    await expectClean(() => load_model(a), "load_model: weight 'out/kernel' has shape [3, 2] in the weights manifest, but layer 'out' (Dense) needs kernel of shape [3, 7]");
    layers.find((l) => l.name === 'out').config.units = 2;
    layers.find((l) => l.name === 'add').inbound_nodes = [[['conv', 0, 0, {}], ['ghost', 0, 0, {}]]];
    await expectClean(() => load_model(a), /^load_model: .*'add'/);
  });
});

// ---- mutation test --------------------------------------------------------------

const POOL = [0, -1, 1, 2, 3, 7, 1e9, -1e9, 0.5, NaN, null, true, false, '', 'x', 'same', 'relu', 'channels_first', [], [1], [3, 3], [null, 2], {}, { class_name: 'Zeros', config: {} }];

// Every path to a value in a JSON tree.
function paths(v, at = [], out = []) {
  out.push(at);
  if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, k], out);
  return out;
}

function setAt(root, path, value) {
  if (path.length === 0) return value;
  let o = root;
  for (const k of path.slice(0, -1)) o = o[k];
  if (value === undefined) {
    if (Array.isArray(o)) o.splice(Number(path.at(-1)), 1);
    else delete o[path.at(-1)];
  } else o[path.at(-1)] = value;
  return root;
}

function mutate(next, files) {
  const modelJSON = clone(files.modelJSON);
  const shards = Object.fromEntries(Object.entries(files.shards).map(([k, v]) => [k, v.slice()]));
  const kind = randInt(next, 0, 9);
  let text = null;
  if (kind <= 5) {
    // replace or delete a value anywhere in model.json
    const all = paths(modelJSON);
    const p = all[randInt(next, 0, all.length - 1)];
    const value = kind === 0 ? undefined : POOL[randInt(next, 0, POOL.length - 1)];
    return { modelJSON: setAt(modelJSON, p, value), shards, text };
  }
  if (kind === 6) {
    // flip one character of the JSON text
    const s = JSON.stringify(modelJSON);
    const i = randInt(next, 0, s.length - 1);
    text = s.slice(0, i) + String.fromCharCode(randInt(next, 32, 126)) + s.slice(i + 1);
    return { modelJSON, shards, text };
  }
  const names = Object.keys(shards);
  const name = names[randInt(next, 0, names.length - 1)];
  if (kind === 7) shards[name] = shards[name].slice(0, randInt(next, 0, shards[name].length));
  else if (kind === 8) delete shards[name];
  else {
    const b = shards[name];
    for (let k = randInt(next, 1, 8); k > 0 && b.length > 0; k--) b[randInt(next, 0, b.length - 1)] = randInt(next, 0, 255);
  }
  return { modelJSON, shards, text };
}

// An in-memory source from mutated files; a missing shard is left out of
// the bytes (the manifest's count no longer matches).
function source({ modelJSON, shards, text }) {
  const json = text === null ? modelJSON : (() => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  })();
  if (json === null) return { json: null, text };
  let bytes = null;
  try {
    bytes = memoryArtifacts({ modelJSON: { ...json, weightsManifest: json.weightsManifest.map((g) => ({ ...g, paths: g.paths.filter((p) => shards[p]) })) }, shards });
  } catch {
    return { json, artifacts: { ...json, weightData: new ArrayBuffer(3) } };
  }
  return { json, artifacts: { ...json, weightData: bytes.weightData } };
}

test('10,000 seeded corruptions of model.json and its shards: a clear Error or a correct model, nothing leaked', async () => {
  const files = converterFiles(tiny.artifacts, { encoding: 'uint8' });
  const reference = await load_model(memoryArtifacts(files));
  const x = torch.randn(1, ...tiny.inputShape);
  const next = rng(20261202);
  const counts = { error: 0, loaded: 0, badJSON: 0 };
  const before = await settledTensorCount();
  const messages = new Map();
  for (let i = 0; i < 10000; i++) {
    const m = mutate(next, files);
    const src = source(m);
    if (src.json === null) {
      expect(() => model_from_json(m.text)).toThrow(/^model_from_json: /);
      counts.badJSON++;
      continue;
    }
    let model;
    try {
      model = await load_model(src.artifacts);
    } catch (e) {
      // clear: an Error saying where, not an internal TypeError of ours
      if (!(e instanceof Error) || !/^load_model: /.test(e.message) || /Cannot read|undefined is not|is not a function|is not iterable|Maximum call stack/.test(e.message)) {
        throw new Error(`corruption ${i}: unclear error ${e?.constructor?.name}: ${e?.message}\n${JSON.stringify(m.modelJSON).slice(0, 2000)}`);
      }
      messages.set(e.message.replace(/\d+/g, 'N').slice(0, 80), (messages.get(e.message.replace(/\d+/g, 'N').slice(0, 80)) ?? 0) + 1);
      counts.error++;
      if (live() !== before) throw new Error(`corruption ${i} leaked ${live() - before} tensors: ${e.message}`);
      continue;
    }
    // A model: every weight is what the artifacts say, with its spec's shape.
    const specs = src.artifacts.weightsManifest.flatMap((g) => g.weights);
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const layer of model.layers) {
      const names = layer.weightNames ?? (layer.weights.length ? ['kernel', 'bias'] : []);
      layer.weights.forEach((w, j) => {
        const s = byName.get(`${layer.name}/${names[j]}`);
        if (!s || w.shape.join() !== s.shape.join()) throw new Error(`corruption ${i}: ${layer.name}/${names[j]} has shape [${w.shape}], the manifest says ${JSON.stringify(s?.shape)}`);
      });
    }
    // Running it (every 4th, to keep the test quick) gives a tensor or a clear Error.
    if (counts.loaded % 4 === 0) {
      try {
        model.predict(x).dispose();
      } catch (e) {
        if (!(e instanceof Error) || /Cannot read|undefined is not|is not a function/.test(e.message)) throw e;
      }
    }
    model.dispose();
    for (const l of model.layers) l.dispose?.();
    counts.loaded++;
    expect(live()).toBe(before);
  }
  if (process.env.IO_MUTATION_STATS) console.log(JSON.stringify(counts), [...messages].sort((a, b) => b[1] - a[1]).slice(0, 40));
  expect(counts.error + counts.loaded + counts.badJSON).toBe(10000);
  expect(counts.error).toBeGreaterThan(1000);
  expect(counts.loaded).toBeGreaterThan(1000);
  reference.dispose();
}, 300000);
