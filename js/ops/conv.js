// Convolution (conv1d/conv2d, Keras Conv1D/Conv2D): the one checking place
// for shapes, padding arithmetic (PyTorch's and Keras's), groups, weight
// layouts, the packed-weights cache and the kernel calls. Shared by
// torch.nn.functional, torch.nn and keras.layers.
//
// Everything is planned as 2D: a 1D convolution is a 2D one with height 1.
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../errors.js';
import { heapF32, wasm } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { resolveActivation } from './activations.js';
import { runKernel } from './run.js';

// Weight layouts and kernel targets, as cpp/src/conv/conv.h numbers them.
export const OIHW = 0;  // PyTorch (out, in/groups, kh, kw)
export const HWIO = 1;  // Keras (kh, kw, in/groups, out)
const FOR_NHWC = 0;
const FOR_NCHW = 1;

const spatialNames = (nd) => (nd === 1 ? '(L)' : '(H, W)');

// ---- PyTorch ---------------------------------------------------------------

// PyTorch's padding argument: int, array of nd ints, 'valid' or 'same'.
function torchPadding(where, padding, nd, kernel, dilation, stride) {
  if (typeof padding === 'string') {
    if (padding === 'valid') return { before: new Array(nd).fill(0), after: new Array(nd).fill(0) };
    if (padding === 'same') {
      if (stride.some((s) => s !== 1)) {
        fail(where, `padding='same' is not supported for strided convolutions (stride=${fmtValue(stride)}), as in PyTorch`);
      }
      // Total d*(k-1); PyTorch puts the odd one at the end.
      const total = kernel.map((k, i) => dilation[i] * (k - 1));
      const before = total.map((t) => Math.floor(t / 2));
      return { before, after: total.map((t, i) => t - before[i]) };
    }
    fail(where, `padding must be an int, an array of ${nd} ints, 'valid' or 'same', got ${fmtValue(padding)}`);
  }
  const p = intTuple(where, 'padding', padding, nd, { min: 0 });
  return { before: p, after: p.slice() };
}

function isTensorLike(x) {
  return x instanceof Tensor || Array.isArray(x);
}

// Shapes and options of F.conv1d / F.conv2d -> a plan (numbers for the
// kernel). inShape (C, ...) or (N, C, ...); weightShape (out, in/g, k...).
export function planTorchConv(where, nd, inShape, weightShape, biasShape, { stride, padding, dilation, groups }) {
  const batched = inShape.length === nd + 2;
  if (!batched && inShape.length !== nd + 1) {
    fail(where, `input must have ${nd + 1} or ${nd + 2} dimensions (C, ${nd === 1 ? 'L' : 'H, W'}) or (N, C, ${nd === 1 ? 'L' : 'H, W'}), got shape ${fmtShape(inShape)}`);
  }
  if (weightShape.length !== nd + 2) {
    fail(where, `weight must have ${nd + 2} dimensions (out_channels, in_channels/groups, ${nd === 1 ? 'kW' : 'kH, kW'}), got shape ${fmtShape(weightShape)}`);
  }
  if (typeof groups !== 'number' || !Number.isInteger(groups)) typeFail(where, `groups must be an integer, got ${fmtValue(groups)}`);
  if (groups < 1) fail(where, `groups must be >= 1, got ${groups}`);
  const s = intTuple(where, 'stride', stride, nd, { min: 1 });
  const d = intTuple(where, 'dilation', dilation, nd, { min: 1 });
  const [N, C, ...spatial] = batched ? inShape : [1, ...inShape];
  const [Cout, cinPerGroup, ...kernel] = weightShape;
  if (Cout === 0 || cinPerGroup === 0 || kernel.some((k) => k === 0)) {
    fail(where, `weight must have non-zero sizes, got shape ${fmtShape(weightShape)}`);
  }
  if (Cout % groups !== 0) {
    fail(where, `groups (${groups}) must divide the output channels (weight.shape[0] = ${Cout})`);
  }
  if (C % groups !== 0) {
    fail(where, `groups (${groups}) must divide the input channels (${C} in input of shape ${fmtShape(inShape)})`);
  }
  if (C !== cinPerGroup * groups) {
    fail(where, `input must have ${cinPerGroup * groups} channels (weight.shape[1] = ${cinPerGroup} x groups = ${groups}), got ${C} channels in shape ${fmtShape(inShape)}`);
  }
  if (spatial.some((x) => x === 0)) fail(where, `input must have non-zero ${spatialNames(nd)}, got shape ${fmtShape(inShape)}`);
  if (biasShape !== null && (biasShape.length !== 1 || biasShape[0] !== Cout)) {
    fail(where, `bias must have shape [${Cout}] (one value per output channel), got shape ${fmtShape(biasShape)}`);
  }
  const pad = torchPadding(where, padding, nd, kernel, d, s);
  const out = spatial.map((x, i) => {
    const padded = x + pad.before[i] + pad.after[i];
    const span = d[i] * (kernel[i] - 1) + 1;
    if (span > padded) {
      fail(where, `kernel size ${fmtValue(kernel)} with dilation ${fmtValue(d)} spans ${span} > the padded input size ${padded} ` +
        `(input ${fmtShape(spatial)} + padding ${fmtValue(pad.before)}/${fmtValue(pad.after)}); the kernel can't be larger than the padded input`);
    }
    return Math.floor((padded - span) / s[i]) + 1;
  });
  const outShape = batched ? [N, Cout, ...out] : [Cout, ...out];
  return makePlan({ N, C, spatial, Cout, kernel, stride: s, dilation: d, padBefore: pad.before, out, groups, channelsLast: false, outShape });
}

