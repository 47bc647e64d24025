// torch.load_safetensors(bytes) -> { name: Tensor } and
// torch.save_safetensors(dict, metadata?) -> Uint8Array, as
// safetensors.torch.load / save. The file's __metadata__ is kept on the
// returned object as a non-enumerable property, so load_state_dict and
// Object.entries see only the tensors.
import { fail, fmtValue, typeFail } from '../errors.js';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors.js';
import { asTensor, Tensor } from '../tensor.js';

export function load_safetensors(bytes) {
  const where = 'load_safetensors';
  // Every header check and decode happens before the first tensor exists.
  const { tensors, metadata } = parseSafetensors(where, bytes);
  const out = {};
  try {
    for (const t of tensors) out[t.name] = Tensor.fromFloat32(t.values, t.shape, where);
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();
    throw e;
  }
  Object.defineProperty(out, '__metadata__', { value: metadata, enumerable: false });
  return out;
}

export function save_safetensors(dict, metadata = null) {
  const where = 'save_safetensors';
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict) || dict instanceof Tensor) {
    typeFail(where, `dict must be an object of { name: Tensor }, got ${fmtValue(dict)}`);
  }
  if (metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata) || Object.values(metadata).some((v) => typeof v !== 'string'))) {
    typeFail(where, `metadata must be null or an object of strings, got ${fmtValue(metadata)}`);
  }
  const tensors = Object.entries(dict).map(([name, value]) => {
    if (name === '__metadata__') fail(where, "'__metadata__' is reserved by the format; pass metadata as the second argument");
    const [t, owned] = asTensor(value, where, `dict['${name}']`);
    try {
      return { name, shape: t.shape, values: t.data };
    } finally {
      if (owned) t.dispose();
    }
  });
  return serializeSafetensors(where, tensors, metadata);
}
