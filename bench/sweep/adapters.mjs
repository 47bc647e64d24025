// The three libraries on the sweep's layers, all in one process.
//
// setup: each library's own adapter in ../libs (nnwasm's public API,
// tfjs-backend-wasm with the Node threads shim, onnxruntime-web). prepare:
// conv, max_pool and global_avg_pool layers of the peers go through the same
// ../libs adapters as the main table; dense, conv_transpose and concat (which
// ../workloads.mjs does not describe) are mapped here. nnwasm runs every layer
// through keras.layers here, with the layer a Keras user would pick
// (DepthwiseConv2D, Conv2DTranspose, Dense, Concatenate); a layer missing from
// this build is 'not implemented yet' (depthwise falls back to Conv2D with
// groups = channels, labelled), and lights up once the layer exists.
//
// A variant is what ../libs adapters return: { label, note?, exact, isAsync?,
// run(), output() -> Float32Array in the layer's output layout, dispose() }.
import { Skip, weightAs, inputAs, outputBack } from '../libs/common.mjs';
import * as nnwasmLib from '../libs/nnwasm.mjs';
import * as tfjsLib from '../libs/tfjs.mjs';
import * as ortLib from '../libs/ort.mjs';
import { buildModel, singleOpModel } from '../onnx.mjs';
import { relayout } from '../workloads.mjs';
import { outputShapeOf } from './layers.mjs';

export const LIBS = ['nnwasm', 'tfjs', 'ort'];
const SETUP = { nnwasm: nnwasmLib.setup, tfjs: tfjsLib.setup, ort: ortLib.setup };
export const LIB_NAMES = { nnwasm: 'nnwasm', tfjs: 'tfjs-backend-wasm', ort: 'onnxruntime-web' };

let nn, tf, ort;

/** Start one library at `threads`; returns its ../libs setup record. */
export async function setupLib(lib, { threads, scratchDir }) {
  const info = await SETUP[lib]({ threads, scratchDir });
  // The same module instances the ../libs adapters loaded and started.
  if (lib === 'nnwasm') nn = await import(new URL('../../js/index.js', import.meta.url).href);
  if (lib === 'tfjs') tf = await import('@tensorflow/tfjs-core');
  if (lib === 'ort') ort = await import('onnxruntime-web');
  return info;
}

/** nnwasm's thread count, changed in place (its pool keeps its workers). */
export function setNnwasmThreads(n) {
  nn.torch.set_num_threads(n);
}

export function prepareLib(lib, layer, inputs) {
  if (lib === 'nnwasm') return prepareNnwasm(layer, inputs);
  const own = ['dense', 'conv_transpose', 'concat'].includes(layer.op.type);
  if (lib === 'tfjs') return own ? prepareTfjs(layer, inputs) : tfjsLib.prepare(layer, inputs);
  return own ? prepareOrt(layer, inputs) : ortLib.prepare(layer, inputs);
}

// ---- nnwasm -------------------------------------------------------------------

const notYet = (what, err) => new Skip(`not implemented yet (${what}${err ? `: ${err.message ?? err}` : ''})`);
const one = (a, nd) => (nd === 1 ? a[0] : a);

