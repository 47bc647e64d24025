// Sums and maxima of contiguous runs of floats: the channels-first global
// poolings (one run per channel) and adaptive_avg_pool1d (one run per window).
#pragma once

#include <cstddef>
#include <limits>

#include "pool/ops.h"
#include "simd/vec.h"

namespace nnwasm::pool {

// The vector part of a reduction of x[0..n): `op` folds whole vectors into
// four independent accumulators (f32 add has a latency of about 4 cycles,
// so one accumulator would leave the adder idle three cycles in four), then
// the four into one. Returns where the scalar tail starts.
template <class F>
__attribute__((always_inline)) inline std::size_t fold_vectors(const float* x, std::size_t n, simd::f32x4 init,
                                                                F op, simd::f32x4* folded) {
  using namespace simd;
  f32x4 a0 = init, a1 = init, a2 = init, a3 = init;
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = op(a0, load(x + i));
    a1 = op(a1, load(x + i + 4));
    a2 = op(a2, load(x + i + 8));
    a3 = op(a3, load(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) a0 = op(a0, load(x + i));
  *folded = op(op(a0, a1), op(a2, a3));
  return i;
}

// The same for x[i] where mask[i] != 0, two accumulators; `keep(x, mask)`
// replaces masked lanes by the op's identity.
template <class F, class Keep>
__attribute__((always_inline)) inline std::size_t fold_vectors_masked(const float* x, const float* mask,
                                                                       std::size_t n, simd::f32x4 init, F op,
                                                                       Keep keep, simd::f32x4* folded) {
  using namespace simd;
  f32x4 a0 = init, a1 = init;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    a0 = op(a0, keep(load(x + i), load(mask + i)));
    a1 = op(a1, keep(load(x + i + 4), load(mask + i + 4)));
  }
  for (; i + 4 <= n; i += 4) a0 = op(a0, keep(load(x + i), load(mask + i)));
  *folded = op(a0, a1);
  return i;
}

// The vector ops as lambdas, which always inline (a function pointer may not).
constexpr auto kAddVectors = [](simd::f32x4 a, simd::f32x4 b) { return simd::add(a, b); };
constexpr auto kMaxVectors = [](simd::f32x4 a, simd::f32x4 b) { return simd::max(a, b); };

// Max with NaN winning of the four lanes of v and m.
inline float max_lanes(simd::f32x4 v, float m) {
  for (int k = 0; k < 4; ++k) m = MaxOp::apply(simd::lane(v, k), m);
  return m;
}

inline float sum_row(const float* x, std::size_t n) {
  simd::f32x4 v;
  std::size_t i = fold_vectors(x, n, simd::zero(), kAddVectors, &v);
  float s = simd::hsum(v);
  for (; i < n; ++i) s += x[i];
  return s;
}

// Sum of x[i] where mask[i] != 0. Masked values are dropped, not multiplied
// by zero, so a NaN or Inf at a masked step does not leak into the result.
inline float sum_row_masked(const float* x, const float* mask, std::size_t n) {
  simd::f32x4 v;
  std::size_t i = fold_vectors_masked(x, mask, n, simd::zero(), kAddVectors,
                                      [](simd::f32x4 v, simd::f32x4 m) { return simd::keep_where_nonzero(v, m); }, &v);
  float s = simd::hsum(v);
  for (; i < n; ++i)
    if (mask[i] != 0.0f) s += x[i];
  return s;
}

// Max with NaN winning (as f32x4.max).
inline float max_row(const float* x, std::size_t n) {
  const float ninf = -std::numeric_limits<float>::infinity();
  simd::f32x4 v;
  std::size_t i = fold_vectors(x, n, simd::splat(ninf), kMaxVectors, &v);
  float m = max_lanes(v, ninf);
  for (; i < n; ++i) m = MaxOp::apply(x[i], m);
  return m;
}

// Max of x[i] where mask[i] != 0 (-Infinity when all are masked).
inline float max_row_masked(const float* x, const float* mask, std::size_t n) {
  const float ninf = -std::numeric_limits<float>::infinity();
  const simd::f32x4 vninf = simd::splat(ninf);
  const auto keep = [vninf](simd::f32x4 v, simd::f32x4 m) { return simd::where_nonzero(m, v, vninf); };
  simd::f32x4 v;
  std::size_t i = fold_vectors_masked(x, mask, n, vninf, kMaxVectors, keep, &v);
  float m = max_lanes(v, ninf);
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
