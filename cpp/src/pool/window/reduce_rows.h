// Reductions of whole rows (sum or NaN-propagating max), shared by the
// window kernels of both layouts: a window's input rows are reduced into one
// row first, vectorised along the contiguous axis, up to four rows per pass.
#pragma once

#include <algorithm>
#include <cstddef>

#include "pool/ops.h"
#include "simd/vec.h"

namespace nnwasm::pool {

// dst[i] (op)= rows[0][i] op ... op rows[G-1][i], rows `row_stride` apart.
template <class Op, int G, bool kAccumulate>
void row_group(const float* a, std::size_t row_stride, std::size_t n, float* dst) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    simd::f32x4 v = simd::load(a + i);
    if (G > 1) v = Op::apply(v, simd::load(a + row_stride + i));
    if (G > 2) v = Op::apply(v, simd::load(a + 2 * row_stride + i));
    if (G > 3) v = Op::apply(v, simd::load(a + 3 * row_stride + i));
    if (kAccumulate) v = Op::apply(simd::load(dst + i), v);
    simd::store(dst + i, v);
  }
  if (!kAccumulate && i < n && n >= 4) {  // overlap the last whole vector: same values again
    i = n - 4;
    simd::f32x4 v = simd::load(a + i);
    if (G > 1) v = Op::apply(v, simd::load(a + row_stride + i));
    if (G > 2) v = Op::apply(v, simd::load(a + 2 * row_stride + i));
    if (G > 3) v = Op::apply(v, simd::load(a + 3 * row_stride + i));
    simd::store(dst + i, v);
    return;
  }
  for (; i < n; ++i) {
    float v = a[i];
    for (int g = 1; g < G; ++g) v = Op::apply(v, a[g * row_stride + i]);
    dst[i] = kAccumulate ? Op::apply(dst[i], v) : v;
  }
}

template <class Op, bool kAccumulate>
void row_group_any(const float* a, std::size_t row_stride, std::size_t g, std::size_t n, float* dst) {
  switch (g) {
    case 1: row_group<Op, 1, kAccumulate>(a, row_stride, n, dst); break;
    case 2: row_group<Op, 2, kAccumulate>(a, row_stride, n, dst); break;
    case 3: row_group<Op, 3, kAccumulate>(a, row_stride, n, dst); break;
    default: row_group<Op, 4, kAccumulate>(a, row_stride, n, dst); break;
  }
}

// dst[0..n) = Op over `count` rows starting at row0, `row_stride` floats apart.
template <class Op>
void reduce_rows(const float* row0, std::size_t row_stride, std::size_t count, std::size_t n, float* dst) {
  if (count == 0) {
    simd::fill(dst, n, Op::identity());
    return;
  }
  std::size_t g = std::min<std::size_t>(count, 4);
  row_group_any<Op, false>(row0, row_stride, g, n, dst);
  for (std::size_t r = g; r < count; r += g) {
    g = std::min<std::size_t>(count - r, 4);
    row_group_any<Op, true>(row0 + r * row_stride, row_stride, g, n, dst);
  }
}

}  // namespace nnwasm::pool
