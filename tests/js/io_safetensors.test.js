// torch.load_safetensors / save_safetensors: files written by hand per the
// published format (8-byte little-endian header length, JSON header, data)
// in F32, F16 and BF16 with metadata; round trips; every malformed header
// refused with a clear Error before any tensor exists; a PyTorch-named
// state dict (BatchNorm's I64 num_batches_tracked included) loaded into an
// nn module that then runs.
import { backend, init, torch } from '../../js/index.js';
import { load_safetensors, save_safetensors } from '../../js/torch/safetensors.js';
import { randomValues, rng } from './reference/random.js';

beforeAll(async () => {
  await init({ threads: 2 });
});

const live = () => backend().memory.tensors;
const nn = torch.nn;

// header object + [Uint8Array per tensor in order] -> file bytes, with the
// header padded to 8 bytes by spaces as the reference writer does.
function writeByHand(header, blobs, pad = true) {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad && json.length % 8) json = new Uint8Array([...json, ...new Array(8 - (json.length % 8)).fill(0x20)]);
  const dataLength = blobs.reduce((a, b) => a + b.length, 0);
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const u16 = (...xs) => new Uint8Array(new Uint16Array(xs).buffer);
const f32 = (...xs) => new Uint8Array(new Float32Array(xs).buffer);

test('a file written by hand: F32, F16 (normal, subnormal, inf, NaN), BF16, a scalar, an empty tensor, metadata', () => {
  const blobs = [
    f32(1.5, -2, 0.1, 3e38, -0, 7),
    u16(0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00),
    u16(0x3f80, 0xc000, 0x4049, 0x0000, 0x7f80, 0x8000),
    f32(42),
    new Uint8Array(0),
  ];
  const offsets = [];
  let at = 0;
  for (const b of blobs) {
    offsets.push([at, at + b.length]);
    at += b.length;
  }
  const header = {
    __metadata__: { format: 'pt', note: 'hand-written' },
    'encoder.weight': { dtype: 'F32', shape: [2, 3], data_offsets: offsets[0] },
    half: { dtype: 'F16', shape: [8], data_offsets: offsets[1] },
    'b.f16': { dtype: 'BF16', shape: [3, 2], data_offsets: offsets[2] },
    scalar: { dtype: 'F32', shape: [], data_offsets: offsets[3] },
    empty: { dtype: 'F32', shape: [0, 4], data_offsets: offsets[4] },
  };
  const before = live();
  const d = load_safetensors(writeByHand(header, blobs));
  expect(Object.keys(d).sort()).toEqual(['b.f16', 'empty', 'encoder.weight', 'half', 'scalar']);
  expect(d['encoder.weight'].shape).toEqual([2, 3]);
  expect(Array.from(d['encoder.weight'].data)).toEqual(Array.from(new Float32Array([1.5, -2, 0.1, 3e38, -0, 7])));
  expect(Object.is(d['encoder.weight'].data[4], -0)).toBe(true);
  expect(Array.from(d.half.data)).toEqual([1, -2, 0.5, 65504, 2 ** -24, Infinity, -Infinity, NaN]);
  expect(d['b.f16'].shape).toEqual([3, 2]);
  expect(Array.from(d['b.f16'].data)).toEqual([1, -2, 3.140625, 0, Infinity, -0]);
  expect(d.scalar.shape).toEqual([]);
  expect(Array.from(d.scalar.data)).toEqual([42]);
  expect(d.empty.shape).toEqual([0, 4]);
  expect(d.__metadata__).toEqual({ format: 'pt', note: 'hand-written' });
  for (const t of Object.values(d)) t.dispose();
  expect(live()).toBe(before);
  // unpadded headers and ArrayBuffer / Buffer inputs read the same
  const raw = writeByHand(header, blobs, false);
  for (const input of [raw.buffer, Buffer.from(raw)]) {
    const e = load_safetensors(input);
    expect(Array.from(e.half.data)).toEqual([1, -2, 0.5, 65504, 2 ** -24, Infinity, -Infinity, NaN]);
  }
});

