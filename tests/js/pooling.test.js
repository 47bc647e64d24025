// The pooling family's documented examples (Keras and PyTorch pages),
// output-shape formulas, call forms, module objects, configs, and errors.
import { init, torch, keras } from '../../js/index.js';

const F = torch.nn.functional;
const L = keras.layers;

beforeAll(() => init({ threads: 2 }));

const x3x3 = () => torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).reshape(1, 3, 3, 1);
const x5 = () => torch.tensor([1, 2, 3, 4, 5]).reshape(1, 5, 1);
const squeeze = (t) => t.data.reduce((a, v) => [...a, v], []);

describe('Keras documentation examples', () => {
  test('AveragePooling2D: valid s1, valid s2, same s1', () => {
    expect(new L.AveragePooling2D({ pool_size: [2, 2], strides: [1, 1], padding: 'valid' }).apply(x3x3()).tolist())
      .toEqual([[[[3], [4]], [[6], [7]]]]);
    const x34 = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]).reshape(1, 3, 4, 1);
    expect(new L.AveragePooling2D({ pool_size: [2, 2], strides: [2, 2], padding: 'valid' }).apply(x34).tolist())
      .toEqual([[[[3.5], [5.5]]]]);
    expect(new L.AveragePooling2D({ pool_size: [2, 2], strides: [1, 1], padding: 'same' }).apply(x3x3()).tolist())
      .toEqual([[[[3], [4], [4.5]], [[6], [7], [7.5]], [[7.5], [8.5], [9]]]]);
  });

  test('MaxPooling2D: valid and same, strides 1 and 2', () => {
    const y = new L.MaxPooling2D({ pool_size: [2, 2], strides: [1, 1], padding: 'valid' }).apply(x3x3());
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(squeeze(y)).toEqual([5, 6, 8, 9]);
    expect(squeeze(new L.MaxPooling2D({ pool_size: [2, 2], strides: [1, 1], padding: 'same' }).apply(x3x3())))
      .toEqual([5, 6, 6, 8, 9, 9, 8, 9, 9]);
    const x34 = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]).reshape(1, 3, 4, 1);
    expect(new L.MaxPooling2D({ pool_size: [2, 2], strides: [2, 2], padding: 'valid' }).apply(x34).tolist())
      .toEqual([[[[6], [8]]]]);
  });

  test('MaxPooling1D and AveragePooling1D on [1..5]', () => {
    const mp = (o) => squeeze(new L.MaxPooling1D(o).apply(x5()));
    const ap = (o) => squeeze(new L.AveragePooling1D(o).apply(x5()));
    expect(mp({ pool_size: 2, strides: 1, padding: 'valid' })).toEqual([2, 3, 4, 5]);
    expect(mp({ pool_size: 2, strides: 2, padding: 'valid' })).toEqual([2, 4]);
    expect(mp({ pool_size: 2, strides: 1, padding: 'same' })).toEqual([2, 3, 4, 5, 5]);
    expect(ap({ pool_size: 2, strides: 1, padding: 'valid' })).toEqual([1.5, 2.5, 3.5, 4.5]);
    expect(ap({ pool_size: 2, strides: 2, padding: 'valid' })).toEqual([1.5, 3.5]);
    expect(ap({ pool_size: 2, strides: 1, padding: 'same' })).toEqual([1.5, 2.5, 3.5, 4.5, 5]);
  });

  test('GlobalAveragePooling2D on (2, 4, 5, 3) gives (2, 3) means; keepdims in both formats', () => {
    const x = torch.rand(2, 4, 5, 3);
    const v = x.data;
    const y = new L.GlobalAveragePooling2D().apply(x);
    expect(y.shape).toEqual([2, 3]);
    for (let n = 0; n < 2; n++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let i = 0; i < 20; i++) s += v[(n * 20 + i) * 3 + c];
        expect(y.data[n * 3 + c]).toBeCloseTo(s / 20, 5);
      }
    }
    expect(new L.GlobalAveragePooling2D({ keepdims: true }).apply(x).shape).toEqual([2, 1, 1, 3]);
    expect(new L.GlobalAveragePooling2D({ data_format: 'channels_first', keepdims: true }).apply(x).shape).toEqual([2, 4, 1, 1]);
    expect(new L.GlobalMaxPooling2D({ dataFormat: 'channels_first' }).apply(x).shape).toEqual([2, 4]);
    expect(new L.GlobalMaxPooling1D({ keepdims: true }).compute_output_shape([null, 7, 5])).toEqual([null, 1, 5]);
  });
});

