// Packed GEMM weights (bias included) kept on the weight tensor, made once
// per (weight tensor, key) and disposed with it; a different bias tensor
// repacks. Shared by the convolution and linear op families.

// A small id per bias tensor, so a holder compares biases without keeping
// them alive.
const biasIds = new WeakMap();
let nextBiasId = 1;
function biasTag(bias) {
  if (bias === null) return 0;
  let id = biasIds.get(bias);
  if (id === undefined) biasIds.set(bias, (id = nextBiasId++));
  return id;
}

class PackedHolder {
  packed = null;
  tag = -1;

  dispose() {
    this.packed?.dispose();
    this.packed = null;
  }
}

const newHolder = () => new PackedHolder();

// -> the packed Tensor kept on weight under key for this bias, or null (a
// copy for another bias is freed first, before the caller packs anew).
// Two calls rather than one taking a pack callback: the hit path, once per
// convolution or linear call, allocates nothing.
export function keptPacked(weight, key, bias) {
  const holder = weight.derived(key, newHolder);
  if (holder.packed !== null && holder.tag === biasTag(bias)) return holder.packed;
  holder.dispose();
  return null;
}

// Keeps `packed` on weight under key for this bias -> packed.
export function keepPacked(weight, key, bias, packed) {
  const holder = weight.derived(key, newHolder);
  holder.packed = packed;
  holder.tag = biasTag(bias);
  return packed;
}
