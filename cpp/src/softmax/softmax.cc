// Contiguous slices (inner == 1) run three vector passes over each row:
// max, exp(x - max) with its sum, then the scaling. Strided slices run the
// same passes over blocks of up to kColumns neighbouring columns, four
// columns to a vector, so each pass reads whole cache lines of every row.
// exp is simd::exp (a few ulp); a row's last, partial vector is padded with
// -Inf, whose exp adds nothing to the sum.
#include "softmax/softmax.h"

#include <cmath>
#include <limits>

#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::softmax {

namespace {

using simd::f32x4;

constexpr std::size_t kColumns = 16;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

inline float max_nan(float m, float x) { return (x > m || x != x) ? x : m; }

float row_max(const float* x, std::size_t n) {
  std::size_t i = 0;
  float m = x[0];
  if (n >= 8) {
    f32x4 a = simd::load(x), b = simd::load(x + 4);
    for (i = 8; i + 8 <= n; i += 8) {
      a = simd::max(a, simd::load(x + i));
      b = simd::max(b, simd::load(x + i + 4));
    }
    const f32x4 ab = simd::max(a, b);
    for (int l = 0; l < 4; ++l) m = max_nan(m, simd::lane(ab, l));
  }
  for (; i < n; ++i) m = max_nan(m, x[i]);
  return m;
}

// Sum of exp(x - m) over the row; with `out`, the exps are stored there too.
float exp_sum(const float* x, float* out, std::size_t n, float m) {
  const f32x4 mv = simd::splat(m);
  f32x4 acc_a = simd::zero(), acc_b = simd::zero();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const f32x4 a = simd::exp(simd::sub(simd::load(x + i), mv));
    const f32x4 b = simd::exp(simd::sub(simd::load(x + i + 4), mv));
    if (out != nullptr) {
      simd::store(out + i, a);
      simd::store(out + i + 4, b);
    }
    acc_a = simd::add(acc_a, a);
    acc_b = simd::add(acc_b, b);
  }
  for (; i < n; i += 4) {
    const std::size_t left = n - i;
    const f32x4 e = simd::exp(simd::sub(simd::load_first(x + i, left, kNegInf), mv));
    if (out != nullptr) simd::store_upto(out + i, e, left);
    acc_a = simd::add(acc_a, e);
  }
  return simd::hsum(simd::add(acc_a, acc_b));
}

void softmax_row(const float* x, float* out, std::size_t n, bool log) {
  const float m = row_max(x, n);
  std::size_t i = 0;
  if (log) {
    // (x - max) - log(sum): folding max into log(sum) first would round
    // the small log away.
    const f32x4 mv = simd::splat(m), log_sum = simd::splat(std::log(exp_sum(x, nullptr, n, m)));
    for (; i + 4 <= n; i += 4) simd::store(out + i, simd::sub(simd::sub(simd::load(x + i), mv), log_sum));
    if (i < n) simd::store_first(out + i, simd::sub(simd::sub(simd::load_first(x + i, n - i, 0.0f), mv), log_sum), n - i);
  } else {
    const f32x4 inv = simd::splat(1.0f / exp_sum(x, out, n, m));
    for (; i + 4 <= n; i += 4) simd::store(out + i, simd::mul(simd::load(out + i), inv));
    if (i < n) simd::store_first(out + i, simd::mul(simd::load_first(out + i, n - i, 0.0f), inv), n - i);
  }
}

// Columns [0, 4 V) of one (n, inner) slab, V vectors of them; the last
// vector holds `last` (1..4) columns.
template <int V>
void softmax_columns(const float* x, float* out, std::size_t n, std::size_t inner, std::size_t last, bool log) {
  const auto in_at = [&](std::size_t k, int v) {
    const float* p = x + k * inner + 4 * v;
    return v == V - 1 && last < 4 ? simd::load_first(p, last, 0.0f) : simd::load(p);
  };
  const auto out_at = [&](std::size_t k, int v, f32x4 y) {
    float* p = out + k * inner + 4 * v;
    if (v == V - 1 && last < 4) {
      simd::store_first(p, y, last);
    } else {
      simd::store(p, y);
    }
  };
  f32x4 m[V], sum[V];
  for (int v = 0; v < V; ++v) {
    m[v] = in_at(0, v);
    sum[v] = simd::zero();
  }
  for (std::size_t k = 1; k < n; ++k)
    for (int v = 0; v < V; ++v) m[v] = simd::max(m[v], in_at(k, v));
  for (std::size_t k = 0; k < n; ++k)
    for (int v = 0; v < V; ++v) {
      const f32x4 e = simd::exp(simd::sub(in_at(k, v), m[v]));
      if (!log) out_at(k, v, e);
      sum[v] = simd::add(sum[v], e);
    }
  if (log) {
    for (int v = 0; v < V; ++v) {
      // One std::log per column: four lanes, once per slab.
      sum[v] = simd::set4(std::log(simd::lane(sum[v], 0)), std::log(simd::lane(sum[v], 1)),
                          std::log(simd::lane(sum[v], 2)), std::log(simd::lane(sum[v], 3)));
    }
    for (std::size_t k = 0; k < n; ++k)
      for (int v = 0; v < V; ++v) out_at(k, v, simd::sub(simd::sub(in_at(k, v), m[v]), sum[v]));
  } else {
    for (int v = 0; v < V; ++v) sum[v] = simd::div(simd::splat(1.0f), sum[v]);
    for (std::size_t k = 0; k < n; ++k)
      for (int v = 0; v < V; ++v) {
        float* p = out + k * inner + 4 * v;
        const f32x4 e = v == V - 1 && last < 4 ? simd::load_first(p, last, 0.0f) : simd::load(p);
        out_at(k, v, simd::mul(e, sum[v]));
      }
  }
}

// Columns [0, w) of one (n, inner) slab, 1 <= w <= kColumns.
void softmax_block(const float* x, float* out, std::size_t n, std::size_t inner, std::size_t w, bool log) {
  const std::size_t last = w - 4 * ((w - 1) / 4);
  switch ((w + 3) / 4) {
    case 1: return softmax_columns<1>(x, out, n, inner, last, log);
    case 2: return softmax_columns<2>(x, out, n, inner, last, log);
    case 3: return softmax_columns<3>(x, out, n, inner, last, log);
    default: return softmax_columns<4>(x, out, n, inner, last, log);
  }
}

static_assert(kColumns == 16, "softmax_block dispatches on up to 4 vectors");

}  // namespace

Status softmax(const float* in, float* out, std::size_t outer, std::size_t n, std::size_t inner, bool log) {
  std::size_t total;
  if (!checked_product(&total, {outer, n, inner})) return Status::kSizeOverflow;
  if (total == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  // Three passes and a vector exp: a value costs about what 8 floats of
  // memory traffic do.
  constexpr std::size_t kBytesPerValue = 8 * sizeof(float);
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
      softmax_block(in + at, out + at, n, inner, w, log);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::softmax
