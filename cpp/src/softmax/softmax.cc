// Contiguous slices (inner == 1) run three passes over each row; strided
// slices run the same passes over blocks of kColumns neighbouring columns,
// so each pass reads whole cache lines of every row.
#include "softmax/softmax.h"

#include <cmath>

#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::softmax {

namespace {

constexpr std::size_t kColumns = 16;

inline float max_nan(float m, float x) { return (x > m || x != x) ? x : m; }

float row_max(const float* x, std::size_t n) {
  std::size_t i = 0;
  float m = x[0];
  if (n >= 8) {
    simd::f32x4 a = simd::load(x), b = simd::load(x + 4);
    for (i = 8; i + 8 <= n; i += 8) {
      a = simd::max(a, simd::load(x + i));
      b = simd::max(b, simd::load(x + i + 4));
    }
    const simd::f32x4 ab = simd::max(a, b);
    for (int l = 0; l < 4; ++l) m = max_nan(m, simd::lane(ab, l));
  }
  for (; i < n; ++i) m = max_nan(m, x[i]);
  return m;
}

void softmax_row(const float* x, float* out, std::size_t n, bool log) {
  const float m = row_max(x, n);
  float sum = 0.0f;
  if (log) {
    for (std::size_t i = 0; i < n; ++i) sum += std::exp(x[i] - m);
    // (x - max) - log(sum): folding max into log(sum) first would round
    // the small log away.
    const float log_sum = std::log(sum);
    for (std::size_t i = 0; i < n; ++i) out[i] = (x[i] - m) - log_sum;
  } else {
    for (std::size_t i = 0; i < n; ++i) sum += (out[i] = std::exp(x[i] - m));
    const float inv = 1.0f / sum;
    for (std::size_t i = 0; i < n; ++i) out[i] *= inv;
  }
}

// Columns [j0, j0 + w) of one (n, inner) slab.
void softmax_columns(const float* x, float* out, std::size_t n, std::size_t inner, std::size_t w, bool log) {
  float m[kColumns], sum[kColumns];
  for (std::size_t j = 0; j < w; ++j) {
    m[j] = x[j];
    sum[j] = 0.0f;
  }
  for (std::size_t k = 1; k < n; ++k)
    for (std::size_t j = 0; j < w; ++j) m[j] = max_nan(m[j], x[k * inner + j]);
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = 0; j < w; ++j) {
      const float e = std::exp(x[k * inner + j] - m[j]);
      if (!log) out[k * inner + j] = e;
      sum[j] += e;
    }
  if (log) {
    for (std::size_t j = 0; j < w; ++j) sum[j] = std::log(sum[j]);
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t j = 0; j < w; ++j) out[k * inner + j] = (x[k * inner + j] - m[j]) - sum[j];
  } else {
    for (std::size_t j = 0; j < w; ++j) sum[j] = 1.0f / sum[j];
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t j = 0; j < w; ++j) out[k * inner + j] *= sum[j];
  }
}

}  // namespace

Status softmax(const float* in, float* out, std::size_t outer, std::size_t n, std::size_t inner, bool log) {
  std::size_t total;
  if (!checked_product(&total, {outer, n, inner})) return Status::kSizeOverflow;
  if (total == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  // exp costs ~20x a load: split by work, not bytes.
  constexpr std::size_t kBytesPerValue = 16 * sizeof(float);
  if (inner == 1) {
    thread::parallel_for(outer, kBytesPerValue * n, [&](std::size_t begin, std::size_t end) {
      for (std::size_t o = begin; o < end; ++o) softmax_row(in + o * n, out + o * n, n, log);
    });
    return Status::kOk;
  }
  const std::size_t blocks = (inner + kColumns - 1) / kColumns;
  thread::parallel_for(outer * blocks, kBytesPerValue * n * kColumns, [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t o = item / blocks, j0 = (item % blocks) * kColumns;
      const std::size_t w = inner - j0 < kColumns ? inner - j0 : kColumns;
      const std::size_t at = o * n * inner + j0;
      softmax_columns(in + at, out + at, n, inner, w, log);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::softmax
