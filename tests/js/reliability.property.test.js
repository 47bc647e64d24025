// Property tests: >= 10,000 seeded random cases over every op, both layouts,
// both APIs (torch functions and modules, keras layers), Tensor and nested
// array inputs, batched and unbatched, some NaN/Inf values: each result
// matches the plain-JS reference, or a bad argument throws an Error that
// names the op; nothing leaks either way.
//
// Every case has its own seed, printed on failure. Replay one case:
//   NNWASM_SEED=<seed> node --experimental-vm-modules node_modules/jest/bin/jest.js tests/js/reliability.property.test.js
// NNWASM_CASES=<n> changes the number of cases (default 10,000).
//
// Adding an op: one entry in OPS below: { name, weight, make(next) } where
// make returns { shape, run(x) -> Tensor, want(values) -> Float32Array,
// outShape } for a random valid case; see the existing entries.
import { backend, init, keras, torch } from '../../js/index.js';
import { firstMismatch, randInt, rng } from './reference/random.js';
import * as pool1d from './reference/pool1d.js';

const F = torch.nn.functional;
const BASE_SEED = Number(process.env.NNWASM_SEED ?? 0x5eed2026);
const REPLAY = process.env.NNWASM_SEED !== undefined && process.env.NNWASM_CASES === undefined;
const CASES = REPLAY ? 1 : Number(process.env.NNWASM_CASES ?? 10000);

beforeAll(() => init({ threads: 2 }));

// Random input values in [-1, 1), one in ~40 cases sprinkled with NaN/+-Inf
// (the references propagate them the same way the kernels must).
function values(next, n) {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = next() * 2 - 1;
  if (next() < 0.025) {
    const specials = [NaN, Infinity, -Infinity, -0];
    for (let k = randInt(next, 1, 3); k > 0 && n > 0; k--) v[randInt(next, 0, n - 1)] = specials[randInt(next, 0, 3)];
  }
  return v;
}

// Small dims with a bias to vector/tile boundaries (1-5, 7, 8, 15-17, 31-33).
function dim(next, max) {
  const edges = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33];
  const d = next() < 0.6 ? edges[randInt(next, 0, edges.length - 1)] : randInt(next, 1, max);
  return Math.min(d, max);
}

// The op table: each make(next) returns a random valid case.
const OPS = [
  {
    name: 'torch F.adaptive_avg_pool1d (N,C,L) / (C,L)',
    weight: 3,
    make(next) {
      const batched = next() < 0.8;
      const n = batched ? dim(next, 4) : 1;
      const c = dim(next, 24);
      const l = dim(next, 80);
      const o = next() < 0.1 ? 0 : dim(next, 2 * l + 3);
      const asArg = next() < 0.5 ? o : [o];
      return {
        shape: batched ? [n, c, l] : [c, l],
        outShape: batched ? [n, c, o] : [c, o],
        run: (x) => F.adaptive_avg_pool1d(x, asArg),
        want: (v) => pool1d.adaptiveAvgPool1d(v, n * c, l, o),
      };
    },
  },
  {
    name: 'torch nn.AdaptiveAvgPool1d module',
    weight: 1,
    make(next) {
      const n = dim(next, 3);
      const c = dim(next, 16);
      const l = dim(next, 64);
      const o = dim(next, l + 2);
      const m = new torch.nn.AdaptiveAvgPool1d(o);
      return {
        shape: [n, c, l],
        outShape: [n, c, o],
        run: (x) => m.forward(x),
        want: (v) => pool1d.adaptiveAvgPool1d(v, n * c, l, o),
      };
    },
  },
  ...['channels_last', 'channels_first'].map((dataFormat) => ({
    name: `keras GlobalAveragePooling1D ${dataFormat}`,
    weight: 3,
    make(next) {
      const n = dim(next, 4);
      const l = dim(next, 48);
      const c = dim(next, 40);
      const keepdims = next() < 0.3;
      const masked = next() < 0.4;
      const mask = masked ? Array.from({ length: n }, () => Array.from({ length: l }, () => next() < 0.7)) : null;
      const options = next() < 0.5 ? { data_format: dataFormat, keepdims } : { dataFormat, keepdims };
      const layer = new keras.layers.GlobalAveragePooling1D(options);
      const last = dataFormat === 'channels_last';
      let outShape = [n, c];
      if (keepdims) outShape = last ? [n, 1, c] : [n, c, 1];
      return {
        shape: last ? [n, l, c] : [n, c, l],
        outShape,
        run: (x) => (masked ? layer.apply(x, { mask }) : layer.apply(x)),
        want: (v) => pool1d.globalAvgPool1d(v, n, l, c, last, mask ? mask.flat() : null),
      };
    },
  })),
];

