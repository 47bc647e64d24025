// torch.nn.Conv1d / Conv2d: modules holding weight (out, in/groups, k...)
// and bias tensors, initialised as PyTorch does (kaiming_uniform with
// a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias,
// fan_in = in/groups * prod(kernel)) from the stream torch.manual_seed seeds.
// The packed copy of the weights for the kernels is cached on the weight
// tensor, so it is made once, not on every forward.
import { uniform } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkTorchConvModule, prepackConv, torchConv } from '../../ops/conv.js';
import { checkChoice } from '../functional/checks.js';
import { convPadsForPad, torchPad } from '../functional/pad.js';
import { warmUpOn } from '../../graph/prepack.js';
import { Module } from './module.js';

function uniformTensor(shape, bound, where) {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (uniform() * 2 - 1) * bound;
  return Tensor.fromFloat32(values, shape, where);
}

class ConvNd extends Module {
  #args;
  #pads;

  constructor(where, nd, args) {
    super();
    const given = parseArgs(where, args, [['in_channels', REQUIRED], ['out_channels', REQUIRED],
      ['kernel_size', REQUIRED], ['stride', 1], ['padding', 0], ['dilation', 1], ['groups', 1], ['bias', true],
      ['padding_mode', 'zeros']]);
    // The other modes pad with F.pad before a convolution without padding.
    checkChoice(where, 'padding_mode', given.padding_mode, ['zeros', 'reflect', 'replicate', 'circular']);
    const a = { ...checkTorchConvModule(where, nd, { ...given, padding_mode: 'zeros' }), padding_mode: given.padding_mode };
    this.where = where;
    this.nd = nd;
    this.in_channels = a.in_channels;
    this.out_channels = a.out_channels;
    this.kernel_size = a.kernel_size;
    this.stride = a.stride;
    this.dilation = a.dilation;
    this.padding = a.padding;
    this.groups = a.groups;
    this.padding_mode = a.padding_mode;
    // The functional form's arguments, made once (forward writes input).
    const padded = a.padding_mode !== 'zeros';
    this.#args = { input: null, weight: null, bias: null, stride: a.stride, padding: padded ? 0 : a.padding, dilation: a.dilation, groups: a.groups };
    this.#pads = padded ? convPadsForPad(a.padding, a.kernel_size, a.dilation) : null;
    const fanIn = (a.in_channels / a.groups) * this.kernel_size.reduce((x, y) => x * y, 1);
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = uniformTensor([a.out_channels, a.in_channels / a.groups, ...this.kernel_size], bound, where);
    this.bias = a.bias ? uniformTensor([a.out_channels], bound, where) : null;
    this.prepack();
  }

  prepack() {
    prepackConv(this.where, this.weight, this.bias, {
      nd: this.nd, layout: 'OIHW', groups: this.groups, channelsLast: false, stride: this.stride, dilation: this.dilation,
    });
    // Batch 1, about 8 outputs per spatial dimension.
    const spatial = this.kernel_size.map((k, i) => this.dilation[i] * (k - 1) + 1 + 7 * this.stride[i]);
    warmUpOn([1, this.in_channels, ...spatial], (x) => this.forward(x));
  }

  forward(input) {
    const c = this.#args;
    const x = this.#pads === null ? input : torchPad(this.where, input, this.#pads, this.padding_mode, null);
    c.input = x;
    c.weight = this.weight;
    c.bias = this.bias;
    try {
      return torchConv(this.where, this.nd, c);
    } finally {
      c.input = null;
      if (x !== input) x.dispose();
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
