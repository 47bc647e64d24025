// The two reductions every pooling kernel is written over, once: sums (for
// averages, which divide afterwards) and the NaN-propagating max.
#pragma once

#include <limits>

#include "simd/vec.h"

namespace nnwasm::pool {

struct SumOp {
  static constexpr bool kAverage = true;  // pools with this op divide by the window's count
  static simd::f32x4 apply(simd::f32x4 a, simd::f32x4 b) { return simd::add(a, b); }
  static float apply(float a, float b) { return a + b; }
  static float identity() { return 0.0f; }
};

struct MaxOp {
  static constexpr bool kAverage = false;
  static simd::f32x4 apply(simd::f32x4 a, simd::f32x4 b) { return simd::max_nan(a, b); }
  // NaN wins, as simd::max_nan (a + b is that NaN, quieted).
  static float apply(float a, float b) { return (a != a || b != b) ? a + b : (a > b ? a : b); }
  static float identity() { return -std::numeric_limits<float>::infinity(); }
};

}  // namespace nnwasm::pool
