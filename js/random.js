// The seeded random stream behind torch.rand/randn and the Keras
// initializers: torch.manual_seed(s) makes them reproducible.

let state = (Date.now() ^ 0x9e3779b9) >>> 0;

export function manualSeed(seed) {
  if (!Number.isInteger(seed)) throw new TypeError(`manual_seed: seed must be an integer, got ${seed}`);
  state = (seed >>> 0) ^ 0x6d2b79f5;
}

// mulberry32: small, fast, 32-bit state, good enough for weights and tests.
export function uniform() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function normal() {
  // Box-Muller; 1 - u keeps the log argument in (0, 1].
  const u = 1 - uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