// Everything as 2D: height 1 for 1D.
function makePlan(p) {
  const two = (a, one) => (a.length === 1 ? [one, a[0]] : a);
  const [H, W] = two(p.spatial, 1);
  const [OH, OW] = two(p.out, 1);
  const [kh, kw] = two(p.kernel, 1);
  const [sh, sw] = two(p.stride, 1);
  const [dh, dw] = two(p.dilation, 1);
  const [pt, pl] = two(p.padBefore, 0);
  return { ...p, H, W, OH, OW, kh, kw, sh, sw, dh, dw, pt, pl };
}

// ---- Keras -----------------------------------------------------------------

// Keras's conv output length and padding before, per spatial dim. length may
// be null (unknown), which gives null.
export function kerasConvGeometry(where, length, k, s, d, padding) {
  const span = d * (k - 1) + 1;
  if (length === null || length === undefined) return { out: null, before: 0 };
  if (padding === 'valid') {
    if (length < span) {
      fail(where, `kernel_size ${k} with dilation_rate ${d} spans ${span} steps, more than the input's ${length}: the output size would be ${Math.floor((length - span) / s) + 1}`);
    }
    return { out: Math.floor((length - span) / s) + 1, before: 0 };
  }
  if (padding === 'causal') return { out: Math.floor((length - 1) / s) + 1, before: span - 1 };
  // 'same': total = max((ceil(L/s)-1)*s + span - L, 0), extra at the end.
  const out = Math.ceil(length / s);
  const total = Math.max((out - 1) * s + span - length, 0);
  return { out, before: Math.floor(total / 2) };
}

// A Keras layer's plan for an input shape (batch, ...spatial, C) or
// (batch, C, ...spatial). `cfg` holds the layer's normalised options.
export function planKerasConv(where, inShape, cfg) {
  const nd = cfg.kernel_size.length;
  if (!Array.isArray(inShape) || inShape.length !== nd + 2) {
    const dims = cfg.data_format === 'channels_last' ? `(batch, ${nd === 1 ? 'steps' : 'rows, cols'}, channels)` : `(batch, channels, ${nd === 1 ? 'steps' : 'rows, cols'})`;
    fail(where, `input must have ${nd + 2} dimensions ${dims}, got shape ${Array.isArray(inShape) ? fmtShape(inShape) : fmtValue(inShape)}`);
  }
  const channelsLast = cfg.data_format === 'channels_last';
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
  return makePlan({
    N, C, spatial, Cout: cfg.filters, kernel: cfg.kernel_size, stride: cfg.strides, dilation: cfg.dilation_rate,
    padBefore: geo.map((g) => g.before), out, groups: cfg.groups, channelsLast, outShape,
  });
}

// ---- kernel calls ----------------------------------------------------------

