// Seeded random numbers for tests: every failure names its seed and can be
// replayed.

// Globals read once: inside Jest's vm context every global lookup goes
// through an interceptor, which made these loops ~20x slower.
const { abs, floor, imul } = Math;
const { isFinite, isNaN } = Number;

// mulberry32: returns () => float in [0, 1).
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
