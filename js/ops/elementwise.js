// Binary elementwise ops with PyTorch broadcasting (torch.add / mul, Keras
// Add / Subtract / Multiply / Maximum / Minimum, PReLU) and x * scale +
// shift: the one checking place for shapes. Either operand of binary() may
// be a JS number (a scalar).
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { runKernel, withTensor } from './run.js';

// BinaryOp numbers of cpp/src/elementwise/elementwise.h.
const OPS = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, prelu: 6 };
const MAX_RANK = 8;

function checkShapeArg(where, name, shape) {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    typeFail(where, `${name} must be an array of non-negative integers, got ${fmtValue(shape)}`);
  }
}

// PyTorch's rule: shapes aligned at the right; each pair of sizes equal, or
// one of them 1.
export function broadcastShape(where, shapeA, shapeB) {
  checkShapeArg(where, 'shapeA', shapeA);
  checkShapeArg(where, 'shapeB', shapeB);
  const r = Math.max(shapeA.length, shapeB.length);
  const out = new Array(r);
  for (let i = 0; i < r; i++) {
    const a = shapeA[shapeA.length - r + i] ?? 1;
    const b = shapeB[shapeB.length - r + i] ?? 1;
    if (a !== b && a !== 1 && b !== 1) {
      fail(where, `shapes ${fmtShape(shapeA)} and ${fmtShape(shapeB)} cannot be broadcast together: ` +
        `the size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${i}`);
    }
    out[i] = a === 1 ? b : a;
  }
  return out;
}

// Output shape + each operand's shape -> the kernel's merged dims and
// strides: size-1 output dims dropped, neighbours merged where both
// operands step through them as one run.
export function broadcastPlan(outShape, shapeA, shapeB) {
  const r = outShape.length;
  const stridesOf = (shape) => {
    const s = new Array(r).fill(0);
    let step = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const d = r - shape.length + i;
      s[d] = shape[i] === 1 ? 0 : step;
      step *= shape[i];
    }
    return s;
  };
  const sa = stridesOf(shapeA);
  const sb = stridesOf(shapeB);
  const dims = [];
  for (let d = 0; d < r; d++) {
    if (outShape[d] === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last.a === sa[d] * outShape[d] && last.b === sb[d] * outShape[d]) {
      last.n *= outShape[d];
      last.a = sa[d];
      last.b = sb[d];
    } else dims.push({ n: outShape[d], a: sa[d], b: sb[d] });
  }
  if (dims.length === 0) dims.push({ n: 1, a: 0, b: 0 });
  return dims;
}

function fmtOperand(x) {
  return x instanceof Tensor ? `Tensor of shape ${fmtShape(x.shape)}` : fmtValue(x);
}

const SCALAR = { add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  prelu: (a, b) => (a > 0 ? a : a * b) };

// op(a, b) elementwise with broadcasting, as a new Tensor.
export function binary(where, op, a, b) {
  if (!(op in OPS)) fail(where, `op must be one of ${Object.keys(OPS).join(', ')}, got ${fmtValue(op)}`);
  for (const [name, x] of [['a', a], ['b', b]]) {
    if (typeof x !== 'number' && !(x instanceof Tensor) && !Array.isArray(x)) {
      typeFail(where, `${name} must be a Tensor, a nested array of numbers or a number, got ${fmtOperand(x)}`);
    }
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return Tensor.fromFloat32([SCALAR[op](Math.fround(a), Math.fround(b))], [], where);
  }
  const withOperand = (x, name, body) => (typeof x === 'number' ? body(x) : withTensor(where, x, name, body));
  return withOperand(a, 'a', (ta) => withOperand(b, 'b', (tb) => {
    const plan = binaryPlan(where, op, typeof ta === 'number' ? null : ta.shape, typeof tb === 'number' ? null : tb.shape);
    const entry = kernel('binary');
    const words = plan.words;
    if (typeof ta === 'number') entry.setFloat(words, 'a_value', ta);
    else entry.set(words, 'a', ta.ptr);
    if (typeof tb === 'number') entry.setFloat(words, 'b_value', tb);
    else entry.set(words, 'b', tb.ptr);
    return runKernel(where, plan.outShape, (out) => {
      entry.set(words, 'output', out);
      return entry.run(words);
    });
  }));
}

// Plans by (op, shapes): a model calls the same few shapes over and over,
// and building a 35-word block costs more than adding two small tensors.
const plans = new Map();
const MAX_PLANS = 256;

// shapeA / shapeB: null for a scalar operand.
function binaryPlan(where, op, shapeA, shapeB) {
  const key = `${op}|${shapeA === null ? 's' : shapeA.join(',')}|${shapeB === null ? 's' : shapeB.join(',')}`;
  let plan = plans.get(key);
  if (plan !== undefined) return plan;
  const sa = shapeA ?? [];
  const sb = shapeB ?? [];
  const outShape = broadcastShape(where, sa, sb);
  const dims = broadcastPlan(outShape, sa, sb);
  if (dims.length > MAX_RANK) {
    fail(where, `shapes ${fmtShape(sa)} and ${fmtShape(sb)} alternate broadcast dimensions ${dims.length} times; at most ${MAX_RANK} are supported`);
  }
  const numel = (s) => s.reduce((x, y) => x * y, 1);
  const fields = {
    a: 0, b: 0, output: 0, op: OPS[op], rank: dims.length,
    a_count: numel(sa), b_count: numel(sb), a_scalar: shapeA === null, b_scalar: shapeB === null, a_value: 0, b_value: 0,
  };
  for (let d = 0; d < MAX_RANK; d++) {
    fields[`shape${d}`] = dims[d]?.n ?? 1;
    fields[`a_stride${d}`] = dims[d]?.a ?? 0;
    fields[`b_stride${d}`] = dims[d]?.b ?? 0;
  }
  plan = { outShape, words: kernel('binary').pack(fields) };
  if (plans.size >= MAX_PLANS) plans.clear();
  plans.set(key, plan);
  return plan;
}

// input * scale + shift with scalar numbers, as a new Tensor.
export function affine(where, input, scale, shift = 0) {
  if (typeof scale !== 'number') typeFail(where, `scale must be a number, got ${fmtValue(scale)}`);
  if (typeof shift !== 'number') typeFail(where, `shift must be a number, got ${fmtValue(shift)}`);
  return withTensor(where, input, 'input', (x) => {
    const entry = kernel('affine');
    const words = entry.pack({ input: x.ptr, output: 0, count: x.numel(), scale, shift });
    return runKernel(where, x.shape, (out) => {
      entry.set(words, 'output', out);
      return entry.run(words);
    });
  });
}
