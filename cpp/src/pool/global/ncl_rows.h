// Sums and maxima of contiguous runs of floats: the channels-first global
// poolings (one run per channel) and adaptive_avg_pool1d (one run per window).
#pragma once

#include <cstddef>
#include <limits>

#include "pool/ops.h"
#include "simd/vec.h"

namespace nnwasm::pool {

// Four independent accumulators: f32 add has a latency of about 4 cycles, so
// one accumulator would leave the adder idle three cycles in four.
inline float sum_row(const float* x, std::size_t n) {
  using namespace simd;
  f32x4 a0 = zero(), a1 = zero(), a2 = zero(), a3 = zero();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = add(a0, load(x + i));
    a1 = add(a1, load(x + i + 4));
    a2 = add(a2, load(x + i + 8));
    a3 = add(a3, load(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) a0 = add(a0, load(x + i));
  float s = hsum(add(add(a0, a1), add(a2, a3)));
  for (; i < n; ++i) s += x[i];
  return s;
}

// Sum of x[i] where mask[i] != 0. Masked values are dropped, not multiplied
// by zero, so a NaN or Inf at a masked step does not leak into the result.
inline float sum_row_masked(const float* x, const float* mask, std::size_t n) {
  using namespace simd;
  f32x4 a0 = zero(), a1 = zero();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    a0 = add(a0, keep_where_nonzero(load(x + i), load(mask + i)));
    a1 = add(a1, keep_where_nonzero(load(x + i + 4), load(mask + i + 4)));
  }
  for (; i + 4 <= n; i += 4) a0 = add(a0, keep_where_nonzero(load(x + i), load(mask + i)));
  float s = hsum(add(a0, a1));
  for (; i < n; ++i)
    if (mask[i] != 0.0f) s += x[i];
  return s;
}

// Max with NaN winning (as f32x4.max), four independent accumulators.
inline float max_row(const float* x, std::size_t n) {
  using namespace simd;
  const float ninf = -std::numeric_limits<float>::infinity();
  f32x4 a0 = splat(ninf), a1 = a0, a2 = a0, a3 = a0;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = max(a0, load(x + i));
    a1 = max(a1, load(x + i + 4));
    a2 = max(a2, load(x + i + 8));
    a3 = max(a3, load(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) a0 = max(a0, load(x + i));
  a0 = max(max(a0, a1), max(a2, a3));
  float m = ninf;
  for (int k = 0; k < 4; ++k) {
    const float v = lane(a0, k);
    m = MaxOp::apply(v, m);
  }
  for (; i < n; ++i) m = MaxOp::apply(x[i], m);
  return m;
}

// Max of x[i] where mask[i] != 0 (-Infinity when all are masked).
inline float max_row_masked(const float* x, const float* mask, std::size_t n) {
  using namespace simd;
  const float ninf = -std::numeric_limits<float>::infinity();
  const f32x4 vninf = splat(ninf);
  f32x4 a0 = vninf, a1 = vninf;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    a0 = max(a0, where_nonzero(load(mask + i), load(x + i), vninf));
    a1 = max(a1, where_nonzero(load(mask + i + 4), load(x + i + 4), vninf));
  }
  for (; i + 4 <= n; i += 4) a0 = max(a0, where_nonzero(load(mask + i), load(x + i), vninf));
  a0 = max(a0, a1);
  float m = ninf;
  for (int k = 0; k < 4; ++k) {
    const float v = lane(a0, k);
    m = MaxOp::apply(v, m);
  }
  for (; i < n; ++i)
    if (mask[i] != 0.0f) m = MaxOp::apply(x[i], m);
  return m;
}

inline std::size_t count_nonzero(const float* mask, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) count += mask[i] != 0.0f;
  return count;
}

}  // namespace nnwasm::pool
