// Checks of the sweep's own arithmetic (no library needed):
//   node --test bench/sweep/sweep.test.mjs
// Layer lists against the networks' published shapes, the references of the
// sweep's own op types against hand-computed cases, and the report's ratio,
// geometric mean and roofline choice on made-up timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORKS, outputShapeOf, flopsOf, bytesOf, verifyLayer, maxDifference, makeLayerInputs } from './layers.mjs';
import { layerRows, networkSummary } from './report.mjs';

const net = (id) => NETWORKS.find((n) => n.id === id);
const find = (id, name) => net(id).layers.find((l) => l.name === name);

test('MobileNetV2: stem, 17 blocks\' distinct layers, head', () => {
  const layers = net('mobilenetv2').layers;
  assert.deepEqual(outputShapeOf(layers[0]), [1, 112, 112, 32]);
  // The 17 blocks' depthwise convs have 10 distinct (size, channels, stride):
  // 112/32/1 112/96/2 56/144/1 56/144/2 28/192/1 28/192/2 14/384/1 14/576/1 14/576/2 7/960/1.
  const depthwise = layers.filter((l) => l.kind === 'depthwise');
  assert.deepEqual(depthwise.map((l) => `${l.inputShape[1]}/${l.inputShape[3]}/${l.op.stride[0]}`),
    ['112/32/1', '112/96/2', '56/144/1', '56/144/2', '28/192/1', '28/192/2', '14/384/1', '14/576/1', '14/576/2', '7/960/1']);
  assert.deepEqual(outputShapeOf(find('mobilenetv2', 'depthwise 3x3/2 96')), [1, 56, 56, 96]);
  assert.deepEqual(outputShapeOf(find('mobilenetv2', 'depthwise 3x3/2 576')), [1, 7, 7, 576]);
  assert.deepEqual(outputShapeOf(find('mobilenetv2', 'last 1x1 320→1280')), [1, 7, 7, 1280]);
  assert.deepEqual(outputShapeOf(layers.at(-1)), [1, 1000]);
  // No shape twice.
  const keys = layers.map((l) => JSON.stringify([l.inputShape, l.op]));
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(layers.length, 32);
});

test('ResNet-18: the stem is 236 MFLOP and stages halve the size', () => {
  const stem = find('resnet18', 'stem 7x7/2');
  assert.equal(flopsOf(stem), 2 * 112 * 112 * 64 * 3 * 49);
  assert.deepEqual(outputShapeOf(find('resnet18', 'MaxPooling2D 3x3/2')), [1, 56, 56, 64]);
  assert.deepEqual(outputShapeOf(find('resnet18', 'stage 4 3x3/2 256→512')), [1, 7, 7, 512]);
  assert.deepEqual(outputShapeOf(find('resnet18', 'stage 3 downsample 1x1/2 128→256')), [1, 14, 14, 256]);
  assert.equal(net('resnet18').layers.length, 14);
});

test('U-Net decoder and M5: shapes', () => {
  assert.deepEqual(outputShapeOf(find('unet', 'Conv2DTranspose 2x2/2 512→256')), [1, 28, 28, 256]);
  assert.deepEqual(outputShapeOf(find('unet', 'Concatenate 64+64')), [1, 112, 112, 128]);
  const m5 = net('m5').layers;
  assert.deepEqual(m5.filter((l) => l.op.type === 'max_pool').map((l) => outputShapeOf(l)[1]), [995, 248, 62, 15]);
  assert.deepEqual(outputShapeOf(m5[0]), [1, 3981, 128]);
  assert.deepEqual(outputShapeOf(m5.at(-1)), [1, 35]);
});

test('conv_transpose reference: a hand-computed 2x2/2 case', () => {
  const layer = { id: 't', inputShape: [1, 1, 2, 2], layout: 'NHWC',
    op: { type: 'conv_transpose', filters: 1, kernel: [2, 2], stride: [2, 2], padding: 'valid', bias: true } };
  // x[0,0] = (1, 2), x[0,1] = (3, 4); weight (in=2, out=1, 2, 2).
  const inputs = {
    input: Float32Array.from([1, 2, 3, 4]), inputShape: layer.inputShape, layout: 'NHWC',
    weightShape: [2, 1, 2, 2], weight: Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]), bias: Float32Array.from([0.5]),
  };
  // out (2, 4): pixel (y, 2*ix + kx) = sum_c x[ix][c] * w[c][ky][kx] + 0.5
  const expected = Float32Array.from([21.5, 42.5, 43.5, 86.5, 63.5, 84.5, 129.5, 172.5]);
  assert.deepEqual(outputShapeOf(layer), [1, 2, 4, 1]);
  assert.equal(verifyLayer(layer, inputs, expected).ok, true);
  const off = expected.slice();
  off[5] += 0.5;
  const check = verifyLayer(layer, inputs, off);
  assert.equal(check.ok, false);
  assert.equal(check.worst.index, 5);
});

