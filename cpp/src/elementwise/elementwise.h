// Binary elementwise ops with PyTorch broadcasting (torch.add/mul, Keras
// Add/Subtract/Multiply/Maximum/Minimum, PReLU) and x * scale + shift.
// js/ops/elementwise.js turns the two shapes into a Broadcast: the output
// shape with size-1 dims dropped and mergeable neighbours merged, and each
// operand's stride per dim (0 where it is broadcast). The innermost stride
// of each operand is 0 or 1, so the hot loops are vector-vector,
// vector-scalar or scalar-vector over contiguous rows.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::elementwise {

enum class BinaryOp : int {
  kAdd = 0,
  kSub = 1,
  kMul = 2,
  kDiv = 3,
  kMaximum = 4,  // NaN in either operand gives NaN, as torch.maximum
  kMinimum = 5,
  kPrelu = 6,  // a = x, b = alpha: x > 0 ? x : alpha * x
  kCount = 7,
};

constexpr std::size_t kMaxRank = 8;

struct Broadcast {
  std::size_t rank = 1;
  std::size_t shape[kMaxRank] = {};
  std::size_t a_stride[kMaxRank] = {};
  std::size_t b_stride[kMaxRank] = {};
  std::size_t a_count = 0, b_count = 0;  // floats each operand holds (the strides must stay inside)
};

Status binary(const float* a, const float* b, float* out, const Broadcast& g, BinaryOp op);

// out[i] = in[i] * scale + shift.
Status affine(const float* in, float* out, std::size_t n, float scale, float shift);

}  // namespace nnwasm::elementwise
