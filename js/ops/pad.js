// F.pad (constant / reflect / replicate / circular, negative pads crop) and
// Keras ZeroPadding / Cropping (padSpatial): the one checking place for
// PyTorch's pad rules. Both reduce to per-dim (before, after) and one
// kernel call; runs of unpadded dims are merged first.
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { runKernel, withTensor } from './run.js';

const MODES = { constant: 0, reflect: 1, replicate: 2, circular: 3 };
const MAX_RANK = 8;

// Pads the dims of x by before[d] / after[d] (negative = crop).
function runPad(where, x, before, after, mode, value) {
  const shape = x.shape;
  const outShape = shape.map((n, d) => n + before[d] + after[d]);
  // Merge runs of unpadded dims; in constant mode, fold trailing unpadded
  // dims into the last padded one (pads scaled), so rows stay long.
  const dims = [];
  for (let d = 0; d < shape.length; d++) {
    const padded = before[d] !== 0 || after[d] !== 0;
    const last = dims[dims.length - 1];
    if (!padded && last && !last.padded) last.n *= shape[d];
    else dims.push({ n: shape[d], b: before[d], a: after[d], padded });
  }
  if (mode === MODES.constant && dims.length > 1 && !dims[dims.length - 1].padded) {
    const tail = dims.pop();
    const last = dims[dims.length - 1];
    last.n *= tail.n;
    last.b *= tail.n;
    last.a *= tail.n;
  }
  if (dims.length === 0) dims.push({ n: 1, b: 0, a: 0 });
  if (dims.length > MAX_RANK) {
    fail(where, `padding alternates padded and unpadded dimensions more than ${MAX_RANK} times (input shape ${fmtShape(shape)})`);
  }
  const entry = kernel('pad');
  const fields = { input: x.ptr, output: 0, rank: dims.length, mode, value };
  for (let d = 0; d < MAX_RANK; d++) {
    const e = dims[d];
    fields[`in${d}`] = e ? e.n : 1;
    fields[`out${d}`] = e ? e.n + e.b + e.a : 1;
    fields[`before${d}`] = e ? e.b >>> 0 : 0;  // a signed word (bindings/pad.cc): two's complement, as abi.js packs only u32
  }
  const words = entry.pack(fields);
  return runKernel(where, outShape, (out) => {
    entry.set(words, 'output', out);
    return entry.run(words);
  });
}

function checkPads(where, pads) {
  if (!Array.isArray(pads)) typeFail(where, `pad must be an array of integers, got ${fmtValue(pads)}`);
  for (const p of pads) {
    if (typeof p !== 'number' || !Number.isInteger(p)) typeFail(where, `pad must be an array of integers, got ${fmtValue(pads)}`);
  }
  if (pads.length % 2 !== 0) fail(where, `pad length must be divisible by 2, got ${fmtValue(pads)} (length ${pads.length})`);
}

