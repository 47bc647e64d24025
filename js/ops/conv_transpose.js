// Transposed convolution (F.conv_transpose1d/2d, nn.ConvTranspose1d/2d,
// Keras Conv1DTranspose/Conv2DTranspose): the one checking place for shapes,
// PyTorch's and Keras's output-size and padding arithmetic, weight layouts,
// the packed-weights cache and the kernel calls.
//
// Planned as 2D: 1D is height 1. Weights: 'torch' (in, out/groups, k...),
// 'keras' (k..., out, in) (no groups in Keras).
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../errors.js';
import { checkStatus } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { kernel } from './abi.js';
import { finishActivation } from './fused_activation.js';
import { runKernel, withTensor } from './run.js';

const LAYOUT = { torch: 0, keras: 1 };
const FOR_NHWC = 0;
const FOR_NCHW = 1;

const packedSizeEntry = kernel('convTransposePackedSize');
const packEntry = kernel('convTransposePackWeights');
const nchwEntry = kernel('convTransposeNchw');
const nhwcEntry = kernel('convTransposeNhwc');

const spatialText = (nd) => (nd === 1 ? 'L' : 'H, W');

// Keras's deconv_output_length and the padding before that TensorFlow's
// conv_transpose uses for it (the forward convolution's 'same' split).
function kerasGeometry(where, length, k, s, d, padding, outputPadding) {
  const span = d * (k - 1) + 1;
  let out;
  if (outputPadding === null) out = padding === 'valid' ? length * s + Math.max(span - s, 0) : length * s;
  else out = (length - 1) * s + span - 2 * (padding === 'same' ? Math.floor(span / 2) : 0) + outputPadding;
  if (out < 1) fail(where, `the output size would be ${out} for input size ${length}; check kernel_size, strides and output_padding`);
  const before = padding === 'valid' ? 0 : Math.floor(Math.max((length - 1) * s + span - out, 0) / 2);
  return { out, before };
}

function checkPaddingOption(where, padding, nd) {
  if (typeof padding === 'string') {
    const p = padding.toLowerCase();
    if (p !== 'valid' && p !== 'same') fail(where, `padding must be 'valid' or 'same', got ${fmtValue(padding)}`);
    return p;
  }
  return intTuple(where, 'padding', padding ?? 0, nd, { min: 0 });
}

// -> the plan: 2D geometry numbers, output shape, packing key.
export function planConvTranspose(where, inShape, weightShape, biasShape, o) {
  const { nd, layout } = o;
  if (!(layout in LAYOUT)) fail(where, `weight layout must be 'torch' or 'keras', got ${fmtValue(layout)}`);
  const channelsLast = Boolean(o.channelsLast);
  const batched = inShape.length === nd + 2;
  if (!batched && !(layout === 'torch' && inShape.length === nd + 1)) {
    const dims = layout === 'torch'
      ? `${nd + 1} or ${nd + 2} dimensions (C, ${spatialText(nd)}) or (N, C, ${spatialText(nd)})`
      : `${nd + 2} dimensions ${channelsLast ? `(batch, ${nd === 1 ? 'steps' : 'rows, cols'}, channels)` : `(batch, channels, ${nd === 1 ? 'steps' : 'rows, cols'})`}`;
    fail(where, `input must have ${dims}, got shape ${fmtShape(inShape)}`);
  }
  const full = batched ? inShape : [1, ...inShape];
  const N = full[0];
  const C = channelsLast ? full[nd + 1] : full[1];
  const spatial = channelsLast ? full.slice(1, nd + 1) : full.slice(2);
  const groups = o.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups)) typeFail(where, `groups must be an integer, got ${fmtValue(groups)}`);
  if (groups < 1) fail(where, `groups must be >= 1, got ${groups}`);
  if (weightShape.length !== nd + 2) {
    const dims = layout === 'torch' ? `(in_channels, out_channels/groups, ${nd === 1 ? 'kW' : 'kH, kW'})` : `(${nd === 1 ? 'kernel_size' : 'kh, kw'}, filters, in_channels)`;
    fail(where, `weight must have ${nd + 2} dimensions ${dims}, got shape ${fmtShape(weightShape)}`);
  }
  if (weightShape.some((d) => d === 0)) fail(where, `weight must have non-zero sizes, got shape ${fmtShape(weightShape)}`);
  let cin;
  let cout;
  let kernelSize;
  if (layout === 'torch') {
    [cin] = weightShape;
    cout = weightShape[1] * groups;
    kernelSize = weightShape.slice(2);
    if (cin % groups !== 0) fail(where, `groups (${groups}) must divide the input channels (weight.shape[0] = ${cin})`);
  } else {
    if (groups !== 1) fail(where, `groups must be 1 for Keras's kernel layout, got ${groups}`);
    kernelSize = weightShape.slice(0, nd);
    [cout, cin] = weightShape.slice(nd);
  }
  if (C !== cin) {
    fail(where, `input must have ${cin} channels (the weight's input channels), got ${C} channels in shape ${fmtShape(inShape)}`);
  }
  if (spatial.some((x) => x === 0)) fail(where, `input must have non-zero (${spatialText(nd)}), got shape ${fmtShape(inShape)}`);
  if (biasShape !== null && (biasShape.length !== 1 || biasShape[0] !== cout)) {
    fail(where, `bias must have shape [${cout}] (one value per output channel), got shape ${fmtShape(biasShape)}`);
  }
  const stride = intTuple(where, 'stride', o.stride ?? 1, nd, { min: 1 });
  const dilation = intTuple(where, 'dilation', o.dilation ?? 1, nd, { min: 1 });
  const padding = checkPaddingOption(where, o.padding, nd);
  const outputPadding = o.output_padding === null || o.output_padding === undefined
    ? (typeof padding === 'string' ? null : new Array(nd).fill(0))
    : intTuple(where, 'output_padding', o.output_padding, nd, { min: 0 });
  let out;
  let before;
  if (typeof padding === 'string') {
    if (outputPadding !== null) {
      outputPadding.forEach((p, i) => {
        if (p >= stride[i]) fail(where, `output_padding must be smaller than strides, got output_padding ${fmtValue(outputPadding)} with strides ${fmtValue(stride)}`);
      });
    }
    const geo = spatial.map((x, i) => kerasGeometry(where, x, kernelSize[i], stride[i], dilation[i], padding, outputPadding === null ? null : outputPadding[i]));
    out = geo.map((g) => g.out);
    before = geo.map((g) => g.before);
  } else {
    outputPadding.forEach((p, i) => {
      if (p >= Math.max(stride[i], dilation[i])) {
        fail(where, `output_padding must be smaller than either stride or dilation, got output_padding ${fmtValue(outputPadding)} with stride ${fmtValue(stride)} and dilation ${fmtValue(dilation)}`);
      }
    });
    out = spatial.map((x, i) => (x - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernelSize[i] - 1) + outputPadding[i] + 1);
    if (out.some((x) => x < 1)) {
      fail(where, `the output size would be ${fmtShape(out)} for input ${fmtShape(spatial)}, kernel ${fmtShape(kernelSize)}, stride ${fmtShape(stride)}, padding ${fmtShape(padding)}: it must be positive`);
    }
    before = padding;
  }
  const two = (a, one) => (a.length === 1 ? [one, a[0]] : a);
  const [inH, inW] = two(spatial, 1);
  const [outH, outW] = two(out, 1);
  const [kh, kw] = two(kernelSize, 1);
  const [sh, sw] = two(stride, 1);
  const [dh, dw] = two(dilation, 1);
  const [pt, pl] = two(before, 0);
  let outShape;
  if (channelsLast) outShape = [N, ...out, cout];
  else outShape = batched ? [N, cout, ...out] : [cout, ...out];
  return {
    outShape,
    channelsLast,
    layout,
    geometry: {
      batch: N, in_channels: cin, in_h: inH, in_w: inW, out_channels: cout, out_h: outH, out_w: outW,
      kernel_h: kh, kernel_w: kw, stride_h: sh, stride_w: sw, dilation_h: dh, dilation_w: dw,
      pad_top: pt, pad_left: pl, groups,
    },
  };
}

