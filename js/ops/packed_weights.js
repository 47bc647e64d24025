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

// -> the packed Tensor for (weight, key, bias); pack() -> a new one, called
// only when none is kept for this bias (the stale copy is freed first).
export function packedOnWeight(weight, key, bias, pack) {
  const holder = weight.derived(key, newHolder);
  const tag = biasTag(bias);
  if (holder.packed !== null && holder.tag === tag) return holder.packed;
  holder.dispose();
  holder.packed = pack();
  holder.tag = tag;
  return holder.packed;
}
