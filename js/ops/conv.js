// Convolution (conv1d/conv2d, Keras Conv1D/Conv2D, and graph-level fused
// convolutions): the one checking place for options, shapes, padding
// arithmetic (PyTorch's and Keras's), groups, weight layouts, the
// packed-weights cache and the kernel calls. Both fronts reduce their
// arguments to convGeneral's form (explicit padding before and after), and
// every call runs one named plan.
//
// Everything is planned as 2D: a 1D convolution is a 2D one with height 1.
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../errors.js';
import { checkStatus } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { finishActivation, resolveActivation } from './fused_activation.js';
import { checkBool, checkDataFormat, checkKerasPadding, checkPositiveInt, checkTorchConvPadding } from './options.js';
import { keepPacked, keptPacked } from './packed_weights.js';
import { PlanCache } from './plan_cache.js';
import { liveTensor, outputNumel, runPlanned, withTensor } from './run.js';

// Weight layouts and kernel targets, as cpp/src/conv/conv.h numbers them.
export const OIHW = 0;  // PyTorch (out, in/groups, kh, kw)
export const HWIO = 1;  // Keras (kh, kw, in/groups, out)
const FOR_NHWC = 0;
const FOR_NCHW = 1;
const FOR_NHWC_WINOGRAD = 2;
const LAYOUTS = { OIHW, HWIO };

const spatialNames = (nd) => (nd === 1 ? '(L)' : '(H, W)');

// ---- the Winograd choice ---------------------------------------------------

// 3x3 stride-1 convolutions run Winograd's F(4x4, 3x3)
// (cpp/src/conv/winograd.cc; channels first through channels-last copies
// of the input and output) when this is on (setWinograd in js/index.js),
// both channel counts reach WINOGRAD_MIN_CHANNELS (below, the transforms
// cost about what they save) and the kernel's work units, groups of four
// 4x4 tiles, are at least half filled with output pixels: a 4x4 or 5x5
// output computes a whole group for 16 or 25 pixels and reads 4x the
// direct kernel's weights, and ran 0.4-0.5x as fast as it (6x6: 0.9-1.6x,
// 7x7: 1.1-2.4x, 14x14 and up: 2.3-3x, measured at 1 thread).
let winogradOn = true;
const WINOGRAD_MIN_CHANNELS = 16;
const WINOGRAD_MIN_FILL = 0.5;

export function setWinograd(enabled) {
  if (typeof enabled !== 'boolean') typeFail('setWinograd', `enabled must be a boolean, got ${fmtValue(enabled)}`);
  winogradOn = enabled;
}

export function winogradEnabled() {
  return winogradOn;
}

function winogradFits(g, shape) {
  return g.groups === 1 && shape.kernel_h === 3 && shape.kernel_w === 3 && shape.stride_h === 1 &&
    shape.stride_w === 1 && shape.dilation_h === 1 && shape.dilation_w === 1 &&
    g.C >= WINOGRAD_MIN_CHANNELS && g.Cout >= WINOGRAD_MIN_CHANNELS &&
    g.N * shape.out_h * shape.out_w >= WINOGRAD_MIN_FILL * 64 * Math.ceil(g.N * Math.ceil(shape.out_h / 4) * Math.ceil(shape.out_w / 4) / 4);
}

// The plan's Winograd variant: the same plan with its own entry, words and
// packed weights (another pack key, so a switch never reuses the others').
function winogradVariant(p) {
  const entry = kernel(p.channelsLast ? 'convNhwcWinograd' : 'convNchwWinograd');
  const words = entry.pack({ input: 0, packed: 0, output: 0, activation: 0, ...p.shape });
  return {
    ...p, target: FOR_NHWC_WINOGRAD, packKey: `conv-pack:${FOR_NHWC_WINOGRAD}:${p.layout}:${p.groups}`,
    entry, words, inputAt: entry.at('input'), outputAt: entry.at('output'), activationAt: entry.at('activation'),
    packedAt: entry.at('packed'), winograd: null,
  };
}

// ---- the general plan ------------------------------------------------------