/** The Keras layer for a sweep layer, its options and its weights (Keras layouts). */
function kerasPlan(l, inputs) {
  const op = l.op;
  const nd = l.inputShape.length - 2;
  const C = l.inputShape.at(-1);
  switch (op.type) {
    case 'conv': {
      const common = { kernel_size: one(op.kernel, nd), strides: one(op.stride, nd), padding: op.padding, use_bias: op.bias };
      const bias = op.bias ? [[inputs.bias, [op.filters]]] : [];
      if (op.groups > 1) {
        // PyTorch (C, 1, kh, kw) -> Keras depthwise_kernel (kh, kw, C, 1).
        const k = weightAs(inputs, 'HWOI');
        const weights = [[k.data, k.shape], ...bias];
        return {
          cls: `DepthwiseConv${nd}D`, options: { ...common, depth_multiplier: op.filters / C }, weights,
          // Same memory as a grouped HWIO kernel (kh, kw, 1, C).
          fallback: {
            cls: `Conv${nd}D`, options: { ...common, filters: op.filters, groups: op.groups },
            weights: [[k.data, [...op.kernel, 1, op.filters]], ...bias],
          },
        };
      }
      const k = weightAs(inputs, nd === 1 ? 'WIO' : 'HWIO');
      return { cls: `Conv${nd}D`, options: { ...common, filters: op.filters }, weights: [[k.data, k.shape], ...bias] };
    }
    case 'conv_transpose': {
      // (in, out, kh, kw) -> Keras (kh, kw, filters, in).
      const k = relayout(inputs.weight, inputs.weightShape, 'IOHW', 'HWOI');
      return {
        cls: 'Conv2DTranspose',
        options: { filters: op.filters, kernel_size: op.kernel, strides: op.stride, padding: op.padding, use_bias: op.bias },
        weights: [[k.data, k.shape], ...(op.bias ? [[inputs.bias, [op.filters]]] : [])],
      };
    }
    case 'dense': {
      const k = relayout(inputs.weight, inputs.weightShape, 'OI', 'IO');
      return {
        cls: 'Dense', options: { units: op.units, use_bias: op.bias },
        weights: [[k.data, k.shape], ...(op.bias ? [[inputs.bias, [op.units]]] : [])],
      };
    }
    case 'max_pool':
      return { cls: `MaxPooling${nd}D`, options: { pool_size: one(op.kernel, nd), strides: one(op.stride, nd), padding: op.padding } };
    case 'global_avg_pool':
      return { cls: `GlobalAveragePooling${nd}D`, options: {} };
    case 'concat':
      return { cls: 'Concatenate', options: { axis: -1 } };
    default:
      throw new Skip(`no keras mapping for ${op.type}`);
  }
}

async function prepareNnwasm(l, inputs) {
  const { torch, keras } = nn;
  const owned = [];
  const keep = (t) => { owned.push(t); return t; };
  const free = () => { for (const t of owned.splice(0)) t.dispose(); };
  const plan = kerasPlan(l, inputs);
  try {
    const x = keep(torch.tensor(inputs.input, inputs.inputShape));
    const args = l.op.type === 'concat' ? [x, keep(torch.tensor(inputs.skip, inputs.skipShape))] : x;
    const attempt = async (p) => {
      const Layer = keras?.layers?.[p.cls];
      const label = `keras.layers.${p.cls}(${JSON.stringify(p.options)})`;
      if (typeof Layer !== 'function') throw notYet(`keras.layers.${p.cls} missing`);
      let layer, first;
      try {
        layer = new Layer(p.options);
        if (p.weights) {
          layer.build(inputs.inputShape);
          layer.set_weights(p.weights.map(([data, shape]) => keep(torch.tensor(data, shape))));
        }
        first = layer.apply(args);
        if (first && typeof first.then === 'function') first = await first;
      } catch (err) {
        throw notYet(`${label} threw`, err);
      }
      if (typeof first?.dispose !== 'function') throw notYet(`${label} did not return a Tensor`);
      first.dispose();
      return { layer, label };
    };
    let chosen, note;
    try {
      chosen = await attempt(plan);
    } catch (err) {
      if (!plan.fallback || !(err instanceof Skip)) throw err;
      chosen = await attempt(plan.fallback);
      note = `fallback: ${plan.cls} ${err.message}`;
    }
    const { layer, label } = chosen;
    // Every Keras op here returns a Tensor at once; an async one is awaited.
    const call = () => layer.apply(args);
    return [{
      label: `${label}.apply(x)`,
      note,
      exact: true,
      isAsync: false,
      run: () => call().dispose(),
      output: async () => {
        const y = await call();
        const data = y.data;
        y.dispose();
        return data;
      },
      dispose: free,
    }];
  } catch (err) {
    free();
    throw err;
  }
}

// ---- tfjs-backend-wasm: dense, conv_transpose, concat -------------------------