test('save_safetensors writes the published layout; load returns the same values bit for bit', () => {
  const next = rng(7);
  const dict = { 'conv.weight': torch.tensor(randomValues(next, 24), [2, 3, 2, 2]), 'conv.bias': torch.tensor([NaN, -Infinity]), nested: [[1, 2], [3, 4]] };
  const bytes = save_safetensors(dict, { framework: 'nnwasm' });
  expect(bytes).toBeInstanceOf(Uint8Array);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const n = Number(view.getBigUint64(0, true));
  expect(n % 8).toBe(0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  expect(header.__metadata__).toEqual({ framework: 'nnwasm' });
  expect(header['conv.weight']).toEqual({ dtype: 'F32', shape: [2, 3, 2, 2], data_offsets: [0, 96] });
  expect(header['conv.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [96, 104] });
  expect(header.nested).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [104, 120] });
  expect(bytes.length).toBe(8 + n + 120);
  expect(Array.from(new Float32Array(bytes.slice(8 + n, 8 + n + 96).buffer))).toEqual(Array.from(dict['conv.weight'].data));
  const back = load_safetensors(bytes);
  expect(Array.from(back['conv.weight'].data)).toEqual(Array.from(dict['conv.weight'].data));
  expect(Array.from(back['conv.bias'].data)).toEqual([NaN, -Infinity]);
  expect(back.nested.tolist()).toEqual([[1, 2], [3, 4]]);
  expect(back.__metadata__).toEqual({ framework: 'nnwasm' });
  expect(load_safetensors(save_safetensors({})).__metadata__).toBeNull();
});

test('malformed files: a clear Error naming what is wrong, no tensor made', () => {
  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F16', shape: [2], data_offsets: [8, 12] } };
  const data = [f32(1, 2), u16(0x3c00, 0x3c00)];
  const cases = [
    [new Uint8Array(5), 'load_safetensors: the data is 5 bytes long, too short for the 8-byte header length of a safetensors file'],
    [writeByHand(good, data).slice(0, 30), /load_safetensors: the header length is \d+ bytes but only 22 bytes follow it \(truncated file\?\)/],
    [writeByHand(good, data).slice(0, -2), 'load_safetensors: tensor data ends at offset 12 but the file has 10 data bytes (truncated file?)'],
    [writeByHand(good, [...data, new Uint8Array(4)]), 'load_safetensors: the file has 16 data bytes but the tensors cover only 12'],
    [writeByHand({ ...good, b: { ...good.b, data_offsets: [6, 10] } }, data), "load_safetensors: tensor 'b' starts at data offset 6, expected 8"],
    [writeByHand({ ...good, a: { ...good.a, shape: [3] } }, data), "load_safetensors: tensor 'a' (F32, shape [3]) needs 12 bytes but data_offsets [0,8] hold 8"],
    [writeByHand({ ...good, a: { ...good.a, dtype: 'F128' } }, data), /load_safetensors: tensor 'a' has dtype "F128", not a safetensors dtype/],
    [writeByHand({ a: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, [new Uint8Array(2)]), "load_safetensors: tensor 'a' has dtype F8_E4M3, which nnwasm cannot convert"],
    [writeByHand({ ...good, a: { ...good.a, shape: [-2] } }, data), "load_safetensors: tensor 'a' has shape [-2]; expected an array of non-negative integers"],
    [writeByHand({ ...good, __metadata__: { n: 1 } }, data), 'load_safetensors: __metadata__ must be an object of strings, got {"n":1}'],
    [writeByHand([1, 2], []), 'load_safetensors: the header must be a JSON object, got [1, 2]'],
    [(() => {
      const b = writeByHand(good, data);
      b[10] = 0xff;
      return b;
    })(), /load_safetensors: the header is not valid UTF-8 JSON/],
    [(() => {
      const b = writeByHand(good, data);
      new DataView(b.buffer).setUint32(4, 1, true);
      return b;
    })(), /load_safetensors: the header length is 4294967\d+ bytes, above the format's limit of 100000000/],
  ];
  const before = live();
  for (const [bytes, message] of cases) expect(() => load_safetensors(bytes)).toThrow(message);
  expect(() => load_safetensors('weights.safetensors')).toThrow(TypeError);
  expect(live()).toBe(before);
  expect(() => save_safetensors([[1, 2]])).toThrow(/save_safetensors: dict must be an object of \{ name: Tensor \}/);
  expect(() => save_safetensors({ a: 'x' })).toThrow(/save_safetensors: dict\['a'\] must be a Tensor or a nested array/);
  expect(() => save_safetensors({ a: [1] }, { v: 2 })).toThrow(/metadata must be null or an object of strings/);
});

describe('load_state_dict from a safetensors file', () => {
  const make = () => new nn.Sequential(
    new nn.Conv2d(2, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3),
  );

  test('a PyTorch-named file (with I64 num_batches_tracked) loads and the module runs as one given the same tensors', () => {
    const next = rng(11);
    const shapes = { '0.weight': [4, 2, 3, 3], '0.bias': [4], '1.weight': [4], '1.bias': [4], '1.running_mean': [4], '1.running_var': [4], '5.weight': [3, 4], '5.bias': [3] };
    const values = Object.fromEntries(Object.entries(shapes).map(([k, s]) => {
      const v = randomValues(next, s.reduce((a, b) => a * b, 1));
      if (k === '1.running_var') for (let i = 0; i < v.length; i++) v[i] = 0.5 + Math.abs(v[i]);
      return [k, v];
    }));
    // written by hand as safetensors.torch.save_file writes a state_dict
    const header = { __metadata__: { format: 'pt' } };
    const blobs = [];
    let at = 0;
    for (const [k, v] of Object.entries(values)) {
      header[k] = { dtype: 'F32', shape: shapes[k], data_offsets: [at, at + 4 * v.length] };
      blobs.push(new Uint8Array(v.buffer));
      at += 4 * v.length;
    }
    header['1.num_batches_tracked'] = { dtype: 'I64', shape: [], data_offsets: [at, at + 8] };
    blobs.push(new Uint8Array(new BigInt64Array([123n]).buffer));
    const file = writeByHand(header, blobs);

    const loaded = make().eval();
    const dict = load_safetensors(file);
    expect(Array.from(dict['1.num_batches_tracked'].data)).toEqual([123]);
    loaded.load_state_dict(dict);
    const direct = make().eval();
    direct.load_state_dict(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, torch.tensor(v, shapes[k])])));
    const x = torch.tensor(randomValues(next, 2 * 2 * 5 * 5), [2, 2, 5, 5]);
    const got = loaded.forward(x);
    expect(got.shape).toEqual([2, 3]);
    expect(Array.from(got.data)).toEqual(Array.from(direct.forward(x).data));
    // and by hand: the head of the network from the file's own numbers
    const w = values['5.weight'];
    const b = values['5.bias'];
    const pooled = new nn.Sequential(...[...loaded.named_modules()].slice(1, 5).map(([, m]) => m)).forward(x).data;
    for (let n = 0; n < 2; n++) {
      for (let o = 0; o < 3; o++) {
        let s = b[o];
        for (let i = 0; i < 4; i++) s += w[o * 4 + i] * pooled[n * 4 + i];
        expect(got.data[n * 3 + o]).toBeCloseTo(s, 5);
      }
    }
  });

  test('save_safetensors(module.state_dict()) -> load_state_dict round trips bit-identically', () => {
    const a = make().eval();
    const next = rng(3);
    a.load_state_dict(Object.fromEntries(Object.entries(a.state_dict()).map(([k, t]) => {
      const v = randomValues(next, t.numel());
      if (k.endsWith('running_var')) for (let i = 0; i < v.length; i++) v[i] = 0.5 + Math.abs(v[i]);
      return [k, torch.tensor(v, t.shape)];
    })));
    const bytes = save_safetensors(a.state_dict());
    const b = make().eval();
    b.load_state_dict(load_safetensors(bytes));
    const sa = a.state_dict();
    const sb = b.state_dict();
    for (const k of Object.keys(sa)) expect(Array.from(sb[k].data)).toEqual(Array.from(sa[k].data));
    const x = torch.randn(1, 2, 6, 6);
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
  });
});
