// ONNX Runtime Web, WebAssembly execution provider (MLAS kernels). Each row is
// a tiny ONNX model built in memory (../onnx.mjs). ONNX pooling and Conv are
// channels-first only: channels-last workloads get an NCHW/NCL copy of the
// input made before timing (noted per row); reductions run in any layout.
// Timed: `await session.run(feeds)`, which in this API always copies the input
// into the wasm heap and the output back out; there is no way to keep a
// tensor resident in wasm memory with the CPU provider.
import { buildModel, singleOpModel, reduceMeanModel } from '../onnx.mjs';
import { Skip, inputAs, outputBack, splitShape } from './common.mjs';
import { adaptiveWindow, windowGeometry, outputShapeOf, outputLayoutOf } from '../workloads.mjs';

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

  const addVariant = async (label, model, x, readBack, extra = {}) => {
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    sessions.push(session);
    const feeds = { x: new ort.Tensor('float32', x.data, x.shape) };
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
