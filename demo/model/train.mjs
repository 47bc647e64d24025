#!/usr/bin/env node
// Trains the demo's shape classifier once, with TensorFlow.js's layers API
// on its wasm backend (devDependencies only, nothing downloaded), on pictures
// that demo/model/shapes.js draws from fixed seeds, and writes it in the
// layers-model format next to this file: model.json + group1-shard1of1.bin.
//   node demo/model/train.mjs [--epochs 6] [--train 3000] [--test 600] [--out demo/model]
// A few minutes on one core. The result is committed; rerun to retrain.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { CLASSES, dataset, SIZE } from './shapes.js';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const EPOCHS = Number(opt('epochs', 6));
const N_TRAIN = Number(opt('train', 3000));
const N_TEST = Number(opt('test', 600));
const OUT = resolve(opt('out', fileURLToPath(new URL('.', import.meta.url))));

// The wasm backend trains ~50x faster than the CPU backend here, whose
// Conv2D filter gradient took over a minute per batch of 4 on this machine.
// It lacks only that gradient's kernel (Conv2DBackpropFilter), registered
// here as im2col + matMul (dW = patches(x)^T dy) from ops it has.
tfwasm.setThreadsCount(1);
if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not start');
await tf.ready();
tf.registerKernel({
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs: { x, dy }, attrs: { strides, pad, dataFormat, filterShape } }) => {
    const [kh, kw, cin, cout] = filterShape;
    const ok = [strides].flat().every((k) => k === 1) && pad === 'same' && dataFormat !== 'NCHW' && kh % 2 === 1 && kw % 2 === 1;
    if (!ok) throw new Error('train.mjs: Conv2DBackpropFilter here handles only stride 1, odd kernels, padding same, NHWC');
    const dw = tf.tidy(() => {
      const X = tf.engine().makeTensorFromTensorInfo(x);
      const DY = tf.engine().makeTensorFromTensorInfo(dy);
      const [n, h, w] = X.shape;
      const xp = tf.pad(X, [[0, 0], [(kh - 1) / 2, (kh - 1) / 2], [(kw - 1) / 2, (kw - 1) / 2], [0, 0]]);
      const taps = [];
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) taps.push(tf.slice(xp, [0, ky, kx, 0], [n, h, w, cin]));
      const cols = tf.reshape(tf.concat(taps, 3), [n * h * w, kh * kw * cin]);
      return tf.reshape(tf.matMul(cols, tf.reshape(DY, [n * h * w, cout]), true, false), [kh, kw, cin, cout]);
    });
    // A Tensor (it has a rank) is taken as the kernel's output as it is,
    // owned by the scope that ran the kernel.
    return dw;
  },
});

// A check of that kernel against the definition, on a small case.
{
  const x = tf.randomNormal([2, 5, 6, 3], 0, 1, 'float32', 1);
  const dy = tf.randomNormal([2, 5, 6, 4], 0, 1, 'float32', 2);
  const f = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 3);
  const got = tf.grad((w) => tf.sum(tf.mul(tf.conv2d(x, w, 1, 'same'), dy)))(f);
  const eps = 1e-2;
  const idx = [1, 2, 0, 3];
  const bump = (s) => tf.sum(tf.mul(tf.conv2d(x, tf.add(f, tf.scatterND(tf.tensor2d([idx], [1, 4], 'int32'), tf.tensor1d([s * eps]), f.shape)), 1, 'same'), dy)).dataSync()[0];
  const want = (bump(1) - bump(-1)) / (2 * eps);
  const g = got.arraySync()[1][2][0][3];
  if (!(Math.abs(g - want) < 1e-2 * Math.max(1, Math.abs(want)))) throw new Error(`train.mjs: the Conv2D filter gradient is wrong (${g} vs ${want})`);
}

// Same seed, same initial weights on every run.
const SEED = 7;