// g: { nd, layout, batched, N, C, spatial, Cout, kernel, stride, dilation,
// padBefore, padAfter, groups, channelsLast }, already consistent. -> the
// plan: output shape, kernel entry, its packed block and the word indices a
// call writes.
function generalPlan(where, g) {
  const out = g.spatial.map((x, i) => {
    const padded = x + g.padBefore[i] + g.padAfter[i];
    const span = g.dilation[i] * (g.kernel[i] - 1) + 1;
    if (span > padded) {
      fail(where, `kernel size ${fmtValue(g.kernel)} with dilation ${fmtValue(g.dilation)} spans ${span} > the padded input size ${padded} ` +
        `(input ${fmtShape(g.spatial)} + padding ${fmtValue(g.padBefore)}/${fmtValue(g.padAfter)}); the kernel can't be larger than the padded input`);
    }
    return Math.floor((padded - span) / g.stride[i]) + 1;
  });
  let outShape = g.channelsLast ? [g.N, ...out, g.Cout] : [g.N, g.Cout, ...out];
  if (!g.batched) outShape = outShape.slice(1);
  const outNumel = outputNumel(where, outShape);
  const two = (a, one) => (a.length === 1 ? [one, a[0]] : a);
  const [inH, inW] = two(g.spatial, 1);
  const [outH, outW] = two(out, 1);
  const [kh, kw] = two(g.kernel, 1);
  const [sh, sw] = two(g.stride, 1);
  const [dh, dw] = two(g.dilation, 1);
  const [pt, pl] = two(g.padBefore, 0);
  const shape = {
    batch: g.N, in_channels: g.C, in_h: inH, in_w: inW, out_channels: g.Cout, out_h: outH, out_w: outW,
    kernel_h: kh, kernel_w: kw, stride_h: sh, stride_w: sw, dilation_h: dh, dilation_w: dw, pad_top: pt, pad_left: pl,
    groups: g.groups,
  };
  // Depthwise has its own kernels; NHWC depthwise reads Keras's layout,
  // packed once per weight tensor (packedDepthwiseWeights), NCHW the
  // weights as given.
  const depthwise = g.groups === g.C && g.Cout === g.C && (!g.channelsLast || g.layout === HWIO);
  const packedDepthwise = depthwise && g.channelsLast;
  let entry;
  let words;
  if (packedDepthwise) {
    entry = kernel('dwconvNhwcPacked');
    words = entry.pack({ input: 0, packed: 0, output: 0, activation: 0, ...shape });
  } else if (depthwise) {
    entry = kernel('dwconvNchw');
    words = entry.pack({ input: 0, weights: 0, layout: g.layout, bias: 0, output: 0, activation: 0, ...shape });
  } else {
    entry = kernel(g.channelsLast ? 'convNhwc' : 'convNchw');
    words = entry.pack({ input: 0, packed: 0, output: 0, activation: 0, ...shape });
  }
  const target = g.channelsLast ? FOR_NHWC : FOR_NCHW;
  const plan = {
    nd: g.nd, N: g.N, C: g.C, Cout: g.Cout, groups: g.groups, layout: g.layout, channelsLast: g.channelsLast,
    outShape, outNumel, shape, depthwise, packedDepthwise, target,
    packKey: packedDepthwise ? 'dwconv-pack:nhwc' : `conv-pack:${target}:${g.layout}:${g.groups}`,
    entry, words,
    inputAt: entry.at('input'), outputAt: entry.at('output'), activationAt: entry.at('activation'),
    weightsAt: depthwise && !packedDepthwise ? entry.at('weights') : 0,
    biasAt: depthwise && !packedDepthwise ? entry.at('bias') : 0,
    packedAt: depthwise && !packedDepthwise ? 0 : entry.at('packed'),
    winograd: null,
  };
  if (!depthwise && winogradFits(g, shape)) plan.winograd = winogradVariant(plan);
  return plan;
}

