// Bad input to the convolutions: each a clear Error naming the function or
// layer and the argument; the module keeps working after every one.
import { init, torch, keras } from '../../js/index.js';

const F = () => torch.nn.functional;
let x, w;

beforeAll(async () => {
  await init({ threads: 2 });
  x = torch.randn(2, 4, 10);
  w = torch.randn(6, 4, 3);
});

// After each error, a normal op still gives the right answer.
function stillWorks() {
  const y = F().conv1d(torch.tensor([[[1, 2, 3]]]), torch.tensor([[[1, 1]]]));
  expect(y.tolist()).toEqual([[[3, 5]]]);
  const layer = new keras.layers.Conv1D({ filters: 1, kernel_size: 2, kernel_initializer: 'ones' });
  expect(layer.apply(torch.tensor([[[1], [2], [3]]])).tolist()).toEqual([[[3], [5]]]);
}

const cases = [
  ['channel mismatch', () => F().conv1d(torch.randn(2, 5, 10), w),
    /^conv1d: input must have 4 channels \(weight.shape\[1\] = 4 input channels per group x groups = 1\), got 5 channels in shape \[2, 5, 10\]$/],
  ['groups not dividing the input channels', () => F().conv1d(x, torch.randn(6, 1, 3), null, 1, 0, 1, 3),
    /^conv1d: groups \(3\) must divide the input channels \(4 in input of shape \[2, 4, 10\]\)$/],
  ['groups not dividing the output channels', () => F().conv2d(torch.randn(1, 4, 5, 5), torch.randn(5, 2, 3, 3), null, 1, 0, 1, 2),
    /^conv2d: groups \(2\) must divide the output channels/],
  ['kernel larger than the padded input', () => F().conv1d(torch.randn(1, 4, 3), torch.randn(6, 4, 5), null, 1, 0),
    /^conv1d: kernel size \[5\] with dilation \[1\] spans 5 > the padded input size 3/],
  ['dilated kernel larger than the padded input', () => F().conv2d(torch.randn(1, 1, 5, 5), torch.randn(1, 1, 3, 3), null, 1, 0, 3),
    /^conv2d: kernel size \[3, 3\] with dilation \[3, 3\] spans 7 > the padded input size 5/],
  ["'same' with stride > 1", () => F().conv1d(x, w, null, 2, 'same'),
    /^conv1d: padding='same' is not supported for strided convolutions \(stride=\[2\]\)/],
  ['bias of the wrong length', () => F().conv1d(x, w, torch.randn(5)),
    /^conv1d: bias must have shape \[6\] \(one value per output channel\), got shape \[5\]$/],
  ['weight of the wrong rank', () => F().conv2d(torch.randn(1, 4, 5, 5), w),
    /^conv2d: weight must have 4 dimensions \(out_channels, in_channels\/groups, kH, kW\), got shape \[6, 4, 3\]$/],
  ['input of the wrong rank', () => F().conv1d(torch.randn(10), w),
    /^conv1d: input must have 2 or 3 dimensions \(C, L\) or \(N, C, L\), got shape \[10\]$/],
  ['bad padding string', () => F().conv1d(x, w, null, 1, 'full'),
    /^conv1d: padding must be an int, an array of 1 ints, 'valid' or 'same', got "full"$/],
  ['negative stride', () => F().conv1d(x, w, null, 0), /^conv1d: stride must be >= 1, got 0$/],
  ['Conv1d module with bad groups', () => new torch.nn.Conv1d(4, 6, 3, { groups: 4 }),
    /^Conv1d: out_channels \(6\) must be divisible by groups \(4\)$/],
  ['Conv2D layer applied to the wrong channel count', () => {
    const layer = new keras.layers.Conv2D({ filters: 2, kernel_size: 3 });
    layer.build([1, 8, 8, 3]);
    layer.apply(torch.randn(1, 8, 8, 4));
  }, /^Conv2D: inputs must have 3 channels \(the layer was built for input shape \[1, 8, 8, 3\]\), got shape \[1, 8, 8, 4\]$/],
  ['Conv1D kernel larger than the input', () => new keras.layers.Conv1D({ filters: 2, kernel_size: 5 }).apply(torch.randn(1, 3, 2)),
    /^Conv1D: kernel_size 5 with dilation_rate 1 spans 5 steps, more than the input's 3/],
  ['Conv1D groups not dividing the input channels', () => new keras.layers.Conv1D({ filters: 4, kernel_size: 1, groups: 2 }).apply(torch.randn(1, 3, 3)),
    /^Conv1D: the input channels \(3\) must be a non-zero multiple of groups \(2\)/],
  ['Conv1D filters not divisible by groups', () => new keras.layers.Conv1D({ filters: 3, kernel_size: 1, groups: 2 }),
    /^Conv1D: filters \(3\) must be divisible by groups \(2\)$/],
  ['Conv2D causal padding', () => new keras.layers.Conv2D({ filters: 1, kernel_size: 1, padding: 'causal' }),
    /^Conv2D: padding must be 'valid' or 'same', got "causal"$/],
  ['Conv1D strides with dilation', () => new keras.layers.Conv1D({ filters: 1, kernel_size: 3, strides: 2, dilation_rate: 2 }),
    /^Conv1D: strides > 1 is not supported together with dilation_rate > 1/],
  ['Conv1D unknown activation', () => new keras.layers.Conv1D({ filters: 1, kernel_size: 3, activation: 'swishy' }),
    /^Conv1D: activation must be one of linear, relu/],
  ['Conv1D unknown initializer', () => new keras.layers.Conv1D({ filters: 1, kernel_size: 3, kernel_initializer: 'xavier' }),
    /^Conv1D: kernel_initializer must be one of glorot_uniform/],
  ['Conv1D missing filters', () => new keras.layers.Conv1D({ kernel_size: 3 }), /^Conv1D: filters is required/],
  ['count_params before build', () => new keras.layers.Conv2D({ filters: 1, kernel_size: 3 }).count_params(),
    /^Conv2D: count_params: the layer 'conv2d(_\d+)?' is not built yet/],
];

test.each(cases)('%s', (name, bad, message) => {
  expect(bad).toThrow(message);
  stillWorks();
});

test('TypeErrors for values of the wrong type', () => {
  expect(() => F().conv1d(x, w, null, 1, 0, 1, 'two')).toThrow(TypeError);
  expect(() => F().conv1d('x', w)).toThrow(TypeError);
  expect(() => new keras.layers.Conv1D({ filters: 1.5, kernel_size: 3 })).toThrow(TypeError);
  expect(() => new keras.layers.Conv1D({ filters: 1, kernel_size: 3, use_bias: 'yes' })).toThrow(TypeError);
  expect(() => new keras.layers.Conv1D({ filters: 1, kernel_size: 3, bogus: 1 })).toThrow(/unknown option 'bogus'/);
  stillWorks();
});

test('set_weights refuses wrong counts and shapes and leaves the weights unchanged', () => {
  const layer = new keras.layers.Conv1D({ filters: 4, kernel_size: 3 });
  layer.build([2, 10, 5]);
  const before = layer.get_weights().map((t) => t.data);
  expect(() => layer.set_weights([torch.randn(3, 5, 4)])).toThrow(/^Conv1D: set_weights expects a list of 2 weights \(kernel, bias\), got 1$/);
  expect(() => layer.set_weights([torch.randn(3, 5, 4), torch.randn(5)])).toThrow(/^Conv1D: set_weights: bias must have shape \[4\], got shape \[5\]$/);
  expect(() => layer.set_weights([torch.randn(4, 5, 3), torch.randn(4)])).toThrow(/^Conv1D: set_weights: kernel must have shape \[3, 5, 4\], got shape \[4, 5, 3\]$/);
  expect(() => layer.set_weights('no')).toThrow(/^Conv1D: set_weights expects a list of 2 weights/);
  const after = layer.get_weights().map((t) => t.data);
  expect(after).toEqual(before);
  expect(layer.apply(torch.randn(2, 10, 5)).shape).toEqual([2, 8, 4]);
  const unbuilt = new keras.layers.Conv1D({ filters: 4, kernel_size: 3 });
  expect(() => unbuilt.set_weights([])).toThrow(/^Conv1D: set_weights: the layer '.*' is not built yet/);
  stillWorks();
});

test('errors leak no tensors: temporaries made from nested arrays are freed', async () => {
  const { backend } = await import('../../js/index.js');
  const layer = new keras.layers.Conv1D({ filters: 2, kernel_size: 2 });
  layer.build([1, 3, 1]);
  const live = backend().memory.tensors;
  expect(() => F().conv1d([[[1, 2, 3]]], [[[1, 1, 1, 1]]])).toThrow(/conv1d: kernel size/);
  expect(() => F().conv1d([[[1, 2, 3]]], [[[1, 1]]], [1, 2])).toThrow(/conv1d: bias must have shape \[1\]/);
  expect(() => layer.apply([[[1, 2], [3, 4], [5, 6]]])).toThrow(/Conv1D: inputs must have 1 channels/);
  expect(() => layer.set_weights([[[[1, 1]]], [0, 0]])).toThrow(/Conv1D: set_weights: kernel must have shape/);
  expect(backend().memory.tensors).toBe(live);
  stillWorks();
});
