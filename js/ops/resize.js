// F.interpolate / nn.Upsample / Keras UpSampling1D/2D: the one checking
// place for PyTorch's size / scale_factor / align_corners rules. 'nearest'
// on 3-D or 4-D input, 'linear' on 3-D, 'bilinear' on 4-D; 1-D runs as
// 2-D with height 1. channelsLast takes Keras's (N, ...spatial, C).
import { fail, fmtShape, fmtValue, typeFail } from '../errors.js';
import { kernel } from './abi.js';
import { runKernel, withTensor } from './run.js';

const MODES = { nearest: 0, linear: 1, bilinear: 1 };
const COORD = { alignCorners: 0, halfPixel: 1, asymmetric: 2 };
const f = Math.fround;

function perDim(where, name, v, nd, check) {
  const arr = Array.isArray(v) ? v : [v];
  if (Array.isArray(v) && v.length !== nd) {
    fail(where, `${name} must be a number or an array of ${nd} (one per spatial dimension), got ${fmtValue(v)} for an input with ${nd} spatial dimension${nd > 1 ? 's' : ''}`);
  }
  const out = arr.length === 1 ? new Array(nd).fill(arr[0]) : arr;
  out.forEach(check);
  return out;
}

export function interpolate(where, input, {
  size = null, scale_factor = null, mode = 'nearest', align_corners = null, channelsLast = false, half_pixel = null,
} = {}) {
  if (!(mode in MODES)) fail(where, `mode must be one of 'nearest', 'linear', 'bilinear', got ${fmtValue(mode)}`);
  if (mode === 'nearest' && align_corners !== null && align_corners !== undefined) {
    fail(where, `align_corners option can only be set with the interpolating modes: linear | bilinear, got mode 'nearest' with align_corners=${fmtValue(align_corners)}`);
  }
  if (align_corners !== null && align_corners !== undefined && typeof align_corners !== 'boolean') {
    typeFail(where, `align_corners must be a boolean or null, got ${fmtValue(align_corners)}`);
  }
  if (half_pixel !== null && half_pixel !== undefined && typeof half_pixel !== 'boolean') {
    typeFail(where, `half_pixel must be a boolean or null, got ${fmtValue(half_pixel)}`);
  }
  const hasSize = size !== null && size !== undefined;
  const hasScale = scale_factor !== null && scale_factor !== undefined;
  if (hasSize && hasScale) fail(where, 'only one of size or scale_factor should be defined');
  if (!hasSize && !hasScale) fail(where, 'either size or scale_factor should be defined');
  return withTensor(where, input, 'input', (x) => {
    const shape = x.shape;
    const r = shape.length;
    if (mode === 'linear' && r !== 3) fail(where, `got ${r}D input, but linear mode needs 3D input, got shape ${fmtShape(shape)}`);
    if (mode === 'bilinear' && r !== 4) fail(where, `got ${r}D input, but bilinear mode needs 4D input, got shape ${fmtShape(shape)}`);
    if (mode === 'nearest' && r !== 3 && r !== 4) {
      fail(where, `nearest mode needs 3D (N, C, L) or 4D (N, C, H, W) input, got ${r}D input of shape ${fmtShape(shape)}`);
    }
    const nd = r - 2;
    const N = shape[0];
    const C = channelsLast ? shape[r - 1] : shape[1];
    const spatial = channelsLast ? shape.slice(1, r - 1) : shape.slice(2);
    let outSpatial;
    let scales = null;
    if (hasSize) {
      outSpatial = perDim(where, 'size', size, nd, (s) => {
        if (typeof s !== 'number' || !Number.isInteger(s)) typeFail(where, `size must be an integer or an array of integers, got ${fmtValue(size)}`);
      });
    } else {
      scales = perDim(where, 'scale_factor', scale_factor, nd, (s) => {
        if (typeof s !== 'number' || !Number.isFinite(s)) typeFail(where, `scale_factor must be a number or an array of numbers, got ${fmtValue(scale_factor)}`);
        if (s <= 0) fail(where, `scale_factor must be positive, got ${fmtValue(scale_factor)}`);
      });
      outSpatial = spatial.map((n, i) => Math.floor(n * scales[i]));
    }
    if (spatial.some((n) => n <= 0) || outSpatial.some((n) => n <= 0)) {
      fail(where, `input and output sizes should be greater than 0, but got input ${fmtShape(spatial)} and output ${fmtShape(outSpatial)} (input shape ${fmtShape(shape)})`);
    }
    const alignCorners = align_corners === true;
    // The float scale per axis, as PyTorch's kernels compute it.
    const axis = (i) => {
      const inN = spatial[i];
      const outN = outSpatial[i];
      let scale;
      if (mode !== 'nearest' && alignCorners) scale = outN > 1 ? f(f(inN - 1) / f(outN - 1)) : 0;
      else if (scales !== null) scale = f(1 / scales[i]);
      else scale = f(f(inN) / f(outN));
      return { in: inN, out: outN, scale };
    };
    const axes = spatial.map((_, i) => axis(i));
    const [h, w] = nd === 1 ? [{ in: 1, out: 1, scale: 1 }, axes[0]] : axes;
    let coord = alignCorners ? COORD.alignCorners : COORD.halfPixel;
    if (mode !== 'nearest' && half_pixel !== null && half_pixel !== undefined) {
      coord = half_pixel ? COORD.halfPixel : (alignCorners ? COORD.alignCorners : COORD.asymmetric);
    }
    const outShape = channelsLast ? [N, ...outSpatial, C] : [N, C, ...outSpatial];
    const entry = kernel('resize2d');
    const words = entry.pack({
      input: x.ptr, output: 0, batch: N, channels: C, in_h: h.in, in_w: w.in, out_h: h.out, out_w: w.out,
      scale_h: h.scale, scale_w: w.scale, mode: MODES[mode], coord, channels_last: Boolean(channelsLast),
    });
    return runKernel(where, outShape, (out) => {
      entry.set(words, 'output', out);
      return entry.run(words);
    });
  });
}
