// keras.Sequential: layers back to back on heap tensors, intermediates freed,
// Keras's summary table, config round trips through the layer registry.
import { backend, init, keras, torch } from '../../js/index.js';
import { firstMismatch } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

// Window pooling and convolution layers arrive with issues 4 and 5; tests
// that need them run once the layer exists (the one gating place here).

const liveTensors = () => backend().memory.tensors;

// A test-only layer with one weight per channel (x * scale), written in
// plain JS, so parameter counts, trainable flags and custom classes can be
// tested with the layers this branch has.
class Scale extends keras.layers.Layer {
  constructor(options) {
    super(options, { init_value: 1 });
    this.init_value = this.options.init_value;
    this.scale = null;
  }

  static get className() {
    return 'Scale';
  }

  build(inputShape) {
    super.build(inputShape);
    const c = inputShape.at(-1);
    this.scale = torch.tensor(new Float32Array(c).fill(this.init_value), [c]);
  }

  compute_output_shape(inputShape) {
    return inputShape.slice();
  }

  get weights() {
    return this.scale ? [this.scale] : [];
  }

  set_weights(weights) {
    super.set_weights(weights);
    this.scale = torch.tensor(weights[0] instanceof torch.Tensor ? weights[0].data : weights[0].flat(), [this.scale.numel()]);
  }

  call(x) {
    const v = x.data;
    const s = this.scale.data;
    for (let i = 0; i < v.length; i++) v[i] *= s[i % s.length];
    return torch.tensor(v, x.shape);
  }

  get_config() {
    return { ...super.get_config(), init_value: this.init_value };
  }
}

// Fails on purpose in call(), to check the intermediates are still freed.
class Broken extends Scale {
  static get className() {
    return 'Broken';
  }

  call() {
    throw new Error('Broken: call failed on purpose');
  }
}

