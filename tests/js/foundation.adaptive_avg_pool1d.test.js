// torch.nn.functional.adaptive_avg_pool1d and torch.nn.AdaptiveAvgPool1d:
// documented shapes, hand-computed values, a float64 reference on 1,200
// seeded random shapes, IEEE specials, and every documented error.
import { init, torch } from '../../js/index.js';
import { adaptiveAvgPool1d as reference } from './reference/pool1d.js';
import { firstMismatch, randInt, randomValues, rng } from './reference/random.js';

const F = torch.nn.functional;

beforeAll(() => init({ threads: 2 }));

describe('documented examples (torch.js adaptive_avg_pool1d page)', () => {
  test.each([
    [[8, 64, 100], 1, [8, 64, 1]],
    [[4, 128, 87], 10, [4, 128, 10]],
    [[4, 128, 200], 10, [4, 128, 10]],
    [[1, 80, 312], 50, [1, 80, 50]],
    [[32, 512, 7], 1, [32, 512, 1]],
  ])('%j -> %i gives %j', (shape, size, want) => {
    const x = torch.randn(...shape);
    const y = F.adaptive_avg_pool1d(x, size);
    expect(y.shape).toEqual(want);
    const ref = reference(x.data, shape[0] * shape[1], shape[2], size);
    expect(firstMismatch(y.data, ref)).toBe(-1);
    x.dispose();
    y.dispose();
  });
});

describe('hand-computed values', () => {
  test('L=5 -> 3 uses windows [0,2) [1,4) [3,5)', () => {
    expect(F.adaptive_avg_pool1d([[[1, 2, 3, 4, 5]]], 3).tolist()).toEqual([[[1.5, 3, 4.5]]]);
  });
  test('output larger than the input repeats and averages neighbours', () => {
    // L=2 -> 3: windows [0,1) [0,2) [1,2).
    expect(F.adaptive_avg_pool1d([[[2, 4]]], 3).tolist()).toEqual([[[2, 3, 4]]]);
    // L=3 -> 5: windows [0,1) [0,2) [1,2) [1,3) [2,3).
    expect(F.adaptive_avg_pool1d([[[1, 3, 5]]], 5).tolist()).toEqual([[[1, 2, 3, 4, 5]]]);
  });
  test('output_size 1 is the mean of each row', () => {
    expect(F.adaptive_avg_pool1d([[[1, 2, 3, 6]], [[-1, -1, 1, 1]]], 1).tolist()).toEqual([[[3]], [[0]]]);
  });
  test('unbatched (C, L) gives (C, O); output_size as [n] and by name', () => {
    const x = torch.tensor([[1, 2, 3, 4], [10, 20, 30, 40]]);
    expect(F.adaptive_avg_pool1d(x, [2]).tolist()).toEqual([[1.5, 3.5], [15, 35]]);
    expect(F.adaptive_avg_pool1d(x, { output_size: 2 }).tolist()).toEqual([[1.5, 3.5], [15, 35]]);
    expect(F.adaptive_avg_pool1d(x, { outputSize: 1 }).tolist()).toEqual([[2.5], [25]]);
  });
  test('output_size equal to L is the identity', () => {
    const x = torch.randn(3, 5, 13);
    expect(Array.from(F.adaptive_avg_pool1d(x, 13).data)).toEqual(Array.from(x.data));
  });
  test('NaN and Infinity propagate only into the windows that hold them', () => {
    const y = F.adaptive_avg_pool1d([[[1, NaN, 3, 4, Infinity, 6]]], 3).data;
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y[1]).toBe(3.5);
    expect(y[2]).toBe(Infinity);
    const z = F.adaptive_avg_pool1d([[[Infinity, -Infinity]]], 1).data;
    expect(Number.isNaN(z[0])).toBe(true);
  });
  test('torch.nn.AdaptiveAvgPool1d holds its output size', () => {
    const pool = new torch.nn.AdaptiveAvgPool1d(2);
    expect(pool.forward([[[1, 2, 3, 4]]]).tolist()).toEqual([[[1.5, 3.5]]]);
    expect(pool.call([[1, 3]]).tolist()).toEqual([[1, 3]]);
  });
});