// Shapes of input and weight against each other, in either layout.
// -> { N, C, spatial, Cout, kernel, cinPerGroup }.
function checkShapes(where, nd, inShape, weightShape, biasShape, layout, groups, channelsLast, batchedOnly) {
  const dims = nd === 1 ? 'L' : 'H, W';
  const batched = inShape.length === nd + 2;
  if (!batched && (batchedOnly || inShape.length !== nd + 1)) {
    const forms = channelsLast ? `(N, ${dims}, C)` : `(N, C, ${dims})`;
    fail(where, batchedOnly
      ? `input must have ${nd + 2} dimensions ${forms}, got shape ${fmtShape(inShape)}`
      : `input must have ${nd + 1} or ${nd + 2} dimensions (C, ${dims}) or (N, C, ${dims}), got shape ${fmtShape(inShape)}`);
  }
  if (weightShape.length !== nd + 2) {
    const k = nd === 1 ? 'kW' : 'kH, kW';
    fail(where, layout === OIHW
      ? `weight must have ${nd + 2} dimensions (out_channels, in_channels/groups, ${k}), got shape ${fmtShape(weightShape)}`
      : `weight must have ${nd + 2} dimensions (${k}, in_channels/groups, out_channels), got shape ${fmtShape(weightShape)}`);
  }
  const full = batched ? inShape : [1, ...inShape];
  const N = full[0];
  const C = channelsLast ? full[nd + 1] : full[1];
  const spatial = channelsLast ? full.slice(1, nd + 1) : full.slice(2);
  const Cout = layout === OIHW ? weightShape[0] : weightShape[nd + 1];
  const cinPerGroup = weightShape[layout === OIHW ? 1 : nd];
  const kernelSize = layout === OIHW ? weightShape.slice(2) : weightShape.slice(0, nd);
  if (Cout === 0 || cinPerGroup === 0 || kernelSize.some((k) => k === 0)) {
    fail(where, `weight must have non-zero sizes, got shape ${fmtShape(weightShape)}`);
  }
  const outAxis = layout === OIHW ? 0 : nd + 1;
  const inAxis = layout === OIHW ? 1 : nd;
  if (Cout % groups !== 0) {
    fail(where, `groups (${groups}) must divide the output channels (weight.shape[${outAxis}] = ${Cout})`);
  }
  if (C % groups !== 0) {
    fail(where, `groups (${groups}) must divide the input channels (${C} in input of shape ${fmtShape(inShape)})`);
  }
  if (C !== cinPerGroup * groups) {
    fail(where, `input must have ${cinPerGroup * groups} channels (weight.shape[${inAxis}] = ${cinPerGroup} input channels per group x groups = ${groups}), got ${C} channels in shape ${fmtShape(inShape)}`);
  }
  if (spatial.some((x) => x === 0)) fail(where, `input must have non-zero ${spatialNames(nd)}, got shape ${fmtShape(inShape)}`);
  if (biasShape !== null && (biasShape.length !== 1 || biasShape[0] !== Cout)) {
    fail(where, `bias must have shape [${Cout}] (one value per output channel), got shape ${fmtShape(biasShape)}`);
  }
  return { batched, N, C, spatial, Cout, kernel: kernelSize };
}

// ---- PyTorch ---------------------------------------------------------------

// The options of F.conv1d/conv2d and nn.Conv1d/Conv2d, checked without the
// input. -> { stride, dilation, groups, padding: 'valid' | 'same' | ints }.
export function checkTorchConvOptions(where, nd, { stride, padding, dilation, groups }) {
  if (typeof groups !== 'number' || !Number.isInteger(groups)) typeFail(where, `groups must be an integer, got ${fmtValue(groups)}`);
  if (groups < 1) fail(where, `groups must be >= 1, got ${groups}`);
  const s = intTuple(where, 'stride', stride, nd, { min: 1 });
  const d = intTuple(where, 'dilation', dilation, nd, { min: 1 });
  return { stride: s, dilation: d, groups, padding: checkTorchConvPadding(where, padding, nd, s) };
}

