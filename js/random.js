// The seeded random stream behind torch.rand/randn and the Keras
// initializers: torch.manual_seed(s) makes them reproducible. The tests'
// seeded inputs (tests/js/reference/random.js) use the same generator.

// Read once: inside Jest's vm context every global lookup goes through an
// interceptor, which made these loops ~20x slower.
const { cos, imul, log, PI, sqrt } = Math;

// mulberry32: small, fast, 32-bit state, good enough for weights and tests.
// -> () => float in [0, 1).
export function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let next = mulberry32(Date.now() ^ 0x9e3779b9);

export function manualSeed(seed) {
  if (!Number.isInteger(seed)) throw new TypeError(`manual_seed: seed must be an integer, got ${seed}`);
  next = mulberry32((seed >>> 0) ^ 0x6d2b79f5);
}

export function uniform() {
  return next();
}

// A standard normal from two draws of `draw` (Box-Muller; 1 - u keeps the
// log argument in (0, 1]).
export function boxMuller(draw) {
  const u = 1 - draw();
  const v = draw();
  return sqrt(-2 * log(u)) * cos(2 * PI * v);
}

export function normal() {
  return boxMuller(next);
}