let shapeBuffer = 0;

// The 16 shape numbers cpp's read_shape expects, in a small heap block
// allocated once for the module's lifetime.
function writeShape(p) {
  if (shapeBuffer === 0) {
    shapeBuffer = wasm().tensorAlloc(64) >>> 0;
    if (shapeBuffer === 0) throw new Error('conv: cannot allocate 64 bytes in the WebAssembly heap');
  }
  const v = new Int32Array(heapF32().buffer, shapeBuffer, 16);
  v.set([p.N, p.C, p.H, p.W, p.Cout, p.OH, p.OW, p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pt, p.pl, p.groups]);
  return shapeBuffer;
}

const biasIds = new WeakMap();
let nextBiasId = 1;
function biasTag(bias) {
  if (bias === null) return 0;
  let id = biasIds.get(bias);
  if (id === undefined) biasIds.set(bias, (id = nextBiasId++));
  return id;
}

// The packed weights (bias included) for a GEMM kernel, made once per
// (weight tensor, target, groups, bias) and kept on the weight tensor
// (disposed with it). A new bias tensor replaces the packed copy.
function packedWeights(where, p, weight, layout, bias, target) {
  const holder = weight.derived(`conv-pack:${target}:${layout}:${p.groups}`, () => ({
    packed: null,
    tag: -1,
    dispose() {
      this.packed?.dispose();
      this.packed = null;
    },
  }));
  const tag = biasTag(bias);
  if (holder.packed !== null && holder.tag === tag) return holder.packed;
  holder.dispose();
  // The shape block lives in the heap, so it survives the allocation below.
  const shape = writeShape({ ...p, N: 1 });
  const floats = wasm().convPackedSize(shape, target);
  if (floats < 0) fail(where, `cannot pack weights of shape ${fmtShape(weight.shape)}`);
  const packed = Tensor.empty([floats], where);
  const status = wasm().convPackWeights(weight.ptr, layout, bias === null ? 0 : bias.ptr, shape, target, packed.ptr);
  if (status !== 0) {
    packed.dispose();
    fail(where, `kernel refused to pack the weights (${wasm().statusText(status)})`);
  }
  holder.packed = packed;
  holder.tag = tag;
  return packed;
}

// Runs the convolution of plan p: x the input Tensor, weight in `layout`
// (OIHW or HWIO), bias a Tensor or null, activation a resolved activation.
export function runConv(where, p, x, weight, layout, bias, activation) {
  const depthwise = p.groups === p.C && p.Cout === p.C && (!p.channelsLast || layout === HWIO);
  let packed = null;
  if (!depthwise) packed = packedWeights(where, p, weight, layout, bias, p.channelsLast ? FOR_NHWC : FOR_NCHW);
  const out = runKernel(where, p.outShape, (outPtr) => {
    const shape = writeShape(p);
    if (depthwise) {
      const b = bias === null ? 0 : bias.ptr;
      return p.channelsLast
        ? wasm().dwconvNhwc(x.ptr, weight.ptr, layout, b, outPtr, shape, activation.code)
        : wasm().dwconvNchw(x.ptr, weight.ptr, layout, b, outPtr, shape, activation.code);
    }
    return p.channelsLast
      ? wasm().convNhwc(x.ptr, packed.ptr, outPtr, shape, activation.code)
      : wasm().convNchw(x.ptr, packed.ptr, outPtr, shape, activation.code);
  });
  return finishActivation(where, out, activation);
}

// Softmax (last axis) and JS-function activations, after the kernel.
export function finishActivation(where, out, activation) {
  if (activation.softmax) {
    const shape = out.shape;
    const last = shape.length === 0 ? 1 : shape[shape.length - 1];
    const rows = last === 0 ? 0 : out.numel() / last;
    const status = wasm().softmaxRows(out.ptr, rows, last);
    if (status !== 0) {
      out.dispose();
      fail(where, `softmax failed (${wasm().statusText(status)})`);
    }
  }
  if (activation.fn !== null) {
    let result;
    try {
      result = activation.fn(out);
    } catch (e) {
      out.dispose();
      throw e;
    }
    if (result !== out && result instanceof Tensor) out.dispose();
    return result;
  }
  return out;
}

export { resolveActivation };