// nn.Conv1d/Conv2d's constructor arguments -> the module's normalised ones.
export function checkTorchConvModule(where, nd, a) {
  for (const name of ['in_channels', 'out_channels', 'groups']) checkPositiveInt(where, name, a[name]);
  if (a.in_channels % a.groups !== 0) fail(where, `in_channels (${a.in_channels}) must be divisible by groups (${a.groups})`);
  if (a.out_channels % a.groups !== 0) fail(where, `out_channels (${a.out_channels}) must be divisible by groups (${a.groups})`);
  checkBool(where, 'bias', a.bias);
  if (a.padding_mode !== 'zeros') fail(where, `padding_mode must be 'zeros' (the only mode nnwasm implements), got ${fmtValue(a.padding_mode)}`);
  const kernelSize = intTuple(where, 'kernel_size', a.kernel_size, nd, { min: 1 });
  const o = checkTorchConvOptions(where, nd, a);
  return { in_channels: a.in_channels, out_channels: a.out_channels, kernel_size: kernelSize, ...o, bias: a.bias, padding_mode: a.padding_mode };
}

// PyTorch's padding -> explicit before/after. 'same': total d*(k-1), the
// odd one at the end.
function torchPads(padding, nd, kernelSize, dilation) {
  if (padding === 'valid') return { before: new Array(nd).fill(0), after: new Array(nd).fill(0) };
  if (padding === 'same') {
    const total = kernelSize.map((k, i) => dilation[i] * (k - 1));
    const before = total.map((t) => Math.floor(t / 2));
    return { before, after: total.map((t, i) => t - before[i]) };
  }
  return { before: padding, after: padding };
}

// Shapes and options of F.conv1d / F.conv2d -> a plan. inShape (C, ...) or
// (N, C, ...); weightShape (out, in/g, k...).
export function planTorchConv(where, nd, inShape, weightShape, biasShape, options) {
  // Ranks first (checkShapes refuses them before anything else), then the
  // options, then the shapes against each other.
  const rankOk = (inShape.length === nd + 1 || inShape.length === nd + 2) && weightShape.length === nd + 2;
  if (!rankOk) checkShapes(where, nd, inShape, weightShape, biasShape, OIHW, 1, false, false);
  const o = checkTorchConvOptions(where, nd, options);
  const g = checkShapes(where, nd, inShape, weightShape, biasShape, OIHW, o.groups, false, false);
  const pad = torchPads(o.padding, nd, g.kernel, o.dilation);
  return generalPlan(where, {
    ...g, nd, layout: OIHW, stride: o.stride, dilation: o.dilation, padBefore: pad.before, padAfter: pad.after,
    groups: o.groups, channelsLast: false,
  });
}

const torchPlans = new PlanCache();
const TORCH_OPTIONS = ['stride', 'padding', 'dilation', 'groups'];

function torchConvOn(where, nd, x, weight, bias, options) {
  const xs = Tensor.shapeOf(x);
  const ws = Tensor.shapeOf(weight);
  const bs = bias === null ? null : Tensor.shapeOf(bias);
  let p = torchPlans.find(nd, xs, ws, bs, options, TORCH_OPTIONS);
  if (p === undefined) p = torchPlans.add(nd, xs, ws, bs, options, TORCH_OPTIONS, planTorchConv(where, nd, xs, ws, bs, options));
  return runConv(where, p, x, weight, OIHW, bias, LINEAR);
}

// F.conv1d / F.conv2d and the Conv1d/Conv2d modules: `a` holds input,
// weight, bias and the options in PyTorch's names.
export function torchConv(where, nd, a) {
  const bias = a.bias === undefined ? null : a.bias;
  if (typeof bias === 'boolean') typeFail(where, `bias must be a Tensor or null, got ${fmtValue(bias)}`);
  const x = liveTensor(a.input);
  const w = liveTensor(a.weight);
  const b = bias === null ? null : liveTensor(bias);
  if (x !== null && w !== null && (bias === null || b !== null)) return torchConvOn(where, nd, x, w, b, a);
  return withTensor(where, a.input, 'input', (xt) => withTensor(where, a.weight, 'weight', (wt) => {
    if (bias === null) return torchConvOn(where, nd, xt, wt, null, a);
    return withTensor(where, bias, 'bias', (bt) => torchConvOn(where, nd, xt, wt, bt, a));
  }));
}

