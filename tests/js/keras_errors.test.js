// Bad input to the Keras layers between the convolutions and to the
// functional API: a clear Error naming the layer, the argument, expected vs
// given; nothing leaks and the module stays usable.
import { backend, init, keras, torch } from '../../js/index.js';

const L = keras.layers;
beforeAll(() => init({ threads: 1 }));

const live = () => backend().memory.tensors;

// Tensors the test itself passes in: not the layer's to free.
let callerMade = 0;
const ones = (...shape) => {
  callerMade++;
  return torch.ones(...shape);
};
const zeros = (...shape) => {
  callerMade++;
  return torch.zeros(...shape);
};

function stillWorks() {
  const y = new L.Dense({ units: 2, kernel_initializer: 'ones' }).apply([[1, 2]]);
  expect(y.tolist()).toEqual([[3, 3]]);
  y.dispose();
}

// Runs fn, expects it to throw matching `message`, then checks no tensor
// leaked and the module still runs.
function refuses(fn, message, type = Error) {
  const before = live();
  const made = callerMade;
  let err = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(type);
  expect(err.message).toMatch(message);
  expect(live() - (callerMade - made)).toBe(before);
  stillWorks();
}

describe('construction options', () => {
  test.each([
    [() => new L.Dense({}), /^Dense: units is required/],
    [() => new L.Dense({ units: 0 }), /^Dense: units must be >= 1, got 0/],
    [() => new L.Dense({ units: 2, activation: 'nope' }), /^Dense: activation must be one of .* got "nope"/],
    [() => new L.Dense({ units: 2, bogus: 1 }), /^Dense: unknown option 'bogus'/],
    [() => new L.BatchNormalization({ axis: 'x' }), /^BatchNormalization: axis must be an integer/],
    [() => new L.BatchNormalization({ epsilon: 0 }), /^BatchNormalization: epsilon must be > 0/],
    [() => new L.ReLU({ max_value: -1 }), /^ReLU: max_value must be >= 0, got -1/],
    [() => new L.LeakyReLU({ alpha: 0.1, negative_slope: 0.2 }), /^LeakyReLU: give negative_slope or alpha/],
    [() => new L.PReLU({ shared_axes: [0] }), /^PReLU: shared_axes must be null or axes >= 1/],
    [() => new L.Activation({}), /^Activation: activation is required/],
    [() => new L.Reshape({ target_shape: [-1, -1] }), /^Reshape: target_shape must be .* at most one -1/],
    [() => new L.Permute({ dims: [0, 1] }), /^Permute: dims must be a permutation of 1..2/],
    [() => new L.Dropout({ rate: 1 }), /^Dropout: rate must be in \[0, 1\), got 1/],
    [() => new L.ZeroPadding2D({ padding: [1, 2, 3] }), /^ZeroPadding2D: padding must be/],
    [() => new L.Cropping1D({ cropping: -1 }), /^Cropping1D: cropping must be a non-negative int/],
    [() => new L.UpSampling2D({ interpolation: 'bicubic' }), /^UpSampling2D: interpolation must be 'nearest' or 'bilinear', got "bicubic"/],
    [() => new L.UpSampling1D({ size: 0 }), /^UpSampling1D: size must be a positive int/],
    [() => new L.Concatenate({ axis: 1.5 }), /^Concatenate: axis must be an integer/],
    [() => new L.DepthwiseConv2D({ kernel_size: 3, depth_multiplier: 0 }), /^DepthwiseConv2D: depth_multiplier must be >= 1/],
    [() => new L.DepthwiseConv2D({ kernel_size: 3, data_format: 'nchw' }), /^DepthwiseConv2D: data_format must be 'channels_last' or 'channels_first', got "nchw"/],
    [() => new L.SeparableConv2D({ kernel_size: 3 }), /^SeparableConv2D: filters is required/],
    [() => new L.Conv2DTranspose({ filters: 2, kernel_size: 3, strides: 2, output_padding: 2 }), /^Conv2DTranspose: output_padding 2 must be smaller than strides \[2, 2\]/],
    [() => new L.Conv1DTranspose({ filters: 2, kernel_size: 3, padding: 'causal' }), /^Conv1DTranspose: padding must be one of 'valid', 'same', got "causal"/],
  ])('%#', (fn, message) => refuses(fn, message));
});

