// A register-tiled GEMM: kMr rows x kNr columns of accumulators (8 vectors
// for 4 rows) stay in registers over the whole K loop; each k loads the
// panel's two weight vectors once and splats one input value per row. At
// 1-2 rows (Dense at batch 1) the K loop is split into two accumulator sets
// so the adds of consecutive k do not wait on each other (add latency),
// and the pass is bound by reading the weights once.
#include "linear/linear.h"

#include <cstring>
#include <limits>

#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::linear {

namespace {

using simd::f32x4;

// Rows per block when splitting work: a panel (K * 32 bytes) is reused by
// this many rows while it sits in cache.
constexpr std::size_t kRowBlock = 64;

inline std::size_t panel_floats(std::size_t k) { return kNr + kNr * k; }

template <std::size_t MR>
void tile(const float* a, std::size_t lda, const float* panel, std::size_t k, float* c, std::size_t ldc, std::size_t nc,
          f32x4 lo, f32x4 hi) {
  f32x4 acc0[MR], acc1[MR];
  const f32x4 bias0 = simd::load(panel), bias1 = simd::load(panel + 4);
  for (std::size_t r = 0; r < MR; ++r) {
    acc0[r] = bias0;
    acc1[r] = bias1;
  }
  const float* w = panel + kNr;
  std::size_t i = 0;
  if constexpr (MR <= 2) {
    f32x4 odd0[MR], odd1[MR];
    for (std::size_t r = 0; r < MR; ++r) odd0[r] = odd1[r] = simd::zero();
    for (; i + 2 <= k; i += 2, w += 2 * kNr) {
      const f32x4 b0 = simd::load(w), b1 = simd::load(w + 4), b2 = simd::load(w + 8), b3 = simd::load(w + 12);
      for (std::size_t r = 0; r < MR; ++r) {
        const f32x4 x0 = simd::load_splat(a + r * lda + i), x1 = simd::load_splat(a + r * lda + i + 1);
        acc0[r] = simd::add(acc0[r], simd::mul(x0, b0));
        acc1[r] = simd::add(acc1[r], simd::mul(x0, b1));
        odd0[r] = simd::add(odd0[r], simd::mul(x1, b2));
        odd1[r] = simd::add(odd1[r], simd::mul(x1, b3));
      }
    }
    for (std::size_t r = 0; r < MR; ++r) {
      acc0[r] = simd::add(acc0[r], odd0[r]);
      acc1[r] = simd::add(acc1[r], odd1[r]);
    }
  }
  for (; i < k; ++i, w += kNr) {
    const f32x4 b0 = simd::load(w), b1 = simd::load(w + 4);
    for (std::size_t r = 0; r < MR; ++r) {
      const f32x4 x = simd::load_splat(a + r * lda + i);
      acc0[r] = simd::add(acc0[r], simd::mul(x, b0));
      acc1[r] = simd::add(acc1[r], simd::mul(x, b1));
    }
  }
  for (std::size_t r = 0; r < MR; ++r) {
    // pmin/pmax with the accumulator first keep a NaN result NaN.
    const f32x4 y0 = simd::pmin(simd::pmax(acc0[r], lo), hi), y1 = simd::pmin(simd::pmax(acc1[r], lo), hi);
    float* row = c + r * ldc;
    if (nc == kNr) {
      simd::store(row, y0);
      simd::store(row + 4, y1);
    } else if (nc > 4) {
      simd::store(row, y0);
      simd::store_first(row + 4, y1, nc - 4);
    } else {
      simd::store_first(row, y0, nc);
    }
  }
}

// Rows [r0, r1) of the output columns of one panel.
void panel_rows(const float* in, const float* panel, float* out, std::size_t r0, std::size_t r1, std::size_t k,
                std::size_t n, std::size_t col, f32x4 lo, f32x4 hi) {
  const std::size_t nc = n - col < kNr ? n - col : kNr;
  std::size_t r = r0;
  for (; r + kMr <= r1; r += kMr) tile<kMr>(in + r * k, k, panel, k, out + r * n + col, n, nc, lo, hi);
  switch (r1 - r) {
    case 3: tile<3>(in + r * k, k, panel, k, out + r * n + col, n, nc, lo, hi); break;
    case 2: tile<2>(in + r * k, k, panel, k, out + r * n + col, n, nc, lo, hi); break;
    case 1: tile<1>(in + r * k, k, panel, k, out + r * n + col, n, nc, lo, hi); break;
    default: break;
  }
}

}  // namespace

