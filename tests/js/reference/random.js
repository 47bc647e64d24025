// Seeded random numbers for tests: every failure names its seed and can be
// replayed.

import { mulberry32 } from '../../../js/random.js';

// Globals read once: inside Jest's vm context every global lookup goes
// through an interceptor, which made these loops ~20x slower.
const { abs, floor } = Math;
const { isFinite, isNaN } = Number;

// mulberry32, the library's own generator: returns () => float in [0, 1).
export const rng = mulberry32;

export function randInt(next, lo, hi) {  // inclusive
  return lo + floor(next() * (hi - lo + 1));
}

export function randomValues(next, n) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

// Max |got - want| / (atol + rtol * |want|) <= 1, NaN matching NaN and
// infinities matching exactly. Returns the first bad index or -1.
export function firstMismatch(got, want, rtol = 2e-5, atol = 1e-5) {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (isNaN(w)) {
      if (!isNaN(g)) return i;
    } else if (!isFinite(w)) {
      if (g !== w) return i;
    } else if (!(abs(g - w) <= atol + rtol * abs(w))) return i;
  }
  return -1;
}