// Packed weights, made once per (weight tensor, layout, target, groups) and
// disposed with the weight tensor. Packing does not depend on the input's size.
function packedWeights(where, plan, weight) {
  const target = plan.channelsLast ? FOR_NHWC : FOR_NCHW;
  const g = plan.geometry;
  return weight.derived(`conv-transpose:${target}:${plan.layout}:${g.groups}`, () => {
    const geometry = { ...g, batch: 1, in_h: 1, in_w: 1, out_h: 1, out_w: 1 };
    checkStatus(where, packedSizeEntry.run(packedSizeEntry.pack({ target, ...geometry, floats: 0 })));
    const floats = packedSizeEntry.result('floats');
    const packed = Tensor.empty([floats], where);
    const words = packEntry.pack({ weights: weight.ptr, layout: LAYOUT[plan.layout], target, packed: packed.ptr, ...geometry });
    try {
      checkStatus(where, packEntry.run(words));
    } catch (e) {
      packed.dispose();
      throw e;
    }
    return packed;
  });
}

// Packs weight now, as the first call would (the packing does not depend on
// the input): for a weight in `layout` ('torch' or 'keras') with these groups.
export function prepackConvTranspose(where, weight, { nd, layout, groups = 1, channelsLast }) {
  const s = weight.shape;
  const kernelSize = layout === 'torch' ? s.slice(2) : s.slice(0, nd);
  const [cin, cout] = layout === 'torch' ? [s[0], s[1] * groups] : [s[nd + 1], s[nd]];
  const [kh, kw] = kernelSize.length === 1 ? [1, kernelSize[0]] : kernelSize;
  packedWeights(where, {
    channelsLast, layout,
    geometry: {
      in_channels: cin, out_channels: cout, kernel_h: kh, kernel_w: kw, stride_h: 1, stride_w: 1,
      dilation_h: 1, dilation_w: 1, pad_top: 0, pad_left: 0, groups,
    },
  }, weight);
}

function run(where, plan, x, weight, bias, activation) {
  const packed = packedWeights(where, plan, weight);
  const entry = plan.channelsLast ? nhwcEntry : nchwEntry;
  const out = runKernel(where, plan.outShape, (outPtr) => entry.run(entry.pack({
    input: x.ptr, packed: packed.ptr, bias: bias === null ? 0 : bias.ptr, output: outPtr,
    activation: activation === null ? 0 : activation.code, ...plan.geometry,
  })));
  return activation === null ? out : finishActivation(where, out, activation);
}

// The op of OPS-SPEC: input and weight Tensors or nested arrays; bias a
// Tensor, nested array or null; activation a resolveActivation() result or null.
export function convTranspose(where, input, weight, options) {
  return withTensor(where, input, 'input', (x) => withTensor(where, weight, 'weight', (w) => {
    const bias = options.bias ?? null;
    if (typeof bias === 'boolean') typeFail(where, `bias must be a Tensor or null, got ${fmtValue(bias)}`);
    const go = (b) => run(where, planConvTranspose(where, x.shape, w.shape, b === null ? null : b.shape, options), x, w, b, options.activation ?? null);
    return bias === null ? go(null) : withTensor(where, bias, 'bias', go);
  }));
}
