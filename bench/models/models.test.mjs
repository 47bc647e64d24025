// Checks of the model bench's own parts (tfjs-layers on the CPU backend, no
// nnwasm needed):
//   node --test bench/models/models.test.mjs
// The networks against their published sizes, the saved artifacts, how rounds
// are merged, and the report's ratios and check text on made-up timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { NETWORKS, selectNetworks, buildArtifacts, copyArtifacts } from './networks.mjs';
import { keepFaster } from './run.mjs';
import { modelsSection } from './report.mjs';

await tf.setBackend('cpu');
const net = (id) => NETWORKS.find((n) => n.id === id);
const ofClass = (model, cls) => model.layers.filter((l) => l.getClassName() === cls);

test('MobileNetV2: keras.applications\' 3,538,984 parameters, 17 blocks, 10 residual adds', () => {
  const model = net('mobilenetv2').build(tfl);
  try {
    assert.equal(model.countParams(), 3538984); // keras.applications.MobileNetV2() summary
    assert.equal(ofClass(model, 'DepthwiseConv2D').length, 17);
    assert.equal(ofClass(model, 'Add').length, 10);
    // The stride-2 depthwise convs (blocks 1, 3, 6, 13) are padded ((0,1),(0,1)) and 'valid'.
    const pads = ofClass(model, 'ZeroPadding2D');
    assert.deepEqual(pads.map((l) => l.name), ['block_1_pad', 'block_3_pad', 'block_6_pad', 'block_13_pad']);
    for (const l of pads) assert.deepEqual(l.getConfig().padding, [[0, 1], [0, 1]]);
    const strided = ofClass(model, 'DepthwiseConv2D').filter((l) => l.getConfig().strides[0] === 2);
    assert.deepEqual(strided.map((l) => l.getConfig().padding), ['valid', 'valid', 'valid', 'valid']);
    assert.deepEqual(model.getLayer('block_16_project_BN').outputShape, [null, 7, 7, 320]);
    assert.deepEqual(model.getLayer('out_relu').outputShape, [null, 7, 7, 1280]);
    assert.deepEqual(model.outputShape, [null, 1000]);
    assert.equal(model.getLayer('predictions').getConfig().activation, 'softmax');
  } finally {
    model.dispose();
  }
});

test('M5: 80/4 stem, three kernel-3 stages, pooled to 15 steps, 573,987 parameters', () => {
  const model = net('m5').build(tfl);
  try {
    assert.deepEqual(model.getLayer('conv1').outputShape, [null, 3981, 128]); // (16000 - 80) / 4 + 1
    assert.deepEqual(['pool1', 'pool2', 'pool3', 'pool4'].map((n) => model.getLayer(n).outputShape[1]), [995, 248, 62, 15]);
    assert.deepEqual(model.getLayer('conv4').outputShape, [null, 62, 512]);
    // convs (k * in * out + out), four BNs (4 * C), Dense 512 -> 35
    const convs = 80 * 128 + 128 + 3 * 128 * 128 + 128 + 3 * 128 * 256 + 256 + 3 * 256 * 512 + 512;
    assert.equal(model.countParams(), convs + 4 * (128 + 128 + 256 + 512) + 512 * 35 + 35);
    assert.deepEqual(model.outputShape, [null, 35]);
  } finally {
    model.dispose();
  }
});

test('artifacts: one float32 buffer for every parameter, seeded, and copies are independent', async () => {
  const a = await buildArtifacts(tf, tfl, net('m5'));
  const b = await buildArtifacts(tf, tfl, net('m5'));
  assert.equal(a.artifacts.weightData.byteLength, 4 * a.params);
  assert.equal(a.artifacts.format, 'layers-model');
  assert.deepEqual(new Uint8Array(a.artifacts.weightData), new Uint8Array(b.artifacts.weightData));
  const copy = copyArtifacts(a.artifacts);
  new Float32Array(copy.weightData)[0] = 12345;
  copy.modelTopology.config.name = 'changed';
  assert.notEqual(new Float32Array(a.artifacts.weightData)[0], 12345);
  assert.equal(a.artifacts.modelTopology.config.name, 'm5');
  // BN variances stay positive, so no NaN can come from the weights.
  const model = await tfl.loadLayersModel(tf.io.fromMemory(a.artifacts));
  try {
    for (const w of model.getLayer('bn4').getWeights().slice(3)) assert.ok(Math.min(...w.dataSync()) >= 1);
  } finally {
    model.dispose();
  }
});

