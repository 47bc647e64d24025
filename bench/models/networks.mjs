// The whole networks of the model bench, built with @tensorflow/tfjs-layers
// (on whatever tfjs backend is active), given seeded random weights and saved
// to layers-model artifacts in memory, which both libraries then load.
//
//   mobilenetv2  MobileNetV2, width 1.0, 224x224x3 -> 1000, as
//                keras.applications builds it: stem Conv2D 3x3/2 'same' 32,
//                17 inverted-residual blocks (expand 1x1 + BN + ReLU6, except
//                the first; depthwise 3x3 + BN + ReLU6, stride-2 ones after a
//                ZeroPadding2D ((0,1),(0,1)) with 'valid'; project 1x1 + BN;
//                Add where stride 1 and channels match), Conv2D 1x1 1280 + BN +
//                ReLU6, GlobalAveragePooling2D, Dense 1000 softmax. BN epsilon
//                1e-3, no conv biases. 3.5 M parameters.
//   m5           M5 (Dai et al. 2017) on one second at 16 kHz, 16000x1 -> 35:
//                Conv1D 128 80/4 'valid', then Conv1D kernel 3 'same' 128, 256,
//                512, each conv + BN + ReLU + MaxPooling1D 4; then
//                GlobalAveragePooling1D, Dense 35 softmax (the shapes of the
//                sweep's m5 rows, bench/sweep/layers.mjs).
import { makeRng } from '../workloads.mjs';

// Outputs agree when max |nnwasm - tfjs| <= TOLERANCE * max |tfjs|.
export const TOLERANCE = 1e-4;

export const NETWORKS = [
  { id: 'mobilenetv2', title: 'MobileNetV2 224x224, width 1.0, 1000 classes', inputShape: [224, 224, 3], build: mobileNetV2 },
  { id: 'm5', title: 'M5 audio CNN, 1 s at 16 kHz, 35 classes', inputShape: [16000, 1], build: m5 },
];

/** Networks picked by a comma list of ids (or texts an id contains); none: all. */
export function selectNetworks(only) {
  if (!only) return NETWORKS;
  const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
  return NETWORKS.filter((n) => wanted.some((w) => n.id === w || n.id.includes(w)));
}

