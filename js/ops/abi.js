// The JS side of the one calling convention (bindings/abi.h): every kernel
// entry point takes the heap address of a parameter block of 32-bit words,
// [words, ...fields], whose field names and order come from the binding
// itself (`<entry>Fields`). Plans build a block once with `pack` (cached
// with the plan); a call only writes its buffer addresses and runs it:
//
//   const maxPool = kernel('maxPool2dNchw');
//   const words = maxPool.pack({ input: 0, output: 0, indices: 0, batch: n, ... });   // at plan time
//   maxPool.set(words, 'input', x.ptr); maxPool.set(words, 'output', out.ptr);
//   const status = maxPool.run(words);                                              // per call
import { heapU32, wasm } from '../runtime.js';

// One block in the heap serves every call: JS is single-threaded and each
// binding copies the block before its kernel starts.
const BLOCK_WORDS = 64;
let blockPtr = 0;

function sharedBlock() {
  if (blockPtr === 0) {
    blockPtr = wasm().tensorAlloc(BLOCK_WORDS * 4) >>> 0;
    if (blockPtr === 0) throw new Error('nnwasm: cannot allocate the 256-byte kernel parameter block');
  }
  return blockPtr;
}

class KernelEntry {
  #name;
  #index = null;  // field name -> word index
  #floats = null; // word indices holding float32
  #words = 0;

  constructor(name) {
    this.#name = name;
  }

  get name() {
    return this.#name;
  }

  // Read lazily: the module is loaded after this file is imported.
  #layout() {
    if (this.#index !== null) return;
    const m = wasm();
    const describe = m[`${this.#name}Fields`];
    if (typeof describe !== 'function' || typeof m[this.#name] !== 'function') {
      throw new Error(`nnwasm: the loaded module has no kernel entry '${this.#name}'`);
    }
    const index = new Map();
    const floats = [];
    describe().split(',').forEach((spec, i) => {
      const [field, type] = spec.split(':');
      index.set(field, i + 1);
      if (type === 'f32') floats.push(i + 1);
    });
    this.#words = index.size + 1;
    if (this.#words > BLOCK_WORDS) throw new Error(`nnwasm: kernel entry '${this.#name}' has more than ${BLOCK_WORDS} words`);
    this.#floats = floats;
    this.#index = index;
  }

  // The field names in block order (for tests and docs).
  fields() {
    this.#layout();
    return [...this.#index.keys()];
  }

  // A block from named values: every field must be given, and nothing else.
  pack(values) {
    this.#layout();
    const words = new Uint32Array(this.#words);
    const asFloat = new Float32Array(words.buffer);
    words[0] = this.#words;
    let given = 0;
    for (const key in values) {
      const i = this.#index.get(key);
      if (i === undefined) throw new Error(`nnwasm: kernel entry '${this.#name}' has no field '${key}' (fields: ${this.fields().join(', ')})`);
      const v = values[key];
      if (this.#floats.includes(i)) asFloat[i] = v;
      else words[i] = typeof v === 'boolean' ? Number(v) : v;
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
    const p = sharedBlock();
    heapU32().set(words, p >>> 2);
    return wasm()[this.#name](p);
  }
}

const entries = new Map();

// The entry point `name` of the loaded module (made once per name).
export function kernel(name) {
  let e = entries.get(name);
  if (e === undefined) entries.set(name, (e = new KernelEntry(name)));
  return e;
}
