// The JS side of the one calling convention (bindings/abi.h): every kernel
// entry point takes the heap address of a parameter block of 32-bit words,
// [words, ...fields], whose field names and order come from the binding
// itself (`<entry>Fields`). Plans build a block once with `pack` (cached
// with the plan); a call only writes its buffer addresses and runs it:
//
//   const maxPool = kernel('maxPool2dNchw');
//   const words = maxPool.pack({ input: 0, output: 0, indices: 0, planes: n * c, ... });  // at plan time
//   words[maxPool.at('input')] = x.ptr;                                                  // per call
//   const status = maxPool.run(words);
import { heapU32, wasm } from '../runtime.js';

// One block in the heap serves every call: JS is single-threaded and each
// binding copies the block before its kernel starts.
const BLOCK_WORDS = 64;
let blockPtr = 0;
let blockModule = null;

function sharedBlock(m) {
  if (blockModule !== m) {
    blockPtr = m.tensorAlloc(BLOCK_WORDS * 4) >>> 0;
    if (blockPtr === 0) throw new Error('nnwasm: cannot allocate the 256-byte kernel parameter block');
    blockModule = m;
  }
  return blockPtr;
}

class KernelEntry {
  #name;
  #index = null;  // field name -> word index
  #floats = null; // word index -> true for float32 words
  #words = 0;
  #module = null;
  #fn = null;

  constructor(name) {
    this.#name = name;
  }

  get name() {
    return this.#name;
  }

  // Read lazily: the module is loaded after this file is imported.
  #layout() {
    const m = wasm();
    if (this.#module === m) return;
    const describe = m[`${this.#name}Fields`];
    if (typeof describe !== 'function' || typeof m[this.#name] !== 'function') {
      throw new Error(`nnwasm: the loaded module has no kernel entry '${this.#name}'`);
    }
    const index = new Map();
    const floats = [];
    describe().split(',').forEach((spec, i) => {
      const [field, type] = spec.split(':');
      index.set(field, i + 1);
      floats[i + 1] = type === 'f32';
    });
    this.#words = index.size + 1;
    if (this.#words > BLOCK_WORDS) throw new Error(`nnwasm: kernel entry '${this.#name}' has more than ${BLOCK_WORDS} words`);
    this.#floats = floats;
    this.#index = index;
    this.#fn = m[this.#name];
    this.#module = m;
  }

  // The field names in block order (for tests and docs).
  fields() {
    this.#layout();
    return [...this.#index.keys()];
  }

  // A block from named values: every field must be given, and nothing else.
  // Plans are checked before they get here, so a value a word cannot hold
  // is a bug in js/ops, refused rather than wrapped around.
  pack(values) {
    this.#layout();
    const words = new Uint32Array(this.#words);
    const asFloat = new Float32Array(words.buffer);
    words[0] = this.#words;
    let given = 0;
    for (const key in values) {
      const i = this.#index.get(key);
      if (i === undefined) throw new Error(`nnwasm: kernel entry '${this.#name}' has no field '${key}' (fields: ${this.fields().join(', ')})`);
      const v = typeof values[key] === 'boolean' ? Number(values[key]) : values[key];
      if (this.#floats[i]) {
        if (typeof v !== 'number') throw new Error(`nnwasm: kernel entry '${this.#name}' field '${key}' must be a number, got ${v}`);
        asFloat[i] = v;
      } else {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
          throw new Error(`nnwasm: kernel entry '${this.#name}' field '${key}' must be an integer in [0, 2^32), got ${v}`);
        }
        words[i] = v;
      }
      given++;
    }
    if (given !== this.#index.size) {
      const missing = this.fields().filter((f) => !(f in values));
      throw new Error(`nnwasm: kernel entry '${this.#name}' needs fields ${missing.join(', ')}`);
    }
    return words;
  }

  // Word index of a field, for callers that set it on every call.
  at(field) {
    this.#layout();
    const i = this.#index.get(field);
    if (i === undefined) throw new Error(`nnwasm: kernel entry '${this.#name}' has no field '${field}'`);
    return i;
  }

  set(words, field, value) {
    words[this.at(field)] = value;
  }

  // For a float32 field (`:f32`) rewritten per call, e.g. a scalar operand.
  setFloat(words, field, value) {
    new Float32Array(words.buffer, words.byteOffset, words.length)[this.at(field)] = value;
  }

  // Copies the block into the heap and runs the entry -> its status code.
  run(words) {
    this.#layout();
    const m = this.#module;
    const p = sharedBlock(m);
    heapU32().set(words, p >>> 2);
    return this.#fn(p);
  }

  // After run(): an output field the binding wrote back (abi::write_back).
  result(field) {
    return heapU32()[(blockPtr >>> 2) + this.at(field)];
  }
}

const entries = new Map();

// The entry point `name` of the loaded module (made once per name).
export function kernel(name) {
  let e = entries.get(name);
  if (e === undefined) entries.set(name, (e = new KernelEntry(name)));
  return e;
}
