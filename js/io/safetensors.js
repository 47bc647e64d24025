// The safetensors format (huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of UTF-8 JSON
//   { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { str: str } }
// (offsets relative to the byte after the header), then the data. Every
// check the reference implementation makes is made here before any value is
// decoded: offsets in order, contiguous and covering the data exactly, sizes
// matching dtype and shape.
import { fail, fmtShape, fmtValue } from '../errors.js';
import { asBytes, decodeBFloat16, decodeFloat16, decodeFloat32, encodeFloat32 } from './dtypes.js';

// Bytes per value of every dtype the format defines. F32, F16 and BF16 are
// the weights; F64 and the integer types are converted too (exact up to
// 2^24) because PyTorch checkpoints carry them, e.g. BatchNorm's I64
// num_batches_tracked. The 8-bit floats are refused by name.
const DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const integers = (read, width) => (bytes, n) => {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(read(v, i * width));
  return out;
};
const DECODERS = {
  F32: decodeFloat32,
  F16: decodeFloat16,
  BF16: decodeBFloat16,
  F64: integers((v, at) => v.getFloat64(at, true), 8),
  I64: integers((v, at) => v.getBigInt64(at, true), 8),
  U64: integers((v, at) => v.getBigUint64(at, true), 8),
  I32: integers((v, at) => v.getInt32(at, true), 4),
  U32: integers((v, at) => v.getUint32(at, true), 4),
  I16: integers((v, at) => v.getInt16(at, true), 2),
  U16: integers((v, at) => v.getUint16(at, true), 2),
  I8: integers((v, at) => v.getInt8(at), 1),
  U8: integers((v, at) => v.getUint8(at), 1),
  BOOL: integers((v, at) => (v.getUint8(at) ? 1 : 0), 1),
};
const SUPPORTED = Object.keys(DECODERS);

// The reference implementation refuses headers above 100 MB.
const MAX_HEADER = 100_000_000;

const plainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// bytes -> { tensors: [{ name, shape, values: Float32Array }], metadata }.
export function parseSafetensors(where, input) {
  const bytes = asBytes(input);
  if (bytes === null) throw new TypeError(`${where}: bytes must be a Uint8Array, an ArrayBuffer or a Buffer, got ${fmtValue(input)}`);
  if (bytes.length < 8) fail(where, `the data is ${bytes.length} bytes long, too short for the 8-byte header length of a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER) fail(where, `the header length is ${n} bytes, above the format's limit of ${MAX_HEADER} (not a safetensors file?)`);
  if (8 + n > bytes.length) fail(where, `the header length is ${n} bytes but only ${bytes.length - 8} bytes follow it (truncated file?)`);
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(where, `the header is not valid UTF-8 JSON (${e.message})`);
  }
  if (!plainObject(header)) fail(where, `the header must be a JSON object, got ${fmtValue(header)}`);
  const data = bytes.subarray(8 + n);
  let metadata = null;
  const entries = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!plainObject(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        fail(where, `__metadata__ must be an object of strings, got ${JSON.stringify(info)}`);
      }
      metadata = { ...info };
      continue;
    }
    entries.push(checkEntry(where, name, info));
  }
  // Sorted by offset, the tensors must tile the data with no gap or overlap.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at) {
      fail(where, `tensor '${e.name}' starts at data offset ${e.begin}, expected ${at} (the tensors must cover the data in order with no gap or overlap)`);
    }
    at = e.end;
  }
  if (at !== data.length) {
    fail(where, at > data.length
      ? `tensor data ends at offset ${at} but the file has ${data.length} data bytes (truncated file?)`
      : `the file has ${data.length} data bytes but the tensors cover only ${at}`);
  }
  for (const e of entries) {
    if (!(e.dtype in DECODERS)) {
      fail(where, `tensor '${e.name}' has dtype ${e.dtype}, which nnwasm cannot convert; it reads ${SUPPORTED.join(', ')} (as float32)`);
    }
  }
  const tensors = entries.map((e) => ({ name: e.name, shape: e.shape, values: DECODERS[e.dtype](data.subarray(e.begin, e.end), e.numel) }));
  return { tensors, metadata };
}

function checkEntry(where, name, info) {
  const what = `tensor '${name}'`;
  if (!plainObject(info)) fail(where, `${what} must be { dtype, shape, data_offsets }, got ${JSON.stringify(info)}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    fail(where, `${what} has dtype ${fmtValue(dtype)}, not a safetensors dtype (${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail(where, `${what} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0) || offsets[1] < offsets[0]) {
    fail(where, `${what} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  const bytes = numel * DTYPE_BYTES[dtype];
  if (offsets[1] - offsets[0] !== bytes) {
    fail(where, `${what} (${dtype}, shape ${fmtShape(shape)}) needs ${bytes} bytes but data_offsets ${JSON.stringify(offsets)} hold ${offsets[1] - offsets[0]}`);
  }
  return { name, dtype, shape: shape.slice(), numel, begin: offsets[0], end: offsets[1] };
}

// [{ name, shape, values: Float32Array }], metadata -> Uint8Array (F32, in the
// given order). The header is padded with spaces to a multiple of 8 bytes,
// as the reference writer does, so the data starts aligned.
export function serializeSafetensors(where, tensors, metadata = null) {
  const header = {};
  if (metadata !== null) header.__metadata__ = metadata;
  let at = 0;
  for (const t of tensors) {
    const size = 4 * t.values.length;
    header[t.name] = { dtype: 'F32', shape: t.shape.slice(), data_offsets: [at, at + size] };
    at += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + at);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const t of tensors) {
    out.set(encodeFloat32(t.values), pos);
    pos += 4 * t.values.length;
  }
  return out;
}
