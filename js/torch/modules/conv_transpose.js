// torch.nn.ConvTranspose1d / ConvTranspose2d: weight (in, out/groups, k...)
// and bias (out), initialised as PyTorch does: fan_in is the weight's
// dim 1 times the kernel size, i.e. out/groups * prod(kernel).
// forward(input, output_size) picks output_padding from a wanted size, as
// PyTorch does.
import { checkInt, fail, fmtValue, intTuple, typeFail } from '../../errors.js';
import { parseArgs, REQUIRED } from '../args.js';
import { convTransposeGeometry, torchConvTranspose } from '../functional/conv_transpose.js';
import { prepackConvTranspose } from '../../ops/conv_transpose.js';
import { py, uniformFanIn } from './init.js';
import { warmUpOn } from '../../graph/prepack.js';
import { Module } from './module.js';

class ConvTransposeNd extends Module {
  constructor(where, nd, args) {
    super();
    const a = parseArgs(where, args, [['in_channels', REQUIRED], ['out_channels', REQUIRED], ['kernel_size', REQUIRED],
      ['stride', 1], ['padding', 0], ['output_padding', 0], ['groups', 1], ['bias', true], ['dilation', 1],
      ['padding_mode', 'zeros'], ['device', null], ['dtype', null]]);
    checkInt(where, 'in_channels', a.in_channels, { min: 1 });
    checkInt(where, 'out_channels', a.out_channels, { min: 1 });
    const geometry = convTransposeGeometry(where, nd, a);
    if (a.in_channels % a.groups !== 0) fail(where, `in_channels (${a.in_channels}) must be divisible by groups (${a.groups})`);
    if (a.out_channels % a.groups !== 0) fail(where, `out_channels (${a.out_channels}) must be divisible by groups (${a.groups})`);
    if (typeof a.bias !== 'boolean') typeFail(where, `bias must be a boolean, got ${fmtValue(a.bias)}`);
    if (a.padding_mode !== 'zeros') fail(where, `only 'zeros' padding_mode is supported for transposed convolutions (as in PyTorch), got ${fmtValue(a.padding_mode)}`);
    this.where = where;
    this.nd = nd;
    this.in_channels = a.in_channels;
    this.out_channels = a.out_channels;
    this.kernel_size = intTuple(where, 'kernel_size', a.kernel_size, nd, { min: 1 });
    Object.assign(this, geometry);
    this.padding_mode = 'zeros';
    const fanIn = (a.out_channels / a.groups) * this.kernel_size.reduce((x, y) => x * y, 1);
    this.weight = uniformFanIn([a.in_channels, a.out_channels / a.groups, ...this.kernel_size], fanIn, where);
    this.bias = a.bias ? uniformFanIn([a.out_channels], fanIn, where) : null;
    this.prepack();
  }

  prepack() {
    prepackConvTranspose(this.where, this.weight, { nd: this.nd, layout: 'torch', groups: this.groups, channelsLast: false });
    warmUpOn([1, this.in_channels, ...new Array(this.nd).fill(4)], (x) => this.forward(x));
  }

  // PyTorch's _output_padding: the output_padding that gives `outputSize`
  // (its last nd entries), which must lie within [min, min + stride - 1].
  #outputPadding(input, outputSize) {
    if (outputSize === null || outputSize === undefined) return this.output_padding;
    const where = this.where;
    const nd = this.nd;
    const shape = Array.isArray(input) ? null : input.shape;
    if (!Array.isArray(outputSize) || outputSize.some((s) => !Number.isInteger(s))) {
      typeFail(where, `output_size must be an array of ints, got ${fmtValue(outputSize)}`);
    }
    const size = outputSize.length > nd ? outputSize.slice(-nd) : outputSize;
    if (size.length !== nd) fail(where, `output_size must have ${nd} or ${nd + 2} elements, got ${fmtValue(outputSize)}`);
    if (shape === null) fail(where, 'output_size needs the input as a Tensor');
    const spatial = shape.slice(-nd);
    return size.map((want, i) => {
      const min = (spatial[i] - 1) * this.stride[i] - 2 * this.padding[i] + this.dilation[i] * (this.kernel_size[i] - 1) + 1;
      const max = min + this.stride[i] - 1;
      if (want < min || want > max) {
        fail(where, `requested an output size of ${fmtValue(size)}, but valid sizes range from [${min}] to [${max}] ` +
          `in dim ${i} (for an input of ${fmtValue(spatial)})`);
      }
      return want - min;
    });
  }

  forward(input, output_size = null) {
    const outputPadding = this.#outputPadding(input, output_size);
    return torchConvTranspose(this.where, this.nd, input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, output_padding: outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  extra_repr() {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${py(this.kernel_size)}, stride=${py(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${py(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${py(this.dilation)}`;
    if (this.output_padding.some((p) => p !== 0)) s += `, output_padding=${py(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

export class ConvTranspose1d extends ConvTransposeNd {
  constructor(...args) {
    super('ConvTranspose1d', 1, args);
  }
}

export class ConvTranspose2d extends ConvTransposeNd {
  constructor(...args) {
    super('ConvTranspose2d', 2, args);
  }
}
