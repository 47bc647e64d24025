// Small ONNX models built in memory for onnxruntime-web (the benchmark's ORT
// rows and tests/js/reference/onnx.js), so nothing needs .onnx files. The
// messages are ONNX's own definitions from the onnx-proto package
// (protobufjs); only the graph's shape is ours.
import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS with `module.exports = root`: Node's ES import sees
// only the default export, so `import { onnx }` would be undefined.
const { onnx } = onnxProto;

export const DataType = { FLOAT: onnx.TensorProto.DataType.FLOAT, INT64: onnx.TensorProto.DataType.INT64 };
const AttrType = onnx.AttributeProto.AttributeType;

function tensorProto(name, dims, data) {
  return {
    name,
    dims,
    dataType: data instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),  // little-endian, as ONNX wants
  };
}

// A JS value as an attribute: a string, an int, a float, or an array of
// ints or of floats (integers only: ints).
function attributeProto(name, value) {
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    return value.every(Number.isInteger) ? { name, type: AttrType.INTS, ints: value }
      : { name, type: AttrType.FLOATS, floats: value };
  }
  return Number.isInteger(value) ? { name, type: AttrType.INT, i: value } : { name, type: AttrType.FLOAT, f: value };
}

// dims null: a float tensor of unknown shape (ONNX Runtime infers it).
function valueInfoProto(name, dims) {
  const shape = dims == null ? undefined : { dim: dims.map((d) => ({ dimValue: d })) };
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape } } };
}

/**
 * Build a serialized ModelProto.
 * @param {object} g
 * @param {Array<{op, inputs, outputs, attrs?, name?}>} g.nodes
 * @param {Array<{name, dims}>} g.inputs   graph inputs (float32)
 * @param {Array<{name, dims}>} g.outputs  graph outputs (float32; dims null: inferred)
 * @param {Array<{name, dims, data: Float32Array|BigInt64Array}>} [g.initializers]
 * @param {number} [g.opset=18]
 * @returns {Uint8Array}
 */
export function buildModel({ nodes, inputs, outputs, initializers = [], opset = 18 }) {
  const graph = {
    name: 'nnwasm',
    node: nodes.map(({ op, inputs: ins, outputs: outs, attrs = {}, name }) => ({
      input: ins,
      output: outs,
      name: name ?? `${op}_${outs[0]}`,
      opType: op,
      attribute: Object.entries(attrs).map(([k, v]) => attributeProto(k, v)),
    })),
    initializer: initializers.map((t) => tensorProto(t.name, t.dims, t.data)),
    input: inputs.map((v) => valueInfoProto(v.name, v.dims)),
    output: outputs.map((v) => valueInfoProto(v.name, v.dims)),
  };
  // IR version 8 goes with opsets 14..18, 7 with opset 13.
  const model = onnx.ModelProto.create({
    irVersion: opset >= 14 ? 8 : 7,
    producerName: 'nnwasm',
    graph,
    opsetImport: [{ domain: '', version: opset }],
  });
  return onnx.ModelProto.encode(model).finish();
}

/** One-node model: input 'x' (then the initializers, in order) -> op -> output 'y'. */
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
