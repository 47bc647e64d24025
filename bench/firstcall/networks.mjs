// The first-call bench's cases: one Keras Conv2D layer, and the four networks
// of the layer sweep (bench/sweep/layers.mjs) as whole Keras models built with
// tfjs-layers, seeded and saved to layers-model artifacts (the model bench's
// MobileNetV2 and M5, bench/models/networks.mjs, plus ResNet-18 and the U-Net
// decoder built here on the sweep's shapes).
import { NETWORKS as MODEL_NETWORKS } from '../models/networks.mjs';

/**
 * ResNet-18 (224): stem 7x7/2 + BN + ReLU, max pool 3x3/2, four stages of two
 * basic blocks (3x3 + BN + ReLU, 3x3 + BN, Add, ReLU; a 1x1/2 conv + BN on the
 * shortcut where the stage downsamples), global average pooling, Dense 1000.
 */
function resNet18(tfl) {
  const L = tfl.layers;
  let n = 0;
  const name = (s) => `${s}_${n++}`;
  const conv = (x, filters, k, s) => L.conv2d({ filters, kernelSize: k, strides: s, padding: 'same', useBias: false, name: name('conv') }).apply(x);
  const bn = (x) => L.batchNormalization({ epsilon: 1e-5, name: name('bn') }).apply(x);
  const relu = (x) => L.reLU({ name: name('relu') }).apply(x);
  const input = tfl.input({ shape: [224, 224, 3], name: 'image' });
  let x = relu(bn(conv(input, 64, 7, 2)));
  x = L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool' }).apply(x);
  let channels = 64;
  for (const c of [64, 128, 256, 512]) {
    for (let b = 0; b < 2; b++) {
      const s = b === 0 && c !== channels ? 2 : 1;
      let y = relu(bn(conv(x, c, 3, s)));
      y = bn(conv(y, c, 3, 1));
      const shortcut = s === 2 ? bn(conv(x, c, 1, 2)) : x;
      x = relu(L.add({ name: name('add') }).apply([shortcut, y]));
      channels = c;
    }
  }
  x = L.globalAveragePooling2d({ name: 'gap' }).apply(x);
  x = L.dense({ units: 1000, activation: 'softmax', name: 'classes' }).apply(x);
  return tfl.model({ inputs: input, outputs: x, name: 'resnet18' });
}

/**
 * The U-Net decoder of the sweep: from 14x14x512, three times Conv2DTranspose
 * 2x2/2 halving the channels, Concatenate with a skip input of the same size
 * and channels, two 3x3 'same' convs + ReLU.
 */
function uNetDecoder(tfl) {
  const L = tfl.layers;
  const input = tfl.input({ shape: [14, 14, 512], name: 'bottom' });
  const skips = [];
  let x = input;
  for (const [cin, size] of [[512, 14], [256, 28], [128, 56]]) {
    const c = cin / 2, up = size * 2;
    const skip = tfl.input({ shape: [up, up, c], name: `skip${up}` });
    skips.push(skip);
    x = L.conv2dTranspose({ filters: c, kernelSize: 2, strides: 2, padding: 'valid', name: `up${up}` }).apply(x);
    x = L.concatenate({ name: `cat${up}` }).apply([x, skip]);
    x = L.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'relu', name: `conv${up}a` }).apply(x);
    x = L.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'relu', name: `conv${up}b` }).apply(x);
  }
  return tfl.model({ inputs: [input, ...skips], outputs: x, name: 'unet_decoder' });
}

const model = (id) => MODEL_NETWORKS.find((n) => n.id === id);

/**
 * kind 'layer': a single Keras layer built and given weights before timing;
 * kind 'model': a layers-model, loaded before timing. inputShapes: one per
 * model input, without the batch (1).
 */
export const CASES = [
  { id: 'conv', kind: 'layer', title: 'Keras Conv2D (1,56,56,64) → 64, 3x3 \'same\'', inputShapes: [[56, 56, 64]], filters: 64, kernel: 3 },
  { ...model('mobilenetv2'), kind: 'model', inputShapes: [model('mobilenetv2').inputShape] },
  { id: 'resnet18', kind: 'model', title: 'ResNet-18 224x224, 1000 classes', inputShapes: [[224, 224, 3]], build: resNet18 },
  { id: 'unet', kind: 'model', title: 'U-Net decoder 14x14x512 → 112x112x64 (Conv2DTranspose + Concatenate)', inputShapes: [[14, 14, 512], [28, 28, 256], [56, 56, 128], [112, 112, 64]], build: uNetDecoder },
  { ...model('m5'), kind: 'model', inputShapes: [model('m5').inputShape] },
];

/** Cases picked by a comma list of ids (or texts an id contains); none: all. */
export function selectCases(only) {
  if (!only) return CASES;
  const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
  return CASES.filter((c) => wanted.some((w) => c.id === w || c.id.includes(w)));
}