describe('PyTorch documentation examples', () => {
  test('avg_pool1d on [1..7], kernel 3, stride 2 -> [2, 4, 6]', () => {
    expect(F.avg_pool1d(torch.tensor([[[1, 2, 3, 4, 5, 6, 7]]]), 3, 2).tolist()).toEqual([[[2, 4, 6]]]);
    expect(F.avg_pool1d([[[1, 2, 3, 4, 5, 6, 7]]], { kernel_size: 3, stride: 2 }).tolist()).toEqual([[[2, 4, 6]]]);
  });

  test('MaxPool2d(2, stride=2, return_indices=True) as on the MaxUnpool2d page', () => {
    const x = torch.tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
    const [y, idx] = new torch.nn.MaxPool2d(2, { stride: 2, return_indices: true }).forward(x);
    expect(y.tolist()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(idx.tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    const [y2, i2] = F.max_pool2d(x, 2, 2, 0, 1, false, true);
    expect(y2.tolist()).toEqual(y.tolist());
    expect(i2.tolist()).toEqual(idx.tolist());
  });

  test('MaxPool1d(2, stride=2, return_indices=True) as on the MaxUnpool1d page', () => {
    const [y, idx] = new torch.nn.MaxPool1d(2, 2, { return_indices: true }).call(torch.tensor([[[1, 2, 3, 4, 5, 6, 7, 8]]]));
    expect(y.tolist()).toEqual([[[2, 4, 6, 8]]]);
    expect(idx.tolist()).toEqual([[[1, 3, 5, 7]]]);
  });

  test('output shapes follow PyTorch formulas, incl. ceil_mode and dilation', () => {
    // MaxPool2d docs: H_out = floor((H + 2p - d(k-1) - 1) / s + 1).
    const x = torch.zeros(20, 16, 50, 32);
    expect(new torch.nn.MaxPool2d(3, { stride: 2 }).forward(x).shape).toEqual([20, 16, 24, 15]);
    expect(new torch.nn.MaxPool2d([3, 2], { stride: [2, 1] }).forward(x).shape).toEqual([20, 16, 24, 31]);
    expect(new torch.nn.AvgPool2d(3, { stride: 2 }).forward(x).shape).toEqual([20, 16, 24, 15]);
    expect(new torch.nn.AvgPool2d([3, 2], { stride: [2, 1] }).forward(x).shape).toEqual([20, 16, 24, 31]);
    expect(new torch.nn.MaxPool1d(3, { stride: 2 }).forward(torch.zeros(20, 16, 50)).shape).toEqual([20, 16, 24]);
    expect(new torch.nn.AvgPool1d(3, { stride: 2 }).forward(torch.zeros(20, 16, 50)).shape).toEqual([20, 16, 24]);
    // ceil_mode: 5 with k2 s2 -> 3 windows; the last may not start in the right padding.
    expect(F.max_pool1d(torch.zeros(1, 5), 2, 2, { ceil_mode: true }).shape).toEqual([1, 3]);
    expect(F.max_pool1d(torch.zeros(1, 4), 2, 2, 1, { ceil_mode: true }).shape).toEqual([1, 3]);
    expect(F.avg_pool1d(torch.zeros(1, 6), 3, 2, 1, true).shape).toEqual([1, 4]);
    // dilation: span d(k-1)+1.
    expect(F.max_pool2d(torch.zeros(1, 10, 10), 3, 1, 0, 2).shape).toEqual([1, 6, 6]);
    expect(F.max_pool2d(torch.zeros(1, 10, 10), 3, { dilation: [2, 1] }).shape).toEqual([1, 2, 3]);
    expect(new torch.nn.AdaptiveAvgPool2d([5, 7]).forward(torch.zeros(1, 64, 8, 9)).shape).toEqual([1, 64, 5, 7]);
    expect(new torch.nn.AdaptiveAvgPool2d(7).forward(torch.zeros(1, 64, 10, 9)).shape).toEqual([1, 64, 7, 7]);
    expect(new torch.nn.AdaptiveAvgPool2d([null, 7]).forward(torch.zeros(1, 64, 10, 9)).shape).toEqual([1, 64, 10, 7]);
    expect(new torch.nn.AdaptiveMaxPool2d([5, 7]).forward(torch.zeros(1, 64, 8, 9)).shape).toEqual([1, 64, 5, 7]);
    expect(new torch.nn.AdaptiveMaxPool1d(5).forward(torch.zeros(1, 64, 8)).shape).toEqual([1, 64, 5]);
  });

  test('avg_pool2d count_include_pad, divisor_override and clipped windows', () => {
    const x = torch.ones(1, 1, 3, 3);
    expect(F.avg_pool2d(x, 3, 1, 1).data[0]).toBeCloseTo(4 / 9, 6);
    expect(F.avg_pool2d(x, 3, 1, 1, false, false).data[0]).toBe(1);
    expect(F.avg_pool2d(x, 3, 1, 1, { divisor_override: 2 }).data[0]).toBe(2);
    // ceil_mode: the last window runs past the right padding; divisor clipped there.
    // Windows [-1, 2), [1, 4), [3, 6) clipped to [3, 5): divisors 3, 3, 2.
    const y = F.avg_pool1d(torch.ones(1, 1, 4), 3, 2, 1, true);
    expect(y.shape).toEqual([1, 1, 3]);
    expect(Array.from(y.data)).toEqual([Math.fround(2 / 3), 1, 0.5]);
  });

  test('NaN wins in max pooling and its index is reported; ties keep the first index', () => {
    const [y, i] = F.max_pool1d(torch.tensor([[1, NaN, 3, 3, 2, 2]]), 3, 3, { return_indices: true });
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(Array.from(i.data)).toEqual([1, 3]);
    const [y2, i2] = F.max_pool2d(torch.tensor([[[5, 1], [5, 5]]]), 2, { return_indices: true });
    expect(y2.data[0]).toBe(5);
    expect(i2.data[0]).toBe(0);
    const [, i3] = F.adaptive_max_pool2d(torch.tensor([[[0, 7], [7, 0]]]), 1, true);
    expect(i3.data[0]).toBe(1);
    const [y4, i4] = F.max_pool1d(torch.tensor([[-Infinity, -Infinity]]), 2, 1, 1, { return_indices: true });
    expect(Array.from(y4.data)).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(Array.from(i4.data)).toEqual([0, 0, 1]);
  });

  test('unbatched input gives unbatched output', () => {
    expect(F.max_pool2d(torch.zeros(3, 8, 8), 2).shape).toEqual([3, 4, 4]);
    expect(F.avg_pool1d(torch.zeros(3, 8), 2).shape).toEqual([3, 4]);
    expect(F.adaptive_avg_pool2d(torch.zeros(3, 8, 8), 2).shape).toEqual([3, 2, 2]);
    const [y, i] = F.adaptive_max_pool1d(torch.zeros(3, 8), 2, true);
    expect(y.shape).toEqual([3, 2]);
    expect(i.shape).toEqual([3, 2]);
  });
});

describe('Keras layer API', () => {
  test('aliases, factories, strides default to pool_size, camelCase options', () => {
    expect(L.AvgPool2D).toBe(L.AveragePooling2D);
    expect(L.MaxPool1D).toBe(L.MaxPooling1D);
    expect(L.GlobalMaxPool2D).toBe(L.GlobalMaxPooling2D);
    expect(L.GlobalAvgPool2D).toBe(L.GlobalAveragePooling2D);
    expect(L.GlobalMaxPool1D).toBe(L.GlobalMaxPooling1D);
    const layer = new L.MaxPooling2D({ poolSize: 3, dataFormat: 'channels_first' });
    expect(layer.strides).toEqual([3, 3]);
    expect(layer.compute_output_shape([null, 4, 10, 11])).toEqual([null, 4, 3, 3]);
    expect(L.maxPooling2d({ pool_size: 2 }).compute_output_shape([2, 5, 5, 1])).toEqual([2, 2, 2, 1]);
    expect(new L.AveragePooling1D({ pool_size: 3, padding: 'SAME' }).compute_output_shape([1, 10, 2])).toEqual([1, 4, 2]);
  });

  test('get_config / from_config round trip', () => {
    for (const cls of [L.AveragePooling1D, L.AveragePooling2D, L.MaxPooling1D, L.MaxPooling2D]) {
      const layer = new cls({ pool_size: 3, strides: 2, padding: 'same', data_format: 'channels_first', name: `p_${cls.name}` });
      const config = layer.get_config();
      expect(config.padding).toBe('same');
      expect(config.data_format).toBe('channels_first');
      expect(config.name).toBe(`p_${cls.name}`);
      const again = cls.from_config(JSON.parse(JSON.stringify(config)));
      expect(again.get_config()).toEqual(config);
    }
    for (const cls of [L.GlobalAveragePooling2D, L.GlobalMaxPooling1D, L.GlobalMaxPooling2D]) {
      const config = new cls({ keepdims: true, data_format: 'channels_first' }).get_config();
      expect(config.keepdims).toBe(true);
      expect(cls.from_config(config).get_config()).toEqual(config);
    }
  });

  test('GlobalMaxPooling1D masks: masked steps are left out of the max', () => {
    const x = torch.tensor([[[1, 10], [5, -2], [3, 4]], [[0, 0], [9, 9], [-1, -1]]]);
    const y = new L.GlobalMaxPooling1D().apply(x, { mask: [[1, 0, 1], [true, false, true]] });
    expect(y.tolist()).toEqual([[3, 10], [0, 0]]);
    const yc = new L.GlobalMaxPooling1D({ data_format: 'channels_first' }).call(torch.tensor([[[1, 9, 3]]]), [[1, 0, 1]]);
    expect(yc.tolist()).toEqual([[3]]);
    const all = new L.GlobalMaxPooling1D().apply(torch.ones(1, 2, 2), { mask: [[0, 0]] });
    expect(Array.from(all.data)).toEqual([-Infinity, -Infinity]);
  });

  test('channels_first runs without transposes and equals channels_last', () => {
    const x = torch.rand(2, 3, 9, 7);  // NCHW
    const xl = x.permute(0, 2, 3, 1);
    for (const cls of [L.AveragePooling2D, L.MaxPooling2D]) {
      const a = new cls({ pool_size: 3, strides: 2, padding: 'same', data_format: 'channels_first' }).apply(x);
      const b = new cls({ pool_size: 3, strides: 2, padding: 'same' }).apply(xl).permute(0, 3, 1, 2);
      expect(a.shape).toEqual(b.shape);
      const ad = a.data, bd = b.data;
      for (let i = 0; i < ad.length; i++) expect(ad[i]).toBeCloseTo(bd[i], 6);
    }
  });

  test("'valid' with a window larger than the input gives an empty output", () => {
    const y = new L.MaxPooling1D({ pool_size: 4 }).apply(torch.ones(1, 3, 2));
    expect(y.shape).toEqual([1, 0, 2]);
  });
});

describe('bad input throws a clear Error and the module stays usable', () => {
  const after = () => expect(F.max_pool1d(torch.tensor([[1, 3, 2, 4]]), 2).tolist()).toEqual([[3, 4]]);
  const cases = [
    ['max_pool2d: input must have 3 or 4 dimensions', () => F.max_pool2d(torch.zeros(4, 4), 2)],
    ['avg_pool1d: input must have 2 or 3 dimensions', () => F.avg_pool1d(torch.zeros(1, 1, 4, 4), 2)],
    ['avg_pool2d: padding must be at most half of kernel_size', () => F.avg_pool2d(torch.zeros(1, 4, 4), 2, 1, 2)],
    ['max_pool1d: padding must be at most half', () => F.max_pool1d(torch.zeros(1, 4), 3, 1, 2)],
    ['max_pool2d: kernel_size must be >= 1', () => F.max_pool2d(torch.zeros(1, 4, 4), 0)],
    ['max_pool2d: stride must be >= 1', () => F.max_pool2d(torch.zeros(1, 4, 4), 2, 0)],
    ['max_pool2d: dilation must be >= 1', () => F.max_pool2d(torch.zeros(1, 4, 4), 2, 1, 0, 0)],
    ['max_pool2d: kernel_size must be an int or an array of 2 ints', () => F.max_pool2d(torch.zeros(1, 4, 4), [2, 2, 2])],
    ['avg_pool2d: input of spatial size [2, 2] is too small', () => F.avg_pool2d(torch.zeros(1, 2, 2), 3)],
    ['max_pool1d: input of spatial size [3] is too small', () => F.max_pool1d(torch.zeros(1, 3), 2, 1, 0, 3)],
    ['avg_pool2d: divisor_override must not be zero', () => F.avg_pool2d(torch.zeros(1, 4, 4), 2, { divisor_override: 0 })],
    ['avg_pool2d: input must have non-zero channels', () => F.avg_pool2d(torch.zeros(1, 0, 4, 4), 2)],
    ['adaptive_avg_pool2d: input must have 3 or 4 dimensions', () => F.adaptive_avg_pool2d(torch.zeros(4, 4), 2)],
    ['adaptive_avg_pool2d: output_size must be an int or an array of 2', () => F.adaptive_avg_pool2d(torch.zeros(1, 4, 4), [1, 2, 3])],
    ['adaptive_max_pool2d: output_size must be >= 0', () => F.adaptive_max_pool2d(torch.zeros(1, 4, 4), -1)],
    ['adaptive_max_pool1d: input must have 2 or 3 dimensions', () => F.adaptive_max_pool1d(torch.zeros(4), 2)],
    ['AveragePooling2D: padding must be \'valid\' or \'same\'', () => new L.AveragePooling2D({ padding: 'full' })],
    ['MaxPooling1D: pool_size must be >= 1', () => new L.MaxPooling1D({ pool_size: 0 })],
    ['MaxPooling2D: strides must be an int or an array of 2 ints', () => new L.MaxPooling2D({ strides: [1, 2, 3] })],
    ['AveragePooling1D: data_format must be', () => new L.AveragePooling1D({ data_format: 'NCL' })],
    ['MaxPooling2D: input must have 4 dimensions', () => new L.MaxPooling2D().apply(torch.zeros(2, 4, 4))],
    ['AveragePooling1D: computed output size would be negative', () => new L.AveragePooling1D({ pool_size: 4, strides: 1 }).compute_output_shape([1, 2, 3])],
    ['GlobalMaxPooling2D: input must have 4 dimensions', () => new L.GlobalMaxPooling2D().apply(torch.zeros(2, 4, 4))],
    ['GlobalMaxPooling1D: mask must have shape [1, 3]', () => new L.GlobalMaxPooling1D().apply(torch.zeros(1, 3, 2), { mask: [[1, 0]] })],
    ['MaxPool2d: padding must be at most half', () => new torch.nn.MaxPool2d(2, 1, 2)],
    ['AvgPool1d: kernel_size must be >= 1', () => new torch.nn.AvgPool1d(0)],
    ['AdaptiveAvgPool2d: output_size must be an int', () => new torch.nn.AdaptiveAvgPool2d([1, 2, 3])],
  ];
  test.each(cases)('%s', (message, fn) => {
    expect(fn).toThrow(message);
    after();
  });

  const typeCases = [
    ['max_pool2d: ceil_mode must be a boolean', () => F.max_pool2d(torch.zeros(1, 4, 4), 2, { ceil_mode: 1 })],
    ['max_pool2d: return_indices must be a boolean', () => F.max_pool2d(torch.zeros(1, 4, 4), 2, { return_indices: 'yes' })],
    ['avg_pool2d: kernel_size must be an int', () => F.avg_pool2d(torch.zeros(1, 4, 4), 1.5)],
    ['avg_pool1d: input must be a Tensor or a nested array', () => F.avg_pool1d('x', 2)],
    ['avg_pool2d: got an unexpected argument', () => F.avg_pool2d(torch.zeros(1, 4, 4), 2, { dilation: 2 })],
    ['GlobalMaxPooling2D: keepdims must be a boolean', () => new L.GlobalMaxPooling2D({ keepdims: 1 })],
    ['MaxPooling2D: unknown option', () => new L.MaxPooling2D({ pool: 2 })],
  ];
  test.each(typeCases)('%s (TypeError)', (message, fn) => {
    expect(fn).toThrow(TypeError);
    expect(fn).toThrow(message);
    after();
  });
});
