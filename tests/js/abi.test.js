// The one kernel calling convention (bindings/README.md): every entry point
// takes a named, length-checked parameter block; plans pack blocks by field
// name; a wrong block is refused, never run. Also the errors the runtime
// makes of kernel statuses.
import { init, torch } from '../../js/index.js';
import { kernel } from '../../js/ops/abi.js';
import { checkStatus, wasm } from '../../js/runtime.js';

beforeAll(() => init({ threads: 2 }));

const WINDOW = ['in_h', 'in_w', 'out_h', 'out_w', 'kernel_h', 'kernel_w', 'stride_h', 'stride_w', 'dilation_h', 'dilation_w',
  'pad_top', 'pad_left', 'pad_bottom', 'pad_right', 'count_include_pad', 'divisor_override'];
const SHAPE = ['batch', 'in_channels', 'in_h', 'in_w', 'out_channels', 'out_h', 'out_w', 'kernel_h', 'kernel_w',
  'stride_h', 'stride_w', 'dilation_h', 'dilation_w', 'pad_top', 'pad_left', 'groups'];

// Every C++ entry point of pool.h and conv.h, with the fields its binding
// names (the order is the binding's; JS never writes it down elsewhere).
const ENTRIES = {
  adaptiveAvgPool1dNcl: ['input', 'output', 'rows', 'length', 'out_length'],
  adaptiveAvgPool2dNchw: ['input', 'output', 'planes', 'in_h', 'in_w', 'out_h', 'out_w'],
  adaptiveMaxPool2dNchw: ['input', 'output', 'indices', 'planes', 'in_h', 'in_w', 'out_h', 'out_w'],
  globalAvgPool1dNcl: ['input', 'mask', 'output', 'batch', 'channels', 'length'],
  globalAvgPool1dNlc: ['input', 'mask', 'output', 'batch', 'length', 'channels'],
  globalMaxPool1dNcl: ['input', 'mask', 'output', 'batch', 'channels', 'length'],
  globalMaxPool1dNlc: ['input', 'mask', 'output', 'batch', 'length', 'channels'],
  avgPool2dNchw: ['input', 'output', 'planes', ...WINDOW],
  maxPool2dNchw: ['input', 'output', 'indices', 'planes', ...WINDOW],
  avgPool2dNhwc: ['input', 'output', 'batch', 'channels', ...WINDOW],
  maxPool2dNhwc: ['input', 'output', 'batch', 'channels', ...WINDOW],
  convPackedSize: ['target', ...SHAPE, 'floats'],
  convPackWeights: ['weights', 'layout', 'bias', 'scale', 'target', 'packed', ...SHAPE],
  convNhwc: ['input', 'packed', 'output', 'activation', ...SHAPE],
  convNchw: ['input', 'packed', 'output', 'activation', ...SHAPE],
  dwconvNhwc: ['input', 'weights', 'layout', 'bias', 'output', 'activation', ...SHAPE],
  dwconvNchw: ['input', 'weights', 'layout', 'bias', 'output', 'activation', ...SHAPE],
  dwconvNhwcPackedSize: [...SHAPE, 'floats'],
  dwconvNhwcPack: ['weights', 'bias', 'scale', 'packed', ...SHAPE],
  dwconvNhwcPacked: ['input', 'packed', 'output', 'activation', ...SHAPE],
  activate: ['x', 'n', 'activation'],
  softmaxRows: ['x', 'rows', 'n'],
};

test.each(Object.entries(ENTRIES))('%s names its fields', (name, fields) => {
  expect(kernel(name).fields()).toEqual(fields);
});

test('the old positional entry points are gone (one binding per C++ entry point)', () => {
  expect(wasm().windowPool2d).toBeUndefined();
  expect(() => kernel('windowPool2d').fields()).toThrow("nnwasm: the loaded module has no kernel entry 'windowPool2d'");
});

