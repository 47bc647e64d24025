// One first-call measurement in this fresh Node process (V8's default
// tiering, nothing warmed): one library, one thread count, one case.
//
//   node bench/firstcall/child.mjs --case conv --lib nnwasm --threads 1 --out f.json
//        [--calls 10] [--artifacts DIR] [--nnwasm-root DIR]
//   (--lib nnwasm | nnwasm-nowarmup | tfjs; nnwasm-nowarmup loads models with
//   { warmup: false })
//   node bench/firstcall/child.mjs --make-artifacts DIR [--only ids]
//
// The second form builds the model cases with tfjs-layers (seeded weights)
// and writes DIR/<id>.json + DIR/<id>.bin, so the timed processes load only
// the library they time. --nnwasm-root times another checkout's js/index.js
// (same-machine before/after runs).
//
// Timed call, as a user's loop runs it: the input tensor(s) made from
// Float32Arrays, the layer's apply / the model's predict, the output read
// back (dataSync), all tensors disposed. Setup (init, building the layer and
// setting its weights, or loading the model) is timed apart, before call 1.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeRng } from '../workloads.mjs';
import { selectCases, CASES } from './networks.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    case: { type: 'string' },
    lib: { type: 'string', default: 'nnwasm' },
    threads: { type: 'string', default: '1' },
    calls: { type: 'string', default: '10' },
    out: { type: 'string' },
    artifacts: { type: 'string', default: path.join(HERE, '..', '.build', 'firstcall-artifacts') },
    'nnwasm-root': { type: 'string', default: path.join(HERE, '..', '..') },
    'make-artifacts': { type: 'string' },
    only: { type: 'string' },
  },
});

const scratchDir = path.join(HERE, '..', '.build');
const product = (s) => s.reduce((a, b) => a * b, 1);

if (args['make-artifacts']) {
  await makeArtifacts(args['make-artifacts']);
  process.exit(0);
}

const threads = Number(args.threads);
const calls = Math.max(10, Number(args.calls) || 10);
const c = CASES.find((x) => x.id === args.case);
if (!c) throw new Error(`unknown case ${args.case}`);
const result = { case: c.id, lib: args.lib, threads, calls: [] };
const save = () => fs.writeFileSync(args.out, JSON.stringify(result, null, 1));

try {
  const inputs = c.inputShapes.map((s, i) => seeded(product(s), 0xf1c5 ^ (i + 1) * 7919, 1));
  const shapes = c.inputShapes.map((s) => [1, ...s]);
  const t0 = performance.now();
  const lib = args.lib.startsWith('nnwasm') ? await nnwasm(args['nnwasm-root'], args.lib === 'nnwasm-nowarmup') : await tfjs();
  const t1 = performance.now();
  result.initMs = t1 - t0;
  result.setup = lib.info;
  const run = await lib.prepare(c);
  result.prepareMs = performance.now() - t1;
  let last = null;
  for (let k = 0; k < calls; k++) {
    const s = performance.now();
    const out = run(inputs, shapes);
    result.calls.push(performance.now() - s);
    if (k === 0) result.sample = sampleOf(out);
    last = out;
  }
  result.lastSample = sampleOf(last);
} catch (err) {
  result.error = String(err?.stack ?? err?.message ?? err);
  process.stderr.write(`  [firstcall ${c.id} ${args.lib} x${threads}] ERROR ${result.error}\n`);
}
save();
process.exit(0);  // thread pools may keep the event loop alive

// ---- the libraries -----------------------------------------------------------

