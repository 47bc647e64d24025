// torch.nn.Conv1d / Conv2d: modules holding weight (out, in/groups, k...)
// and bias tensors, initialised as PyTorch does (kaiming_uniform with
// a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias,
// fan_in = in/groups * prod(kernel)) from the stream torch.manual_seed seeds.
// The packed copy of the weights for the kernels is cached on the weight
// tensor, so it is made once, not on every forward.
import { fail, fmtValue, intTuple, typeFail } from '../../errors.js';
import { uniform } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkChoice } from '../functional/checks.js';
import { torchConv } from '../functional/conv.js';
import { convPadsForPad, torchPad } from '../functional/pad.js';
import { Module } from './module.js';

function uniformTensor(shape, bound, where) {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (uniform() * 2 - 1) * bound;
  return Tensor.fromFloat32(values, shape, where);
}

class ConvNd extends Module {
  constructor(where, nd, args) {
    super();
    const a = parseArgs(where, args, [['in_channels', REQUIRED], ['out_channels', REQUIRED], ['kernel_size', REQUIRED],
      ['stride', 1], ['padding', 0], ['dilation', 1], ['groups', 1], ['bias', true], ['padding_mode', 'zeros']]);
    for (const name of ['in_channels', 'out_channels', 'groups']) {
      if (typeof a[name] !== 'number' || !Number.isInteger(a[name])) typeFail(where, `${name} must be an integer, got ${fmtValue(a[name])}`);
      if (a[name] < 1) fail(where, `${name} must be >= 1, got ${a[name]}`);
    }
    if (a.in_channels % a.groups !== 0) fail(where, `in_channels (${a.in_channels}) must be divisible by groups (${a.groups})`);
    if (a.out_channels % a.groups !== 0) fail(where, `out_channels (${a.out_channels}) must be divisible by groups (${a.groups})`);
    if (typeof a.bias !== 'boolean') typeFail(where, `bias must be a boolean, got ${fmtValue(a.bias)}`);
    checkChoice(where, 'padding_mode', a.padding_mode, ['zeros', 'reflect', 'replicate', 'circular']);
    this.where = where;
    this.nd = nd;
    this.in_channels = a.in_channels;
    this.out_channels = a.out_channels;
    this.kernel_size = intTuple(where, 'kernel_size', a.kernel_size, nd, { min: 1 });
    this.stride = intTuple(where, 'stride', a.stride, nd, { min: 1 });
    this.dilation = intTuple(where, 'dilation', a.dilation, nd, { min: 1 });
    if (typeof a.padding === 'string') {
      if (a.padding !== 'valid' && a.padding !== 'same') fail(where, `padding must be an int, an array of ${nd} ints, 'valid' or 'same', got ${fmtValue(a.padding)}`);
      if (a.padding === 'same' && this.stride.some((s) => s !== 1)) fail(where, `padding='same' is not supported for strided convolutions (stride=${fmtValue(this.stride)}), as in PyTorch`);
      this.padding = a.padding;
    } else {
      this.padding = intTuple(where, 'padding', a.padding, nd, { min: 0 });
    }
    this.groups = a.groups;
    this.padding_mode = a.padding_mode;
    const fanIn = (a.in_channels / a.groups) * this.kernel_size.reduce((x, y) => x * y, 1);
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = uniformTensor([a.out_channels, a.in_channels / a.groups, ...this.kernel_size], bound, where);
    this.bias = a.bias ? uniformTensor([a.out_channels], bound, where) : null;
  }

  forward(input) {
    const conv = (x, padding) => torchConv(this.where, this.nd, {
      input: x, weight: this.weight, bias: this.bias, stride: this.stride, padding,
      dilation: this.dilation, groups: this.groups,
    });
    if (this.padding_mode === 'zeros') return conv(input, this.padding);
    // As PyTorch: F.pad in that mode, then a convolution without padding.
    const padded = torchPad(this.where, input, convPadsForPad(this.padding, this.kernel_size, this.dilation), this.padding_mode, null);
    try {
      return conv(padded, 0);
    } finally {
      padded.dispose();
    }
  }

  parameters() {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }

  // Frees the weight and bias (and their packed copies) now.
  dispose() {
    this.weight?.dispose();
    this.bias?.dispose();
  }

  toString() {
    const tuple = (v) => (Array.isArray(v) ? `(${v.join(', ')}${v.length === 1 ? ',' : ''})` : `'${v}'`);
    let s = `${this.where}(${this.in_channels}, ${this.out_channels}, kernel_size=${tuple(this.kernel_size)}, stride=${tuple(this.stride)}`;
    if (this.padding === 'same' || this.padding === 'valid' || this.padding.some((p) => p !== 0)) s += `, padding=${tuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.padding_mode !== 'zeros') s += `, padding_mode=${tuple(this.padding_mode)}`;
    return `${s})`;
  }
}

export class Conv1d extends ConvNd {
  constructor(...args) {
    super('Conv1d', 1, args);
  }
}

export class Conv2d extends ConvNd {
  constructor(...args) {
    super('Conv2d', 2, args);
  }
}
