// Minimal ONNX model writer: just enough protobuf to build one-node (or few-node)
// graphs in memory for onnxruntime-web, so the benchmark needs no .onnx files.
// Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto, ...).

// ---- protobuf wire format -------------------------------------------------

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

class ProtoWriter {
  constructor() { this.chunks = []; }

  varint(value) {
    // BigInt so int64 fields (dims, negative axes) encode exactly; negatives
    // are sent as 64-bit two's complement, i.e. 10 bytes, as protobuf does.
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v !== 0n);
    this.chunks.push(Uint8Array.from(bytes));
    return this;
  }

  tag(field, wireType) { return this.varint((field << 3) | wireType); }

  int(field, value) { return this.tag(field, WIRE_VARINT).varint(value); }

  float(field, value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.tag(field, WIRE_FIXED32);
    this.chunks.push(b);
    return this;
  }

  bytes(field, data) {
    this.tag(field, WIRE_BYTES).varint(data.length);
    this.chunks.push(data);
    return this;
  }

  string(field, text) { return this.bytes(field, new TextEncoder().encode(text)); }

  message(field, writer) { return this.bytes(field, writer.finish()); }

  packedInts(field, values) {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish() {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}

// ---- ONNX messages ----------------------------------------------------------

export const DataType = { FLOAT: 1, INT64: 7 };
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 };

// TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian bytes).
function tensorProto(name, dataType, dims, typedArray) {
  const w = new ProtoWriter();
  for (const d of dims) w.int(1, d);
  w.int(2, dataType);
  w.string(8, name);
  w.bytes(9, new Uint8Array(typedArray.buffer, typedArray.byteOffset, typedArray.byteLength));
  return w;
}

// AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, type=20.
function attributeProto(name, value) {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') {
    w.bytes(4, new TextEncoder().encode(value)).int(20, AttrType.STRING);
  } else if (Array.isArray(value)) {
    if (value.every(Number.isInteger)) {
      for (const v of value) w.int(8, v); // repeated int64, unpacked is always accepted
      w.int(20, AttrType.INTS);
    } else {
      for (const v of value) w.float(7, v);
      w.int(20, AttrType.FLOATS);
    }
  } else if (Number.isInteger(value)) {
    w.int(3, value).int(20, AttrType.INT);
  } else {
    w.float(2, value).int(20, AttrType.FLOAT);
  }
  return w;
}

// NodeProto: input=1, output=2, name=3, op_type=4, attribute=5.
function nodeProto({ op, inputs, outputs, attrs = {}, name }) {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name ?? `${op}_${outputs[0]}`);
  w.string(4, op);
  for (const [k, v] of Object.entries(attrs)) w.message(5, attributeProto(k, v));
  return w;
}

// ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1,
// shape=2: TensorShapeProto{dim=1: {dim_value=1}}}}}
function valueInfoProto(name, dims, elemType = DataType.FLOAT) {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, elemType).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, name).message(2, type);
}

/**
 * Build a serialized ModelProto.
 * @param {object} g
 * @param {Array<{op, inputs, outputs, attrs?}>} g.nodes
 * @param {Array<{name, dims}>} g.inputs   graph inputs (float32)
 * @param {Array<{name, dims}>} g.outputs  graph outputs (float32)
 * @param {Array<{name, dims, data: Float32Array|BigInt64Array}>} [g.initializers]
 * @param {number} [g.opset=18]
 * @returns {Uint8Array}
 */
export function buildModel({ nodes, inputs, outputs, initializers = [], opset = 18 }) {
  const graph = new ProtoWriter();
  for (const n of nodes) graph.message(1, nodeProto(n));
  graph.string(2, 'nnwasm_bench');
  for (const t of initializers) {
    const type = t.data instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT;
    graph.message(5, tensorProto(t.name, type, t.dims, t.data));
  }
  for (const v of inputs) graph.message(11, valueInfoProto(v.name, v.dims));
  for (const v of outputs) graph.message(12, valueInfoProto(v.name, v.dims));

  // IR version 8 is the one that goes with opsets 14..18; 7 with opset 13.
  const irVersion = opset >= 14 ? 8 : 7;
  const model = new ProtoWriter()
    .int(1, irVersion)
    .string(2, 'nnwasm-bench')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, opset));
  return model.finish();
}

/** One-node model: input 'x' -> op -> output 'y'. */
export function singleOpModel({ op, inputDims, outputDims, attrs = {}, initializers = [], opset = 18 }) {
  return buildModel({
    nodes: [{ op, inputs: ['x', ...initializers.map((t) => t.name)], outputs: ['y'], attrs }],
    inputs: [{ name: 'x', dims: inputDims }],
    outputs: [{ name: 'y', dims: outputDims }],
    initializers,
    opset,
  });
}

/** ReduceMean over `axes`: opset 13 takes axes as an attribute, opset 18 as an input. */
export function reduceMeanModel({ inputDims, outputDims, axes, keepdims = 0, opset = 18 }) {
  if (opset >= 18) {
    return singleOpModel({
      op: 'ReduceMean', inputDims, outputDims, attrs: { keepdims }, opset,
      initializers: [{ name: 'axes', dims: [axes.length], data: BigInt64Array.from(axes.map(BigInt)) }],
    });
  }
  return singleOpModel({ op: 'ReduceMean', inputDims, outputDims, attrs: { axes, keepdims }, opset });
}
