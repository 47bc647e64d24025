// torch.nn.functional and torch.nn layers between the convolutions against
// onnxruntime-web running the same single-op ONNX model on the same seeded
// inputs: Pad (all four modes), Resize (nearest, linear, bilinear,
// align_corners), ConvTranspose (stride, padding, output_padding, groups,
// dilation), Softmax / LogSoftmax, BatchNormalization, Gemm, the
// activations ONNX has, Mul / Add broadcasting and Concat.
import { init, torch } from '../../js/index.js';
import { buildModel } from '../../bench/onnx.mjs';
import { firstMismatch, randomValues, rng } from './reference/random.js';
import { HAS_CONV_TRANSPOSE_OP } from '../../js/torch/functional/conv_transpose.js';

// TODO(conv_transpose): these run once js/ops/conv_transpose.js has landed
// (js/torch/functional/conv_transpose.js sets the flag).
const describeConvTranspose = HAS_CONV_TRANSPOSE_OP ? describe : describe.skip;

const F = () => torch.nn.functional;
const nn = () => torch.nn;
let ort;

beforeAll(async () => {
  await init({ threads: 2 });
  ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

const int64 = (values) => BigInt64Array.from(values.map(BigInt));
const numel = (shape) => shape.reduce((a, b) => a * b, 1);

// One ONNX node over input 'x' (and constant initializers) -> output 'y'.
// inputs: the node's input names in order ('' for an omitted optional one).
async function ortRun({ op, attrs = {}, x, xShape, inits = [], inputs = null, outShape, opset = 18 }) {
  const model = buildModel({
    nodes: [{ op, inputs: inputs ?? ['x', ...inits.map((t) => t.name)], outputs: ['y'], attrs }],
    inputs: [{ name: 'x', dims: xShape }],
    outputs: [{ name: 'y', dims: outShape }],
    initializers: inits,
    opset,
  });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', x, xShape) });
    return { data: y.data, dims: Array.from(y.dims, Number) };
  } finally {
    await session.release();
  }
}

function expectClose(got, want, label, rtol = 2e-5, atol = 2e-5) {
  const bad = firstMismatch(got, want, rtol, atol);
  if (bad >= 0) throw new Error(`${label}: at ${bad} got ${got[bad]}, onnxruntime gives ${want[bad]} (lengths ${got.length} / ${want.length})`);
}

// Runs ours, then ORT with our output's shape, and compares shape and values.
async function compare(label, ours, ortArgs, tol) {
  const want = await ortRun({ ...ortArgs, outShape: ours.shape });
  expect([label, ours.shape]).toEqual([label, want.dims]);
  expectClose(ours.data, want.data, label, tol?.rtol, tol?.atol);
  ours.dispose();
}

const input = (seed, shape) => torch.tensor(randomValues(rng(seed), numel(shape)).map((v) => v * 3), shape);

// F.pad's [last_l, last_r, prev_l, prev_r, ...] -> ONNX's [begin_0.., end_0..].
function onnxPads(pads, ndim) {
  const begin = new Array(ndim).fill(0);
  const end = new Array(ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    begin[ndim - 1 - i] = pads[2 * i];
    end[ndim - 1 - i] = pads[2 * i + 1];
  }
  return [...begin, ...end];
}

describe('F.pad and the padding modules against ONNX Pad', () => {
  const ONNX_MODE = { constant: 'constant', reflect: 'reflect', replicate: 'edge', circular: 'wrap' };
  const cases = [
    ['constant', [2, 3, 5, 6], [1, 2, 0, 3], 1.5],
    ['constant', [2, 3, 5, 6], [-1, 2, 2, -2, 1, 0], 0],  // negative pads crop, three dims
    ['constant', [4, 7], [3, 0], -2],
    ['reflect', [2, 3, 7], [3, 2], null],
    ['reflect', [2, 3, 5, 6], [1, 5, 4, 2], null],
    ['reflect', [3, 5, 6], [2, 2, 1, 3], null],  // unbatched
    ['replicate', [2, 3, 7], [4, 1], null],
    ['replicate', [2, 2, 4, 5], [3, 0, 2, 6], null],
    ['replicate', [1, 2, 3, 4, 5], [1, 2, 2, 1, 1, 1], null],
    ['circular', [2, 3, 7], [3, 7], null],
    ['circular', [2, 2, 4, 5], [2, 5, 4, 1], null],
  ];
  test.each(cases)('%s %j pads %j', async (mode, shape, pads, value) => {
    const x = input(shape.length * 10 + pads[0] + 3, shape);
    const ours = F().pad(x, pads, mode, value);
    const inits = [{ name: 'pads', dims: [2 * shape.length], data: int64(onnxPads(pads, shape.length)) }];
    if (mode === 'constant') inits.push({ name: 'value', dims: [], data: Float32Array.of(value) });
    await compare(`pad ${mode}`, ours, { op: 'Pad', attrs: { mode: ONNX_MODE[mode] }, x: x.data, xShape: shape, inits, opset: 19 });
    x.dispose();
  });

  test.each([
    ['ZeroPad2d', [[1, 2, 3, 0]], 'constant', [1, 2, 3, 0]],
    ['ConstantPad1d', [2, 3.5], 'constant', [2, 2]],
    ['ReflectionPad2d', [2], 'reflect', [2, 2, 2, 2]],
    ['ReplicationPad1d', [[3, 1]], 'replicate', [3, 1]],
    ['CircularPad2d', [[1, 0, 2, 3]], 'circular', [1, 0, 2, 3]],
  ])('%s(%j)', async (name, args, mode, pads) => {
    const shape = name.endsWith('1d') ? [2, 3, 6] : [1, 3, 5, 6];
    const x = input(77, shape);
    const ours = new (nn()[name])(...args).forward(x);
    const inits = [{ name: 'pads', dims: [2 * shape.length], data: int64(onnxPads(pads, shape.length)) }];
    if (mode === 'constant') inits.push({ name: 'value', dims: [], data: Float32Array.of(args[1] ?? 0) });
    await compare(name, ours, { op: 'Pad', attrs: { mode: ONNX_MODE[mode] }, x: x.data, xShape: shape, inits, opset: 19 });
    x.dispose();
  });
});

describe('F.interpolate and nn.Upsample against ONNX Resize', () => {
  // PyTorch's nearest is ONNX's asymmetric + floor; linear with
  // align_corners=false is pytorch_half_pixel.
  const resizeAttrs = (mode, alignCorners) => (mode === 'nearest'
    ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
    : { mode: 'linear', coordinate_transformation_mode: alignCorners ? 'align_corners' : 'pytorch_half_pixel' });
  const cases = [
    ['nearest', [2, 3, 5, 7], { size: [9, 4] }],
    ['nearest', [2, 3, 5, 7], { scale_factor: 2 }],
    ['nearest', [2, 3, 8], { size: 13 }],
    ['nearest', [1, 2, 6, 9], { size: [4, 5] }],  // downsampling
    ['bilinear', [2, 3, 5, 7], { size: [9, 12], align_corners: false }],
    ['bilinear', [2, 3, 5, 7], { size: [9, 12], align_corners: true }],
    ['bilinear', [1, 2, 6, 9], { size: [4, 5], align_corners: false }],
    ['bilinear', [1, 2, 4, 4], { scale_factor: [2, 3], align_corners: false }],
    ['bilinear', [1, 2, 4, 4], { size: [1, 3], align_corners: true }],
    ['linear', [2, 3, 7], { size: 15, align_corners: false }],
    ['linear', [2, 3, 7], { size: 15, align_corners: true }],
    ['linear', [2, 3, 7], { scale_factor: 2, align_corners: false }],
  ];
  test.each(cases)('%s %j %j', async (mode, shape, opts) => {
    const x = input(shape.length * 7 + (opts.size?.[0] ?? opts.size ?? 1), shape);
    const ours = F().interpolate(x, { ...opts, mode });
    const nd = shape.length - 2;
    let inits;
    let inputs;
    if (opts.size !== undefined) {
      const size = Array.isArray(opts.size) ? opts.size : [opts.size];
      inits = [{ name: 'sizes', dims: [shape.length], data: int64([shape[0], shape[1], ...size]) }];
      inputs = ['x', '', '', 'sizes'];
    } else {
      const s = Array.isArray(opts.scale_factor) ? opts.scale_factor : new Array(nd).fill(opts.scale_factor);
      inits = [{ name: 'scales', dims: [shape.length], data: Float32Array.from([1, 1, ...s]) }];
      inputs = ['x', '', 'scales'];
    }
    await compare(`interpolate ${mode}`, ours, { op: 'Resize', attrs: resizeAttrs(mode, opts.align_corners), x: x.data, xShape: shape, inits, inputs }, { rtol: 1e-5, atol: 1e-5 });
    x.dispose();
  });

  test('nn.Upsample(bilinear, align_corners) matches Resize', async () => {
    const x = input(5, [1, 2, 3, 4]);
    const ours = new (nn().Upsample)({ scale_factor: 2, mode: 'bilinear', align_corners: true }).forward(x);
    await compare('Upsample', ours, {
      op: 'Resize', attrs: resizeAttrs('bilinear', true), x: x.data, xShape: x.shape,
      inits: [{ name: 'sizes', dims: [4], data: int64([1, 2, 6, 8]) }], inputs: ['x', '', '', 'sizes'],
    });
  });
});

describeConvTranspose('conv_transpose against ONNX ConvTranspose', () => {
  const cases = [
    // nd, [N, Cin, ...spatial], Cout, kernel, stride, padding, output_padding, groups, dilation, bias
    [1, [2, 4, 7], 6, [3], [2], [1], [1], 1, [1], true],
    [1, [1, 6, 5], 4, [4], [3], [0], [2], 2, [1], false],
    [1, [2, 3, 6], 3, [3], [1], [2], [0], 1, [2], true],
    [2, [2, 4, 5, 6], 6, [3, 3], [2, 2], [1, 1], [1, 1], 2, [1, 1], true],
    [2, [1, 3, 4, 5], 5, [2, 3], [2, 1], [0, 1], [1, 0], 1, [1, 2], true],
    [2, [1, 4, 3, 3], 8, [3, 3], [3, 2], [2, 0], [2, 1], 4, [1, 1], false],
  ];
  test.each(cases)('%id input %j -> %i channels, k %j s %j p %j op %j g %i d %j bias %s',
    async (nd, shape, cout, k, s, p, op, g, d, useBias) => {
      const cin = shape[1];
      const wShape = [cin, cout / g, ...k];
      const x = input(shape.reduce((a, b) => a + b, 0), shape);
      const w = input(11 + cout, wShape);
      const b = useBias ? input(3 + cout, [cout]) : null;
      const fn = nd === 1 ? F().conv_transpose1d : F().conv_transpose2d;
      const ours = fn(x, w, b, s, p, op, g, d);
      const inits = [{ name: 'w', dims: wShape, data: w.data }];
      if (b) inits.push({ name: 'b', dims: [cout], data: b.data });
      await compare('conv_transpose', ours, {
        op: 'ConvTranspose',
        attrs: { kernel_shape: k, strides: s, pads: [...p, ...p], output_padding: op, group: g, dilations: d },
        x: x.data, xShape: shape, inits,
      }, { rtol: 1e-4, atol: 1e-4 });
      for (const t of [x, w, b]) t?.dispose();
    });

  test('nn.ConvTranspose2d with its own weights matches ConvTranspose', async () => {
    torch.manual_seed(3);
    const m = new (nn().ConvTranspose2d)(4, 6, 3, { stride: 2, padding: 1, output_padding: 1, groups: 2 });
    const x = input(9, [1, 4, 5, 5]);
    await compare('ConvTranspose2d', m.forward(x), {
      op: 'ConvTranspose',
      attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1], group: 2 },
      x: x.data, xShape: x.shape,
      inits: [{ name: 'w', dims: m.weight.shape, data: m.weight.data }, { name: 'b', dims: [6], data: m.bias.data }],
    }, { rtol: 1e-4, atol: 1e-4 });
    m.dispose();
  });
});

