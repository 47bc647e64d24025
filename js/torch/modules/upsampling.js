// torch.nn.Upsample (F.interpolate with its arguments held) and the
// UpsamplingNearest2d / UpsamplingBilinear2d (align_corners=True) shorthands.
import { fail } from '../../errors.js';
import { parseArgs } from '../args.js';
import { torchInterpolate } from '../functional/resize.js';
import { checkChoice } from '../functional/checks.js';
import { py } from './init.js';
import { Module } from './module.js';

const MODES = ['nearest', 'linear', 'bilinear'];

export class Upsample extends Module {
  constructor(...args) {
    super();
    const where = this.constructor.name;
    const a = parseArgs(where, args, [['size', null], ['scale_factor', null], ['mode', 'nearest'], ['align_corners', null],
      ['recompute_scale_factor', null]]);
    checkChoice(where, 'mode', a.mode, MODES);
    if ((a.size === null) === (a.scale_factor === null)) fail(where, 'exactly one of size or scale_factor must be given');
    if (a.align_corners !== null && a.mode === 'nearest') {
      fail(where, "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
    }
    this.where = where;
    Object.assign(this, a);
  }

  forward(input) {
    return torchInterpolate(this.where, input, {
      size: this.size, scale_factor: this.scale_factor, mode: this.mode, align_corners: this.align_corners,
      recompute_scale_factor: this.recompute_scale_factor, antialias: false,
    });
  }

  extra_repr() {
    const what = this.scale_factor !== null ? `scale_factor=${py(this.scale_factor)}` : `size=${py(this.size)}`;
    return `${what}, mode='${this.mode}'`;
  }
}

export class UpsamplingNearest2d extends Upsample {
  constructor(...args) {
    const a = parseArgs('UpsamplingNearest2d', args, [['size', null], ['scale_factor', null]]);
    super({ ...a, mode: 'nearest' });
  }
}

export class UpsamplingBilinear2d extends Upsample {
  constructor(...args) {
    const a = parseArgs('UpsamplingBilinear2d', args, [['size', null], ['scale_factor', null]]);
    super({ ...a, mode: 'bilinear', align_corners: true });
  }
}