test('selectNetworks: ids or texts they contain', () => {
  assert.deepEqual(selectNetworks().map((n) => n.id), ['mobilenetv2', 'm5']);
  assert.deepEqual(selectNetworks('m5').map((n) => n.id), ['m5']);
  assert.deepEqual(selectNetworks('mobile').map((n) => n.id), ['mobilenetv2']);
});

const cellOf = (predictMs, loadMs, firstMs, check) => ({
  predict: { medianMs: predictMs, minMs: predictMs, maxMs: predictMs, cpuPerWall: 1 },
  load: { medianMs: loadMs }, firstPredict: { medianMs: firstMs }, check,
});
const ok = { maxAbsDiff: 1e-7, maxAbsTfjs: 0.5, relative: 2e-7, ok: true };
const pass = (threads, nnwasm, tfjs) => ({
  threads, setups: { nnwasm: { threadsUsed: threads }, tfjs: { threadsUsed: threads } },
  networks: [{ id: 'm5', title: 'M5', inputShape: [16000, 1], cells: { nnwasm, tfjs } }],
});

test('keepFaster: the quietest round whole, every round\'s ratios listed, a wrong round always shown', () => {
  const passes = [];
  keepFaster(passes, pass(1, cellOf(50, 10, 20, ok), cellOf(100, 5, 30)));
  keepFaster(passes, pass(1, cellOf(40, 30, 20, ok), cellOf(60, 6, 30))); // quieter: 100 < 150
  assert.equal(passes.length, 1);
  const row = passes[0].networks[0];
  assert.equal(row.cells.nnwasm.predict.medianMs, 40);
  assert.equal(row.cells.tfjs.predict.medianMs, 60);
  assert.equal(row.cells.nnwasm.load.medianMs, 30); // from the same round, not the lowest
  assert.deepEqual(row.roundRatios.map((r) => r.predict), [2, 1.5]);
  keepFaster(passes, pass(1, cellOf(100, 10, 20, { ...ok, maxAbsDiff: 1, relative: 2, ok: false }), cellOf(200, 5, 30)));
  assert.equal(passes[0].networks[0].cells.nnwasm.check.ok, false);
  keepFaster(passes, pass(1, cellOf(1, 1, 1, ok), cellOf(1, 1, 1)));
  assert.equal(passes[0].networks[0].cells.nnwasm.check.ok, false);
  assert.equal(passes[0].networks[0].roundRatios.length, 4);
});

test('modelsSection: tfjs / nnwasm ratios, the agreement, and a disagreement flagged', () => {
  const passes = [];
  keepFaster(passes, pass(1, cellOf(50, 200, 100, ok), cellOf(100, 100, 50)));
  keepFaster(passes, pass(2, cellOf(25, 200, 100, { ...ok, maxAbsDiff: 0.01, relative: 0.02, ok: false }), cellOf(100, 100, 50)));
  const text = modelsSection({ passes, options: { budgetMs: 2000, loads: 3, rounds: 1 }, seconds: 10 });
  const rows = text.split('\n').filter((l) => l.startsWith('| M5 audio CNN'));
  // predict 100 / 50, load 100 / 200, load + first 150 / 300
  assert.match(rows[0], /\| 1 \| 2\.0x \| 0\.50x \| 0\.50x \| ✓ 1\.0e-7 \(2\.0e-7 of max/);
  assert.match(rows[1], /\| 2 \| 4\.0x \| .* \| ✗ DIFFERS: 1\.0e-2/);
  assert.match(text, /## Whole models/);
  assert.match(text, /\| nnwasm \| 2 \| 25\.0 \|/);
});