describe('softmax, batch norm, linear, activations, merges', () => {
  test.each([
    [[2, 3, 4], 0], [[2, 3, 4], 1], [[2, 3, 4], -1], [[2, 5, 3, 3], 1], [[7], 0],
  ])('softmax and log_softmax of %j over dim %i match Softmax / LogSoftmax', async (shape, dim) => {
    const x = input(shape.length + dim + 20, shape);
    await compare('softmax', F().softmax(x, dim), { op: 'Softmax', attrs: { axis: dim }, x: x.data, xShape: shape });
    await compare('log_softmax', F().log_softmax(x, dim), { op: 'LogSoftmax', attrs: { axis: dim }, x: x.data, xShape: shape });
    await compare('nn.LogSoftmax', new (nn().LogSoftmax)(dim).forward(x), { op: 'LogSoftmax', attrs: { axis: dim }, x: x.data, xShape: shape });
    x.dispose();
  });

  test.each([[[2, 3, 4, 5]], [[4, 3]], [[2, 3, 6]]])('batch_norm (inference) of %j matches BatchNormalization', async (shape) => {
    const c = shape[1];
    const x = input(40 + shape.length, shape);
    const gamma = input(1, [c]);
    const beta = input(2, [c]);
    const mean = input(3, [c]);
    const variance = torch.tensor(randomValues(rng(4), c).map((v) => v * v + 0.5), [c]);
    const ours = F().batch_norm(x, mean, variance, gamma, beta, false, 0.1, 1e-3);
    await compare('batch_norm', ours, {
      op: 'BatchNormalization', attrs: { epsilon: 1e-3 }, x: x.data, xShape: shape,
      inits: [['scale', gamma], ['B', beta], ['mean', mean], ['var', variance]].map(([name, t]) => ({ name, dims: [c], data: t.data })),
    }, { rtol: 1e-5, atol: 1e-5 });
    for (const t of [x, gamma, beta, mean, variance]) t.dispose();
  });

  test('F.linear and nn.Linear match Gemm (transB = 1)', async () => {
    const x = input(50, [5, 7]);
    const w = input(51, [3, 7]);
    const b = input(52, [3]);
    const inits = [{ name: 'w', dims: [3, 7], data: w.data }, { name: 'b', dims: [3], data: b.data }];
    await compare('linear', F().linear(x, w, b), { op: 'Gemm', attrs: { transB: 1 }, x: x.data, xShape: [5, 7], inits }, { rtol: 1e-5, atol: 1e-5 });
    torch.manual_seed(8);
    const m = new (nn().Linear)(7, 4);
    await compare('Linear', m.forward(x), {
      op: 'Gemm', attrs: { transB: 1 }, x: x.data, xShape: [5, 7],
      inits: [{ name: 'w', dims: [4, 7], data: m.weight.data }, { name: 'b', dims: [4], data: m.bias.data }],
    }, { rtol: 1e-5, atol: 1e-5 });
    // Any rank: (2, 5, 7) is (10, 7) row by row.
    const x3 = x.reshape(1, 5, 7);
    const y3 = F().linear(x3, w, b);
    const y2 = F().linear(x, w, b);
    expect(y3.shape).toEqual([1, 5, 3]);
    expect(Array.from(y3.data)).toEqual(Array.from(y2.data));
    for (const t of [x, w, b, x3, y3, y2]) t.dispose();
    m.dispose();
  });

  const ACTIVATIONS = [
    ['relu', [], 'Relu', {}, 13],
    ['leaky_relu', [0.2], 'LeakyRelu', { alpha: 0.2 }, 13],
    ['elu', [0.7], 'Elu', { alpha: 0.7 }, 13],
    ['selu', [], 'Selu', {}, 13],
    ['sigmoid', [], 'Sigmoid', {}, 13],
    ['tanh', [], 'Tanh', {}, 13],
    ['softplus', [], 'Softplus', {}, 13],
    ['softsign', [], 'Softsign', {}, 13],
    ['hardswish', [], 'HardSwish', {}, 14],
    ['hardsigmoid', [], 'HardSigmoid', { alpha: 1 / 6, beta: 0.5 }, 13],
    ['gelu', ['none'], 'Gelu', { approximate: 'none' }, 20],
    ['gelu', ['tanh'], 'Gelu', { approximate: 'tanh' }, 20],
  ];
  test.each(ACTIVATIONS)('F.%s(%j) matches %s', async (name, args, op, attrs, opset) => {
    const shape = [3, 4, 5];
    const x = input(60 + name.length, shape);
    await compare(name, F()[name](x, ...args), { op, attrs, x: x.data, xShape: shape, opset }, { rtol: 1e-5, atol: 2e-6 });
    x.dispose();
  });

  test('relu6 matches Clip(0, 6)', async () => {
    const x = input(70, [4, 6]).reshape(24);
    const scaled = torch.mul(x, 3);
    await compare('relu6', F().relu6(scaled), {
      op: 'Clip', x: scaled.data, xShape: [24],
      inits: [{ name: 'lo', dims: [], data: Float32Array.of(0) }, { name: 'hi', dims: [], data: Float32Array.of(6) }],
    });
    x.dispose();
    scaled.dispose();
  });

  test('torch.mul / torch.add broadcast as ONNX Mul / Add (squeeze-excite x * s)', async () => {
    const x = input(80, [2, 3, 4, 5]);
    const s = input(81, [2, 3, 1, 1]);
    await compare('mul', torch.mul(x, s), { op: 'Mul', x: x.data, xShape: x.shape, inits: [{ name: 's', dims: [2, 3, 1, 1], data: s.data }] });
    const row = input(82, [5]);
    await compare('add', torch.add(x, row), { op: 'Add', x: x.data, xShape: x.shape, inits: [{ name: 'r', dims: [5], data: row.data }] });
    const col = input(83, [3, 1, 1]);
    await compare('add alpha', torch.add(x, col, { alpha: 1 }), { op: 'Add', x: x.data, xShape: x.shape, inits: [{ name: 'c', dims: [3, 1, 1], data: col.data }] });
    for (const t of [x, s, row, col]) t.dispose();
  });

  test('torch.cat matches Concat on every axis', async () => {
    const a = input(90, [2, 3, 4]);
    for (const [dim, shapeB] of [[0, [3, 3, 4]], [1, [2, 5, 4]], [2, [2, 3, 1]], [-1, [2, 3, 2]]]) {
      const b = input(91 + dim, shapeB);
      await compare(`cat dim ${dim}`, torch.cat([a, b], dim), {
        op: 'Concat', attrs: { axis: dim }, x: a.data, xShape: a.shape, inits: [{ name: 'b', dims: shapeB, data: b.data }],
      });
      b.dispose();
    }
    a.dispose();
  });
});
