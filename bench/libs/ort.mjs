// ONNX Runtime Web, WebAssembly execution provider (MLAS kernels). Each row is
// a tiny ONNX model built in memory (../onnx.mjs). ONNX pooling and Conv are
// channels-first only: channels-last workloads get an NCHW/NCL copy of the
// input made before timing (noted per row); reductions run in any layout.
// Timed: `await session.run(feeds)`, which in this API always copies the input
// into the wasm heap and the output back out; there is no way to keep a
// tensor resident in wasm memory with the CPU provider.
import { buildModel, singleOpModel, reduceMeanModel } from '../onnx.mjs';
import { Skip, inputAs, outputBack, splitShape } from './common.mjs';
import {
  adaptiveWindow, windowGeometry, outputShapeOf, outputLayoutOf, transposeGeometry, concatAxis, relayout,
} from '../workloads.mjs';

export const name = 'onnxruntime-web';

let ort;

export async function setup({ threads }) {
  ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  // A throwaway session makes ORT load its wasm now, and settle numThreads
  // (it falls back to 1 where it cannot start workers).
  const probe = await ort.InferenceSession.create(
    reduceMeanModel({ inputDims: [1, 2], outputDims: [1], axes: [1] }), { executionProviders: ['wasm'] });
  await probe.release();
  const version = ort.env.versions?.web ?? 'unknown';
  return {
    version,
    threadsUsed: ort.env.wasm.numThreads,
    build: 'ort-wasm-simd-threaded',
    notes: threads > 1 ? ['env.wasm.numThreads is honoured in Node (worker_threads)'] : [],
  };
}