Status packed_size(std::size_t in_features, std::size_t out_features, std::size_t* floats) {
  if (out_features == 0) return Status::kInvalidArgument;
  const std::size_t panels = (out_features + kNr - 1) / kNr;
  std::size_t per_panel;
  if (!checked_product(&per_panel, {kNr, in_features + 1}) || !checked_product(floats, {panels, per_panel}))
    return Status::kSizeOverflow;
  return Status::kOk;
}

Status pack(const float* weight, WeightLayout layout, const float* bias, std::size_t in_features,
            std::size_t out_features, float* packed) {
  if (layout != WeightLayout::kOutIn && layout != WeightLayout::kInOut) return Status::kInvalidArgument;
  std::size_t floats;
  if (const Status s = packed_size(in_features, out_features, &floats); s != Status::kOk) return s;
  if (packed == nullptr || (in_features != 0 && weight == nullptr)) return Status::kNullPointer;
  const std::size_t k = in_features, n = out_features;
  for (std::size_t p = 0, col = 0; col < n; ++p, col += kNr) {
    float* dst = packed + p * panel_floats(k);
    for (std::size_t j = 0; j < kNr; ++j) dst[j] = (bias != nullptr && col + j < n) ? bias[col + j] : 0.0f;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < kNr; ++j) {
        const std::size_t o = col + j;
        dst[kNr + i * kNr + j] =
            o >= n ? 0.0f : (layout == WeightLayout::kOutIn ? weight[o * k + i] : weight[i * n + o]);
      }
  }
  return Status::kOk;
}

Status linear(const float* in, const float* packed, float* out, std::size_t rows, std::size_t in_features,
              std::size_t out_features, conv::Activation act) {
  if (static_cast<int>(act) < 0 || static_cast<int>(act) >= static_cast<int>(conv::Activation::kCount))
    return Status::kInvalidArgument;
  std::size_t floats, n_in, n_out;
  if (const Status s = packed_size(in_features, out_features, &floats); s != Status::kOk) return s;
  if (!checked_product(&n_in, {rows, in_features}) || !checked_product(&n_out, {rows, out_features}))
    return Status::kSizeOverflow;
  if (n_out == 0) return Status::kOk;
  if (out == nullptr || packed == nullptr || (n_in != 0 && in == nullptr)) return Status::kNullPointer;
  const float inf = std::numeric_limits<float>::infinity();
  float lo = -inf, hi = inf;
  if (act == conv::Activation::kRelu || act == conv::Activation::kRelu6) lo = 0.0f;
  if (act == conv::Activation::kRelu6) hi = 6.0f;
  const f32x4 vlo = simd::splat(lo), vhi = simd::splat(hi);
  const std::size_t k = in_features, n = out_features;
  const std::size_t panels = (n + kNr - 1) / kNr;
  const std::size_t blocks = (rows + kRowBlock - 1) / kRowBlock;
  const std::size_t block_rows = rows < kRowBlock ? rows : kRowBlock;
  // Items panel-major: consecutive items (one thread's range) share a panel.
  const std::size_t item_bytes = sizeof(float) * (kNr * k + block_rows * (k + kNr)) * 4;
  thread::parallel_for(panels * blocks, item_bytes, [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t p = item / blocks, b = item % blocks;
      const std::size_t r0 = b * kRowBlock, r1 = r0 + kRowBlock < rows ? r0 + kRowBlock : rows;
      panel_rows(in, packed + p * panel_floats(k), out, r0, r1, k, n, p * kNr, vlo, vhi);
    }
  });
  if (act != conv::Activation::kLinear && act != conv::Activation::kRelu && act != conv::Activation::kRelu6)
    return conv::activate(out, n_out, act);
  return Status::kOk;
}

}  // namespace nnwasm::linear
