// torch.nn.functional and torch.nn layers between the convolutions: the
// examples of PyTorch's documentation with their printed outputs, values
// computed by hand, the call forms (positional, options object), NaN, and an
// error for every bad argument.
import { backend, init, torch } from '../../js/index.js';

// TODO(conv_transpose): these run once js/ops/conv_transpose.js has landed
// (js/torch/functional/conv_transpose.js sets the flag).

const F = () => torch.nn.functional;
const nn = () => torch.nn;
const liveTensors = () => backend().memory.tensors;

beforeAll(() => init({ threads: 2 }));

// Rounded values, -0 as 0.
const round = (t, digits = 4) => t.tolist().flat(Infinity).map((v) => Number(v.toFixed(digits)) + 0);
const arange = (n, ...shape) => torch.arange(n).reshape(...shape);

describe('examples from PyTorch\'s documentation', () => {
  test('F.pad shapes (t4d of shape (3, 3, 4, 2))', () => {
    const t4d = torch.zeros(3, 3, 4, 2);
    expect(F().pad(t4d, [1, 1], 'constant', 0).shape).toEqual([3, 3, 4, 4]);
    expect(F().pad(t4d, [1, 1, 2, 2], 'constant', 0).shape).toEqual([3, 3, 8, 4]);
    expect(F().pad(t4d, [0, 1, 2, 1, 3, 3], 'constant', 0).shape).toEqual([3, 9, 7, 3]);
  });

  test('nn.ReflectionPad2d(2) and nn.ReplicationPad2d(2) on arange(9) (1, 1, 3, 3)', () => {
    const x = arange(9, 1, 1, 3, 3);
    expect(new (nn().ReflectionPad2d)(2).forward(x).tolist()).toEqual([[[
      [8, 7, 6, 7, 8, 7, 6], [5, 4, 3, 4, 5, 4, 3], [2, 1, 0, 1, 2, 1, 0], [5, 4, 3, 4, 5, 4, 3],
      [8, 7, 6, 7, 8, 7, 6], [5, 4, 3, 4, 5, 4, 3], [2, 1, 0, 1, 2, 1, 0]]]]);
    expect(new (nn().ReplicationPad2d)(2).forward(x).tolist()).toEqual([[[
      [0, 0, 0, 1, 2, 2, 2], [0, 0, 0, 1, 2, 2, 2], [0, 0, 0, 1, 2, 2, 2], [3, 3, 3, 4, 5, 5, 5],
      [6, 6, 6, 7, 8, 8, 8], [6, 6, 6, 7, 8, 8, 8], [6, 6, 6, 7, 8, 8, 8]]]]);
    // ReflectionPad2d((1, 1, 2, 0)) from the same page.
    expect(new (nn().ReflectionPad2d)([1, 1, 2, 0]).forward(x).tolist()).toEqual([[[
      [7, 6, 7, 8, 7], [4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [7, 6, 7, 8, 7]]]]);
  });

  test('nn.ConstantPad1d(2, 3.5) and nn.CircularPad1d(2)', () => {
    const x = torch.tensor([[[1, 2, 3, 4]]]);
    expect(new (nn().ConstantPad1d)(2, 3.5).forward(x).tolist()).toEqual([[[3.5, 3.5, 1, 2, 3, 4, 3.5, 3.5]]]);
    expect(new (nn().CircularPad1d)(2).forward(x).tolist()).toEqual([[[3, 4, 1, 2, 3, 4, 1, 2]]]);
    expect(new (nn().ZeroPad2d)([1, 0, 0, 1]).forward([[[1, 2], [3, 4]]]).tolist()).toEqual([[[0, 1, 2], [0, 3, 4], [0, 0, 0]]]);
  });

  test('nn.Upsample on [[1, 2], [3, 4]]: nearest, bilinear, bilinear with align_corners', () => {
    const x = torch.tensor([[[[1, 2], [3, 4]]]]);
    expect(new (nn().Upsample)({ scale_factor: 2, mode: 'nearest' }).forward(x).tolist()).toEqual([[[
      [1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
    expect(round(new (nn().Upsample)({ scale_factor: 2, mode: 'bilinear' }).forward(x))).toEqual([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    expect(round(new (nn().Upsample)({ scale_factor: 2, mode: 'bilinear', align_corners: true }).forward(x))).toEqual([
      1, 1.3333, 1.6667, 2, 1.6667, 2, 2.3333, 2.6667, 2.3333, 2.6667, 3, 3.3333, 3, 3.3333, 3.6667, 4]);
    expect(round(new (nn().UpsamplingBilinear2d)({ scale_factor: 2 }).forward(x))[1]).toBe(1.3333);
    // The positional form: Upsample(size, scale_factor, mode).
    expect(new (nn().Upsample)(null, 2).forward(x).shape).toEqual([1, 1, 4, 4]);
  });

  test('nn.Flatten and torch.flatten', () => {
    const x = torch.zeros(32, 1, 5, 5);
    expect(new (nn().Flatten)().forward(x).shape).toEqual([32, 25]);
    expect(new (nn().Flatten)(0, 2).forward(x).shape).toEqual([160, 5]);
    const t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(torch.flatten(t).tolist()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(torch.flatten(t, { start_dim: 1 }).tolist()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(torch.flatten(t, 0, -2).shape).toEqual([4, 2]);
    expect(torch.flatten(torch.tensor(5)).shape).toEqual([1]);
  });

  test('torch.cat of x (2, 3) three times', () => {
    const x = torch.tensor([[0.6580, -1.0969, -0.4614], [-0.1034, -0.5790, 0.1497]]);
    expect(torch.cat([x, x, x], 0).shape).toEqual([6, 3]);
    const y = torch.cat([x, x, x], 1);
    expect(y.shape).toEqual([2, 9]);
    expect(round(y)[3]).toBe(0.658);
    expect(torch.cat([[[1], [2]], [[3], [4]]], { dim: 1 }).tolist()).toEqual([[1, 3], [2, 4]]);
  });

  test('nn.Linear(20, 30) on (128, 20)', () => {
    expect(new (nn().Linear)(20, 30).forward(torch.randn(128, 20)).shape).toEqual([128, 30]);
  });

  test('ConvTranspose2d output_size gives back the input size', () => {
    const input = torch.randn(1, 16, 12, 12);
    const downsample = new (nn().Conv2d)(16, 16, 3, { stride: 2, padding: 1 });
    const upsample = new (nn().ConvTranspose2d)(16, 16, 3, { stride: 2, padding: 1 });
    const h = downsample.forward(input);
    expect(h.shape).toEqual([1, 16, 6, 6]);
    expect(upsample.forward(h).shape).toEqual([1, 16, 11, 11]);
    expect(upsample.forward(h, input.shape).shape).toEqual([1, 16, 12, 12]);
    expect(() => upsample.forward(h, [14, 14])).toThrow(/^ConvTranspose2d: requested an output size of \[14, 14\], but valid sizes range from \[11\] to \[12\]/);
  });

  test('nn.Softmax(dim=1) rows sum to 1; F.softmax without dim uses PyTorch\'s implicit dim', () => {
    const x = torch.tensor([[1, 2, 3], [1, 1, 1]]);
    expect(round(new (nn().Softmax)(1).forward(x))).toEqual([0.09, 0.2447, 0.6652, 0.3333, 0.3333, 0.3333]);
    expect(round(F().softmax(x))).toEqual(round(F().softmax(x, 1)));  // 2-D: dim 1
    expect(round(F().softmax(torch.tensor([[[1]], [[2]]])), 4)).toEqual([0.2689, 0.7311]);  // 3-D: dim 0
    expect(round(F().log_softmax(x, -1))).toEqual([-2.4076, -1.4076, -0.4076, -1.0986, -1.0986, -1.0986]);
  });
});

describe('values computed by hand', () => {
  let x;
  beforeAll(() => { x = torch.tensor([-3, -1, -0.5, 0, 0.5, 2, 7]); });

  test('each activation at a few points, positional and named arguments', () => {
    expect(F().relu(x).tolist()).toEqual([0, 0, 0, 0, 0.5, 2, 7]);
    expect(F().relu6(x).tolist()).toEqual([0, 0, 0, 0, 0.5, 2, 6]);
    expect(round(F().leaky_relu(x))).toEqual([-0.03, -0.01, -0.005, 0, 0.5, 2, 7]);
    expect(round(F().leaky_relu(x, 0.5))).toEqual([-1.5, -0.5, -0.25, 0, 0.5, 2, 7]);
    expect(round(F().leaky_relu(x, { negative_slope: 0.5 }))).toEqual([-1.5, -0.5, -0.25, 0, 0.5, 2, 7]);
    expect(round(F().elu(x, 2))).toEqual([2 * (Math.exp(-3) - 1), 2 * (Math.exp(-1) - 1), 2 * (Math.exp(-0.5) - 1), 0, 0.5, 2, 7].map((v) => Number(v.toFixed(4))));
    expect(round(F().hardsigmoid(x))).toEqual([0, 0.3333, 0.4167, 0.5, 0.5833, 0.8333, 1]);
    expect(round(F().hardswish(x))).toEqual([0, -0.3333, -0.2083, 0, 0.2917, 1.6667, 7]);
    expect(round(F().softsign(x))).toEqual([-0.75, -0.5, -0.3333, 0, 0.3333, 0.6667, 0.875]);
    expect(round(F().silu(x))).toEqual([-3 / (1 + Math.exp(3)), -1 / (1 + Math.E), -0.5 / (1 + Math.exp(0.5)), 0, 0.5 / (1 + Math.exp(-0.5)), 2 / (1 + Math.exp(-2)), 7 / (1 + Math.exp(-7))].map((v) => Number(v.toFixed(4))));
    // softplus: log(1 + exp(beta x)) / beta, and x itself past threshold / beta.
    expect(round(F().softplus(torch.tensor([0, 1, 30])))).toEqual([0.6931, 1.3133, 30]);
    expect(round(F().softplus(torch.tensor([0, 1, 3]), 2, 5))).toEqual([0.3466, Number((Math.log1p(Math.exp(2)) / 2).toFixed(4)), 3]);
    expect(round(F().selu(torch.tensor([1, -1])))).toEqual([1.0507, -1.1113]);
    expect(round(F().gelu(torch.tensor([1, -1])))).toEqual([0.8413, -0.1587]);
    expect(round(F().gelu(torch.tensor([1]), 'tanh'))).toEqual([0.8412]);
    expect(round(F().gelu(torch.tensor([1]), { approximate: 'tanh' }))).toEqual([0.8412]);
    expect(round(F().sigmoid(torch.tensor([0, 2])))).toEqual([0.5, 0.8808]);
    expect(round(F().tanh(torch.tensor([0, 1])))).toEqual([0, 0.7616]);
  });

  test('NaN propagates through every activation and softmax, as in PyTorch', () => {
    const nan = torch.tensor([NaN, 1]);
    for (const name of ['relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'gelu', 'silu', 'hardswish', 'hardsigmoid',
      'sigmoid', 'tanh', 'softplus', 'softsign']) {
      expect([name, Number.isNaN(F()[name](nan).data[0])]).toEqual([name, true]);
      const module = { relu: 'ReLU', relu6: 'ReLU6', leaky_relu: 'LeakyReLU', elu: 'ELU', selu: 'SELU', gelu: 'GELU', silu: 'SiLU',
        hardswish: 'Hardswish', hardsigmoid: 'Hardsigmoid', sigmoid: 'Sigmoid', tanh: 'Tanh', softplus: 'Softplus', softsign: 'Softsign' }[name];
      expect([module, Number.isNaN(new (nn()[module])().forward(nan).data[0])]).toEqual([module, true]);
    }
    expect(Array.from(F().softmax(nan, 0).data).every(Number.isNaN)).toBe(true);
  });

  test('module activations hold their arguments', () => {
    expect(round(new (nn().LeakyReLU)(0.5).forward(x))[0]).toBe(-1.5);
    expect(round(new (nn().ELU)({ alpha: 2 }).forward(torch.tensor([-1])))).toEqual([Number((2 * (Math.exp(-1) - 1)).toFixed(4))]);
    expect(round(new (nn().GELU)('tanh').forward(torch.tensor([1])))).toEqual([0.8412]);
    expect(round(new (nn().Softplus)(2, 5).forward(torch.tensor([3])))).toEqual([3]);
    expect(String(new (nn().LeakyReLU)(0.2))).toBe('LeakyReLU(negative_slope=0.2)');
    expect(String(new (nn().GELU)('tanh'))).toBe("GELU(approximate='tanh')");
  });

  test('linear: x W^T + b, with and without bias, any leading dims', () => {
    const w = torch.tensor([[1, 2], [0, -1], [3, 0]]);
    expect(F().linear([[1, 1], [2, 0]], w).tolist()).toEqual([[3, -1, 3], [2, 0, 6]]);
    expect(F().linear([[1, 1]], w, [10, 20, 30]).tolist()).toEqual([[13, 19, 33]]);
    expect(F().linear([[[1, 1]], [[2, 0]]], w, { bias: [1, 1, 1] }).tolist()).toEqual([[[4, 0, 4]], [[3, 1, 7]]]);
    expect(F().linear([1, 1], w).tolist()).toEqual([3, -1, 3]);  // 1-D input
  });

  test('batch_norm with running statistics, with weight and bias, eps inside the sqrt', () => {
    const y = F().batch_norm([[1, 10], [3, 20]], [2, 10], [4, 25], [2, 1], [0, 1], { eps: 0 });
    expect(round(y)).toEqual([-1, 1, 1, 3]);
    const z = F().batch_norm([[[1, 3]]], [1], [3], null, null, false, 0.1, 1);  // (3 - 1) / sqrt(3 + 1)
    expect(round(z)).toEqual([0, 1]);
  });

  test('batch_norm(training=true): normalises by the batch, updates running stats with the unbiased variance', () => {
    const rm = torch.tensor([0, 0]);
    const rv = torch.tensor([1, 1]);
    const x = torch.tensor([[1, 2], [3, 6]]);  // means [2, 4], biased var [1, 4], unbiased [2, 8]
    const y = F().batch_norm(x, rm, rv, null, null, true, 0.1, 0);
    expect(round(y)).toEqual([-1, -1, 1, 1]);
    expect(round(rm)).toEqual([0.2, 0.4]);
    expect(round(rv)).toEqual([1.1, 1.7]);
    // Plain arrays are updated in place too, and no running stats at all is allowed.
    const arrMean = [0, 0];
    const arrVar = [1, 1];
    F().batch_norm(x, arrMean, arrVar, { training: true, momentum: 0.5 });
    expect(arrMean.map((v) => Number(v.toFixed(4)))).toEqual([1, 2]);
    expect(arrVar.map((v) => Number(v.toFixed(4)))).toEqual([1.5, 4.5]);
    expect(round(F().batch_norm(x, null, null, { training: true, eps: 0 }))).toEqual([-1, -1, 1, 1]);
  });

  test('nn.BatchNorm1d / 2d: train() uses and updates batch stats, eval() uses running stats', () => {
    const bn = new (nn().BatchNorm1d)(2, { eps: 0 });
    expect(bn.training).toBe(true);
    const x = torch.tensor([[1, 2], [3, 6]]);
    expect(round(bn.forward(x))).toEqual([-1, -1, 1, 1]);
    expect(round(bn.running_mean)).toEqual([0.2, 0.4]);
    expect(round(bn.running_var)).toEqual([1.1, 1.7]);
    expect(bn.num_batches_tracked).toBe(1);
    bn.eval();
    expect(round(bn.forward(x), 3)).toEqual([(1 - 0.2) / Math.sqrt(1.1), (2 - 0.4) / Math.sqrt(1.7), (3 - 0.2) / Math.sqrt(1.1), (6 - 0.4) / Math.sqrt(1.7)].map((v) => Number(v.toFixed(3))));
    expect(bn.num_batches_tracked).toBe(1);
    // momentum=null: the cumulative average of the batches' statistics.
    const cum = new (nn().BatchNorm1d)(1, { momentum: null });
    cum.forward([[1], [3]]);
    cum.forward([[5], [7]]);
    expect(round(cum.running_mean)).toEqual([4]);
    expect(round(cum.running_var)).toEqual([2]);
    // track_running_stats=false: batch statistics in eval too, no buffers.
    const free = new (nn().BatchNorm2d)(1, { track_running_stats: false, eps: 0 }).eval();
    expect(free.running_mean).toBe(null);
    expect(round(free.forward([[[[1, 3]]]]))).toEqual([-1, 1]);
    // BatchNorm2d on (N, C, H, W) with affine weights.
    const bn2 = new (nn().BatchNorm2d)(2).eval();
    bn2.load_state_dict({ weight: [2, 3], bias: [1, -1], running_mean: [1, 2], running_var: [4, 9] }, false);
    expect(round(bn2.forward([[[[5]], [[8]]]]), 3)).toEqual([1 + 2 * 4 / Math.sqrt(4 + 1e-5), -1 + 3 * 6 / Math.sqrt(9 + 1e-5)].map((v) => Number(v.toFixed(3))));
  });

  test('interpolate nearest uses PyTorch\'s floor rule; size by options', () => {
    expect(F().interpolate([[[1, 2, 3]]], { size: 5 }).tolist()).toEqual([[[1, 1, 2, 2, 3]]]);
    expect(F().interpolate([[[1, 2, 3, 4, 5]]], 2).tolist()).toEqual([[[1, 3]]]);
    expect(round(F().interpolate([[[1, 2]]], null, 2, 'linear', true))).toEqual([1, 1.3333, 1.6667, 2]);
    // recompute_scale_factor=true: the scale from the sizes (5 -> 7 by 1.5).
    expect(F().interpolate([[[1, 2, 3, 4, 5]]], { scale_factor: 1.5, recompute_scale_factor: true }).tolist()).toEqual([[[1, 1, 2, 3, 3, 4, 5]]]);
  });

  test('conv_transpose: each input spreads the kernel at stride steps; unbatched input', () => {
    const y = F().conv_transpose1d([[[1, 2]]], [[[1, 10, 100]]], null, 2);
    expect(y.tolist()).toEqual([[[1, 10, 102, 20, 200]]]);
    expect(F().conv_transpose1d([[1, 2]], [[[1, 10, 100]]], [5], 2).tolist()).toEqual([[6, 15, 107, 25, 205]]);
    expect(F().conv_transpose1d([[[1, 2]]], [[[1, 10, 100]]], { stride: 2, padding: 1, output_padding: 1 }).tolist()).toEqual([[[10, 102, 20, 200]]]);
    const y2 = F().conv_transpose2d([[[[1, 2]]]], [[[[1, 1], [1, 1]]]], null, 2);
    expect(y2.tolist()).toEqual([[[[1, 1, 2, 2], [1, 1, 2, 2]]]]);
  });

  test('torch.add / sub / mul / div broadcast; alpha; scalars', () => {
    const a = torch.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(torch.add(a, [10, 20, 30]).tolist()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(torch.add(a, [[1], [2]], 10).tolist()).toEqual([[11, 12, 13], [24, 25, 26]]);
    expect(torch.add(a, 1, { alpha: 2 }).tolist()).toEqual([[3, 4, 5], [6, 7, 8]]);
    expect(torch.sub(a, [1, 1, 1]).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(torch.mul(a, 2).tolist()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect(torch.div(a, [1, 2, 3]).tolist()).toEqual([[1, 1, 1], [4, 2.5, 2]]);
    // Squeeze-excite: x (N, C, H, W) * s (N, C, 1, 1).
    const x = torch.ones(2, 3, 2, 2);
    const s = torch.tensor([1, 2, 3, 4, 5, 6], [2, 3, 1, 1]);
    expect(torch.mul(x, s).data.filter((_, i) => i % 4 === 0)).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(torch.mul(x, s).shape).toEqual([2, 3, 2, 2]);
  });
});

describe('dropout', () => {
  test('identity unless training; a new tensor sharing the values', () => {
    const x = torch.tensor([1, 2, 3]);
    const y = F().dropout(x);
    expect(y).not.toBe(x);
    expect(y.tolist()).toEqual([1, 2, 3]);
    y.dispose();
    expect(x.tolist()).toEqual([1, 2, 3]);
    const d = new (nn().Dropout)(0.9).eval();
    expect(d.forward(x).tolist()).toEqual([1, 2, 3]);
  });

  test('training: zeros with probability p from the seeded stream, the rest scaled by 1/(1-p)', () => {
    const n = 20000;
    const x = torch.ones(n);
    torch.manual_seed(1);
    const y = F().dropout(x, 0.3, true).data;
    torch.manual_seed(1);
    const again = F().dropout(x, { p: 0.3, training: true }).data;
    expect(Array.from(again)).toEqual(Array.from(y));
    const zeros = y.filter((v) => v === 0).length;
    expect(Math.abs(zeros / n - 0.3)).toBeLessThan(0.02);
    expect(y.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(Array.from(F().dropout(torch.ones(5), 1, true).data)).toEqual([0, 0, 0, 0, 0]);
    // nn.Dropout starts in training mode, as PyTorch's.
    torch.manual_seed(2);
    expect(new (nn().Dropout)(0.5).forward(x).data.filter((v) => v === 0).length).toBeGreaterThan(n * 0.45);
    expect(Number.isNaN(F().dropout(torch.tensor([NaN]), 0.5, true).data[0])).toBe(true);
  });
});

describe('errors name the function, the argument, expected and given', () => {
  test('activations and softmax', () => {
    expect(() => F().leaky_relu([1], 'a')).toThrow(/^leaky_relu: negative_slope must be a number, got "a"$/);
    expect(() => F().gelu([1], 'fast')).toThrow(/^gelu: approximate must be one of 'none', 'tanh', got "fast"$/);
    expect(() => new (nn().GELU)('fast')).toThrow(/^GELU: approximate must be one of 'none', 'tanh', got "fast"$/);
    expect(() => F().softplus([1], { beta: null })).toThrow(/^softplus: beta must be a number, got null$/);
    expect(() => F().relu([1], { slope: 1 })).toThrow(/^relu: got an unexpected argument 'slope'/);
    expect(() => F().relu('x')).toThrow(/^relu: .*input/);
    expect(() => F().softmax([[1, 2]], 2)).toThrow(/^softmax: .*dim/);
    expect(() => F().log_softmax([[1, 2]], 0, 3, 'float64')).toThrow(/^log_softmax: dtype must be one of 'float32', got "float64"$/);
    expect(() => new (nn().Softmax)(1.5)).toThrow(/^Softmax: dim must be an integer, got 1.5$/);
  });

  test('linear and Linear', () => {
    expect(() => F().linear([[1, 2, 3]], [[1, 2]])).toThrow(/^linear: /);
    expect(() => F().linear([[1, 2]], [[1, 2]], true)).toThrow(/^linear: bias must be a Tensor or null, got true$/);
    expect(() => new (nn().Linear)(2.5, 3)).toThrow(/^Linear: in_features must be an integer, got 2.5$/);
    expect(() => new (nn().Linear)(2, 3, 'yes')).toThrow(/^Linear: bias must be a boolean, got "yes"$/);
    expect(() => new (nn().Linear)(3, 2).forward([[1, 2]])).toThrow(/^Linear: /);
  });

  test('batch_norm and BatchNorm', () => {
    expect(() => F().batch_norm([[1, 2]], null, null)).toThrow(/^batch_norm: running_mean and running_var must be defined in evaluation mode/);
    expect(() => F().batch_norm([[1, 2]], [0, 0], null)).toThrow(/^batch_norm: running_mean and running_var must both be given or both be null$/);
    expect(() => F().batch_norm([[1, 2]], [0, 0], [1, 1], { training: true })).toThrow(/^batch_norm: expected more than 1 value per channel when training, got input size \[1, 2\]$/);
    expect(() => F().batch_norm([[1, 2], [3, 4]], [0, 0, 0], [1, 1, 1], { training: true })).toThrow(/^batch_norm: running_mean must be a Tensor or an array of 2 numbers/);
    // per-channel arguments are named as PyTorch names them
    const x234 = torch.zeros(2, 3, 4);
    expect(() => F().batch_norm(x234, [0, 0], [1, 1, 1])).toThrow(/^batch_norm: running_mean must have shape \[3\] \(the size of axis 1 of input shape \[2, 3, 4\]\), got shape \[2\]/);
    expect(() => F().batch_norm(x234, [0, 0, 0], [1, 1, 1], { weight: [1, 1] })).toThrow(/^batch_norm: weight must have shape \[3\]/);
    expect(() => new (torch.nn.BatchNorm1d)(3).forward(torch.zeros(2, 4))).toThrow(/BatchNorm1d/);
    x234.dispose();
    expect(() => F().batch_norm([[1, 2]], [0, 0], [1, 1], null, null, 'no')).toThrow(/^batch_norm: training must be a boolean, got "no"$/);
    expect(() => F().batch_norm([[1, 2]], [0, 0, 0], [1, 1, 1])).toThrow(/^batch_norm: /);
    expect(() => new (nn().BatchNorm2d)(3).forward(torch.zeros(3, 4, 4))).toThrow(/^BatchNorm2d: expected 4D input, got 3D input of shape \[3, 4, 4\]$/);
    expect(() => new (nn().BatchNorm1d)(3).forward(torch.zeros(2, 4))).toThrow(/^BatchNorm1d: expected input with 3 channels \(num_features\) at dim 1, got shape \[2, 4\]$/);
    expect(() => new (nn().BatchNorm1d)(0)).toThrow(/^BatchNorm1d: num_features must be >= 1, got 0$/);
    expect(() => new (nn().BatchNorm1d)(2, { momentum: '0.1' })).toThrow(/^BatchNorm1d: momentum must be a number, got "0.1"$/);
    // A failed training step leaves the running statistics as they were.
    const bn = new (nn().BatchNorm1d)(2);
    expect(() => bn.forward([[1, 2]])).toThrow(/^BatchNorm1d: expected more than 1 value per channel/);
    expect(bn.running_mean.tolist()).toEqual([0, 0]);
    expect(bn.num_batches_tracked).toBe(0);
  });

  test('pad and the padding modules', () => {
    expect(() => F().pad([[1, 2]], [1, 1], 'mirror')).toThrow(/^pad: mode must be one of 'constant', 'reflect', 'replicate', 'circular', got "mirror"$/);
    expect(() => F().pad([[[1, 2]]], [1, 1], 'reflect', 2)).toThrow(/^pad: padding mode "reflect" doesn't take in value argument, got value=2$/);
    expect(() => F().pad([[[1, 2]]], [1], 'constant')).toThrow(/^pad: /);
    expect(() => F().pad([[[1, 2]]], [2, 0], 'reflect')).toThrow(/^pad: /);
    expect(() => F().pad([[[1, 2]]], [3, 0], 'circular')).toThrow(/^pad: /);
    expect(() => F().pad([1, 2], [1, 1], 'constant', 'x')).toThrow(/^pad: value must be a number, got "x"$/);
    expect(() => new (nn().ReflectionPad2d)([1, 2, 3])).toThrow(/^ReflectionPad2d: padding must be an int or an array of 4 ints, got \[1, 2, 3\]$/);
    expect(() => new (nn().ZeroPad2d)(1.5)).toThrow(/^ZeroPad2d: padding must be an int or an array of 4 ints, got 1.5$/);
    expect(() => new (nn().ConstantPad2d)(1)).toThrow(/^ConstantPad2d: missing required argument 'value'$/);
    expect(() => new (nn().ReflectionPad1d)(3).forward([[[1, 2, 3]]])).toThrow(/^ReflectionPad1d: /);
  });

  test('interpolate and Upsample', () => {
    expect(() => F().interpolate([[[1, 2]]], 3, 2)).toThrow(/^interpolate: /);
    expect(() => F().interpolate([[[1, 2]]])).toThrow(/^interpolate: /);
    expect(() => F().interpolate([[[1, 2]]], { size: 3, mode: 'bilinear' })).toThrow(/^interpolate: /);
    expect(() => F().interpolate([[[1, 2]]], { size: 3, mode: 'cubic' })).toThrow(/^interpolate: /);
    expect(() => F().interpolate([[[1, 2]]], { size: 3, align_corners: true })).toThrow(/^interpolate: /);
    expect(() => F().interpolate([[[1, 2]]], { size: 3, antialias: true })).toThrow(/^interpolate: antialias=true is not supported/);
    expect(() => new (nn().Upsample)({ size: 3, scale_factor: 2 })).toThrow(/^Upsample: exactly one of size or scale_factor must be given$/);
    expect(() => new (nn().Upsample)({ scale_factor: 2, mode: 'area' })).toThrow(/^Upsample: mode must be one of 'nearest', 'linear', 'bilinear', got "area"$/);
    expect(() => new (nn().Upsample)({ scale_factor: 2, align_corners: true })).toThrow(/^Upsample: align_corners option can only be set with the interpolating modes/);
  });

  test('conv_transpose and ConvTranspose', () => {
    expect(() => F().conv_transpose1d([[[1, 2]]], [[[1, 1]]], null, 2, 0, 2)).toThrow(/^conv_transpose1d: output_padding must be smaller than either stride or dilation, got output_padding=\[2\], stride=\[2\], dilation=\[1\]$/);
    expect(() => F().conv_transpose1d([[[1, 2]]], [[[1, 1]]], null, 1, 'same')).toThrow(/^conv_transpose1d: padding must be an int or an array of 1 ints/);
    expect(() => F().conv_transpose2d([[1, 2]], [[[[1]]]])).toThrow(/^conv_transpose2d: input must have 3 or 4 dimensions \(C, H, W\) or \(N, C, H, W\), got shape \[1, 2\]$/);
    expect(() => F().conv_transpose1d([[[1, 2]]], [[[1]], [[1]]])).toThrow(/^conv_transpose1d: /);  // weight for 2 input channels
    expect(() => F().conv_transpose1d([[[1, 2]]], [[[1]]], true)).toThrow(/^conv_transpose1d: bias must be a Tensor or null, got true$/);
    expect(() => new (nn().ConvTranspose2d)(3, 4, 3, { groups: 2 })).toThrow(/^ConvTranspose2d: in_channels \(3\) must be divisible by groups \(2\)$/);
    expect(() => new (nn().ConvTranspose2d)(4, 4, 3, { padding_mode: 'reflect' })).toThrow(/^ConvTranspose2d: only 'zeros' padding_mode is supported/);
    expect(() => new (nn().ConvTranspose1d)(4, 4, 0)).toThrow(/^ConvTranspose1d: kernel_size must be >= 1, got 0$/);
    expect(() => new (nn().ConvTranspose2d)(2, 2, 3, { stride: 2, padding: 1 }).forward(torch.zeros(1, 2, 6, 6), [14, 14])).toThrow(
      /^ConvTranspose2d: requested an output size of \[14, 14\], but valid sizes range from \[11\] to \[12\] in dim 0/);
  });

  test('dropout, flatten, cat, add / mul', () => {
    expect(() => F().dropout([1], 1.5)).toThrow(/^dropout: dropout probability has to be between 0 and 1, but got 1.5$/);
    expect(() => new (nn().Dropout)(-0.1)).toThrow(/^Dropout: dropout probability has to be between 0 and 1, but got -0.1$/);
    expect(() => F().dropout([1], 0.5, 1)).toThrow(/^dropout: training must be a boolean, got 1$/);
    expect(() => torch.flatten([[1, 2]], 1, 0)).toThrow(/^flatten: start_dim cannot come after end_dim/);
    expect(() => torch.flatten([[1, 2]], 2)).toThrow(/^flatten: start_dim out of range \(expected to be in range of \[-2, 1\], but got 2\)$/);
    expect(() => torch.cat([])).toThrow(/^cat: expected a non-empty array of Tensors$/);
    expect(() => torch.cat(torch.ones(2))).toThrow(/^cat: tensors must be an array of Tensors, got Tensor$/);
    expect(() => torch.cat([torch.ones(2, 3), torch.ones(2, 4)], 0)).toThrow(/^cat: /);
    expect(() => torch.cat([torch.ones(2, 3), torch.ones(2, 3)], 2)).toThrow(/^cat: /);
    expect(() => torch.add(torch.ones(2, 3), torch.ones(4))).toThrow(/^add: .*\[2, 3\].*\[4\]/);
    expect(() => torch.mul(torch.ones(2, 3), torch.ones(2, 2))).toThrow(/^mul: .*\[2, 3\].*\[2, 2\]/);
    expect(() => torch.add(torch.ones(2), 1, { alpha: 'x' })).toThrow(/^add: alpha must be a number, got "x"$/);
  });

  test('errors leak nothing and the module stays usable', () => {
    const x = torch.ones(2, 3);
    const [three, ones3, row2, w, x3] = [torch.zeros(3), torch.ones(3), torch.ones(2), torch.ones(1, 1, 2), torch.ones(1, 1, 2)];
    const bn = new (nn().BatchNorm1d)(3);
    const before = liveTensors();
    for (let i = 0; i < 5; i++) {
      expect(() => F().batch_norm(x, row2, row2, { training: true })).toThrow(/running_mean must have 3 elements/);
      expect(() => F().batch_norm(x, three, row2)).toThrow();
      expect(() => F().conv_transpose1d(x3, w, null, 2, 0, 2)).toThrow();
      expect(() => F().conv_transpose1d(x3.reshape(1, 2), w, row2)).toThrow();
      expect(() => torch.add(x, row2)).toThrow();
      expect(() => F().pad(x3, [2, 0], 'reflect')).toThrow();
      expect(() => bn.forward(x.reshape(3, 2))).toThrow();
      expect(() => bn.forward(x.reshape(6, 1))).toThrow();
    }
    expect(liveTensors()).toBe(before);
    expect(torch.add(x, 1).tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
  });
});
