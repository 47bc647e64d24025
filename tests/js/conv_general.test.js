// convGeneral (js/ops/conv.js): the one convolution both fronts reduce to
// and graph-level fusion calls directly, with explicit zero padding before
// and after. Seeded random cases in every layout against the plain-JS
// reference, and its Errors.
import { init, torch } from '../../js/index.js';
import { convGeneral, resolveActivation } from '../../js/ops/conv.js';
import { convReference, permute } from './reference/conv.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

beforeAll(() => init({ threads: 2 }));

// One random case: shapes, options, the reference output (NCHW, float64).
function makeCase(seed) {
  const next = rng(seed);
  const nd = randInt(next, 1, 2);
  const groups = [1, 2, 3][randInt(next, 0, 2)];
  const depthwise = next() < 0.25;
  const cinG = depthwise ? 1 : randInt(next, 1, 3);
  const C = cinG * groups;
  const Cout = depthwise ? C : groups * randInt(next, 1, 4);
  const N = randInt(next, 1, 2);
  const H = nd === 1 ? 1 : randInt(next, 1, 9);
  const W = randInt(next, 1, 11);
  const kh = nd === 1 ? 1 : randInt(next, 1, 3);
  const kw = randInt(next, 1, 4);
  const stride = nd === 1 ? [1, randInt(next, 1, 3)] : [randInt(next, 1, 3), randInt(next, 1, 3)];
  const dilation = nd === 1 ? [1, randInt(next, 1, 2)] : [randInt(next, 1, 2), randInt(next, 1, 2)];
  const padBefore = nd === 1 ? [0, randInt(next, 0, 3)] : [randInt(next, 0, 2), randInt(next, 0, 3)];
  const padAfter = nd === 1 ? [0, randInt(next, 0, 3)] : [randInt(next, 0, 2), randInt(next, 0, 3)];
  const out = [0, 1].map((i) => Math.floor((([H, W][i] + padBefore[i] + padAfter[i]) - (dilation[i] * ([kh, kw][i] - 1) + 1)) / stride[i]) + 1);
  if (out.some((o) => o < 1)) return makeCase(seed + 7919);
  const x = randomValues(next, N * C * H * W);
  const w = randomValues(next, Cout * cinG * kh * kw);
  const bias = next() < 0.5 ? randomValues(next, Cout) : null;
  const want = convReference({
    x, xShape: [N, C, H, W], w, wShape: [Cout, cinG, kh, kw], bias, stride, dilation, pad: padBefore, out, groups,
  });
  return { nd, N, C, H, W, Cout, cinG, kh, kw, groups, stride, dilation, padBefore, padAfter, out, x, w, bias, want };
}

const layouts = [['OIHW', false], ['OIHW', true], ['HWIO', false], ['HWIO', true]];

test.each(layouts)('random cases against the reference: weights %s, channelsLast %s', (layout, channelsLast) => {
  for (let seed = 1; seed <= 40; seed++) {
    const c = makeCase(seed * 1009 + (layout === 'HWIO' ? 1 : 0) + (channelsLast ? 2 : 0));
    const spatial = (a) => (c.nd === 1 ? a.slice(1) : a);
    const xShape = c.nd === 1 ? [c.N, c.C, c.W] : [c.N, c.C, c.H, c.W];
    const wShape = c.nd === 1 ? [c.Cout, c.cinG, c.kw] : [c.Cout, c.cinG, c.kh, c.kw];
    const xPerm = c.nd === 1 ? [0, 2, 1] : [0, 2, 3, 1];
    const wPerm = c.nd === 1 ? [2, 1, 0] : [2, 3, 1, 0];
    const xs = channelsLast ? permute(c.x, xShape, xPerm) : { data: c.x, shape: xShape };
    const ws = layout === 'HWIO' ? permute(c.w, wShape, wPerm) : { data: c.w, shape: wShape };
    const x = torch.tensor(Float32Array.from(xs.data), xs.shape);
    const w = torch.tensor(Float32Array.from(ws.data), ws.shape);
    const b = c.bias === null ? null : torch.tensor(c.bias);
    const relu = seed % 3 === 0;
    const y = convGeneral('fused', x, w, {
      nd: c.nd, layout, bias: b, stride: spatial(c.stride), dilation: spatial(c.dilation),
      padBefore: spatial(c.padBefore), padAfter: spatial(c.padAfter), groups: c.groups, channelsLast,
      activation: relu ? resolveActivation('fused', 'relu') : null,
    });
    const outShape = c.nd === 1 ? [c.N, c.Cout, c.out[1]] : [c.N, c.Cout, ...c.out];
    const ref = relu ? c.want.map((v) => Math.max(v, 0)) : c.want;
    const want = channelsLast ? permute(ref, outShape, xPerm) : { data: ref, shape: outShape };
    expect(y.shape).toEqual(want.shape);
    const bad = firstMismatch(y.data, Float32Array.from(want.data), 1e-4, 1e-4);
    if (bad !== -1) throw new Error(`seed ${seed}: mismatch at ${bad}: ${y.data[bad]} vs ${want.data[bad]}`);
    for (const t of [x, w, b, y]) t?.dispose();
  }
});