test('matches the float64 reference on 1,200 seeded random shapes', () => {
  const seed = 20261124;
  const next = rng(seed);
  for (let trial = 0; trial < 1200; trial++) {
    const batched = next() < 0.8;
    const n = randInt(next, 1, 3);
    const c = randInt(next, 1, 9);
    const L = randInt(next, 1, trial % 10 === 0 ? 300 : 40);
    const O = randInt(next, 1, trial % 3 === 0 ? 2 * L + 3 : L);
    const shape = batched ? [n, c, L] : [c, L];
    const values = randomValues(next, n * c * L).subarray(0, (batched ? n : 1) * c * L);
    const x = torch.tensor(values, shape);
    const y = F.adaptive_avg_pool1d(x, O);
    const want = reference(values, (batched ? n : 1) * c, L, O);
    expect(y.shape).toEqual(batched ? [n, c, O] : [c, O]);
    const bad = firstMismatch(y.data, want);
    if (bad >= 0) throw new Error(`seed ${seed} trial ${trial} shape [${shape}] -> ${O}: index ${bad} got ${y.data[bad]} want ${want[bad]}`);
    x.dispose();
    y.dispose();
  }
});

describe('errors name the function, the argument, expected and given', () => {
  const cases = [
    [() => F.adaptive_avg_pool1d(torch.zeros(4), 1), Error,
      'adaptive_avg_pool1d: input must have 2 or 3 dimensions (C, L) or (N, C, L), got shape [4]'],
    [() => F.adaptive_avg_pool1d(torch.zeros(1, 2, 3, 4), 1), Error, 'got shape [1, 2, 3, 4]'],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3), -1), Error, 'adaptive_avg_pool1d: output_size must be >= 0, got -1'],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3), 1.5), TypeError, 'adaptive_avg_pool1d: output_size must be an int or an array of 1 int, got 1.5'],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3), [1, 2]), Error, 'output_size must be an int or an array of 1 int, got [1, 2]'],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3), '2'), TypeError, 'output_size must be an int or an array of 1 int, got "2"'],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 0), 1), Error, 'input must have non-zero channels and length, got shape [2, 0]'],
    [() => F.adaptive_avg_pool1d('x', 1), TypeError, 'adaptive_avg_pool1d: input must be a Tensor or a nested array of numbers, got "x"'],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3)), TypeError, "adaptive_avg_pool1d: missing required argument 'output_size'"],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3), 1, { output_size: 2 }), TypeError, "got multiple values for argument 'output_size'"],
    [() => F.adaptive_avg_pool1d(torch.zeros(2, 3), { size: 2 }), TypeError, "got an unexpected argument 'size'"],
    [() => F.adaptive_avg_pool1d([[1, 2], [3]], 1), Error, 'nested arrays must be rectangular'],
    [() => new torch.nn.AdaptiveAvgPool1d(-2), Error, 'AdaptiveAvgPool1d: output_size must be >= 0, got -2'],
  ];
  test.each(cases.map((c, i) => [i, ...c]))('case %i', (i, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
    // The module stays usable.
    expect(F.adaptive_avg_pool1d([[[1, 2, 3]]], 1).tolist()).toEqual([[[2]]]);
  });

  test('a disposed input is refused by name', () => {
    const x = torch.ones(1, 2, 3);
    x.dispose();
    expect(() => F.adaptive_avg_pool1d(x, 1)).toThrow('adaptive_avg_pool1d: input was disposed');
  });

  test('failed calls leak no tensors', async () => {
    const { backend } = await import('../../js/index.js');
    const x = torch.zeros(2, 3);
    const before = backend().memory.tensors;
    const bad = [
      () => F.adaptive_avg_pool1d(x, -1),
      () => F.adaptive_avg_pool1d(x, [1, 2]),
      () => F.adaptive_avg_pool1d([[1, 2, 3]], 'a'),  // a temporary input made from the array
      () => F.adaptive_avg_pool1d([[[[1]]]], 1),
    ];
    for (const call of bad) expect(call).toThrow('adaptive_avg_pool1d:');
    expect(backend().memory.tensors).toBe(before);
    x.dispose();
  });
});
