// setWinograd (js/index.js, js/ops/conv.js): Keras Conv2D, convGeneral,
// torch conv2d and nn.Conv2d give the same numbers, within 1e-4 of the output's largest
// magnitude, with the Winograd kernel on and off, on ResNet-like shapes;
// the switch takes effect on the next call of an already planned layer
// (the paths' results differ in their last bits); backend() reports it;
// shapes the kernel does not take run the direct kernel either way.
import { backend, init, keras, setWinograd, torch } from '../../js/index.js';
import { convGeneral, resolveActivation } from '../../js/ops/conv.js';
import { randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));
afterEach(() => setWinograd(true));

function maxRelDiff(a, b) {
  let err = 0, mag = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    mag = Math.max(mag, Math.abs(b[i]));
  }
  return err / mag;
}

// Runs fn with Winograd on and off -> [on, off] outputs (Float32Arrays).
function bothWays(fn) {
  const out = [];
  for (const on of [true, false]) {
    setWinograd(on);
    expect(backend().winograd).toBe(on);
    const y = fn();
    out.push(y.data);
    y.dispose();
  }
  return out;
}

const SHAPES = [
  // [batch, H, W, Cin, Cout, padding, activation]
  [1, 14, 14, 64, 64, 'same', 'relu'],
  [1, 7, 7, 128, 128, 'same', null],
  [2, 9, 11, 32, 48, 'valid', 'relu6'],
  [1, 13, 6, 17, 19, 'same', 'sigmoid'],
];

test.each(SHAPES)('Keras Conv2D %i x %i x %i x %i -> %i (%s, %s): the same numbers either way', (N, H, W, C, F, padding, activation) => {
  const next = rng(H * 1000 + C);
  const layer = new keras.layers.Conv2D({ filters: F, kernel_size: 3, padding, activation });
  layer.build([N, H, W, C]);
  const kernel = torch.tensor(randomValues(next, 9 * C * F), [3, 3, C, F]);
  const bias = torch.tensor(randomValues(next, F), [F]);
  layer.set_weights([kernel, bias]);
  const x = torch.tensor(randomValues(next, N * H * W * C), [N, H, W, C]);
  const [on, off] = bothWays(() => layer.apply(x));
  expect(maxRelDiff(on, off)).toBeLessThan(1e-4);
  // The two kernels sum in different orders: not bit-equal, so the switch
  // reached the already planned layer.
  expect(on).not.toEqual(off);
  // And back: the same numbers as the first Winograd call.
  setWinograd(true);
  const again = layer.apply(x);
  expect(again.data).toEqual(on);
  for (const t of [again, x, kernel, bias]) t.dispose();
});

test('convGeneral channels last with explicit asymmetric padding: the same numbers either way', () => {
  const next = rng(7);
  const x = torch.tensor(randomValues(next, 10 * 9 * 24), [1, 10, 9, 24]);
  const w = torch.tensor(randomValues(next, 9 * 24 * 40), [3, 3, 24, 40]);
  const b = torch.tensor(randomValues(next, 40), [40]);
  const [on, off] = bothWays(() => convGeneral('test', x, w, {
    nd: 2, layout: 'HWIO', bias: b, stride: [1, 1], dilation: [1, 1], padBefore: [2, 0], padAfter: [0, 1],
    channelsLast: true, activation: resolveActivation('test', 'relu'),
  }));
  expect(maxRelDiff(on, off)).toBeLessThan(1e-4);
  expect(on).not.toEqual(off);
  for (const t of [x, w, b]) t.dispose();
});

test.each([[1, 64, 14, 14, 64, 1], [2, 32, 9, 13, 48, 0]])('torch conv2d %i x %i x %i x %i -> %i (padding %i): the same numbers either way', (N, C, H, W, F, padding) => {
  const next = rng(11 + C);
  const x = torch.tensor(randomValues(next, N * C * H * W), [N, C, H, W]);
  const w = torch.tensor(randomValues(next, F * C * 9), [F, C, 3, 3]);
  const b = torch.tensor(randomValues(next, F), [F]);
  const [on, off] = bothWays(() => torch.nn.functional.conv2d(x, w, b, 1, padding));
  expect(maxRelDiff(on, off)).toBeLessThan(1e-4);
  expect(on).not.toEqual(off);
  const conv = new torch.nn.Conv2d(C, F, 3, { padding: 'same' });
  const [mon, moff] = bothWays(() => conv.forward(x));
  expect(maxRelDiff(mon, moff)).toBeLessThan(1e-4);
  for (const t of [x, w, b]) t.dispose();
});

test('layers the kernel does not take: identical either way', () => {
  const next = rng(11);
  // Channels last, but stride 2 / 8 channels: not Winograd shapes.
  const xl = torch.tensor(randomValues(next, 14 * 14 * 8), [1, 14, 14, 8]);
  for (const [filters, strides] of [[8, 1], [32, 2]]) {
    const layer = new keras.layers.Conv2D({ filters, kernel_size: 3, strides, padding: 'same' });
    const [a, b] = bothWays(() => layer.apply(xl));
    expect(a).toEqual(b);
  }
  xl.dispose();
});

test('setWinograd takes a boolean', () => {
  expect(() => setWinograd(1)).toThrow('setWinograd: enabled must be a boolean, got 1');
  expect(() => setWinograd()).toThrow(TypeError);
  expect(backend().winograd).toBe(true);
});