// ---- Keras -----------------------------------------------------------------

// The options of Conv1D/Conv2D, checked at construction -> the layer's
// normalised convolution config.
export function checkKerasConvOptions(where, nd, o) {
  if (o.filters === undefined) fail(where, 'filters is required (the number of output channels)');
  const filters = checkPositiveInt(where, 'filters', o.filters);
  if (o.kernel_size === undefined) fail(where, 'kernel_size is required');
  const kernelSize = intTuple(where, 'kernel_size', o.kernel_size, nd, { min: 1 });
  const strides = intTuple(where, 'strides', o.strides, nd, { min: 1 });
  const dilationRate = intTuple(where, 'dilation_rate', o.dilation_rate, nd, { min: 1 });
  const padding = checkKerasPadding(where, o.padding, { causal: nd === 1 });
  const dataFormat = checkDataFormat(where, o.data_format);
  const groups = checkPositiveInt(where, 'groups', o.groups);
  if (filters % groups !== 0) fail(where, `filters (${filters}) must be divisible by groups (${groups})`);
  if (strides.some((s) => s !== 1) && dilationRate.some((d) => d !== 1)) {
    fail(where, `strides > 1 is not supported together with dilation_rate > 1 (as in Keras), got strides ${fmtValue(strides)} and dilation_rate ${fmtValue(dilationRate)}`);
  }
  checkBool(where, 'use_bias', o.use_bias);
  return { filters, kernel_size: kernelSize, strides, padding, data_format: dataFormat, dilation_rate: dilationRate, groups };
}

// Keras's conv output length and padding before/after, per spatial dim.
// length may be null (unknown), which gives null.
export function kerasConvGeometry(where, length, k, s, d, padding) {
  const span = d * (k - 1) + 1;
  if (length === null || length === undefined) return { out: null, before: 0, after: 0 };
  switch (padding) {
    case 'valid':
      if (length < span) {
        fail(where, `kernel_size ${k} with dilation_rate ${d} spans ${span} steps, more than the input's ${length}: the output size would be ${Math.floor((length - span) / s) + 1}`);
      }
      return { out: Math.floor((length - span) / s) + 1, before: 0, after: 0 };
    case 'causal':
      return { out: Math.floor((length - 1) / s) + 1, before: span - 1, after: 0 };
    case 'same': {
      // total = max((ceil(L/s)-1)*s + span - L, 0), the extra at the end.
      const out = Math.ceil(length / s);
      const total = Math.max((out - 1) * s + span - length, 0);
      const before = Math.floor(total / 2);
      return { out, before, after: total - before };
    }
    default:
      return fail(where, `padding must be 'valid', 'same' or 'causal', got ${fmtValue(padding)}`);
  }
}

