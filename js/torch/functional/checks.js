// Argument checks the torch functions and modules share: a number, a
// boolean, one of a set of names; each error names the function and argument.
import { fail, fmtValue, typeFail } from '../../errors.js';

export function checkNumber(where, name, v) {
  if (typeof v !== 'number') typeFail(where, `${name} must be a number, got ${fmtValue(v)}`);
  return v;
}

export function checkBool(where, name, v) {
  if (typeof v !== 'boolean') typeFail(where, `${name} must be a boolean, got ${fmtValue(v)}`);
  return v;
}

export function checkChoice(where, name, v, choices) {
  if (!choices.includes(v)) fail(where, `${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${fmtValue(v)}`);
  return v;
}

// A tensor dim in [-ndim, ndim) -> [0, ndim).
export function checkDim(where, name, dim, ndim) {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (typeof dim !== 'number' || !Number.isInteger(dim)) typeFail(where, `${name} must be an integer, got ${fmtValue(dim)}`);
  if (dim < lo || dim > hi) fail(where, `${name} out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}