// conv -> BN -> ReLU, the chain nnwasm fuses into one convolution.
function block(x, filters, name, seed) {
  x = tfl.layers.conv2d({
    filters, kernelSize: 3, padding: 'same', useBias: false, name: `${name}_conv`,
    kernelInitializer: tfl.initializers.heNormal({ seed }),
  }).apply(x);
  x = tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(x);
  return tfl.layers.reLU({ name: `${name}_relu` }).apply(x);
}

function buildModel() {
  const input = tfl.input({ shape: [SIZE, SIZE, 1], name: 'drawing' });
  let x = block(input, 8, 'stem', SEED);                                    // the feature maps the page shows
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x);     // 14 x 14
  const a = block(x, 16, 'block1a', SEED + 1);
  const b = block(a, 16, 'block1b', SEED + 2);
  x = tfl.layers.add({ name: 'residual' }).apply([a, b]);
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x);     // 7 x 7
  x = block(x, 32, 'block2', SEED + 3);
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x);
  const out = tfl.layers.dense({
    units: CLASSES.length, activation: 'softmax', name: 'classes',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: SEED + 4 }),
  }).apply(x);
  return tfl.model({ inputs: input, outputs: out, name: 'shapes' });
}

function tensors({ x, y }) {
  return { xs: tf.tensor4d(x, [y.length, SIZE, SIZE, 1]), ys: tf.oneHot(tf.tensor1d(y, 'int32'), CLASSES.length) };
}

const t0 = performance.now();
const train = tensors(dataset(N_TRAIN, 1));
const test = tensors(dataset(N_TEST, 2));
const model = buildModel();
model.summary(undefined, undefined, (line) => console.log(line));
model.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(train.xs, train.ys, {
  epochs: EPOCHS, batchSize: 32, shuffle: true, verbose: 0,
  callbacks: {
    onEpochBegin: async (epoch) => {
      // Step the learning rate down over the last epochs.
      if (epoch === Math.floor(EPOCHS * 0.6)) model.optimizer.learningRate = 0.001;
      if (epoch === Math.floor(EPOCHS * 0.85)) model.optimizer.learningRate = 0.0003;
    },
    onBatchEnd: async (batch, logs) => {
      if (batch % 50 === 49) console.log(`  batch ${batch + 1}: loss ${logs.loss.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    },
    onEpochEnd: async (epoch, logs) => {
      const [, acc] = model.evaluate(test.xs, test.ys, { batchSize: 200 }).map((t) => t.dataSync()[0]);
      console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${logs.loss.toFixed(4)}, train acc ${logs.acc.toFixed(4)}, ` +
        `test acc ${acc.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    },
  },
});

const [testLoss, testAcc] = model.evaluate(test.xs, test.ys, { batchSize: 200 }).map((t) => t.dataSync()[0]);
// Per-class accuracy, for the README.
const pred = tf.argMax(model.predict(test.xs, { batchSize: 200 }), -1).dataSync();
const truth = tf.argMax(test.ys, -1).dataSync();
const perClass = CLASSES.map((name, c) => {
  let n = 0;
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === c) { n++; ok += pred[i] === c ? 1 : 0; }
  return `${name} ${(ok / n).toFixed(3)}`;
});

mkdirSync(OUT, { recursive: true });
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  const shard = 'group1-shard1of1.bin';
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [shard], weights: artifacts.weightSpecs }],
    userDefinedMetadata: {
      classes: CLASSES,
      input: 'white strokes on black, values in [0, 1] (demo/model/shapes.js)',
      testAccuracy: Number(testAcc.toFixed(4)),
      trainedWith: `node demo/model/train.mjs --epochs ${EPOCHS} --train ${N_TRAIN} --test ${N_TEST}`,
    },
  };
  writeFileSync(join(OUT, 'model.json'), JSON.stringify(json));
  writeFileSync(join(OUT, shard), Buffer.from(artifacts.weightData));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}));
console.log(`test loss ${testLoss.toFixed(4)}, test accuracy ${testAcc.toFixed(4)} on ${N_TEST} pictures (seed 2)`);
console.log(`per class: ${perClass.join(', ')}`);
console.log(`saved ${join(OUT, 'model.json')} (${model.countParams()} parameters) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
