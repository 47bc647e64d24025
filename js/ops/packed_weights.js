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

// The holder for weight packed under key: on the weight tensor, or, for a
// copy packed with a per-output-channel scale (a folded BatchNorm's), on
// the scale tensor, so it goes with the fusion that owns the scale; that
// holder also records which weight tensor it was packed from.
function holderOf(weight, key, scale) {
  return (scale ?? weight).derived(key, newHolder);
}

// -> the packed Tensor kept for weight under key for this bias (and scale,
// null or a Tensor), or null (a copy for another bias or weight is freed
// first, before the caller packs anew). Two calls rather than one taking a
// pack callback: the hit path, once per convolution or linear call,
// allocates nothing.
export function keptPacked(weight, key, bias, scale = null) {
  const holder = holderOf(weight, key, scale);
  const source = scale === null ? null : weight;
  if (holder.packed !== null && holder.tag === biasTag(bias) && holder.sourceTag === biasTag(source)) return holder.packed;
  holder.dispose();
  return null;
}

// Keeps `packed` for weight under key for this bias (and scale) -> packed.
export function keepPacked(weight, key, bias, packed, scale = null) {
  const holder = holderOf(weight, key, scale);
  holder.packed = packed;
  holder.tag = biasTag(bias);
  holder.sourceTag = biasTag(scale === null ? null : weight);
  return packed;
}