// noWarmup: load_model(..., { warmup: false }), so the first predict shows
// what the load leaves to it when no warm-up predict runs.
async function nnwasm(root, noWarmup) {
  const nn = await import(pathToFileURL(path.join(root, 'js', 'index.js')).href);
  await nn.init({ threads });
  const b = nn.backend();
  const predictWith = (model) => (inputs, shapes) => {
    const xs = inputs.map((x, i) => nn.torch.tensor(x, shapes[i]));
    try {
      const y = model.predict(xs.length === 1 ? xs[0] : xs);
      const out = y.dataSync();
      y.dispose();
      return out;
    } finally {
      for (const x of xs) x.dispose();
    }
  };
  return {
    info: { version: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version, root, threadsUsed: b.threads, build: b.build },
    async prepare(c) {
      if (c.kind === 'model') return predictWith(await nn.keras.models.load_model(readArtifacts(c.id), noWarmup ? { warmup: false } : undefined));
      const layer = new nn.keras.layers.Conv2D({ filters: c.filters, kernel_size: c.kernel, padding: 'same' });
      const [kernel, bias] = convWeights(c);
      layer.build([null, ...c.inputShapes[0]]);
      layer.set_weights([nn.torch.tensor(kernel.data, kernel.shape), nn.torch.tensor(bias.data, bias.shape)]);
      return (inputs, shapes) => {
        const x = nn.torch.tensor(inputs[0], shapes[0]);
        try {
          const y = layer.apply(x);
          const out = y.dataSync();
          y.dispose();
          return out;
        } finally {
          x.dispose();
        }
      };
    },
  };
}

async function tfjs() {
  const { setup } = await import('../libs/tfjs.mjs');
  const info = await setup({ threads, scratchDir });
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const call = (apply) => (inputs, shapes) => {
    const xs = inputs.map((x, i) => tf.tensor(x, shapes[i]));
    try {
      const y = apply(xs.length === 1 ? xs[0] : xs);
      const out = y.dataSync();
      y.dispose();
      return out;
    } finally {
      for (const x of xs) x.dispose();
    }
  };
  return {
    info: { version: info.version, threadsUsed: info.threadsUsed, build: info.build },
    async prepare(c) {
      if (c.kind === 'model') {
        const model = await tfl.loadLayersModel(tf.io.fromMemory(readArtifacts(c.id)));
        return call((x) => model.predict(x));
      }
      const layer = tfl.layers.conv2d({ filters: c.filters, kernelSize: c.kernel, padding: 'same' });
      const [kernel, bias] = convWeights(c);
      layer.build([null, ...c.inputShapes[0]]);
      layer.setWeights([tf.tensor(kernel.data, kernel.shape), tf.tensor(bias.data, bias.shape)]);
      return call((x) => layer.apply(x));
    },
  };
}

// ---- data --------------------------------------------------------------------

function seeded(n, seed, scale) {
  const rng = makeRng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * (rng() * 2 - 1);
  return v;
}

// He-uniform kernel (k, k, in, filters) and a small bias, seeded.
function convWeights(c) {
  const cin = c.inputShapes[0][2];
  const shape = [c.kernel, c.kernel, cin, c.filters];
  return [{ data: seeded(product(shape), 0xc0117, Math.sqrt(6 / (c.kernel * c.kernel * cin))), shape }, { data: seeded(c.filters, 0xb1a5, 0.05), shape: [c.filters] }];
}

// 64 values spread over the output, to compare the libraries (and call 1 with call 10).
function sampleOf(out) {
  const step = Math.max(1, Math.floor(out.length / 64));
  const values = [];
  for (let i = 0; i < out.length && values.length < 64; i += step) values.push(out[i]);
  let maxAbs = 0;
  for (let i = 0; i < out.length; i++) maxAbs = Math.max(maxAbs, Math.abs(out[i]));
  return { length: out.length, maxAbs, values };
}

function readArtifacts(id) {
  const meta = JSON.parse(fs.readFileSync(path.join(args.artifacts, `${id}.json`), 'utf8'));
  const bin = fs.readFileSync(path.join(args.artifacts, `${id}.bin`));
  return { ...meta, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) };
}

async function makeArtifacts(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const { setup } = await import('../libs/tfjs.mjs');
  await setup({ threads: 1, scratchDir });
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { buildArtifacts } = await import('../models/networks.mjs');
  for (const c of selectCases(args.only).filter((x) => x.kind === 'model')) {
    const built = await buildArtifacts(tf, tfl, c);
    const { weightData, ...meta } = built.artifacts;
    fs.writeFileSync(path.join(dir, `${c.id}.json`), JSON.stringify({ ...meta, params: built.params, layers: built.layers }));
    fs.writeFileSync(path.join(dir, `${c.id}.bin`), new Uint8Array(weightData));
    process.stderr.write(`  [firstcall] artifacts of ${c.id}: ${(built.params / 1e6).toFixed(2)} M parameters\n`);
  }
}