describe('inputs that do not fit', () => {
  test('merges: shape mismatches, counts, non-lists', () => {
    refuses(() => new L.Add().apply([[[1, 2, 3]], [[1, 2, 3, 4]]]), /^Add: inputs with shapes \[1, 3\] and \[1, 4\] cannot be merged: dimension 1 is 3 in one and 4 in another/);
    refuses(() => new L.Subtract().apply([[[1]], [[2]], [[3]]]), /^Subtract: expects exactly 2 inputs, got 3/);
    refuses(() => new L.Multiply().apply(ones(2, 2)), /^Multiply: inputs must be an array of tensors/, TypeError);
    refuses(() => new L.Concatenate({ axis: 1 }).apply([[[[1]]], [[[1, 2]]]]), /^Concatenate: inputs must have matching shapes except on the concatenation axis 1; input 1 has shape \[1, 1, 2\]/);
    refuses(() => new L.Concatenate({ axis: 3 }).apply([[[1]], [[2]]]), /^Concatenate: axis 3 is out of range for inputs with 2 dimensions/);
  });

  test('layers built for one shape refuse another', () => {
    const d = new L.Dense({ units: 2 });
    d.apply([[1, 2, 3]]).dispose();
    refuses(() => d.apply([[1, 2]]), /^Dense: input must have 3 features in its last dimension \(the kernel is \[3, 2\]\), got shape \[1, 2\]/);
    const bn = new L.BatchNormalization();
    bn.apply([[1, 2]]).dispose();
    refuses(() => bn.apply([[1, 2, 3]]), /^BatchNormalization: input must have 2 channels on axis -1, got shape \[1, 3\]/);
    const dw = new L.DepthwiseConv2D({ kernel_size: 1 });
    dw.apply(torch.ones(1, 2, 2, 3)).dispose();
    refuses(() => dw.apply(ones(1, 2, 2, 4)), /^DepthwiseConv2D: inputs must have 3 channels/);
    refuses(() => new L.BatchNormalization({ axis: 4 }).apply([[1, 2]]), /^BatchNormalization: axis 4 is out of range for an input with 2 dimensions/);
    refuses(() => new L.Reshape({ target_shape: [4] }).apply([[1, 2, 3]]), /^Reshape: target_shape \[4\] holds 4 values per sample, the input of shape \[1, 3\] has 3/);
    refuses(() => new L.Permute({ dims: [2, 1] }).apply([[1, 2]]), /^Permute: input must have 3 dimensions/);
    refuses(() => new L.Cropping1D({ cropping: [2, 1] }).apply([[[1], [2], [3]]]), /^Cropping1D: cropping \[2, 1\] removes 3 of the 3 elements/);
    refuses(() => new L.ZeroPadding2D().apply([[1, 2]]), /^ZeroPadding2D: input must have 4 dimensions/);
    refuses(() => new L.UpSampling2D().apply(ones(1, 2, 2)), /^UpSampling2D: input must have 4 dimensions/);
    refuses(() => new L.DepthwiseConv2D({ kernel_size: 5 }).apply(ones(1, 3, 3, 1)), /^DepthwiseConv2D: kernel_size 5 with dilation_rate 1 spans 5 steps, more than the input's 3/);
    refuses(() => new L.PReLU({ shared_axes: [3] }).apply([[1, 2]]), /^PReLU: shared_axes \[3\] has axis 3, beyond the input's 2 dimensions/);
  });

  test('set_weights: counts and shapes, checked before anything changes', () => {
    const bn = new L.BatchNormalization();
    bn.build([null, 3]);
    refuses(() => bn.set_weights([ones(3)]), /^BatchNormalization: set_weights expects a list of 4 weights \(gamma, beta, moving_mean, moving_variance\), got 1/);
    const keep = bn.get_weights().map((w) => Array.from(w.data));
    refuses(() => bn.set_weights([ones(3), ones(3), ones(3), ones(4)]), /^BatchNormalization: set_weights: moving_variance must have shape \[3\], got shape \[4\]/);
    expect(bn.get_weights().map((w) => Array.from(w.data))).toEqual(keep);
    const dw = new L.DepthwiseConv2D({ kernel_size: 3, depth_multiplier: 2 });
    dw.build([null, 5, 5, 4]);
    refuses(() => dw.set_weights([ones(3, 3, 1, 8), zeros(8)]), /^DepthwiseConv2D: set_weights: depthwise_kernel must have shape \[3, 3, 4, 2\], got shape \[3, 3, 1, 8\]/);
    const t = new L.Conv2DTranspose({ filters: 2, kernel_size: 3 });
    t.build([null, 4, 4, 5]);
    refuses(() => t.set_weights([ones(3, 3, 5, 2), zeros(2)]), /^Conv2DTranspose: set_weights: kernel must have shape \[3, 3, 2, 5\]/);
    refuses(() => new L.Dense({ units: 2 }).set_weights([]), /^Dense: set_weights: the layer 'dense_\d+' is not built yet/);
    refuses(() => new L.Dense({ units: 2 }).count_params(), /^Dense: count_params: the layer 'dense_\d+' is not built yet/);
  });
});

describe('functional API', () => {
  test('graph construction errors', () => {
    const a = keras.Input({ shape: [3], name: 'ea' });
    const b = keras.Input({ shape: [4], name: 'eb' });
    refuses(() => new L.Add().apply([a, b]), /^Add: inputs with shapes \[None, 3\] and \[None, 4\] cannot be merged/);
    refuses(() => new L.Add().apply([a, ones(1, 3)]), /^Add: inputs\[1\] must be a symbolic tensor \(from keras.Input or another layer\) when the others are, got Tensor/);
    const y = new L.Dense({ units: 2 }).apply(new L.Concatenate().apply([a, new L.Dense({ units: 3 }).apply(b)]));
    refuses(() => new keras.Model({ inputs: a, outputs: y }), /^Model: the graph is disconnected: output depends on input 'eb', which is not in this model's inputs \(ea\)/);
    refuses(() => new keras.Model({ inputs: a }), /^Model: inputs and outputs are required/);
    refuses(() => new keras.Model({ inputs: [a, 3], outputs: y }), /^Model: inputs\[1\] must be a symbolic tensor/, TypeError);
    refuses(() => keras.Input({}), /^InputLayer: shape is required/);
    refuses(() => new L.Dense({ units: 2 }).apply(keras.Input({ shape: [null] })), /^Dense: the last dimension of the input must be known/);
  });

  test('predict errors', () => {
    const a = keras.Input({ shape: [3], name: 'pa' });
    const b = keras.Input({ shape: [2], name: 'pb' });
    const m = new keras.Model({ inputs: [a, b], outputs: new L.Concatenate().apply([a, b]) });
    refuses(() => m.predict(ones(1, 3)), /^Model.predict: the model has 2 inputs; x must be an array of 2 tensors/);
    refuses(() => m.predict([ones(1, 3), ones(1, 3)]), /^Model.predict: input 'pb' must have shape \[null, 2\] \(null: any size\), got shape \[1, 3\]/);
    refuses(() => m.predict({ pa: ones(1, 3) }), /^Model.predict: x has no entry for input 'pb'/);
    refuses(() => m.set_weights([ones(1)]), /^Model.set_weights: expects a list of 0 weights, got 1/);
    refuses(() => m.get_layer('nope'), /^Model.get_layer: no layer "nope"/);
    refuses(() => keras.Model.from_config({ layers: [{ class_name: 'NoSuchLayer', config: {}, name: 'x', inbound_nodes: [] }] }), /unknown layer class_name "NoSuchLayer"/);
    expect(m.predict([[[1, 2, 3]], [[4, 5]]]).tolist()).toEqual([[1, 2, 3, 4, 5]]);
  });
});
