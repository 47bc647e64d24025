// ONNX Runtime Web as a reference for the tests: a one-op ONNX model built
// with onnx-proto (bench/onnx.mjs, the benchmark's model builder) and run in
// Node on ORT's CPU (wasm) execution provider, one thread. A library we did
// not write, on the same inputs.
import { singleOpModel } from '../../../bench/onnx.mjs';

let ortModule;
async function loadOrt() {
  ortModule ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.numThreads = 1;  // no workers: Jest exits cleanly
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortModule;
}

/**
 * Runs ONNX operator `op` on one float32 input.
 * @param {object} a
 * @param {string} a.op                 ONNX op type, e.g. 'MaxPool', 'Conv'
 * @param {object} [a.attrs]            attributes: ints, floats, strings or arrays of them
 * @param {{data: Float32Array, shape: number[]}} a.input   the op's first input
 * @param {Array<{name: string, dims: number[], data: Float32Array}>} [a.initializers]
 *   its further inputs in order (Conv: weights 'W', then bias 'B')
 * @param {number[]|null} [a.outputShape]  declared output shape; null lets ORT infer it
 * @param {number} [a.opset=18]
 * @returns {Promise<{data: Float32Array, shape: number[]}>}
 */
export async function runOnnxOp({ op, attrs = {}, input, initializers = [], outputShape = null, opset = 18 }) {
  const ort = await loadOrt();
  const model = singleOpModel({ op, inputDims: input.shape, outputDims: outputShape, attrs, initializers, opset });
  // logSeverityLevel 3: errors only (ORT warns when its ceil_mode output
  // shape differs from ONNX's shape inference).
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], logSeverityLevel: 3 });
  try {
    const { y } = await session.run({ x: new ort.Tensor('float32', input.data, input.shape) });
    const result = { data: Float32Array.from(y.data), shape: Array.from(y.dims, Number) };
    y.dispose?.();
    return result;
  } finally {
    await session.release();
  }
}
