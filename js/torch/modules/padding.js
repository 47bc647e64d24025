// torch.nn padding modules: ZeroPad, ConstantPad, ReflectionPad,
// ReplicationPad and CircularPad in 1, 2 and 3 dims. padding: an int (every
// side) or 2 * nd ints in F.pad's order (left, right[, top, bottom[, front, back]]).
import { fail, fmtValue, typeFail } from '../../errors.js';
import { parseArgs, REQUIRED } from '../args.js';
import { checkNumber } from '../functional/checks.js';
import { torchPad } from '../functional/pad.js';
import { py } from './init.js';
import { Module } from './module.js';

function padTuple(where, padding, nd) {
  const n = 2 * nd;
  const out = Array.isArray(padding) ? padding : new Array(n).fill(padding);
  if (out.length !== n) fail(where, `padding must be an int or an array of ${n} ints, got ${fmtValue(padding)}`);
  for (const p of out) if (typeof p !== 'number' || !Number.isInteger(p)) typeFail(where, `padding must be an int or an array of ${n} ints, got ${fmtValue(padding)}`);
  return out.slice();
}

class PadNd extends Module {
  constructor(where, nd, mode, args) {
    super();
    const spec = mode === 'constant' && !where.startsWith('ZeroPad') ? [['padding', REQUIRED], ['value', REQUIRED]] : [['padding', REQUIRED]];
    const a = parseArgs(where, args, spec);
    this.where = where;
    this.mode = mode;
    this.padding = padTuple(where, a.padding, nd);
    this.value = mode === 'constant' ? checkNumber(where, 'value', a.value ?? 0) : null;
  }

  forward(input) {
    return torchPad(this.where, input, this.padding, this.mode, this.value);
  }

  extra_repr() {
    return this.mode === 'constant' && !this.where.startsWith('ZeroPad') ? `padding=${py(this.padding)}, value=${this.value}` : `${py(this.padding)}`;
  }
}

const define = (where, nd, mode) => ({
  [where]: class extends PadNd {
    constructor(...args) {
      super(where, nd, mode, args);
    }
  },
})[where];

export const ZeroPad1d = define('ZeroPad1d', 1, 'constant');
export const ZeroPad2d = define('ZeroPad2d', 2, 'constant');
export const ZeroPad3d = define('ZeroPad3d', 3, 'constant');
export const ConstantPad1d = define('ConstantPad1d', 1, 'constant');
export const ConstantPad2d = define('ConstantPad2d', 2, 'constant');
export const ConstantPad3d = define('ConstantPad3d', 3, 'constant');
export const ReflectionPad1d = define('ReflectionPad1d', 1, 'reflect');
export const ReflectionPad2d = define('ReflectionPad2d', 2, 'reflect');
export const ReflectionPad3d = define('ReflectionPad3d', 3, 'reflect');
export const ReplicationPad1d = define('ReplicationPad1d', 1, 'replicate');
export const ReplicationPad2d = define('ReplicationPad2d', 2, 'replicate');
export const ReplicationPad3d = define('ReplicationPad3d', 3, 'replicate');
export const CircularPad1d = define('CircularPad1d', 1, 'circular');
export const CircularPad2d = define('CircularPad2d', 2, 'circular');
export const CircularPad3d = define('CircularPad3d', 3, 'circular');