export async function prepare(w, inputs) {
  const op = w.op;
  const { N, C, spatial } = splitShape(w.inputShape, w.layout);
  const spatialDims = spatial.length;
  const outLayout = outputLayoutOf(w);
  const outShape = outputShapeOf(w);
  const variants = [];
  const sessions = [];

  // more: further graph inputs, { name: { data, shape } }.
  const addVariant = async (label, model, x, readBack, extra = {}, more = {}) => {
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    sessions.push(session);
    const feeds = { x: new ort.Tensor('float32', x.data, x.shape) };
    for (const [name, t] of Object.entries(more)) feeds[name] = new ort.Tensor('float32', t.data, t.shape);
    variants.push({
      label,
      exact: true,
      isAsync: true,
      run: () => session.run(feeds),
      output: async () => {
        const { y } = await session.run(feeds);
        return readBack(y.data, y.dims);
      },
      dispose: () => Promise.all(sessions.splice(0).map((s) => s.release())),
      ...extra,
    });
  };
  const native = { data: inputs.input, shape: inputs.inputShape };
  const asIs = (data) => data;
  const spatialAxes = [...w.layout].flatMap((l, i) => (l === 'N' || l === 'C' ? [] : [i]));

  // Channels-first copy of the input for ONNX's NCHW-only ops.
  let cfCache;
  const channelsFirst = () => (cfCache ??= inputAs(inputs, false));
  const cfNote = () => (channelsFirst().moved ? `input given as ${channelsFirst().layout} (transposed before timing)` : undefined);
  const cfOutShape = [N, outShape[outLayout.indexOf('C')], ...[...outLayout].filter((l) => l !== 'N' && l !== 'C').map((l) => outShape[outLayout.indexOf(l)])];
  const fromChannelsFirst = (data) => outputBack(data, cfOutShape, channelsFirst().layout, outLayout);

  if (LAYER_OPS[op.type]) {
    const helpers = { addVariant, native, asIs, channelsFirst, cfNote, fromChannelsFirst, cfOutShape };
    await LAYER_OPS[op.type](w, inputs, helpers);
    return variants;
  }

  const globalAveragePool = async () => {
    const cf = channelsFirst();
    await addVariant('GlobalAveragePool', singleOpModel({
      op: 'GlobalAveragePool', inputDims: cf.shape, outputDims: [N, C, ...spatial.map(() => 1)],
    }), cf, asIs, { note: cfNote() });
  };

  if (op.type === 'global_avg_pool') {
    await addVariant(`ReduceMean axes [${spatialAxes}]`, reduceMeanModel({
      inputDims: inputs.inputShape, outputDims: [N, C], axes: spatialAxes,
    }), native, asIs);
    await globalAveragePool();
    return variants;
  }

  if (op.type === 'adaptive_avg_pool') {
    if (op.outputSize.every((o) => o === 1)) {
      await addVariant(`ReduceMean axes [${spatialAxes}] keepdims`, reduceMeanModel({
        inputDims: inputs.inputShape, outputDims: outShape, axes: spatialAxes, keepdims: 1,
      }), native, asIs);
      await globalAveragePool();
      return variants;
    }
    if (spatial.every((s, d) => s % op.outputSize[d] === 0)) {
      const k = spatial.map((s, d) => s / op.outputSize[d]);
      const cf = channelsFirst();
      await addVariant(`AveragePool ${k.join('x')}/${k.join('x')} (exact: sizes divide)`, singleOpModel({
        op: 'AveragePool', inputDims: cf.shape, outputDims: cfOutShape,
        attrs: { kernel_shape: k, strides: k },
      }), cf, fromChannelsFirst, { note: cfNote() });
      return variants;
    }
    if (spatialDims !== 1 || w.layout !== 'NCL') throw new Skip('no equivalent op');
    // Uneven, overlapping PyTorch windows: no ONNX pooling op does this; an
    // averaging matrix makes it one exact MatMul.
    const L = spatial[0], out = op.outputSize[0];
    const avg = new Float32Array(L * out);
    for (let i = 0; i < out; i++) {
      const [s, e] = adaptiveWindow(i, L, out);
      for (let j = s; j < e; j++) avg[j * out + i] = 1 / (e - s);
    }
    await addVariant(`MatMul with a (${L}x${out}) averaging matrix (exact)`, buildModel({
      nodes: [{ op: 'MatMul', inputs: ['x', 'avg'], outputs: ['y'] }],
      inputs: [{ name: 'x', dims: inputs.inputShape }],
      outputs: [{ name: 'y', dims: outShape }],
      initializers: [{ name: 'avg', dims: [L, out], data: avg }],
    }), native, asIs, { note: 'no ONNX op for uneven adaptive windows' });
    return variants;
  }

  if (op.type === 'avg_pool' || op.type === 'max_pool') {
    const g = windowGeometry(op, spatial);
    const cf = channelsFirst();
    const attrs = { kernel_shape: op.kernel, strides: op.stride, pads: [...g.before, ...g.after] };
    if (op.type === 'avg_pool') attrs.count_include_pad = op.countIncludePad ? 1 : 0;
    const name = op.type === 'avg_pool' ? 'AveragePool' : 'MaxPool';
    await addVariant(`${name} ${op.kernel.join('x')}/${op.stride.join('x')} pads [${attrs.pads}]` +
      (op.type === 'avg_pool' ? ` count_include_pad=${attrs.count_include_pad}` : ''),
    singleOpModel({ op: name, inputDims: cf.shape, outputDims: cfOutShape, attrs }),
    cf, fromChannelsFirst, { note: cfNote() });
    return variants;
  }

  if (op.type === 'conv') {
    const g = windowGeometry(op, spatial);
    const cf = channelsFirst();
    const initializers = [{ name: 'W', dims: inputs.weightShape, data: inputs.weight }];
    if (op.bias) initializers.push({ name: 'B', dims: [op.filters], data: inputs.bias });
    const attrs = {
      kernel_shape: op.kernel, strides: op.stride, dilations: op.dilation,
      pads: [...g.before, ...g.after], group: op.groups,
    };
    await addVariant(`Conv${op.bias ? ' (+bias)' : ''} pads [${attrs.pads}]${op.groups > 1 ? ` group=${op.groups}` : ''}`,
      singleOpModel({ op: 'Conv', inputDims: cf.shape, outputDims: cfOutShape, attrs, initializers }),
      cf, fromChannelsFirst, { note: cfNote() });
    return variants;
  }
  throw new Skip(`no mapping for ${op.type}`);
}

// ---- layers between the convolutions (issue 12) --------------------------------

