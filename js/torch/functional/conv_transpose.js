// torch.nn.functional.conv_transpose1d / conv_transpose2d, mapped onto
// js/ops/conv_transpose.js. Weight in PyTorch's layout (in, out/groups, k...);
// unbatched (C, L) / (C, H, W) input gives unbatched output, as in PyTorch.
import { fail, fmtShape, fmtValue, intTuple, typeFail } from '../../errors.js';
import { withTensor } from '../../ops/run.js';
import { Tensor } from '../../tensor.js';
import { parseArgs, REQUIRED } from '../args.js';

// TODO(conv_transpose): js/ops/conv_transpose.js (OPS-SPEC's convTranspose)
// arrives from another engineer. When it lands, replace the two lines after
// this comment with
//   import { convTranspose } from '../../ops/conv_transpose.js';
//   export const HAS_CONV_TRANSPOSE_OP = true;
// (the tests that run the op are gated on that flag).
const convTranspose = (where) => fail(where, 'transposed convolution is not available yet: js/ops/conv_transpose.js has not landed');
export const HAS_CONV_TRANSPOSE_OP = false;

const SPEC = [['input', REQUIRED], ['weight', REQUIRED], ['bias', null], ['stride', 1], ['padding', 0],
  ['output_padding', 0], ['groups', 1], ['dilation', 1]];

// The checked geometry of a transposed convolution (shared with the modules).
export function convTransposeGeometry(where, nd, a) {
  const stride = intTuple(where, 'stride', a.stride, nd, { min: 1 });
  const dilation = intTuple(where, 'dilation', a.dilation, nd, { min: 1 });
  if (typeof a.padding === 'string') fail(where, `padding must be an int or an array of ${nd} ints (transposed convolutions take no 'same' or 'valid'), got ${fmtValue(a.padding)}`);
  const padding = intTuple(where, 'padding', a.padding, nd, { min: 0 });
  const outputPadding = intTuple(where, 'output_padding', a.output_padding, nd, { min: 0 });
  outputPadding.forEach((p, i) => {
    if (p >= stride[i] && p >= dilation[i]) {
      fail(where, `output_padding must be smaller than either stride or dilation, got output_padding=${fmtValue(outputPadding)}, ` +
        `stride=${fmtValue(stride)}, dilation=${fmtValue(dilation)}`);
    }
  });
  if (typeof a.groups !== 'number' || !Number.isInteger(a.groups)) typeFail(where, `groups must be an integer, got ${fmtValue(a.groups)}`);
  if (a.groups < 1) fail(where, `groups must be >= 1, got ${a.groups}`);
  return { stride, dilation, padding, output_padding: outputPadding, groups: a.groups };
}

export function torchConvTranspose(where, nd, input, weight, bias, geometry) {
  if (bias !== null && bias !== undefined && !(bias instanceof Tensor) && !Array.isArray(bias)) {
    typeFail(where, `bias must be a Tensor or null, got ${fmtValue(bias)}`);
  }
  return withTensor(where, input, 'input', (x) => {
    if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
      const names = nd === 1 ? '(C, L) or (N, C, L)' : '(C, H, W) or (N, C, H, W)';
      fail(where, `input must have ${nd + 1} or ${nd + 2} dimensions ${names}, got shape ${fmtShape(x.shape)}`);
    }
    const unbatched = x.ndim === nd + 1;
    const batched = unbatched ? x.reshape([1, ...x.shape]) : x;
    try {
      const y = convTranspose(where, batched, weight, { nd, layout: 'torch', bias: bias ?? null, ...geometry, channelsLast: false });
      if (!unbatched) return y;
      const out = y.reshape(y.shape.slice(1));
      y.dispose();
      return out;
    } finally {
      if (unbatched) batched.dispose();
    }
  });
}

function convTransposeNd(where, nd, args) {
  const a = parseArgs(where, args, SPEC);
  return torchConvTranspose(where, nd, a.input, a.weight, a.bias, convTransposeGeometry(where, nd, a));
}

export function conv_transpose1d(...args) {
  return convTransposeNd('conv_transpose1d', 1, args);
}

export function conv_transpose2d(...args) {
  return convTransposeNd('conv_transpose2d', 2, args);
}
