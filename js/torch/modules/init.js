// PyTorch's default initialisation of Linear and ConvTranspose weights and
// biases: kaiming_uniform(a = sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
// the same bound as the bias, drawn from the stream torch.manual_seed seeds.
import { uniform } from '../../random.js';
import { Tensor } from '../../tensor.js';

export function uniformFanIn(shape, fanIn, where) {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = (uniform() * 2 - 1) * bound;
  return Tensor.fromFloat32(values, shape, where);
}

export function filledTensor(shape, value, where) {
  return Tensor.fromFloat32(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value), shape, where);
}

// Python's repr of a value in a module's extra_repr.
export function py(v) {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  // Python writes small floats as 1e-05.
  if (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-4) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}
