// TensorFlow.js weight manifests: groups of weight specs
//   { name, shape, dtype, quantization?: { dtype, scale, min, original_dtype? } }
// whose values lie back to back in the group's shards. Every spec is checked
// and every group's byte count matched before a value is decoded, so a bad
// file fails before any tensor exists. Values come out as float32:
// float16 widened, the converter's uint8 / uint16 affine quantisation
// (value = q * scale + min) undone, int32 / bool converted.
import { fmtShape, fmtValue } from '../errors.js';
import { decodeFloat16, encodeFloat32, viewFloat32 } from './dtypes.js';

const plainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export class WeightsError extends Error {}

function bad(where, message) {
  throw new WeightsError(`${where}: ${message}`);
}

const PLAIN_BYTES = { float32: 4, int32: 4, bool: 1, float16: 2 };
const QUANT_BYTES = { uint8: 1, uint16: 2, float16: 2 };

// -> { name, shape, numel, bytes, read(Uint8Array) -> Float32Array }
export function checkSpec(where, spec, index) {
  if (!plainObject(spec)) bad(where, `weight spec ${index} must be { name, shape, dtype }, got ${fmtValue(spec)}`);
  const { name, shape } = spec;
  if (typeof name !== 'string' || name === '') bad(where, `weight spec ${index} must have a name, got ${fmtValue(name)}`);
  const what = `weight '${name}'`;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    bad(where, `${what} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(numel)) bad(where, `${what} has shape ${fmtShape(shape)}, too large to hold`);
  const q = spec.quantization;
  if (q !== undefined && q !== null) {
    if (!plainObject(q)) bad(where, `${what} has quantization ${fmtValue(q)}; expected { dtype, scale, min }`);
    // Older converters: { scale, min, original_dtype } with the stored
    // dtype as the spec's own dtype.
    const qdtype = q.dtype ?? (spec.dtype in QUANT_BYTES && spec.dtype !== 'float16' ? spec.dtype : undefined);
    const original = q.original_dtype ?? (q.dtype !== undefined ? spec.dtype : 'float32') ?? 'float32';
    if (!(qdtype in QUANT_BYTES)) {
      bad(where, `${what} has quantization dtype ${fmtValue(qdtype)}; expected one of ${Object.keys(QUANT_BYTES).join(', ')}`);
    }
    if (original !== 'float32' && original !== 'int32') {
      bad(where, `${what} is quantised from dtype ${fmtValue(original)}; expected float32 or int32`);
    }
    if (qdtype === 'float16') {
      if (original !== 'float32') bad(where, `${what}: float16 quantisation applies to float32 weights, got dtype ${fmtValue(original)}`);
      return { name, shape: shape.slice(), numel, bytes: 2 * numel, read: (b) => decodeFloat16(b, numel) };
    }
    const { scale, min } = q;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || typeof min !== 'number' || !Number.isFinite(min)) {
      bad(where, `${what} is ${qdtype}-quantised but its scale ${fmtValue(scale)} and min ${fmtValue(min)} are not both finite numbers`);
    }
    const width = QUANT_BYTES[qdtype];
    const round = original === 'int32';
    return {
      name, shape: shape.slice(), numel, bytes: width * numel,
      read: (b) => {
        const out = new Float32Array(numel);
        for (let i = 0; i < numel; i++) {
          const v = (width === 1 ? b[i] : b[2 * i] | (b[2 * i + 1] << 8)) * scale + min;
          out[i] = round ? Math.round(v) : v;
        }
        return out;
      },
    };
  }
  const dtype = spec.dtype ?? 'float32';
  if (!(dtype in PLAIN_BYTES)) {
    bad(where, `${what} has dtype ${fmtValue(dtype)}; expected float32, float16, int32 or bool, or a quantization of uint8, uint16 or float16`);
  }
  const bytes = PLAIN_BYTES[dtype] * numel;
  const read = {
    float32: (b) => viewFloat32(b, numel),  // copied into a tensor at once
    float16: (b) => decodeFloat16(b, numel),
    int32: (b) => {
      const v = new DataView(b.buffer, b.byteOffset, 4 * numel);
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = v.getInt32(4 * i, true);
      return out;
    },
    bool: (b) => Float32Array.from(b.subarray(0, numel), (x) => (x ? 1 : 0)),
  }[dtype];
  return { name, shape: shape.slice(), numel, bytes, read };
}

// weightsManifest -> [{ paths, specs: [checked spec] }]
export function checkManifest(where, manifest) {
  if (!Array.isArray(manifest)) bad(where, `weightsManifest must be an array of { paths, weights } groups, got ${fmtValue(manifest)}`);
  let index = 0;
  return manifest.map((group, g) => {
    if (!plainObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      bad(where, `weightsManifest[${g}] must be { paths: [file names], weights: [specs] }, got ${fmtValue(group)}`);
    }
    group.paths.forEach((p, i) => {
      if (typeof p !== 'string' || p === '') bad(where, `weightsManifest[${g}].paths[${i}] must be a file name, got ${fmtValue(p)}`);
    });
    const specs = group.weights.map((s) => checkSpec(where, s, index++));
    const need = specs.reduce((a, s) => a + s.bytes, 0);
    if (need > 0 && group.paths.length === 0) bad(where, `weightsManifest[${g}] holds ${specs.length} weights but lists no shard paths`);
    return { paths: group.paths.slice(), specs, bytes: need };
  });
}

export function checkSpecs(where, specs) {
  if (!Array.isArray(specs)) bad(where, `weightSpecs must be an array of { name, shape, dtype }, got ${fmtValue(specs)}`);
  return specs.map((s, i) => checkSpec(where, s, i));
}

// Decodes specs laid back to back in bytes, which must hold exactly their
// sum. `label` names the bytes in the message (a group's shard URLs).
export function decodeGroup(where, specs, bytes, label) {
  const need = specs.reduce((a, s) => a + s.bytes, 0);
  if (bytes.length !== need) {
    bad(where, `${label} ${bytes.length < need ? 'holds only' : 'holds'} ${bytes.length} bytes, but its ${specs.length} weights (${specs.map((s) => s.name).slice(0, 4).join(', ')}${specs.length > 4 ? ', ...' : ''}) need ${need}${bytes.length < need ? ' (a truncated or missing shard?)' : ' (the manifest does not describe these shards)'}`);
  }
  const out = [];
  let at = 0;
  for (const s of specs) {
    out.push({ name: s.name, shape: s.shape, values: s.read(bytes.subarray(at, at + s.bytes)) });
    at += s.bytes;
  }
  return out;
}

export function concatBytes(parts) {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// [{ name, shape, values }] -> { specs, data } in float32.
export function encodeWeights(weights) {
  const specs = weights.map((w) => ({ name: w.name, shape: w.shape.slice(), dtype: 'float32' }));
  return { specs, data: concatBytes(weights.map((w) => encodeFloat32(w.values))) };
}
