// Dense / F.linear on the last axis: out (M, N) = in (M, K) x W^T + bias,
// then an activation. Weights are packed once per weight tensor (js/ops/
// linear.js caches them): panels of kNr output columns, each the panel's
// bias then its K rows of kNr weights, zero-padded past N.
#pragma once

#include <cstddef>

#include "conv/conv.h"
#include "runtime/status.h"

namespace nnwasm::linear {

constexpr std::size_t kMr = 4;  // rows per register tile
constexpr std::size_t kNr = 8;  // output columns per panel

// PyTorch's weight (out, in) or Keras's kernel (in, units).
enum class WeightLayout : int { kOutIn = 0, kInOut = 1 };

Status packed_size(std::size_t in_features, std::size_t out_features, std::size_t* floats);

// bias may be null (zeros).
Status pack(const float* weight, WeightLayout layout, const float* bias, std::size_t in_features,
            std::size_t out_features, float* packed);

// act: the conv Activation codes; relu and relu6 clamp in registers, the
// others run as a pass over the finished output.
Status linear(const float* in, const float* packed, float* out, std::size_t rows, std::size_t in_features,
              std::size_t out_features, conv::Activation act);

}  // namespace nnwasm::linear