test('dense and concat references', () => {
  const dense = { id: 'd', inputShape: [1, 3], layout: 'NC', op: { type: 'dense', units: 2, bias: true } };
  const inputs = { input: Float32Array.from([1, 2, 3]), weightShape: [2, 3], weight: Float32Array.from([1, 0, -1, 2, 2, 2]), bias: Float32Array.from([0, 1]) };
  assert.equal(verifyLayer(dense, inputs, Float32Array.from([-2, 13])).ok, true);
  assert.equal(verifyLayer(dense, inputs, Float32Array.from([-2, 13.1])).ok, false);
  const concat = { id: 'c', inputShape: [1, 1, 2, 1], layout: 'NHWC', op: { type: 'concat', skipChannels: 2 } };
  const cin = { input: Float32Array.from([1, 2]), skip: Float32Array.from([7, 8, 9, 10]) };
  assert.equal(verifyLayer(concat, cin, Float32Array.from([1, 7, 8, 2, 9, 10])).ok, true);
  assert.equal(verifyLayer(concat, cin, Float32Array.from([7, 8, 1, 9, 10, 2])).ok, false);
  assert.equal(bytesOf(concat), 4 * 12);
});

test('inputs are seeded and differ between layers', () => {
  const a = makeLayerInputs(find('unet', 'Conv2DTranspose 2x2/2 512→256'));
  const b = makeLayerInputs(find('unet', 'Conv2DTranspose 2x2/2 512→256'));
  const c = makeLayerInputs(find('unet', 'Conv2DTranspose 2x2/2 256→128'));
  assert.deepEqual(a.weight, b.weight);
  assert.notDeepEqual(a.input.slice(0, 8), c.input.slice(0, 8));
  assert.equal(maxDifference(a.input, b.input), 0);
  assert.equal(maxDifference(Float32Array.from([1, NaN]), Float32Array.from([1, 2])), Infinity);
});

test('report: ratio is the fastest peer over nnwasm; geometric mean; slower count; roofline unit', () => {
  const network = { layers: [find('resnet18', 'stem 7x7/2'), find('resnet18', 'Dense 512→1000'), find('resnet18', 'GlobalAveragePooling2D')] };
  const cell = (ms) => ({ status: 'ok', variants: [{ label: 'x', status: 'ok', timing: { medianMs: ms } }] });
  const pass = {
    threads: 1, setups: { nnwasm: { threadsUsed: 1 } },
    layers: [
      { id: network.layers[0].id, cells: { nnwasm: cell(10), tfjs: cell(40), ort: cell(20) } },   // 2x
      { id: network.layers[1].id, cells: { nnwasm: cell(2), tfjs: cell(1), ort: { status: 'skipped', reason: 'x' } } }, // 0.5x
      { id: network.layers[2].id, cells: { nnwasm: { status: 'skipped', reason: 'not implemented yet (x)' }, tfjs: cell(1), ort: cell(1) } },
    ],
  };
  const limits = { peak: { gflops: 40 }, bandwidthNative: { 1: { gbps: 20 } } };
  const rows = layerRows(network, pass, limits);
  assert.equal(rows[0].ratio, 2);
  assert.equal(rows[0].fastestPeer, 'ort');
  assert.equal(rows[1].ratio, 0.5);
  assert.match(rows[0].rate.text, /GFLOP\/s$/);   // 7x7 conv: far above the ridge point
  assert.match(rows[1].rate.text, /GB\/s$/);      // batch-1 Dense: 0.5 flop per byte
  assert.equal(rows[0].rate.share, `${(100 * flopsOf(network.layers[0]) / 0.01 / 1e9 / 40).toFixed(0)} % peak`);
  const s = networkSummary(rows);
  assert.equal(s.geomean, 1);
  assert.equal(s.slower, 1);
  assert.equal(s.compared, 2);
  assert.equal(s.notImplemented, 1);
});