const f32 = (values) => Float32Array.from(values);

/** BatchNormalization's four inputs as initializers named <prefix>_scale etc. */
function bnInitializers(prefix, p) {
  const C = p.gamma.length;
  return [['scale', p.gamma], ['B', p.beta], ['mean', p.mean], ['var', p.variance]]
    .map(([k, data]) => ({ name: `${prefix}_${k}`, dims: [C], data }));
}

const LAYER_OPS = {
  async dense(w, inputs, { addVariant, native, asIs }) {
    const op = w.op;
    const initializers = [{ name: 'W', dims: inputs.kernelShape, data: inputs.kernel }];
    if (inputs.bias) initializers.push({ name: 'B', dims: [op.units], data: inputs.bias });
    await addVariant(`Gemm (x @ W${inputs.bias ? ' + B' : ''})`, singleOpModel({
      op: 'Gemm', inputDims: w.inputShape, outputDims: outputShapeOf(w), initializers,
    }), native, asIs);
  },

  async batch_norm(w, inputs, { addVariant, native, asIs, channelsFirst, cfNote, fromChannelsFirst, cfOutShape }) {
    const cf = channelsFirst();
    const initializers = bnInitializers('bn', inputs.bn);
    await addVariant(`BatchNormalization epsilon=${w.op.epsilon}`, buildModel({
      nodes: [{
        op: 'BatchNormalization', inputs: ['x', ...initializers.map((t) => t.name)], outputs: ['y'],
        attrs: { epsilon: w.op.epsilon },
      }],
      inputs: [{ name: 'x', dims: cf.shape }],
      outputs: [{ name: 'y', dims: cfOutShape }],
      initializers,
    }), cf, fromChannelsFirst, { note: cfNote() });
    // Channels-last without a transpose: the statistics folded into one
    // scale and shift per channel (what inference engines do), broadcast on the last axis.
    if (!w.layout.endsWith('C')) return;
    const { gamma, beta, mean, variance } = inputs.bn;
    const scale = f32(gamma.map((g, c) => g / Math.sqrt(variance[c] + w.op.epsilon)));
    const shift = f32(beta.map((b, c) => b - mean[c] * scale[c]));
    const C = scale.length;
    await addVariant('Mul + Add with the statistics folded into scale and shift (on NHWC)', buildModel({
      nodes: [
        { op: 'Mul', inputs: ['x', 'scale'], outputs: ['scaled'] },
        { op: 'Add', inputs: ['scaled', 'shift'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', dims: w.inputShape }],
      outputs: [{ name: 'y', dims: w.inputShape }],
      initializers: [{ name: 'scale', dims: [C], data: scale }, { name: 'shift', dims: [C], data: shift }],
    }), native, asIs, { note: 'folding done before timing' });
  },

  async relu6(w, inputs, { addVariant, native, asIs }) {
    await addVariant('Clip(x, 0, 6)', singleOpModel({
      op: 'Clip', inputDims: w.inputShape, outputDims: w.inputShape,
      initializers: [{ name: 'min', dims: [], data: f32([0]) }, { name: 'max', dims: [], data: f32([6]) }],
    }), native, asIs);
  },

  async add(w, inputs, { addVariant, native, asIs }) {
    await addVariant('Add(x, x2)', buildModel({
      nodes: [{ op: 'Add', inputs: ['x', 'x2'], outputs: ['y'] }],
      inputs: [{ name: 'x', dims: w.inputShape }, { name: 'x2', dims: w.inputShape }],
      outputs: [{ name: 'y', dims: w.inputShape }],
    }), native, asIs, {}, { x2: { data: inputs.input2, shape: w.inputShape } });
  },

  async concat(w, inputs, { addVariant, native, asIs }) {
    const axis = concatAxis(w);
    await addVariant(`Concat(x, x2) axis=${axis}`, buildModel({
      nodes: [{ op: 'Concat', inputs: ['x', 'x2'], outputs: ['y'], attrs: { axis } }],
      inputs: [{ name: 'x', dims: w.inputShape }, { name: 'x2', dims: w.inputShape }],
      outputs: [{ name: 'y', dims: outputShapeOf(w) }],
    }), native, asIs, {}, { x2: { data: inputs.input2, shape: w.inputShape } });
  },

  async conv_transpose(w, inputs, { addVariant, channelsFirst, cfNote, fromChannelsFirst, cfOutShape }) {
    const op = w.op;
    const g = transposeGeometry(op, splitShape(w.inputShape, w.layout).spatial);
    const cf = channelsFirst();
    // Keras 'same' crops the extra row/column at the end: asymmetric pads,
    // no output_padding needed (PyTorch's padding=1 + output_padding=1 would
    // crop at the start instead and shift the output by one pixel).
    const attrs = { kernel_shape: op.kernel, strides: op.stride, pads: [...g.before, ...g.after] };
    const initializers = [{ name: 'W', dims: inputs.weightShape, data: inputs.weight }];
    if (inputs.bias) initializers.push({ name: 'B', dims: [op.filters], data: inputs.bias });
    await addVariant(`ConvTranspose${inputs.bias ? ' (+bias)' : ''} strides [${op.stride}] pads [${attrs.pads}]`,
      singleOpModel({ op: 'ConvTranspose', inputDims: cf.shape, outputDims: cfOutShape, attrs, initializers }),
      cf, fromChannelsFirst, { note: cfNote() });
  },

  async mobilenetv2_block(w, inputs, { addVariant, channelsFirst, cfNote, fromChannelsFirst, cfOutShape }) {
    const cf = channelsFirst();
    const C = cf.shape[1];
    const { hidden, expand, bn1, depthwise, bn2, project, bn3 } = inputs.block;
    // Keras kernels to ONNX's (out, in/group, kh, kw).
    const expandW = relayout(expand, [C, hidden], 'IO', 'OI').data;
    const depthwiseW = relayout(depthwise, [3, 3, hidden], 'HWO', 'OHW').data;
    const projectW = relayout(project, [hidden, C], 'IO', 'OI').data;
    const bn = (name, from, to, prefix) => ({
      op: 'BatchNormalization', inputs: [from, ...['scale', 'B', 'mean', 'var'].map((k) => `${prefix}_${k}`)],
      outputs: [to], attrs: { epsilon: w.op.epsilon }, name,
    });
    const clip = (from, to) => ({ op: 'Clip', inputs: [from, 'zero', 'six'], outputs: [to] });
    const nodes = [
      { op: 'Conv', inputs: ['x', 'W1'], outputs: ['c1'], attrs: { kernel_shape: [1, 1] } },
      bn('bn1', 'c1', 'b1', 'bn1'), clip('b1', 'r1'),
      { op: 'Conv', inputs: ['r1', 'W2'], outputs: ['c2'],
        attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: hidden } },
      bn('bn2', 'c2', 'b2', 'bn2'), clip('b2', 'r2'),
      { op: 'Conv', inputs: ['r2', 'W3'], outputs: ['c3'], attrs: { kernel_shape: [1, 1] } },
      bn('bn3', 'c3', 'b3', 'bn3'),
      { op: 'Add', inputs: ['b3', 'x'], outputs: ['y'] },
    ];
    const initializers = [
      { name: 'W1', dims: [hidden, C, 1, 1], data: expandW },
      { name: 'W2', dims: [hidden, 1, 3, 3], data: depthwiseW },
      { name: 'W3', dims: [C, hidden, 1, 1], data: projectW },
      ...bnInitializers('bn1', bn1), ...bnInitializers('bn2', bn2), ...bnInitializers('bn3', bn3),
      { name: 'zero', dims: [], data: f32([0]) }, { name: 'six', dims: [], data: f32([6]) },
    ];
    const model = buildModel({
      nodes, inputs: [{ name: 'x', dims: cf.shape }], outputs: [{ name: 'y', dims: cfOutShape }], initializers,
    });
    await addVariant(`9-node NCHW graph: Conv, BatchNormalization, Clip, Conv group=${hidden}, ..., Add`, model,
      cf, fromChannelsFirst, { note: [cfNote(), 'ORT\'s graph optimizer may fuse it'].filter(Boolean).join('; ') });
  },
};