function prepareTfjs(l, inputs) {
  const op = l.op;
  const owned = [];
  const keep = (t) => { owned.push(t); return t; };
  const variant = (label, fn, note) => [{
    label, note, exact: true,
    run: () => fn().dispose(),
    output: () => { const y = fn(); const data = y.dataSync(); y.dispose(); return data; },
    dispose: () => { for (const t of owned.splice(0)) t.dispose(); },
  }];
  const x = keep(tf.tensor(inputs.input, inputs.inputShape));
  if (op.type === 'dense') {
    const w = relayout(inputs.weight, inputs.weightShape, 'OI', 'IO');
    const b = keep(tf.tensor(w.data, w.shape));
    const bias = op.bias ? keep(tf.tensor(inputs.bias, [op.units])) : undefined;
    return variant('tf.fused.matMul({a: x, b: W, bias})', () => tf.fused.matMul({ a: x, b, bias }));
  }
  if (op.type === 'concat') {
    const skip = keep(tf.tensor(inputs.skip, inputs.skipShape));
    return variant('tf.concat([x, skip], -1)', () => tf.concat([x, skip], -1));
  }
  if (op.type === 'conv_transpose') {
    // tfjs filter (kh, kw, out, in), as Keras's kernel.
    const k = relayout(inputs.weight, inputs.weightShape, 'IOHW', 'HWOI');
    const filter = keep(tf.tensor(k.data, k.shape));
    const outShape = outputShapeOf(l);
    if (!op.bias) {
      return variant(`tf.conv2dTranspose(x, w, [${outShape}], ${JSON.stringify(op.stride)}, '${op.padding}')`,
        () => tf.conv2dTranspose(x, filter, outShape, op.stride, op.padding));
    }
    const bias = keep(tf.tensor(inputs.bias, [op.filters]));
    // tfjs has no fused transposed conv; tfjs-layers' Conv2DTranspose adds the bias the same way.
    return variant(`tf.conv2dTranspose(x, w, [${outShape}], ${JSON.stringify(op.stride)}, '${op.padding}') + tf.add(bias)`,
      () => tf.tidy(() => tf.add(tf.conv2dTranspose(x, filter, outShape, op.stride, op.padding), bias)),
      'bias added by a second op, as tfjs-layers does');
  }
  throw new Skip(`no mapping for ${op.type}`);
}

// ---- onnxruntime-web: dense, conv_transpose, concat ---------------------------

async function prepareOrt(l, inputs) {
  const op = l.op;
  const outShape = outputShapeOf(l);
  const session = async (model) => ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const variant = (label, s, feeds, readBack, note) => [{
    label, note, exact: true, isAsync: true,
    run: () => s.run(feeds),
    output: async () => {
      const { y } = await s.run(feeds);
      return readBack(y.data);
    },
    dispose: () => s.release(),
  }];
  const f32 = (data, dims) => new ort.Tensor('float32', data, dims);
  const asIs = (data) => data;
  if (op.type === 'dense') {
    const cin = l.inputShape[1];
    const initializers = [{ name: 'W', dims: [op.units, cin], data: inputs.weight }];
    if (op.bias) initializers.push({ name: 'B', dims: [op.units], data: inputs.bias });
    const s = await session(singleOpModel({ op: 'Gemm', inputDims: l.inputShape, outputDims: outShape, attrs: { transB: 1 }, initializers }));
    return variant(`Gemm transB=1${op.bias ? ' (+bias)' : ''}`, s, { x: f32(inputs.input, l.inputShape) }, asIs);
  }
  if (op.type === 'concat') {
    // Concat is layout-blind: the NHWC data as it is, on the channel axis.
    const model = buildModel({
      nodes: [{ op: 'Concat', inputs: ['x', 'skip'], outputs: ['y'], attrs: { axis: 3 } }],
      inputs: [{ name: 'x', dims: l.inputShape }, { name: 'skip', dims: inputs.skipShape }],
      outputs: [{ name: 'y', dims: outShape }],
    });
    const s = await session(model);
    return variant('Concat axis=3 on NHWC', s, { x: f32(inputs.input, l.inputShape), skip: f32(inputs.skip, inputs.skipShape) }, asIs);
  }
  if (op.type === 'conv_transpose') {
    // ONNX ConvTranspose is NCHW; its weight layout (in, out, kh, kw) is ours.
    const cf = inputAs(inputs, false);
    const initializers = [{ name: 'W', dims: inputs.weightShape, data: inputs.weight }];
    if (op.bias) initializers.push({ name: 'B', dims: [op.filters], data: inputs.bias });
    const [N, OH, OW, F] = outShape;
    const s = await session(singleOpModel({
      op: 'ConvTranspose', inputDims: cf.shape, outputDims: [N, F, OH, OW], initializers,
      attrs: { kernel_shape: op.kernel, strides: op.stride, pads: [0, 0, 0, 0] },
    }));
    return variant(`ConvTranspose${op.bias ? ' (+bias)' : ''} ${op.kernel.join('x')}/${op.stride.join('x')}`, s,
      { x: f32(cf.data, cf.shape) }, (data) => outputBack(data, [N, F, OH, OW], 'NCHW', 'NHWC'),
      'input given as NCHW (transposed before timing)');
  }
  throw new Skip(`no mapping for ${op.type}`);
}