describe('keras.Sequential', () => {
  test('predict runs the layers back to back and equals chaining them by hand', () => {
    const x = torch.randn(2, 7, 3);
    const scale = new Scale({ input_shape: [7, 3], init_value: 2 });
    const gap = new keras.layers.GlobalAveragePooling1D();
    const model = new keras.Sequential([scale, gap]);
    const y = model.predict(x);
    const a = scale.apply(x);
    const want = gap.apply(a);
    expect(y.shape).toEqual([2, 3]);
    expect(firstMismatch(y.data, want.data)).toBe(-1);
    expect(x.isDisposed).toBe(false);
    for (const t of [x, y, a, want]) t.dispose();
  });

  test('intermediates are freed: only the output stays alive', () => {
    const x = torch.randn(4, 16, 8);
    const model = new keras.Sequential([
      new Scale({ input_shape: [16, 8] }), new Scale(), new keras.layers.GlobalAveragePooling1D({ keepdims: true }),
      new keras.layers.GlobalAveragePooling1D(),
    ]);
    model.predict(x).dispose();  // first call may allocate weights
    const before = liveTensors();
    const y = model.predict(x);
    expect(liveTensors()).toBe(before + 1);
    y.dispose();
    expect(liveTensors()).toBe(before);
    x.dispose();
  });

  test('a failing layer frees the intermediates made before it and the model stays usable', () => {
    const model = new keras.Sequential([new Scale({ input_shape: [5, 2] }), new Scale(), new Broken()]);
    const x = torch.randn(1, 5, 2);
    const before = liveTensors();
    expect(() => model.predict(x)).toThrow('Broken: call failed on purpose');
    expect(liveTensors()).toBe(before);
    model.pop();
    const y = model.predict(x);
    expect(y.shape).toEqual([1, 5, 2]);
    y.dispose();
    x.dispose();
  });

  test('accepts nested arrays, and the model builds from the first predict', () => {
    const model = new keras.Sequential();
    model.add(new keras.layers.GlobalAveragePooling1D());
    expect(model.built).toBe(false);
    const y = model.predict([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(y.tolist()).toEqual([[2, 3], [6, 7]]);
    expect(model.built).toBe(true);
    expect(model.input_shape).toEqual([null, 2, 2]);
    expect(model.output_shape).toEqual([null, 2]);
  });

  test('builds as soon as the first layer gives input_shape', () => {
    const model = new keras.Sequential([new keras.layers.GlobalAveragePooling1D({ input_shape: [10, 4], keepdims: true })]);
    expect(model.built).toBe(true);
    expect(model.input_shape).toEqual([null, 10, 4]);
    model.add(new Scale());
    expect(model.output_shape).toEqual([null, 1, 4]);
    expect(model.count_params()).toBe(4);
  });

  test('TensorFlow.js form: new Sequential({ layers, name })', () => {
    const model = new keras.Sequential({ layers: [new keras.layers.GlobalAveragePooling1D()], name: 'tfjs_style' });
    expect(model.name).toBe('tfjs_style');
    expect(model.layers).toHaveLength(1);
  });

  test('summary() returns Keras\'s table: name (type), output shape, params, totals', () => {
    const model = new keras.Sequential([
      new Scale({ input_shape: [100, 64], name: 'scale_in' }),
      new keras.layers.GlobalAveragePooling1D({ keepdims: true, name: 'pool' }),
      new Scale({ name: 'frozen', trainable: false }),
    ], { name: 'tiny' });
    const text = model.summary();
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "tiny"');
    expect(text).toMatch(/┃ Layer \(type\)\s+┃ Output Shape\s+┃\s+Param # ┃/);
    expect(text).toMatch(/│ scale_in \(Scale\)\s+│ \(None, 100, 64\)\s+│\s+64 │/);
    expect(text).toMatch(/│ pool \(GlobalAveragePooling1D\)\s+│ \(None, 1, 64\)\s+│\s+0 │/);
    expect(text).toMatch(/│ frozen \(Scale\)\s+│ \(None, 1, 64\)\s+│\s+64 │/);
    expect(lines.slice(-3)).toEqual([
      ' Total params: 128 (512.00 B)',
      ' Trainable params: 64 (256.00 B)',
      ' Non-trainable params: 64 (256.00 B)',
    ]);
    // Every table line has the same width.
    const widths = new Set(lines.slice(1, -3).map((l) => l.length));
    expect(widths.size).toBe(1);
  });

  test('summary() of an unbuilt model shows ? and unbuilt, as Keras 3 does', () => {
    const model = new keras.Sequential([new Scale({ name: 'later' })]);
    const text = model.summary();
    expect(text).toMatch(/│ later \(Scale\)\s+│ \?\s+│ 0 \(unbuilt\) │/);
    expect(text).toContain(' Total params: 0 (0.00 B)');
    expect(() => model.count_params()).toThrow('Sequential.count_params: the model has not been built yet');
  });

  test('get_config / from_config round trip (JSON-able, through the registry)', () => {
    keras.registerLayer(Scale);
    const model = new keras.Sequential([
      new Scale({ input_shape: [6, 3], init_value: 3, name: 'sc' }),
      new keras.layers.GlobalAveragePooling1D({ data_format: 'channels_last', keepdims: false, name: 'gap_rt' }),
    ], { name: 'round_trip' });
    const config = JSON.parse(JSON.stringify(model.get_config()));
    expect(config.name).toBe('round_trip');
    expect(config.layers.map((l) => l.class_name)).toEqual(['Scale', 'GlobalAveragePooling1D']);
    expect(config.build_input_shape).toEqual([null, 6, 3]);
    const again = keras.Sequential.from_config(config);
    expect(again.get_config()).toEqual(config);
    expect(again.summary()).toBe(model.summary());
    const x = torch.randn(2, 6, 3);
    const y1 = model.predict(x);
    const y2 = again.predict(x);
    expect(firstMismatch(y2.data, y1.data)).toBe(-1);
  });

  test('from_config takes custom_objects for classes not registered, and Keras 2 InputLayer configs', () => {
    const config = {
      name: 'k2',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 2] } },
        { class_name: 'Broken', config: { name: 'b' } },
      ],
    };
    expect(() => keras.Sequential.from_config(config)).toThrow("Sequential.from_config: unknown layer class_name \"Broken\"");
    const model = keras.Sequential.from_config(config, { Broken });
    expect(model.input_shape).toEqual([null, 4, 2]);
    expect(model.layers[0]).toBeInstanceOf(Broken);
  });

  test('nested Sequential models', () => {
    const inner = new keras.Sequential([new Scale({ init_value: 2 })], { name: 'inner' });
    const outer = new keras.Sequential([inner, new keras.layers.GlobalAveragePooling1D()], { name: 'outer' });
    const y = outer.predict([[[1, 2], [3, 4]]]);
    expect(y.tolist()).toEqual([[4, 6]]);
    const again = keras.Sequential.from_config(JSON.parse(JSON.stringify(outer.get_config())), { Scale });
    expect(again.predict([[[1, 2], [3, 4]]]).tolist()).toEqual([[4, 6]]);
  });

  test('get_weights / set_weights over the whole model', () => {
    const model = new keras.Sequential([new Scale({ input_shape: [3, 2] }), new keras.layers.GlobalAveragePooling1D(), new Scale()]);
    expect(model.get_weights()).toHaveLength(2);
    model.set_weights([[2, 3], [10, 100]]);
    expect(model.predict([[[1, 1], [1, 1], [1, 1]]]).tolist()).toEqual([[20, 300]]);
    expect(() => model.set_weights([[1, 2]])).toThrow('Sequential.set_weights: expects a list of 2 weights, got 1');
  });

  test('errors name Sequential, the layer and the shapes', () => {
    const model = new keras.Sequential([new keras.layers.GlobalAveragePooling1D({ input_shape: [10, 3], name: 'g' })]);
    expect(() => model.add(new keras.layers.GlobalAveragePooling1D({ name: 'g2' })))
      .toThrow("Sequential.add: layer 'g2' (GlobalAveragePooling1D) cannot take input of shape [null, 3]");
    expect(model.layers).toHaveLength(1);
    expect(() => model.add(new keras.layers.GlobalAveragePooling1D({ name: 'g' })))
      .toThrow("Sequential.add: all layers in a Sequential model must have unique names; 'g' is already");
    expect(() => model.add({})).toThrow(TypeError);
    expect(() => model.predict(torch.zeros(2, 5, 3)))
      .toThrow('Sequential.predict: x must have shape [null, 10, 3] (null: any size) to fit this model, got shape [2, 5, 3]');
    expect(() => new keras.Sequential().predict([[[1]]])).toThrow('Sequential.predict: the model has no layers');
    expect(() => new keras.Sequential('x')).toThrow(TypeError);
  });

  test('a small CNN: predict equals the layers chained by hand, summary counts params', () => {
    torch.manual_seed(7);
    const layers = [
      new keras.layers.Conv2D({ filters: 8, kernel_size: 3, padding: 'same', activation: 'relu', input_shape: [16, 16, 3] }),
      new keras.layers.MaxPooling2D({ pool_size: 2 }),
      new keras.layers.Conv2D({ filters: 4, kernel_size: 3, padding: 'valid' }),
      new keras.layers.AveragePooling2D({ pool_size: 2 }),
      new keras.layers.GlobalAveragePooling2D ? new keras.layers.GlobalAveragePooling2D() : null,
    ].filter(Boolean);
    const model = new keras.Sequential(layers);
    const x = torch.randn(2, 16, 16, 3);
    const y = model.predict(x);
    let want = x;
    for (const l of layers) want = l.apply(want);
    expect(y.shape).toEqual(want.shape);
    expect(firstMismatch(y.data, want.data)).toBe(-1);
    expect(model.count_params()).toBe((3 * 3 * 3 * 8 + 8) + (3 * 3 * 8 * 4 + 4));
    expect(model.summary()).toContain('(None, 16, 16, 8)');
    const again = keras.Sequential.from_config(JSON.parse(JSON.stringify(model.get_config())));
    again.set_weights(model.get_weights());
    expect(firstMismatch(again.predict(x).data, y.data)).toBe(-1);
  });
});
