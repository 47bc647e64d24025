// Checks of the first-call bench's own parts (tfjs-layers on the CPU
// backend, no nnwasm needed):
//   node --test bench/firstcall/firstcall.test.mjs
// The two networks built here against their sizes, how rounds merge, and the
// report's bar on made-up timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { CASES, selectCases } from './networks.mjs';
import { keepFaster } from './run.mjs';
import { firstCallSection } from './report.mjs';

await tf.setBackend('cpu');
const byId = (id) => CASES.find((c) => c.id === id);

test('ResNet-18: torchvision\'s 11,689,512 parameters + the BatchNorm moving statistics (9,600), 8 adds', () => {
  const model = byId('resnet18').build(tfl);
  try {
    assert.equal(model.countParams(), 11689512 + 9600);
    assert.equal(model.layers.filter((l) => l.getClassName() === 'Add').length, 8);
    assert.deepEqual(model.outputShape, [null, 1000]);
  } finally {
    model.dispose();
  }
});

test('U-Net decoder: 4 inputs, 14x14x512 -> 112x112x64, 3,011,904 parameters', () => {
  const model = byId('unet').build(tfl);
  try {
    assert.equal(model.inputs.length, 4);
    assert.deepEqual(model.inputs.map((t) => t.shape.slice(1)), byId('unet').inputShapes);
    assert.deepEqual(model.outputShape, [null, 112, 112, 64]);
    assert.equal(model.countParams(), 3011904);
  } finally {
    model.dispose();
  }
});

test('selectCases picks by id or text; every case says what it is', () => {
  assert.deepEqual(selectCases('conv,m5').map((c) => c.id), ['conv', 'm5']);
  assert.equal(selectCases().length, 5);
  for (const c of CASES) assert.ok(c.title && c.inputShapes.length && (c.kind === 'layer' || c.build));
});

const run = (lib, threads, first, tenth, extra = {}) => ({
  case: 'conv', lib, threads, prepareMs: 5, calls: [first, ...new Array(8).fill(tenth), tenth],
  sample: { length: 4, maxAbs: 1, values: [0, 0.5, 1, -1] }, ...extra,
});

test('rounds keep the lowest 1st call per cell and list every round', () => {
  const cells = [];
  keepFaster(cells, run('nnwasm', 1, 30, 10));
  keepFaster(cells, run('nnwasm', 1, 20, 12));
  keepFaster(cells, run('nnwasm', 1, 25, 9));
  assert.equal(cells.length, 1);
  assert.equal(cells[0].calls[0], 20);
  assert.deepEqual(cells[0].roundFirsts, [30, 20, 25]);
  keepFaster(cells, { case: 'conv', lib: 'tfjs', threads: 1, calls: [], error: 'boom' });
  keepFaster(cells, run('tfjs', 1, 50, 10));
  assert.equal(cells.find((c) => c.lib === 'tfjs').calls[0], 50);
});

test('the report shows 1st / 10th and the bar', () => {
  const text = firstCallSection({
    cells: [{ ...run('nnwasm', 1, 15, 10), roundFirsts: [15] }, { ...run('tfjs', 1, 40, 12), roundFirsts: [40] },
      { ...run('nnwasm', 2, 30, 10), roundFirsts: [30] }, { ...run('tfjs', 2, 20, 8), roundFirsts: [20] }],
    options: { rounds: 1 }, seconds: 3,
  });
  assert.match(text, /^## First calls/);
  assert.match(text, /\| 1 \| nnwasm \| 5\.00 \| 15\.0 \| 10\.0 \| 1\.5x \|.*✓ ≤ 2x steady; ✓ ≤ tfjs 1st; outputs ✓/);
  assert.match(text, /\| 2 \| nnwasm \| 5\.00 \| 30\.0 \| 10\.0 \| 3\.0x \|.*✗ ≤ 2x steady; ✗ ≤ tfjs 1st/);
});
