// Packed GEMM weights (bias included) kept on the weight tensor, made once
// per (weight tensor, key) and disposed with it; a different bias tensor
// repacks. Shared by the convolution and linear op families.

// A small id per bias (or source) tensor, so a holder compares them without
// keeping them alive.
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
  sourceTag = -1;

  dispose() {
    this.packed?.dispose();
    this.packed = null;
  }
}

const newHolder = () => new PackedHolder();

// -> the packed Tensor kept on `owner` (the weight tensor) under key for
// this bias, or null (a copy for another bias is freed first, before the
// caller packs anew). A copy packed from another tensor's weights (a
// folded BatchNorm's, kept on its scale tensor) names that tensor as
// `source` and is matched on it too. Two calls rather than one taking a
// pack callback: the hit path, once per convolution or linear call,
// allocates nothing.
export function keptPacked(owner, key, bias, source = null) {
  const holder = owner.derived(key, newHolder);
  if (holder.packed !== null && holder.tag === biasTag(bias) && holder.sourceTag === biasTag(source)) return holder.packed;
  holder.dispose();
  return null;
}

// Keeps `packed` on owner under key for this bias (and source) -> packed.
export function keepPacked(owner, key, bias, packed, source = null) {
  const holder = owner.derived(key, newHolder);
  holder.packed = packed;
  holder.tag = biasTag(bias);
  holder.sourceTag = biasTag(source);
  return packed;
}