test('the same weight tensor keeps one packed copy per bias, and a repeated call gives the same values', () => {
  const x = torch.randn(1, 3, 6, 6);
  const w = torch.randn(4, 3, 3, 3);
  const o = { nd: 2, layout: 'OIHW', stride: [1, 1], dilation: [1, 1], padBefore: [1, 0], padAfter: [0, 1], channelsLast: false };
  const first = convGeneral('fused', x, w, o).data;
  const again = convGeneral('fused', x, w, o).data;
  expect(Buffer.from(again.buffer).equals(Buffer.from(first.buffer))).toBe(true);
  const b = torch.ones(4);
  const withBias = convGeneral('fused', x, w, { ...o, bias: b }).data;
  for (let i = 0; i < first.length; i++) expect(withBias[i]).toBeCloseTo(first[i] + 1, 5);
  for (const t of [x, w, b]) t.dispose();
});

describe('Errors name the function, the argument, expected and given', () => {
  const x = () => torch.zeros(1, 4, 5, 5);
  const w = () => torch.zeros(6, 4, 3, 3);
  const base = { nd: 2, layout: 'OIHW', stride: [1, 1], dilation: [1, 1], padBefore: [0, 0], padAfter: [0, 0], channelsLast: false };
  test.each([
    ['nd', { nd: 3 }, 'fused: nd must be 1 or 2, got 3'],
    ['layout', { layout: 'NCHW' }, "fused: layout must be 'OIHW' or 'HWIO', got \"NCHW\""],
    ['stride', { stride: [1, 0] }, 'fused: stride must be >= 1, got [1, 0]'],
    ['padBefore', { padBefore: [0, -1] }, 'fused: padBefore must be >= 0, got [0, -1]'],
    ['padAfter length', { padAfter: [0] }, 'fused: padAfter must be an int or an array of 2 ints, got [0]'],
    ['groups', { groups: 4 }, 'fused: groups (4) must divide the output channels (weight.shape[0] = 6)'],
    ['channelsLast', { channelsLast: 'yes' }, 'fused: channelsLast must be a boolean, got "yes"'],
    ['channels', { channelsLast: true }, 'fused: input must have 4 channels (weight.shape[1] = 4 input channels per group x groups = 1), got 5 channels in shape [1, 4, 5, 5]'],
    ['kernel too large', { padBefore: [0, 0], dilation: [3, 3] }, 'fused: kernel size [3, 3] with dilation [3, 3] spans 7 > the padded input size 5'],
    ['activation', { activation: 'relu' }, 'fused: activation must be null or a resolveActivation() result, got "relu"'],
  ])('%s', (_, change, message) => {
    const xt = x();
    const wt = w();
    expect(() => convGeneral('fused', xt, wt, { ...base, ...change })).toThrow(message);
    xt.dispose();
    wt.dispose();
  });

  test('an unbatched input is refused (fused graphs are batched)', () => {
    expect(() => convGeneral('fused', torch.zeros(4, 5, 5), torch.zeros(6, 4, 3, 3), base))
      .toThrow('fused: input must have 4 dimensions (N, C, H, W), got shape [4, 5, 5]');
  });

  test('HWIO weights of the wrong rank name the Keras layout', () => {
    expect(() => convGeneral('fused', torch.zeros(1, 5, 5, 4), torch.zeros(3, 3, 4), { ...base, layout: 'HWIO', channelsLast: true }))
      .toThrow('fused: weight must have 4 dimensions (kH, kW, in_channels/groups, out_channels), got shape [3, 3, 4]');
  });
});