function mobileNetV2(tfl) {
  const L = tfl.layers;
  const bn = (name) => L.batchNormalization({ epsilon: 1e-3, momentum: 0.999, name });
  const relu6 = (name) => L.reLU({ maxValue: 6, name });
  const input = tfl.input({ shape: [224, 224, 3], name: 'input_1' });
  let x = L.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' }).apply(input);
  x = relu6('Conv1_relu').apply(bn('bn_Conv1').apply(x));
  // [expansion t, output channels c, repeats n, first stride s], the paper's table 2.
  const stages = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
  let block = 0, channels = 32;
  for (const [t, c, n, s] of stages) {
    for (let i = 0; i < n; i++, block++) {
      const stride = i === 0 ? s : 1;
      const prefix = block ? `block_${block}_` : 'expanded_conv_';
      const inputs = x;
      let y = x;
      if (block) {
        y = L.conv2d({ filters: t * channels, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}expand` }).apply(y);
        y = relu6(`${prefix}expand_relu`).apply(bn(`${prefix}expand_BN`).apply(y));
      }
      // Every stride-2 input here has an even size: correct_pad gives ((0, 1), (0, 1)).
      if (stride === 2) y = L.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `${prefix}pad` }).apply(y);
      y = L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid', useBias: false, name: `${prefix}depthwise` }).apply(y);
      y = relu6(`${prefix}depthwise_relu`).apply(bn(`${prefix}depthwise_BN`).apply(y));
      y = L.conv2d({ filters: c, kernelSize: 1, padding: 'same', useBias: false, name: `${prefix}project` }).apply(y);
      y = bn(`${prefix}project_BN`).apply(y);
      x = stride === 1 && channels === c ? L.add({ name: `${prefix}add` }).apply([inputs, y]) : y;
      channels = c;
    }
  }
  x = L.conv2d({ filters: 1280, kernelSize: 1, useBias: false, name: 'Conv_1' }).apply(x);
  x = relu6('out_relu').apply(bn('Conv_1_bn').apply(x));
  x = L.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x);
  x = L.dense({ units: 1000, activation: 'softmax', name: 'predictions' }).apply(x);
  return tfl.model({ inputs: input, outputs: x, name: 'mobilenetv2_1.00_224' });
}

function m5(tfl) {
  const L = tfl.layers;
  const input = tfl.input({ shape: [16000, 1], name: 'waveform' });
  let x = input;
  [[128, 80, 4, 'valid'], [128, 3, 1, 'same'], [256, 3, 1, 'same'], [512, 3, 1, 'same']].forEach(([filters, kernelSize, strides, padding], i) => {
    x = L.conv1d({ filters, kernelSize, strides, padding, name: `conv${i + 1}` }).apply(x);
    x = L.batchNormalization({ epsilon: 1e-5, name: `bn${i + 1}` }).apply(x);
    x = L.reLU({ name: `relu${i + 1}` }).apply(x);
    x = L.maxPooling1d({ poolSize: 4, name: `pool${i + 1}` }).apply(x);
  });
  x = L.globalAveragePooling1d({ name: 'gap' }).apply(x);
  x = L.dense({ units: 35, activation: 'softmax', name: 'classes' }).apply(x);
  return tfl.model({ inputs: input, outputs: x, name: 'm5' });
}

/**
 * Seeded weights that keep activations in a sane range through the depth:
 * kernels uniform with variance 2 / fan-in (He), BN near identity (gamma
 * around 1, small beta and mean, variance around 1), small biases.
 */
function randomizeWeights(tf, model, seed) {
  const rng = makeRng(seed);
  const u = () => rng() * 2 - 1;
  for (const layer of model.layers) {
    const ws = layer.weights;
    if (ws.length === 0) continue;
    layer.setWeights(ws.map((w) => {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const name = w.originalName ?? w.name;
      const v = new Float32Array(n);
      let fill;
      if (/kernel/.test(name)) {
        // conv (k..., in, out), depthwise (kh, kw, C, 1), dense (in, out)
        const fanIn = /depthwise/.test(name) ? w.shape[0] * w.shape[1] : w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const a = Math.sqrt(6 / fanIn);
        fill = () => a * u();
      } else if (/gamma/.test(name)) fill = () => 1 + 0.2 * u();
      else if (/beta/.test(name)) fill = () => 0.1 * u();
      else if (/moving_mean/.test(name)) fill = () => 0.1 * u();
      else if (/moving_variance/.test(name)) fill = () => 1 + 0.5 * Math.abs(u());
      else fill = () => 0.05 * u(); // biases
      for (let i = 0; i < n; i++) v[i] = fill();
      return tf.tensor(v, w.shape);
    }));
  }
}

/**
 * Build a network with tfjs-layers, give it seeded weights and save it
 * through tf.io.withSaveHandler. Returns the artifacts (weightData one
 * ArrayBuffer) and the parameter count; the tfjs model is disposed.
 */
export async function buildArtifacts(tf, tfl, net) {
  const model = net.build(tfl);
  try {
    randomizeWeights(tf, model, 0x5eed ^ net.id.length);
    let saved;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    return {
      artifacts: { modelTopology: saved.modelTopology, format: saved.format, generatedBy: saved.generatedBy, weightSpecs: saved.weightSpecs, weightData: saved.weightData },
      params: model.countParams(),
      layers: model.layers.length,
    };
  } finally {
    model.dispose();
  }
}

/** A fresh copy of the artifacts, so neither library's loader sees the other's. */
export function copyArtifacts(a) {
  return { ...a, modelTopology: structuredClone(a.modelTopology), weightSpecs: structuredClone(a.weightSpecs), weightData: a.weightData.slice(0) };
}

/** Seeded input in [-1, 1] of the network's input shape, batch 1. */
export function makeInput(net) {
  const rng = makeRng(0xda7a ^ net.inputShape.reduce((a, b) => a * b, 1));
  const n = net.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng() * 2 - 1;
  return x;
}
