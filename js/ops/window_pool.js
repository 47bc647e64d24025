// Window pooling (avg/max pool 1d and 2d): argument checking, output sizes
// with PyTorch's and Keras's padding arithmetic, and the kernel calls, shared
// by torch.nn.functional, torch.nn and keras.layers.
//
// Every op is 2D pooling to the kernel: 1D input is a plane of height 1.
// Channels first runs the NCHW kernel, channels last the NHWC one; neither
// transposes.
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../errors.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { checkBool, checkDataFormat, checkKerasPadding } from './options.js';
import { PlanCache } from './plan_cache.js';
import { liveTensor, outputNumel, runPlannedWithIndices, withTensor } from './run.js';

const dimsText = (spatial) => (spatial === 1
  ? '2 or 3 dimensions (C, L) or (N, C, L)'
  : '3 or 4 dimensions (C, H, W) or (N, C, H, W)');

// PyTorch's input rule: unbatched (C, ...spatial) or batched (N, C, ...spatial),
// channels and spatial sizes non-zero (the batch may be 0).
export function splitTorchInput(where, shape, spatial) {
  if (shape.length !== spatial + 1 && shape.length !== spatial + 2) {
    fail(where, `input must have ${dimsText(spatial)}, got shape ${fmtShape(shape)}`);
  }
  const batched = shape.length === spatial + 2;
  const [n, c, ...sizes] = batched ? shape : [1, ...shape];
  if (c === 0 || sizes.some((s) => s === 0)) {
    fail(where, `input must have non-zero channels and spatial sizes, got shape ${fmtShape(shape)}`);
  }
  return { batched, n, c, sizes };
}