describe('a block packed by name runs the kernel', () => {
  test('max_pool2d NCHW with indices, straight through the entry', () => {
    const x = torch.tensor([[[1, 5, 2, 8], [3, 3, 9, 0]]]);  // one plane 2 x 4
    const out = torch.zeros(1, 2);
    const idx = torch.zeros(1, 2);
    const e = kernel('maxPool2dNchw');
    const words = e.pack({
      input: x.ptr, output: out.ptr, indices: idx.ptr, planes: 1, in_h: 2, in_w: 4, out_h: 1, out_w: 2, kernel_h: 2,
      kernel_w: 2, stride_h: 2, stride_w: 2, dilation_h: 1, dilation_w: 1, pad_top: 0, pad_left: 0, pad_bottom: 0,
      pad_right: 0, count_include_pad: false, divisor_override: 0,
    });
    expect(words[0]).toBe(words.length);  // the block's own length comes first
    expect(e.run(words)).toBe(0);
    expect(out.tolist()).toEqual([[5, 9]]);
    expect(idx.tolist()).toEqual([[1, 6]]);
    for (const t of [x, out, idx]) t.dispose();
  });

  test('divisor_override is a float32 word', () => {
    const x = torch.tensor([[[1, 2], [3, 4]]]);
    const out = torch.zeros(1, 1);
    const e = kernel('avgPool2dNchw');
    const words = e.pack({
      input: x.ptr, output: out.ptr, planes: 1, in_h: 2, in_w: 2, out_h: 1, out_w: 1, kernel_h: 2, kernel_w: 2,
      stride_h: 2, stride_w: 2, dilation_h: 1, dilation_w: 1, pad_top: 0, pad_left: 0, pad_bottom: 0, pad_right: 0,
      count_include_pad: true, divisor_override: 2.5,
    });
    expect(e.run(words)).toBe(0);
    expect(out.tolist()).toEqual([[4]]);  // 10 / 2.5
    x.dispose();
    out.dispose();
  });

  test('convPackedSize writes its answer back into the block', () => {
    const e = kernel('convPackedSize');
    const shape = { batch: 1, in_channels: 3, in_h: 5, in_w: 5, out_channels: 9, out_h: 3, out_w: 3, kernel_h: 3, kernel_w: 3,
      stride_h: 1, stride_w: 1, dilation_h: 1, dilation_w: 1, pad_top: 0, pad_left: 0, groups: 1 };
    expect(e.run(e.pack({ target: 1, ...shape, floats: 0 }))).toBe(0);
    // NCHW packing: blocks of 4 output channels, each its bias then K = 27 rows.
    expect(e.result('floats')).toBe(3 * 4 * (1 + 27));
  });
});

describe('wrong blocks are refused before any kernel runs', () => {
  const e = () => kernel('activate');

  test('pack wants every field, and only those', () => {
    expect(() => e().pack({ x: 0, n: 1 })).toThrow("nnwasm: kernel entry 'activate' needs fields activation");
    expect(() => e().pack({ x: 0, n: 1, activation: 0, act: 1 })).toThrow("nnwasm: kernel entry 'activate' has no field 'act' (fields: x, n, activation)");
    expect(() => e().pack({ x: 0, n: -1, activation: 0 })).toThrow("nnwasm: kernel entry 'activate' field 'n' must be an integer in [0, 2^32), got -1");
    expect(() => e().pack({ x: 0, n: 1.5, activation: 0 })).toThrow(/field 'n' must be an integer/);
    expect(() => e().pack({ x: 0, n: 2 ** 32, activation: 0 })).toThrow(/field 'n' must be an integer/);
  });

  test('a block whose length word is wrong, or an enum out of range, is an invalid argument', () => {
    const x = torch.tensor([-1, 2, -3, 4]);
    const words = e().pack({ x: x.ptr, n: 4, activation: 1 });
    words[0] = 3;
    expect(e().run(words)).toBe(3);  // kInvalidArgument
    words[0] = 4;
    words[3] = 12;  // Activation::kCount
    expect(e().run(words)).toBe(3);
    expect(x.tolist()).toEqual([-1, 2, -3, 4]);  // untouched
    words[3] = 1;
    expect(e().run(words)).toBe(0);
    expect(x.tolist()).toEqual([0, 2, 0, 4]);
    x.dispose();
  });

  test('a block address outside the heap is refused', () => {
    for (const bad of [0, 2, 8, 2 ** 32 - 4]) expect(wasm().activate(bad)).toBe(4);  // kOutsideHeap
  });
});

describe('statuses become Errors naming the op', () => {
  test('kOutOfMemory names the bytes the kernel could not allocate', () => {
    const bytes = wasm().failedAllocationBytes();
    expect(typeof bytes).toBe('number');
    expect(() => checkStatus('max_pool2d', 5))
      .toThrow(new RegExp(`^max_pool2d: cannot allocate ${bytes} bytes of scratch memory in the WebAssembly heap$`));
  });

  test('other statuses name the reason', () => {
    expect(() => checkStatus('conv2d', 3)).toThrow('conv2d: kernel refused the call (invalid argument)');
    expect(() => checkStatus('conv2d', 4)).toThrow('conv2d: kernel refused the call (a buffer address lies outside the WebAssembly heap)');
    expect(() => checkStatus('conv2d', 0)).not.toThrow();
  });
});
