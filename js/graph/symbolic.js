// The functional graph's parts: a SymbolicTensor stands for a tensor that
// does not exist yet (its shape, batch usually null), and a Node records one
// application of a layer: which symbolic tensors went in and came out.
// layer.apply(symbolic) makes a Node; keras.Model walks the Nodes back from
// its outputs to its inputs.
import { fail, fmtValue } from '../errors.js';
import { deferPrepack } from './prepack.js';

let nextId = 1;

export class SymbolicTensor {
  constructor(shape, node, index, name) {
    this.id = nextId++;
    this.shape = shape.slice();
    this.node = node;    // the Node that makes it
    this.index = index;  // which of that node's outputs
    this.name = name;
  }

  get ndim() {
    return this.shape.length;
  }

  get dtype() {
    return 'float32';
  }

  toString() {
    const dims = this.shape.map((d) => (d === null ? 'None' : d)).join(', ');
    return `SymbolicTensor(name=${this.name}, shape=(${dims}))`;
  }
}

export class Node {
  constructor(layer, inputs, kwargs, inputsWereList) {
    this.layer = layer;
    this.inputs = inputs;            // SymbolicTensor[]
    this.kwargs = kwargs;
    this.inputsWereList = inputsWereList;
    this.outputs = [];
    layer.inboundNodes ??= [];
    this.index = layer.inboundNodes.length;  // Keras's node_index
    layer.inboundNodes.push(this);
  }
}

export function isSymbolic(x) {
  if (x instanceof SymbolicTensor) return true;
  return Array.isArray(x) && x.length > 0 && x.some((t) => t instanceof SymbolicTensor);
}

const shapeOf = (t) => t.shape.slice();

// Records layer applied to symbolic input(s): builds the layer for their
// shapes, makes the Node and the output symbolic tensors.
export function applySymbolic(layer, inputs, kwargs = {}) {
  const where = layer.where ?? layer.constructor.name;
  const list = Array.isArray(inputs);
  const ins = list ? inputs : [inputs];
  ins.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      fail(where, `inputs${list ? `[${i}]` : ''} must be a symbolic tensor (from keras.Input or another layer) when the others are, got ${fmtValue(t)}`);
    }
  });
  const shapes = list ? ins.map(shapeOf) : shapeOf(ins[0]);
  // A layer built on a graph is prepacked by the Model made of it.
  if (!layer.built) deferPrepack(() => layer.build(list ? shapes.map((s) => s.slice()) : shapes.slice()));
  const out = layer.compute_output_shape(list ? shapes.map((s) => s.slice()) : shapes.slice());
  const node = new Node(layer, ins, { ...kwargs }, list);
  const multi = Array.isArray(out) && out.length > 0 && Array.isArray(out[0]);
  const outShapes = multi ? out : [out];
  node.outputs = outShapes.map((s, i) => new SymbolicTensor(s, node, i, `${layer.name}/${node.index}${multi ? `:${i}` : ''}`));
  return multi ? node.outputs.slice() : node.outputs[0];
}