// PyTorch's pooling_output_shape: floor or ceil, and with ceil_mode the last
// window must start inside the input or the left padding.
export function torchOutputSize(size, kernel, stride, pad, dilation, ceilMode) {
  const numerator = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = Math.floor((numerator + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

// The options of avg_poolNd / max_poolNd, checked without the input (module
// constructors check them at construction). -> per-dimension arrays.
export function checkTorchPoolOptions(where, spatial, opts) {
  const kernel = intTuple(where, 'kernel_size', opts.kernel_size, spatial, { min: 1 });
  const strideGiven = opts.stride !== null && opts.stride !== undefined &&
    !(Array.isArray(opts.stride) && opts.stride.length === 0);
  const stride = strideGiven ? intTuple(where, 'stride', opts.stride, spatial, { min: 1 }) : kernel.slice();
  const padding = intTuple(where, 'padding', opts.padding ?? 0, spatial, { min: 0 });
  const dilation = intTuple(where, 'dilation', opts.dilation ?? 1, spatial, { min: 1 });
  const ceilMode = checkBool(where, 'ceil_mode', opts.ceil_mode ?? false);
  padding.forEach((p, d) => {
    if (p > Math.floor(kernel[d] / 2)) {
      fail(where, `padding must be at most half of kernel_size (pad should be smaller than or equal to half of kernel size), got padding ${fmtValue(opts.padding)} with kernel_size ${fmtValue(opts.kernel_size)}`);
    }
  });
  let divisorOverride = 0;
  if (opts.divisor_override !== null && opts.divisor_override !== undefined) {
    const v = opts.divisor_override;
    if (typeof v !== 'number' || !Number.isInteger(v)) typeFail(where, `divisor_override must be an integer or null, got ${fmtValue(v)}`);
    if (v === 0) fail(where, 'divisor_override must not be zero, got 0');
    divisorOverride = v;
  }
  const countIncludePad = checkBool(where, 'count_include_pad', opts.count_include_pad ?? true);
  const returnIndices = checkBool(where, 'return_indices', opts.return_indices ?? false);
  return { kernel, stride, padding, dilation, ceilMode, divisorOverride, countIncludePad, returnIndices };
}

// PyTorch avg_poolNd / max_poolNd on (N, C, ...) or (C, ...) input.
export function planTorchPool(where, shape, spatial, opts) {
  const o = checkTorchPoolOptions(where, spatial, opts);
  const { batched, n, c, sizes } = splitTorchInput(where, shape, spatial);
  const out = sizes.map((size, d) => torchOutputSize(size, o.kernel[d], o.stride[d], o.padding[d], o.dilation[d], o.ceilMode));
  if (out.some((s) => s < 1)) {
    fail(where, `input of spatial size ${fmtShape(sizes)} is too small for kernel_size ${fmtShape(o.kernel)}` +
      ` with padding ${fmtShape(o.padding)} and dilation ${fmtShape(o.dilation)}: the output size would be ${fmtShape(out)}`);
  }
  const pad2 = (a, fill) => (spatial === 1 ? [fill, a[0]] : a);
  const [ph, pw] = pad2(o.padding, 0);
  return windowPlan(where, {
    max: opts.max === true,
    channelsLast: false,
    outShape: batched ? [n, c, ...out] : [c, ...out],
    batch: n,
    channels: c,
    returnIndices: o.returnIndices,
    window: window2d(pad2(sizes, 1), pad2(out, 1), pad2(o.kernel, 1), pad2(o.stride, 1), pad2(o.dilation, 1),
      [ph, pw], [ph, pw], o.countIncludePad, o.divisorOverride),
  });
}

// The Window2d fields of bindings/pool.cc from [h, w] pairs.
function window2d(inSize, outSize, kernelSize, stride, dilation, padBefore, padAfter, countIncludePad, divisorOverride) {
  return {
    in_h: inSize[0], in_w: inSize[1], out_h: outSize[0], out_w: outSize[1],
    kernel_h: kernelSize[0], kernel_w: kernelSize[1], stride_h: stride[0], stride_w: stride[1],
    dilation_h: dilation[0], dilation_w: dilation[1], pad_top: padBefore[0], pad_left: padBefore[1],
    pad_bottom: padAfter[0], pad_right: padAfter[1], count_include_pad: countIncludePad, divisor_override: divisorOverride,
  };
}

// The one named plan of a window pooling, for either front: the kernel
// entry of its layout and op, its parameter block packed once.
function windowPlan(where, { max, channelsLast, outShape, batch, channels, returnIndices, window }) {
  const outNumel = outputNumel(where, outShape);
  let entry;
  let words;
  if (channelsLast) {
    entry = kernel(max ? 'maxPool2dNhwc' : 'avgPool2dNhwc');
    words = entry.pack({ input: 0, output: 0, batch, channels, ...window });
  } else if (max) {
    entry = kernel('maxPool2dNchw');
    words = entry.pack({ input: 0, output: 0, indices: 0, planes: batch * channels, ...window });
  } else {
    entry = kernel('avgPool2dNchw');
    words = entry.pack({ input: 0, output: 0, planes: batch * channels, ...window });
  }
  return {
    outShape,
    outNumel,
    returnIndices,
    entry,
    words,
    inputAt: entry.at('input'),
    outputAt: entry.at('output'),
    indicesAt: max && !channelsLast ? entry.at('indices') : 0,
  };
}

// The options of Keras AveragePoolingND / MaxPoolingND, checked at
// construction -> { poolSize, strides, padding, dataFormat }.
export function checkKerasPoolOptions(where, spatial, { pool_size: poolSize, strides, padding, data_format: dataFormat }) {
  const size = intTuple(where, 'pool_size', poolSize, spatial, { min: 1 });
  return {
    poolSize: size,
    strides: strides === null || strides === undefined ? size.slice() : intTuple(where, 'strides', strides, spatial, { min: 1 }),
    padding: checkKerasPadding(where, padding),
    dataFormat: checkDataFormat(where, dataFormat),
  };
}

// Keras's pooling output size and padding: 'valid' floor((L - k) / s) + 1;
// 'same' ceil(L / s) with total padding max((out - 1) * s + k - L, 0), the
// extra element at the end. null (unknown) sizes stay null.
export function kerasOutputSize(where, size, kernel, stride, padding) {
  if (size === null) return { out: null, before: 0, after: 0 };
  if (padding === 'valid') {
    const out = Math.floor((size - kernel) / stride) + 1;
    if (out < 0) {
      fail(where, `computed output size would be negative: input size ${size} is smaller than pool_size ${kernel} with padding 'valid'`);
    }
    return { out, before: 0, after: 0 };
  }
  const out = Math.floor((size + stride - 1) / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

function checkShapeEntries(where, shape, rank, dataFormat) {
  const layout = rank === 3
    ? (dataFormat === 'channels_last' ? '(batch, steps, channels)' : '(batch, channels, steps)')
    : (dataFormat === 'channels_last' ? '(batch, rows, cols, channels)' : '(batch, channels, rows, cols)');
  if (!Array.isArray(shape) || shape.length !== rank ||
      shape.some((d) => d !== null && !(Number.isInteger(d) && d >= 0))) {
    fail(where, `input must have ${rank} dimensions ${layout} for data_format '${dataFormat}', got shape ${Array.isArray(shape) ? fmtShape(shape) : fmtValue(shape)}`);
  }
}

// Keras AveragePoolingND / MaxPoolingND. shape entries may be null when
// called from compute_output_shape.
export function planKerasPool(where, shape, spatial, { poolSize, strides, padding, dataFormat, max = false }) {
  checkShapeEntries(where, shape, spatial + 2, dataFormat);
  const channelsLast = dataFormat === 'channels_last';
  const n = shape[0];
  const c = channelsLast ? shape[spatial + 1] : shape[1];
  const sizes = channelsLast ? shape.slice(1, spatial + 1) : shape.slice(2);
  const dims = sizes.map((size, d) => kerasOutputSize(where, size, poolSize[d], strides[d], padding));
  const out = dims.map((x) => x.out);
  const outShape = channelsLast ? [n, ...out, c] : [n, c, ...out];
  // compute_output_shape may pass unknown (null) sizes: no kernel plan then.
  if (n === null || c === null || out.some((x) => x === null)) return { outShape };
  const pad2 = (a, fill) => (spatial === 1 ? [fill, a[0]] : a);
  return windowPlan(where, {
    max,
    channelsLast,
    outShape,
    batch: n,
    channels: c,
    returnIndices: false,
    // Keras averages over the real cells only.
    window: window2d(pad2(sizes, 1), pad2(out, 1), pad2(poolSize, 1), pad2(strides, 1), [1, 1],
      pad2(dims.map((x) => x.before), 0), pad2(dims.map((x) => x.after), 0), false, 0),
  });
}

const TORCH_OPTIONS = ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'count_include_pad',
  'divisor_override', 'return_indices'];
const torchPlans = new PlanCache();

function torchPool(where, spatial, x, opts, max) {
  const shape = Tensor.shapeOf(x);
  const tag = spatial * 2 + (max ? 1 : 0);
  let plan = torchPlans.find(tag, shape, null, null, opts, TORCH_OPTIONS);
  if (plan === undefined) {
    plan = torchPlans.add(tag, shape, null, null, opts, TORCH_OPTIONS, planTorchPool(where, shape, spatial, { ...opts, max }));
  }
  // max with returnIndices gives [output, indices].
  return runPlannedWithIndices(where, plan, x.ptr, plan.returnIndices);
}

// torch: avg_pool{1,2}d and max_pool{1,2}d.
export function torchAvgPool(where, spatial, input, opts) {
  const x = liveTensor(input);
  if (x === null) return withTensor(where, input, 'input', (t) => torchPool(where, spatial, t, opts, false));
  return torchPool(where, spatial, x, opts, false);
}

export function torchMaxPool(where, spatial, input, opts) {
  const x = liveTensor(input);
  if (x === null) return withTensor(where, input, 'input', (t) => torchPool(where, spatial, t, opts, true));
  return torchPool(where, spatial, x, opts, true);
}

function kerasPoolOn(where, spatial, x, options, max, plans) {
  const shape = Tensor.shapeOf(x);
  let plan = plans.findShape(shape);
  if (plan === undefined) plan = plans.addShape(shape, planKerasPool(where, shape, spatial, { ...options, max }));
  return runPlannedWithIndices(where, plan, x.ptr, plan.returnIndices);
}

// keras: AveragePooling{1,2}D and MaxPooling{1,2}D. `plans` is the layer's
// own cache (its options are fixed), keyed by input shape.
export function kerasPool(where, spatial, input, options, max, plans = new PlanCache(1)) {
  const x = liveTensor(input);
  if (x === null) return withTensor(where, input, 'inputs', (t) => kerasPoolOn(where, spatial, t, options, max, plans));
  return kerasPoolOn(where, spatial, x, options, max, plans);
}

// Keras pooling's padding check (js/ops/options.js), under its older name.
export function checkPadding(where, v) {
  return checkKerasPadding(where, v);
}
