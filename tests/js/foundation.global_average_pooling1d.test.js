// keras.layers.GlobalAveragePooling1D: shapes in both data formats,
// keepdims, masks, options in both spellings, config round trip, a float64
// reference on 1,200 seeded random shapes, and errors.
import { backend, init, keras, torch } from '../../js/index.js';
import { globalAvgPool1d as reference } from './reference/pool1d.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

const { GlobalAveragePooling1D, GlobalAvgPool1D } = keras.layers;

beforeAll(() => init({ threads: 2 }));

describe('shapes and values', () => {
  const x = [[[1, 2], [3, 4], [5, 6]], [[-1, 0], [1, 0], [3, 9]]];  // (2, 3 steps, 2 channels)

  test('channels_last (default) averages over steps', () => {
    const y = new GlobalAveragePooling1D().apply(x);
    expect(y.shape).toEqual([2, 2]);
    expect(y.tolist()).toEqual([[3, 4], [1, 3]]);
  });

  test('channels_first averages over the last axis', () => {
    const y = new GlobalAveragePooling1D({ data_format: 'channels_first' }).apply(x);
    expect(y.tolist()).toEqual([[1.5, 3.5, 5.5], [-0.5, 0.5, 6]]);
  });

  test('keepdims keeps the steps axis with length 1', () => {
    expect(new GlobalAveragePooling1D({ keepdims: true }).apply(x).shape).toEqual([2, 1, 2]);
    expect(new GlobalAveragePooling1D({ keepdims: true, dataFormat: 'channels_first' }).apply(x).shape).toEqual([2, 3, 1]);
  });

  test('the Keras documentation shape (batch, steps, features) -> (batch, features)', () => {
    const input = torch.randn(4, 10, 128);
    const y = new GlobalAveragePooling1D().apply(input);
    expect(y.shape).toEqual([4, 128]);
    expect(firstMismatch(y.data, reference(input.data, 4, 10, 128, true))).toBe(-1);
  });

  test('masked steps are left out (booleans, 0/1, Tensor)', () => {
    const layer = new GlobalAveragePooling1D();
    const mask = [[true, false, true], [false, false, true]];
    expect(layer.apply(x, { mask }).tolist()).toEqual([[3, 4], [3, 9]]);
    expect(layer.call(x, [[1, 0, 1], [0, 0, 1]]).tolist()).toEqual([[3, 4], [3, 9]]);
    expect(layer.apply(x, { mask: torch.tensor([[1, 1, 0], [1, 1, 1]]) }).tolist()).toEqual([[2, 3], [1, 3]]);
    const first = new GlobalAveragePooling1D({ data_format: 'channels_first' });
    expect(first.apply(torch.tensor(x).permute(0, 2, 1), { mask }).tolist()).toEqual([[3, 4], [3, 9]]);
  });

  test('a NaN at a masked step does not leak; all steps masked gives NaN as Keras', () => {
    const layer = new GlobalAveragePooling1D();
    const y = layer.apply([[[NaN], [2]]], { mask: [[0, 1]] });
    expect(y.tolist()).toEqual([[2]]);
    expect(Number.isNaN(layer.apply([[[1], [2]]], { mask: [[0, 0]] }).data[0])).toBe(true);
    expect(Number.isNaN(layer.apply([[[1], [NaN]]]).data[0])).toBe(true);
    expect(layer.apply([[[1], [Infinity]]]).data[0]).toBe(Infinity);
  });
});

describe('layer API', () => {
  test('names are unique, snake_case as Keras', () => {
    const a = new GlobalAveragePooling1D();
    const b = new GlobalAvgPool1D();
    expect(a.name).toMatch(/^global_average_pooling1d(_\d+)?$/);
    expect(b.name).not.toBe(a.name);
    expect(new GlobalAveragePooling1D({ name: 'pool' }).name).toBe('pool');
  });

  test('get_config / from_config round trip', () => {
    const layer = new GlobalAveragePooling1D({ name: 'gap', dataFormat: 'channels_first', keepdims: true });
    const config = layer.get_config();
    expect(config).toEqual({ name: 'gap', trainable: true, dtype: 'float32', data_format: 'channels_first', keepdims: true });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const again = GlobalAveragePooling1D.from_config(config);
    expect(again.get_config()).toEqual(config);
    expect(again).toBeInstanceOf(GlobalAveragePooling1D);
  });

  test('compute_output_shape accepts an unknown batch', () => {
    expect(new GlobalAveragePooling1D().compute_output_shape([null, 7, 3])).toEqual([null, 3]);
    expect(new GlobalAveragePooling1D({ keepdims: true, data_format: 'channels_first' }).compute_output_shape([2, 3, 7]))
      .toEqual([2, 3, 1]);
  });

  test('no weights: count_params 0, build records the shape', () => {
    const layer = new GlobalAveragePooling1D();
    expect(layer.count_params()).toBe(0);
    expect(layer.weights).toEqual([]);
    layer.build([null, 5, 2]);
    expect(layer.built).toBe(true);
  });

  test('TensorFlow.js factory spelling', () => {
    expect(keras.layers.globalAveragePooling1d({ keepdims: true })).toBeInstanceOf(GlobalAveragePooling1D);
  });
});