// A Keras layer's plan for an input shape (batch, ...spatial, C) or
// (batch, C, ...spatial). `cfg` is checkKerasConvOptions's result. Unknown
// (null) sizes, as compute_output_shape may pass, give { C, outShape } only.
export function planKerasConv(where, inShape, cfg) {
  const nd = cfg.kernel_size.length;
  const channelsLast = cfg.data_format === 'channels_last';
  if (!Array.isArray(inShape) || inShape.length !== nd + 2) {
    const dims = channelsLast ? `(batch, ${nd === 1 ? 'steps' : 'rows, cols'}, channels)` : `(batch, channels, ${nd === 1 ? 'steps' : 'rows, cols'})`;
    fail(where, `input must have ${nd + 2} dimensions ${dims}, got shape ${Array.isArray(inShape) ? fmtShape(inShape) : fmtValue(inShape)}`);
  }
  const N = inShape[0];
  const C = channelsLast ? inShape[nd + 1] : inShape[1];
  const spatial = channelsLast ? inShape.slice(1, nd + 1) : inShape.slice(2);
  if (C === null || C === undefined) fail(where, `the channel dimension of the input must be known, got shape ${fmtShape(inShape)}`);
  if (C === 0 || C % cfg.groups !== 0) {
    fail(where, `the input channels (${C}) must be a non-zero multiple of groups (${cfg.groups}), got input shape ${fmtShape(inShape)}`);
  }
  const geo = spatial.map((x, i) => {
    if (x === 0) fail(where, `input must have non-zero ${nd === 1 ? 'steps' : 'rows and cols'}, got shape ${fmtShape(inShape)}`);
    return kerasConvGeometry(where, x, cfg.kernel_size[i], cfg.strides[i], cfg.dilation_rate[i], cfg.padding);
  });
  const out = geo.map((g) => g.out);
  const outShape = channelsLast ? [N, ...out, cfg.filters] : [N, cfg.filters, ...out];
  if (N === null || out.some((x) => x === null)) return { C, outShape };
  return generalPlan(where, {
    nd, layout: HWIO, batched: true, N, C, spatial, Cout: cfg.filters, kernel: cfg.kernel_size, stride: cfg.strides,
    dilation: cfg.dilation_rate, padBefore: geo.map((g) => g.before), padAfter: geo.map((g) => g.after),
    groups: cfg.groups, channelsLast,
  });
}

// A Keras layer's plan for x, cached by input shape in the layer's `plans`.
export function kerasConvPlan(where, x, cfg, plans) {
  const shape = Tensor.shapeOf(x);
  const p = plans.findShape(shape);
  return p !== undefined ? p : plans.addShape(shape, planKerasConv(where, shape, cfg));
}

// ---- the general entry -----------------------------------------------------

const generalPlans = new PlanCache();
const GENERAL_OPTIONS = ['nd', 'layout', 'stride', 'dilation', 'padBefore', 'padAfter', 'groups', 'channelsLast'];

function checkGeneral(where, x, weight, bias, o) {
  if (o.nd !== 1 && o.nd !== 2) fail(where, `nd must be 1 or 2, got ${fmtValue(o.nd)}`);
  const nd = o.nd;
  const layout = LAYOUTS[o.layout];
  if (typeof o.layout !== 'string' || layout === undefined) fail(where, `layout must be 'OIHW' or 'HWIO', got ${fmtValue(o.layout)}`);
  const groups = checkPositiveInt(where, 'groups', o.groups ?? 1);
  const stride = intTuple(where, 'stride', o.stride, nd, { min: 1 });
  const dilation = intTuple(where, 'dilation', o.dilation, nd, { min: 1 });
  const padBefore = intTuple(where, 'padBefore', o.padBefore, nd, { min: 0 });
  const padAfter = intTuple(where, 'padAfter', o.padAfter, nd, { min: 0 });
  const channelsLast = checkBool(where, 'channelsLast', o.channelsLast);
  const g = checkShapes(where, nd, Tensor.shapeOf(x), Tensor.shapeOf(weight), bias === null ? null : Tensor.shapeOf(bias),
    layout, groups, channelsLast, true);
  return generalPlan(where, { ...g, nd, layout, stride, dilation, padBefore, padAfter, groups, channelsLast });
}

