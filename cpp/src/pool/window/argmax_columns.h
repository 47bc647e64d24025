// Max pooling with PyTorch's indices, channels first: the micro-kernels of
// window/argmax_nchw.cc. Included by it only (internal linkage, as the
// file-local functions they were).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "pool/window/axis.h"
#include "pool/window/columns_nchw.h"
#include "simd/vec.h"

namespace nnwasm::pool {

// Per column of the window's rows (count rows `step` rows apart from row0,
// whose index is h0): the max and its flat index row * in_w + column, by
// PyTorch's rule "x > best || isnan(x)" scanning down, so ties keep the
// first row and NaN the last NaN. Indices are floats (exact below 2^24).
static void column_argmax(const float* row0, std::size_t in_w, std::int64_t count, std::size_t step, float h0,
                   float* best_value, float* best_index) {
  const std::size_t row_stride = step * in_w;
  const f32x4 width = splat(static_cast<float>(in_w));
  std::size_t w = 0;
  for (; w + 4 <= in_w; w += 4) {
    f32x4 best = splat(-std::numeric_limits<float>::infinity()), row = splat(h0);
    for (std::int64_t k = 0; k < count; ++k) {
      const f32x4 v = load(row0 + static_cast<std::size_t>(k) * row_stride + w);
      const f32x4 take = greater_or_nan(v, best);
      best = select(take, v, best);
      row = select(take, splat(h0 + static_cast<float>(k * static_cast<std::int64_t>(step))), row);
    }
    const float c = static_cast<float>(w);
    store(best_value + w, best);
    store(best_index + w, add(mul(row, width), set4(c, c + 1.0f, c + 2.0f, c + 3.0f)));
  }
  for (; w < in_w; ++w) {
    float best = -std::numeric_limits<float>::infinity(), row = h0;
    for (std::int64_t k = 0; k < count; ++k) {
      const float v = row0[static_cast<std::size_t>(k) * row_stride + w];
      if (v > best || v != v) {
        best = v;
        row = h0 + static_cast<float>(k * static_cast<std::int64_t>(step));
      }
    }
    best_value[w] = best;
    best_index[w] = row * static_cast<float>(in_w) + static_cast<float>(w);
  }
}

// Flat indices of padding: larger than any real one, so padding never wins a
// tie with a real -Infinity (and -Infinity never beats the start value).
constexpr float kPaddingIndex = 1073741824.0f;  // 2^30

// Max with PyTorch's indices. Each column's best row is found first, then the
// columns are combined with the same order on flat indices (simd::beats),
// which gives exactly PyTorch's row-major scan starting from (-inf, first
// tap). Strided windows combine four outputs per vector from padded value
// and index rows; adaptive windows (and planes of 2^24 cells or more, whose
// indices floats cannot hold exactly) go one output at a time.
template <int kStride>
static void argmax_columns_strided(const float* values, const float* indices, const AxisWindows& cols,
                            const float* start_index, std::size_t out_w, float* out, float* out_index) {
  for (std::size_t o = 0; o < out_w; o += 4) {
    f32x4 best = splat(-std::numeric_limits<float>::infinity()), best_i = load(start_index + o);
    for (std::size_t k = 0; k < cols.kernel; ++k) {
      const std::size_t p = o * cols.stride + k * cols.step;
      const f32x4 v = strided_lanes<kStride>(values + p, cols.stride);
      const f32x4 vi = strided_lanes<kStride>(indices + p, cols.stride);
      const f32x4 take = beats(v, vi, best, best_i);
      best = select(take, v, best);
      best_i = select(take, vi, best_i);
    }
    if (o + 4 <= out_w) {
      store(out + o, best);
      store(out_index + o, best_i);
    } else {
      store_first(out + o, best, out_w - o);
      store_first(out_index + o, best_i, out_w - o);
    }
  }
}

static void argmax_columns_listed(const float* values, const float* indices, const AxisWindows& cols, float h0,
                           std::size_t in_w, float* out, float* out_index) {
  const std::int64_t W = static_cast<std::int64_t>(in_w);
  for (std::size_t ow = 0; ow < cols.first.size(); ++ow) {
    const std::int64_t w0 = cols.first[ow], nw = cols.count[ow];
    float best = -std::numeric_limits<float>::infinity();
    std::int64_t best_index = static_cast<std::int64_t>(h0) * W + w0;
    for (std::int64_t j = 0; j < nw; ++j) {
      const std::size_t c = static_cast<std::size_t>(w0 + j * static_cast<std::int64_t>(cols.step));
      const float v = values[c];
      const std::int64_t index = static_cast<std::int64_t>(indices[c]);
      const bool take = v != v ? (best == best || index > best_index)
                               : (best == best && (v > best || (v == best && index < best_index)));
      if (take) {
        best = v;
        best_index = index;
      }
    }
    out[ow] = best;
    out_index[ow] = static_cast<float>(best_index);
  }
}

}  // namespace nnwasm::pool
