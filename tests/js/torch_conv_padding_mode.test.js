// Conv1d / Conv2d padding_mode ('zeros', 'reflect', 'replicate', 'circular'):
// hand-computed shifts, and onnxruntime-web running Pad (reflect / edge /
// wrap) followed by Conv on the same weights.
import { init, torch } from '../../js/index.js';
import { buildModel } from '../../bench/onnx.mjs';
import { firstMismatch, randomValues, rng } from './reference/random.js';

const nn = () => torch.nn;
let ort;

beforeAll(async () => {
  await init({ threads: 2 });
  ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

// A kernel [1, 0, 0] with padding 1 gives out[t] = padded[t]: the left pad shows.
test.each([
  ['zeros', [0, 1, 2, 3]],
  ['reflect', [2, 1, 2, 3]],
  ['replicate', [1, 1, 2, 3]],
  ['circular', [4, 1, 2, 3]],
])("Conv1d(padding=1, padding_mode='%s') pads as F.pad does", (mode, want) => {
  const conv = new (nn().Conv1d)(1, 1, 3, { padding: 1, padding_mode: mode, bias: false });
  conv.load_state_dict({ weight: [[[1, 0, 0]]] });
  expect(conv.forward([[[1, 2, 3, 4]]]).tolist()).toEqual([[want]]);
  expect(conv.forward([[1, 2, 3, 4]]).tolist()).toEqual([want]);  // unbatched
  expect(conv.padding_mode).toBe(mode);
});

test("padding='same' with padding_mode='circular' splits dilation * (k - 1) as PyTorch (left = total // 2)", () => {
  const conv = new (nn().Conv1d)(1, 1, 4, { padding: 'same', padding_mode: 'circular', bias: false });
  conv.load_state_dict({ weight: [[[1, 0, 0, 0]]] });
  // total 3: left 1, right 2 -> out[t] = x[t - 1] circularly.
  expect(conv.forward([[[1, 2, 3, 4, 5]]]).tolist()).toEqual([[[5, 1, 2, 3, 4]]]);
});

const ONNX_MODE = { reflect: 'reflect', replicate: 'edge', circular: 'wrap' };
test.each([
  ['reflect', [1, 2], [1, 1], 1],
  ['replicate', [2, 1], [1, 2], 1],
  ['circular', [1, 3], [2, 1], 2],
])("Conv2d(padding_mode='%s', padding %j, stride %j, groups %i) matches ONNX Pad + Conv", async (mode, padding, stride, groups) => {
  torch.manual_seed(4);
  const conv = new (nn().Conv2d)(4, 6, 3, { stride, padding, groups, padding_mode: mode });
  const shape = [2, 4, 6, 7];
  const next = rng(21);
  const x = torch.tensor(randomValues(next, 2 * 4 * 6 * 7), shape);
  const y = conv.forward(x);
  const pads = [0, 0, padding[0], padding[1], 0, 0, padding[0], padding[1]];
  const model = buildModel({
    nodes: [
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p'], attrs: { mode: ONNX_MODE[mode] } },
      { op: 'Conv', inputs: ['p', 'w', 'b'], outputs: ['y'], attrs: { kernel_shape: [3, 3], strides: stride, group: groups } },
    ],
    inputs: [{ name: 'x', dims: shape }],
    outputs: [{ name: 'y', dims: y.shape }],
    initializers: [
      { name: 'pads', dims: [8], data: BigInt64Array.from(pads.map(BigInt)) },
      { name: 'w', dims: conv.weight.shape, data: conv.weight.data },
      { name: 'b', dims: conv.bias.shape, data: conv.bias.data },
    ],
    opset: 19,
  });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const { y: want } = await session.run({ x: new ort.Tensor('float32', x.data, shape) });
  await session.release();
  expect(y.shape).toEqual(Array.from(want.dims, Number));
  expect(firstMismatch(y.data, want.data, 1e-4, 1e-4)).toBe(-1);
});

test('padding_mode errors', () => {
  expect(() => new (nn().Conv2d)(1, 1, 3, { padding_mode: 'mirror' })).toThrow(
    /^Conv2d: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', got "mirror"$/);
  // reflect needs padding < the input's size, as F.pad.
  const conv = new (nn().Conv1d)(1, 1, 3, { padding: 3, padding_mode: 'reflect' });
  expect(() => conv.forward([[[1, 2, 3]]])).toThrow(/^Conv1d: /);
});