// One convolution with explicit zero padding, the form both fronts' plans
// reduce to and graph-level fusion calls directly (BatchNorm folded into
// the weights, ZeroPadding into padBefore/padAfter):
//   convGeneral(where, input, weight, { nd: 1 | 2, layout: 'OIHW' | 'HWIO',
//     bias = null, stride, dilation, padBefore, padAfter, groups = 1,
//     channelsLast, activation = null, scale = null })
// input (N, C, ...) or (N, ..., C) by channelsLast; weight PyTorch's
// (out, in/groups, k...) for 'OIHW' or Keras's (k..., in/groups, out) for
// 'HWIO'; activation null or a resolveActivation() result; scale null or a
// Tensor of out floats: the weights packed with each output channel times
// its value (a folded BatchNorm's scale; only where packsWeights), that
// packed copy kept on the scale tensor. Other packed weights are cached on
// the weight tensor, as for the fronts.
export function convGeneral(where, input, weight, options) {
  if (options === null || typeof options !== 'object') typeFail(where, `options must be an object, got ${fmtValue(options)}`);
  const bias = options.bias ?? null;
  const activation = options.activation ?? LINEAR;
  if (activation === null || typeof activation !== 'object' || typeof activation.code !== 'number') {
    typeFail(where, `activation must be null or a resolveActivation() result, got ${fmtValue(options.activation)}`);
  }
  const x = liveTensor(input);
  const w = liveTensor(weight);
  const b = bias === null ? null : liveTensor(bias);
  if (x === null || w === null || (bias !== null && b === null)) {
    return withTensor(where, input, 'input', (xt) => withTensor(where, weight, 'weight', (wt) => {
      if (bias === null) return convGeneralOn(where, xt, wt, null, options, activation);
      return withTensor(where, bias, 'bias', (bt) => convGeneralOn(where, xt, wt, bt, options, activation));
    }));
  }
  return convGeneralOn(where, x, w, b, options, activation);
}

function convGeneralOn(where, x, weight, bias, o, activation) {
  const xs = Tensor.shapeOf(x);
  const ws = Tensor.shapeOf(weight);
  const bs = bias === null ? null : Tensor.shapeOf(bias);
  let p = generalPlans.find(0, xs, ws, bs, o, GENERAL_OPTIONS);
  if (p === undefined) p = generalPlans.add(0, xs, ws, bs, o, GENERAL_OPTIONS, checkGeneral(where, x, weight, bias, o));
  return runConv(where, p, x, weight, p.layout, bias, activation, o.scale ?? null);
}

// ---- kernel calls ----------------------------------------------------------

const LINEAR = resolveActivation('conv', null);

// The packed weights (bias included) for a GEMM kernel, made once per
// (weight tensor, target, layout, groups, bias) and kept on the weight
// tensor (disposed with it). A new bias tensor replaces the packed copy.
// scale (null or a Tensor of out floats): each output channel's weights
// times its value (a folded BatchNorm: the layer's own weights packed
// scaled, no scaled copy of them made; kept with the scale, keptPacked).
function packedWeights(where, p, weight, bias, scale = null) {
  const kept = keptPacked(weight, p.packKey, bias, scale);
  if (kept !== null) return kept;
  const shape = { ...p.shape, batch: 1 };
  const sizeEntry = kernel('convPackedSize');
  const sizeStatus = sizeEntry.run(sizeEntry.pack({ target: p.target, ...shape, floats: 0 }));
  if (sizeStatus !== 0) fail(where, `cannot pack weights of shape ${fmtShape(weight.shape)}`);
  const floats = sizeEntry.result('floats');
  const packed = Tensor.empty([floats], where);
  const packEntry = kernel('convPackWeights');
  const status = packEntry.run(packEntry.pack({
    weights: weight.ptr, layout: p.layout, bias: bias === null ? 0 : bias.ptr, scale: scale === null ? 0 : scale.ptr,
    target: p.target, packed: packed.ptr, ...shape,
  }));
  if (status !== 0) {
    packed.dispose();
    checkStatus(where, status);
  }
  return keepPacked(weight, p.packKey, bias, packed, scale);
}

// The same for NHWC depthwise (Keras's (kh, kw, 1, C) weights, bias
// included), kept under its own key: one weight tensor can serve a grouped
// GEMM plan and a depthwise one.
function packedDepthwiseWeights(where, p, weight, bias, scale = null) {
  const kept = keptPacked(weight, p.packKey, bias, scale);
  if (kept !== null) return kept;
  const shape = { ...p.shape, batch: 1 };
  const sizeEntry = kernel('dwconvNhwcPackedSize');
  const sizeStatus = sizeEntry.run(sizeEntry.pack({ ...shape, floats: 0 }));
  if (sizeStatus !== 0) fail(where, `cannot pack depthwise weights of shape ${fmtShape(weight.shape)}`);
  const packed = Tensor.empty([sizeEntry.result('floats')], where);
  const packEntry = kernel('dwconvNhwcPack');
  const status = packEntry.run(packEntry.pack({
    weights: weight.ptr, bias: bias === null ? 0 : bias.ptr, scale: scale === null ? 0 : scale.ptr, packed: packed.ptr, ...shape,
  }));
  if (status !== 0) {
    packed.dispose();
    checkStatus(where, status);
  }
  return keepPacked(weight, p.packKey, bias, packed, scale);
}