test('matches the float64 reference on 1,200 seeded random shapes, both layouts, with and without masks', () => {
  const seed = 1124;
  const next = rng(seed);
  for (let trial = 0; trial < 1200; trial++) {
    const N = randInt(next, 1, 3);
    const L = randInt(next, 1, trial % 7 === 0 ? 130 : 19);
    const C = randInt(next, 1, trial % 5 === 0 ? 100 : 37);
    const channelsLast = next() < 0.5;
    const masked = next() < 0.4;
    const values = randomValues(next, N * L * C);
    const mask = masked ? Array.from({ length: N * L }, () => next() < 0.7) : null;
    if (mask) for (let n = 0; n < N; n++) mask[n * L] = true;  // at least one kept step per row
    const shape = channelsLast ? [N, L, C] : [N, C, L];
    const layer = new GlobalAveragePooling1D({ data_format: channelsLast ? 'channels_last' : 'channels_first' });
    const x = torch.tensor(values, shape);
    const maskArg = mask ? torch.tensor(Float32Array.from(mask, Number), [N, L]) : null;
    const y = layer.apply(x, { mask: maskArg });
    const want = reference(values, N, L, C, channelsLast, mask);
    const bad = firstMismatch(y.data, want);
    if (bad >= 0) {
      throw new Error(`seed ${seed} trial ${trial} shape [${shape}] ${channelsLast ? 'channels_last' : 'channels_first'} masked=${masked}: index ${bad} got ${y.data[bad]} want ${want[bad]}`);
    }
    x.dispose();
    y.dispose();
    maskArg?.dispose();
  }
});

describe('errors name the layer, the argument, expected and given', () => {
  const x = [[[1, 2], [3, 4]]];
  test.each([
    [() => new GlobalAveragePooling1D().apply([[1, 2]]), Error,
      "GlobalAveragePooling1D: input must have 3 dimensions (batch, steps, channels) for data_format 'channels_last', got shape [1, 2]"],
    [() => new GlobalAveragePooling1D({ data_format: 'NCHW' }), Error,
      "GlobalAveragePooling1D: data_format must be 'channels_last' or 'channels_first', got \"NCHW\""],
    [() => new GlobalAveragePooling1D({ keepdims: 1 }), TypeError, 'GlobalAveragePooling1D: keepdims must be a boolean, got 1'],
    [() => new GlobalAveragePooling1D({ pool_size: 2 }), TypeError, "GlobalAveragePooling1D: unknown option 'pool_size'"],
    [() => new GlobalAveragePooling1D({ data_format: 'channels_last', dataFormat: 'channels_first' }), TypeError, "option 'data_format' given twice"],
    [() => new GlobalAveragePooling1D({ dataFormat: 'channels_first', keepdims: true, data_format: 'channels_last' }), TypeError,
      "GlobalAveragePooling1D: option 'data_format' given twice (as 'dataFormat' and 'data_format')"],
    [() => new GlobalAveragePooling1D({ keepdims: true, name: 'g', dataFormat: 'channels_first', data_format: 'channels_last' }), TypeError,
      "GlobalAveragePooling1D: option 'data_format' given twice (as 'dataFormat' and 'data_format')"],
    // Names an object inherits are no options.
    [() => new GlobalAveragePooling1D({ constructor: 1 }), TypeError, "GlobalAveragePooling1D: unknown option 'constructor'"],
    [() => new GlobalAveragePooling1D(JSON.parse('{"__proto__": {"a": 1}}')), TypeError, "GlobalAveragePooling1D: unknown option '__proto__'"],
    [() => new GlobalAveragePooling1D().apply(x, { mask: [[1, 0, 1]] }), Error,
      'GlobalAveragePooling1D: mask must have shape [1, 2] (batch, steps), got shape [1, 3]'],
    [() => new GlobalAveragePooling1D().apply(x, { mask: 'yes' }), TypeError, 'GlobalAveragePooling1D: mask must be a Tensor'],
    [() => new GlobalAveragePooling1D().apply(null), TypeError, 'GlobalAveragePooling1D: inputs must be a Tensor or a nested array of numbers, got null'],
  ])('case %#', (call, type, message) => {
    const before = backend().memory.tensors;
    expect(call).toThrow(type);
    expect(call).toThrow(message);
    expect(backend().memory.tensors).toBe(before);
    expect(new GlobalAveragePooling1D().apply(x).tolist()).toEqual([[2, 3]]);
  });
});
