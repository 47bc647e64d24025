// Keras weight initializers. Values come from js/random.js (seeded by
// torch.manual_seed) unless the initializer has its own `seed`, as Keras's
// `GlorotUniform(seed=42)`, which makes it reproducible on its own.
//
// Fans as Keras computes them for a kernel of shape (k..., in, out):
// receptive field = prod(k...), fan_in = in * rf, fan_out = out * rf.
import { fail, fmtValue, typeFail } from '../errors.js';
import { boxMuller, mulberry32, normal as globalNormal, uniform as globalUniform } from '../random.js';

function streams(seed) {
  if (seed === null || seed === undefined) return { uniform: globalUniform, normal: globalNormal };
  // The same seed offset as manual_seed: a layer seeded s draws what
  // torch.manual_seed(s) would.
  const uniform = mulberry32((seed >>> 0) ^ 0x6d2b79f5);
  return { uniform, normal: () => boxMuller(uniform) };
}

export function fans(shape) {
  if (shape.length < 2) {
    const n = shape.length === 1 ? shape[0] : 1;
    return { fanIn: n, fanOut: n };
  }
  const rf = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * rf, fanOut: shape[shape.length - 1] * rf };
}

// Keras's truncated normal: values beyond two standard deviations are
// drawn again; the 0.8796... factor restores the requested variance.
function truncatedNormal(normal, stddev) {
  for (;;) {
    const z = normal();
    if (z >= -2 && z <= 2) return z * stddev;
  }
}
const TRUNCATED_STDDEV = 0.87962566103423978;

// Variance-scaling family: scale, mode, distribution.
function varianceScaling(shape, rng, scale, mode, distribution) {
  const { fanIn, fanOut } = fans(shape);
  const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
  const variance = scale / Math.max(1, n);
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance);
    return () => (rng.uniform() * 2 - 1) * limit;
  }
  const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV;
  return () => truncatedNormal(rng.normal, stddev);
}

const CLASSES = {
  GlorotUniform: { name: 'glorot_uniform', make: (shape, c, rng) => varianceScaling(shape, rng, 1, 'fan_avg', 'uniform') },
  GlorotNormal: { name: 'glorot_normal', make: (shape, c, rng) => varianceScaling(shape, rng, 1, 'fan_avg', 'normal') },
  HeUniform: { name: 'he_uniform', make: (shape, c, rng) => varianceScaling(shape, rng, 2, 'fan_in', 'uniform') },
  HeNormal: { name: 'he_normal', make: (shape, c, rng) => varianceScaling(shape, rng, 2, 'fan_in', 'normal') },
  Zeros: { name: 'zeros', make: () => () => 0 },
  Ones: { name: 'ones', make: () => () => 1 },
  RandomNormal: {
    name: 'random_normal',
    defaults: { mean: 0, stddev: 0.05 },
    make: (shape, c, rng) => () => c.mean + c.stddev * rng.normal(),
  },
  RandomUniform: {
    name: 'random_uniform',
    defaults: { minval: -0.05, maxval: 0.05 },
    make: (shape, c, rng) => () => c.minval + (c.maxval - c.minval) * rng.uniform(),
  },
};
const BY_NAME = Object.fromEntries(Object.entries(CLASSES).map(([cls, v]) => [v.name, cls]));
const NAMES = Object.values(CLASSES).map((v) => v.name);

function snake(name) {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

// A name ('glorot_uniform', 'glorotUniform', 'GlorotUniform') or a config
// ({ class_name, config: { seed, ... } }) -> { className, config }.
export function getInitializer(where, argName, spec) {
  let className;
  let config = {};
  if (typeof spec === 'string') {
    const s = snake(spec);
    className = BY_NAME[s] ?? (spec in CLASSES ? spec : undefined);
  } else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const cls = spec.class_name ?? spec.className;
    className = typeof cls === 'string' ? (cls in CLASSES ? cls : BY_NAME[snake(cls)]) : undefined;
    config = spec.config ?? {};
    if (className === undefined) {
      fail(where, `${argName} must be one of ${NAMES.join(', ')} or { class_name, config }, got class_name ${fmtValue(cls)}`);
    }
  } else {
    typeFail(where, `${argName} must be an initializer name (${NAMES.join(', ')}) or { class_name, config }, got ${fmtValue(spec)}`);
  }
  if (className === undefined) fail(where, `${argName} must be one of ${NAMES.join(', ')}, got ${fmtValue(spec)}`);
  const merged = { ...(CLASSES[className].defaults ?? {}), seed: null, ...config };
  if (merged.seed !== null && !Number.isInteger(merged.seed)) {
    typeFail(where, `${argName}: seed must be an integer or null, got ${fmtValue(merged.seed)}`);
  }
  return { className, config: merged };
}

// load_model replaces every weight right after building the layers, so
// inside this scope initializers give zeros instead of drawing values that
// would be thrown away (most of the build time of a large model).
let placeholderScopes = 0;
export function withPlaceholderWeights(build) {
  placeholderScopes++;
  try {
    return build();
  } finally {
    placeholderScopes--;
  }
}

export const inPlaceholderScope = () => placeholderScopes > 0;

// Fills a Float32Array of the shape's size.
export function initialize(init, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const next = CLASSES[init.className].make(shape, init.config, streams(init.config.seed));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next();
  return out;
}

export function serializeInitializer(init) {
  return { class_name: init.className, config: { ...init.config } };
}