// Whether a convolution of these channel counts and layout runs on packed
// weights (all but channels-first depthwise, which reads them as given):
// where a folded BatchNorm's scale can go into the packing.
export function packsWeights({ groups, inChannels, outChannels, channelsLast }) {
  return channelsLast || !(groups === inChannels && outChannels === inChannels);
}

// Runs the convolution of plan p: x the input Tensor, weight in `layout`
// (OIHW or HWIO, as planned), bias a Tensor or null, activation a resolved
// activation, scale null or a per-output-channel scale for the packing
// (packedWeights; plans that pack only, packsWeights).
export function runConv(where, p, x, weight, layout, bias, activation, scale = null) {
  if (layout !== p.layout) throw new Error(`${where}: internal error: weights in layout ${layout} for a plan made for ${p.layout}`);
  if (winogradOn && p.winograd) p = p.winograd;
  const words = p.words;
  if (p.packedDepthwise) {
    words[p.packedAt] = packedDepthwiseWeights(where, p, weight, bias, scale).ptr;
  } else if (p.depthwise) {
    if (scale !== null) throw new Error(`${where}: internal error: a packing scale for unpacked depthwise weights`);
    words[p.weightsAt] = weight.ptr;
    words[p.biasAt] = bias === null ? 0 : bias.ptr;
  } else {
    words[p.packedAt] = packedWeights(where, p, weight, bias, scale).ptr;
  }
  words[p.activationAt] = activation.code;
  return finishActivation(where, runPlanned(where, p, x.ptr), activation);
}

// ---- prepacking ------------------------------------------------------------

// Makes now what runConv(p, ..., weight, bias) would make on its first call
// (the packed weights, kept on weight), so the layer that owns the weights
// pays for it when they are set, not in its first call. Mirrors runConv:
// change both together.
export function prepackPlanned(where, p, weight, bias, scale = null) {
  if (winogradOn && p.winograd) p = p.winograd;
  if (p.packedDepthwise) packedDepthwiseWeights(where, p, weight, bias, scale);
  else if (!p.depthwise) packedWeights(where, p, weight, bias, scale);
}

// prepackPlanned for a weight whose inputs are not known yet:
//   prepackConv(where, weight, bias, { nd: 1 | 2, layout: 'OIHW' | 'HWIO',
//     groups = 1, channelsLast, stride, dilation, scale = null })
// The packing depends on the weights, layout, groups and kernel family only,
// so any input does: planned here at stride 1 for a 16-wide output when the
// layer's stride and dilation (default 1) allow the Winograd family, else
// for the kernel's own size.
export function prepackConv(where, weight, bias, { nd, layout, groups = 1, channelsLast, stride, dilation, scale = null }) {
  const L = LAYOUTS[layout];
  const ws = weight.shape;
  const kernelSize = L === OIHW ? ws.slice(2) : ws.slice(0, nd);
  const zeros = new Array(nd).fill(0);
  const ones = new Array(nd).fill(1);
  const unit = (v) => v === undefined || v.every((x) => x === 1);
  const extra = unit(stride) && unit(dilation) ? 15 : 0;
  const p = generalPlan(where, {
    nd, layout: L, batched: true, N: 1, C: ws[L === OIHW ? 1 : nd] * groups, spatial: kernelSize.map((k) => k + extra),
    Cout: L === OIHW ? ws[0] : ws[nd + 1], kernel: kernelSize, stride: ones, dilation: ones, padBefore: zeros, padAfter: zeros,
    groups, channelsLast,
  });
  prepackPlanned(where, p, weight, bias, scale);
}

export { resolveActivation };
