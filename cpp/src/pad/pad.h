// F.pad and Keras ZeroPadding / Cropping: every output index maps to an
// input index per dim (or, in constant mode, to the fill value). `before`
// may be negative (a crop); the padding after is implied by out - in -
// before. js/ops/pad.js merges runs of unpadded dims first.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/status.h"

namespace nnwasm::pad {

enum class Mode : int { kConstant = 0, kReflect = 1, kReplicate = 2, kCircular = 3 };

constexpr std::size_t kMaxRank = 8;

struct PadShape {
  std::size_t rank = 1;
  std::size_t in[kMaxRank] = {}, out[kMaxRank] = {};
  std::int64_t before[kMaxRank] = {};  // int64: wasm32's ptrdiff_t is 32-bit, too narrow for the range checks
};

// Refuses (kInvalidArgument) pads a mode cannot map: reflect needs every
// source index within one reflection, circular within one wrap.
Status pad(const float* in, float* out, const PadShape& s, Mode mode, float value);

}  // namespace nnwasm::pad