// PyTorch order: pads = [last_l, last_r, prev_l, prev_r, ...].
export function pad(where, input, pads, mode = 'constant', value = 0) {
  checkPads(where, pads);
  if (!(mode in MODES)) fail(where, `mode must be one of 'constant', 'reflect', 'replicate', 'circular', got ${fmtValue(mode)}`);
  if (value === null || value === undefined) value = 0;
  if (typeof value !== 'number') typeFail(where, `value must be a number, got ${fmtValue(value)}`);
  if (mode !== 'constant' && value !== 0) fail(where, `padding mode '${mode}' doesn't take a value argument, got value ${value}`);
  return withTensor(where, input, 'input', (x) => {
    const shape = x.shape;
    const r = shape.length;
    const k = pads.length / 2;
    if (k > r) {
      fail(where, `pad length must be at most twice the number of input dimensions: got pad of length ${pads.length} for input of shape ${fmtShape(shape)}`);
    }
    const before = new Array(r).fill(0);
    const after = new Array(r).fill(0);
    for (let i = 0; i < k; i++) {
      before[r - 1 - i] = pads[2 * i];
      after[r - 1 - i] = pads[2 * i + 1];
    }
    if (mode === 'constant') {
      for (let d = 0; d < r; d++) {
        if (shape[d] + before[d] + after[d] < 0) {
          fail(where, `the input size ${shape[d]}, plus negative padding ${before[d]} and ${after[d]}, resulted in a negative output size, which is invalid (dimension ${d} of input shape ${fmtShape(shape)})`);
        }
      }
      return runPad(where, x, before, after, MODES.constant, value);
    }
    // Non-constant modes pad the last 1, 2 or 3 dims of batched or unbatched input.
    if (k < 1 || k > 3) {
      fail(where, `${mode} padding pads the last 1, 2 or 3 dimensions: pad must have 2, 4 or 6 values, got ${fmtValue(pads)}`);
    }
    if (r !== k + 1 && r !== k + 2) {
      fail(where, `${mode} padding with ${pads.length} pad values needs a ${k + 1}-D or ${k + 2}-D input (unbatched or batched), got shape ${fmtShape(shape)}`);
    }
    for (let d = r - k; d < r; d++) {
      const n = shape[d];
      for (const p of [before[d], after[d]]) {
        if (mode === 'reflect' && p >= n) {
          fail(where, `reflect padding size should be less than the corresponding input dimension, got padding (${before[d]}, ${after[d]}) at dimension ${d} of input shape ${fmtShape(shape)}`);
        }
        if (mode === 'circular' && p > n) {
          fail(where, `circular padding of (${before[d]}, ${after[d]}) at dimension ${d} would wrap around more than once: input shape ${fmtShape(shape)}`);
        }
      }
      if (n + before[d] + after[d] < 1 || (n === 0 && (before[d] !== 0 || after[d] !== 0))) {
        fail(where, `${mode} padding (${before[d]}, ${after[d]}) of dimension ${d} of input shape ${fmtShape(shape)} gives output size ${n + before[d] + after[d]}; it must be at least 1`);
      }
    }
    if (x.numel() === 0) return Tensor.empty(shape.map((n, d) => n + before[d] + after[d]), where);
    return runPad(where, x, before, after, MODES[mode], 0);
  });
}

// Keras ZeroPadding1D/2D/3D and Cropping1D/2D/3D on the nd spatial dims of
// (N, C, ...spatial) or (N, ...spatial, C) input; negative values crop.
export function padSpatial(where, input, { nd, channelsLast, before, after, value = 0 } = {}) {
  if (![1, 2, 3].includes(nd)) fail(where, `nd must be 1, 2 or 3, got ${fmtValue(nd)}`);
  for (const [name, v] of [['before', before], ['after', after]]) {
    if (!Array.isArray(v) || v.length !== nd || v.some((p) => typeof p !== 'number' || !Number.isInteger(p))) {
      typeFail(where, `${name} must be an array of ${nd} integers, got ${fmtValue(v)}`);
    }
  }
  if (typeof value !== 'number') typeFail(where, `value must be a number, got ${fmtValue(value)}`);
  return withTensor(where, input, 'input', (x) => {
    const shape = x.shape;
    if (shape.length !== nd + 2) {
      const dims = channelsLast ? `(batch, ${['steps', 'rows, cols', 'dim1, dim2, dim3'][nd - 1]}, channels)` : `(batch, channels, ${['steps', 'rows, cols', 'dim1, dim2, dim3'][nd - 1]})`;
      fail(where, `input must have ${nd + 2} dimensions ${dims}, got shape ${fmtShape(shape)}`);
    }
    const first = channelsLast ? 1 : 2;
    const b = new Array(nd + 2).fill(0);
    const a = new Array(nd + 2).fill(0);
    for (let i = 0; i < nd; i++) {
      const d = first + i;
      b[d] = before[i];
      a[d] = after[i];
      const outSize = shape[d] + before[i] + after[i];
      if ((before[i] < 0 || after[i] < 0) && outSize <= 0) {
        fail(where, `cropping (${-Math.min(before[i], 0)}, ${-Math.min(after[i], 0)}) must leave at least one value of spatial dimension ${i} (size ${shape[d]} in input shape ${fmtShape(shape)})`);
      }
      if (outSize < 0) fail(where, `padding (${before[i]}, ${after[i]}) gives a negative size for spatial dimension ${i} of input shape ${fmtShape(shape)}`);
    }
    return runPad(where, x, b, a, MODES.constant, value);
  });
}