// Bad arguments: each must throw an Error naming its op, leaking nothing.
// tmp(t) registers an input tensor the test disposes afterwards.
const BAD = [
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(dim(next, 5))), 2) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 0)), 2) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 4)), -dim(next, 9)) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 4)), 1.5) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(2, 3, 4)), [2, 2]) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d([[[1, 2], [3]]], 1) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d([[[1, 'a']]], 1) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d('x', 1) },
  { where: 'adaptive_avg_pool1d', call: (next, tmp) => F.adaptive_avg_pool1d(tmp(torch.zeros(1, 1, 4)), 2 ** 40) },
  { where: 'adaptive_avg_pool1d', call: () => F.adaptive_avg_pool1d([[[1, 2, 3]]], 2 ** 31) },
  { where: 'GlobalAveragePooling1D', call: (next, tmp) => new keras.layers.GlobalAveragePooling1D().apply(tmp(torch.zeros(dim(next, 3), 4))) },
  { where: 'GlobalAveragePooling1D', call: (next, tmp) => new keras.layers.GlobalAveragePooling1D().apply(tmp(torch.zeros(2, 3, 4)), { mask: [[1, 0]] }) },
  { where: 'GlobalAveragePooling1D', call: (next, tmp) => new keras.layers.GlobalAveragePooling1D().apply(tmp(torch.zeros(2, 3, 4)), { mask: 'all' }) },
  { where: 'GlobalAveragePooling1D', call: () => new keras.layers.GlobalAveragePooling1D({ data_format: 'nchw' }) },
];

// Row-major values -> nested arrays of the given shape.
function nest(v, shape, offset = 0) {
  if (shape.length === 0) return v[offset];
  const stride = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nest(v, shape.slice(1), offset + i * stride));
}

function describeCase(op, seed, shape) {
  return `${op.name}, input shape [${shape}], seed ${seed} (replay: NNWASM_SEED=${seed})`;
}

// Runs one case; returns an error string or null.
function runCase(op, seed) {
  const next = rng(seed);
  const c = op.make(next);
  const numel = c.shape.reduce((a, b) => a * b, 1);
  const v = values(next, numel);
  const asArray = next() < 0.15;
  const x = asArray ? nest(v, c.shape) : torch.tensor(v, c.shape);
  const x2 = asArray ? null : x;
  let y;
  try {
    y = c.run(x);
  } catch (e) {
    x2?.dispose();
    return `${describeCase(op, seed, c.shape)}: threw ${e.message}`;
  }
  try {
    if (JSON.stringify(y.shape) !== JSON.stringify(c.outShape)) {
      return `${describeCase(op, seed, c.shape)}: output shape [${y.shape}], want [${c.outShape}]`;
    }
    const got = y.data;
    const want = c.want(v);
    const bad = firstMismatch(got, want);
    if (bad >= 0) return `${describeCase(op, seed, c.shape)}: output[${bad}] = ${got[bad]}, want ${want[bad]}`;
    if (x2 !== null && firstMismatch(x2.data, v, 0, 0) >= 0) return `${describeCase(op, seed, c.shape)}: the op changed its input`;
    return null;
  } finally {
    y.dispose();
    x2?.dispose();
  }
}

function pickOp(next) {
  const total = OPS.reduce((s, op) => s + op.weight, 0);
  let r = next() * total;
  for (const op of OPS) {
    r -= op.weight;
    if (r < 0) return op;
  }
  return OPS[OPS.length - 1];
}

test(`${CASES} random cases over ${OPS.length} op forms match the references`, () => {
  const tensorsBefore = backend().memory.tensors;
  const perOp = new Map(OPS.map((op) => [op.name, 0]));
  const failures = [];
  for (let i = 0; i < CASES && failures.length < 5; i++) {
    const seed = REPLAY ? BASE_SEED : (BASE_SEED + i * 0x9e3779b1) >>> 0;
    const op = pickOp(rng(seed ^ 0xa5a5a5a5));
    perOp.set(op.name, perOp.get(op.name) + 1);
    const err = runCase(op, seed);
    if (err !== null) failures.push(err);
  }
  if (failures.length > 0) throw new Error(`property failures (base seed ${BASE_SEED}):\n${failures.join('\n')}`);
  expect(backend().memory.tensors).toBe(tensorsBefore);
  if (!REPLAY && process.env.NNWASM_CASES === undefined) {
    expect(CASES).toBeGreaterThanOrEqual(10000);
    for (const [name, n] of perOp) expect([name, n > CASES / (4 * OPS.length)]).toEqual([name, true]);
  }
});

test('1,000 random bad calls throw Errors naming the op and leak nothing', () => {
  const tensorsBefore = backend().memory.tensors;
  const heapBefore = backend().memory.heapBytes;
  for (let i = 0; i < 1000; i++) {
    const seed = (BASE_SEED ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0;
    const next = rng(seed);
    const bad = BAD[randInt(next, 0, BAD.length - 1)];
    const temps = [];
    let error = null;
    try {
      const y = bad.call(next, (t) => (temps.push(t), t));
      temps.push(y);
    } catch (e) {
      error = e;
    }
    for (const t of temps) t?.dispose?.();
    if (!(error instanceof Error) || !error.message.startsWith(`${bad.where}: `)) {
      throw new Error(`bad call #${BAD.indexOf(bad)} (seed ${seed}) gave ${error ? error.message : 'no error'}`);
    }
    expect(backend().memory.tensors).toBe(tensorsBefore);
  }
  expect(backend().memory.heapBytes).toBe(heapBefore);
});