test('report: a multi-thread pass shows the same-process speed-up over one thread and the bar count', async () => {
  const { sweepSection } = await import('./report.mjs');
  const layers = [find('resnet18', 'stem 7x7/2'), find('resnet18', 'stage 1 3x3 64→64'), find('resnet18', 'GlobalAveragePooling2D')];
  const cell = (ms, one) => ({ status: 'ok', variants: [{ label: 'x', status: 'ok', timing: { medianMs: ms }, ...(one ? { oneThread: { medianMs: one } } : {}) }] });
  const pass = {
    threads: 2, setups: { nnwasm: { threadsUsed: 2 } },
    layers: [
      { id: layers[0].id, cells: { nnwasm: cell(2, 4), tfjs: cell(3) } },      // 2x: at the bar
      { id: layers[1].id, cells: { nnwasm: cell(1, 1.5), tfjs: cell(3) } },    // 1.5x: below it
      { id: layers[2].id, cells: { nnwasm: cell(0.01, 0.012), tfjs: cell(1) } }, // pooling: not a bar row
    ],
  };
  const rows = layerRows({ layers }, pass, null);
  assert.deepEqual(rows.map((r) => r.speedup), [2, 1.5, 0.012 / 0.01]);
  const text = sweepSection({ passes: [pass], limits: null, options: { budgetMs: 1, rounds: 1 }, seconds: 1 });
  assert.match(text, /\| ResNet-18 224x224 \| 2 \| 1 of 2 \| 1\.50x \(stage 1 3x3 64→64\) \|/);
  assert.match(text, /\| 00 \| stem 7x7\/2 \| [^|]+ \| 2\.00 \| 3\.00 \| [^|]+ \| 1\.5x \| 2\.00x \|/);
});

test('report: 3x3 stride-1 rows on one thread against the peak, with their error; they do not raise the over-peak warning', async () => {
  const { sweepSection, isWinogradLayer } = await import('./report.mjs');
  const direct = find('resnet18', 'stage 2 3x3/2 64→128');
  const wino = [find('resnet18', 'stage 1 3x3 64→64'), find('resnet18', 'stage 4 3x3 512→512')];
  assert.deepEqual([direct, ...wino].map(isWinogradLayer), [false, true, true]);
  assert.equal(isWinogradLayer(find('resnet18', 'stem 7x7/2')), false);
  // Times giving 2x and 1x the peak (direct-equivalent), errors 3e-6 and 8e-6.
  const peak = 40;
  const msAt = (l, x) => flopsOf(l) / (x * peak * 1e9) * 1000;
  const cell = (ms, err) => ({ status: 'ok', variants: [{ label: 'x', status: 'ok', timing: { medianMs: ms }, reference: { ok: true, maxError: err } }] });
  const pass = {
    threads: 1, setups: { nnwasm: { threadsUsed: 1 } },
    layers: [
      { id: direct.id, cells: { nnwasm: cell(msAt(direct, 1.02), 1e-7), tfjs: cell(9) } },  // at the peak: no warning
      { id: wino[0].id, cells: { nnwasm: cell(msAt(wino[0], 2), 3e-6), tfjs: cell(9) } },
      { id: wino[1].id, cells: { nnwasm: cell(msAt(wino[1], 1), 8e-6), tfjs: cell(9) } },
    ],
  };
  const text = sweepSection({ passes: [pass], limits: { peak: { gflops: peak } }, options: { budgetMs: 1, rounds: 1 }, seconds: 1 });
  assert.match(text, /\| ResNet-18 224x224 \| 2 \| 1\.00x – 2\.00x \| 1 of 2 \| 8\.0e-6 \|/);
  assert.doesNotMatch(text, /exceed the measured SIMD peak/);
  pass.layers[0].cells.nnwasm = cell(msAt(direct, 1.2), 1e-7);  // a direct row 20 % past the probe: the probe read low
  assert.match(sweepSection({ passes: [pass], limits: { peak: { gflops: peak } }, options: { budgetMs: 1, rounds: 1 }, seconds: 1 }),
    /exceed the measured SIMD peak/);
});
