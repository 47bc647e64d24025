// A register-tiled GEMM: kMr rows x kNr columns of accumulators (8 vectors
// for 4 rows) stay in registers over the whole K loop; each k loads the
// panel's two weight vectors once and splats one input value per row.
//
// 1-3 rows (Dense at batch 1-3, a 1x1 convolution of 1-3 pixels) are a
// matrix-vector product bound by reading the weights once: each row set
// walks several panels side by side (one row: three panels, six
// accumulators; two rows: two panels, eight), so every splat of an input
// value feeds more weight vectors and the adds of one k do not wait on each
// other. Every panel is one contiguous stream, K * 32 bytes. Measured at
// 1 thread: 1280 -> 1000 reads its 5.1 MB at 22 GB/s, 75 % of a plain read
// loop over a buffer that size; a fourth panel (eight accumulators) or the
// earlier one-panel kernel with two k per step ran no faster. Every sum is
// bias + k in order, as in the convolution kernels.
#include "linear/linear.h"

#include <cstring>
#include <limits>

#include "simd/vec.h"
#include "thread/pool.h"

// Keeps a K loop rolled: V8 issues an iteration's loads before its
// arithmetic, so two k per trip would need registers it does not have.
#if defined(__clang__)
#define NNWASM_LINEAR_NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define NNWASM_LINEAR_NO_UNROLL
#endif

namespace nnwasm::linear {

namespace {

using simd::f32x4;

// Rows per block when splitting work: a panel (K * 32 bytes) is reused by
// this many rows while it sits in cache.
constexpr std::size_t kRowBlock = 64;

// Work chunks per thread for batches of 4+ rows (see linear()).
constexpr std::size_t kBatchChunksPerThread = 16;

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
  for (std::size_t i = 0; i < k; ++i, w += kNr) {
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

// The first nc <= kNr columns of one output row.
inline void store_row(float* row, f32x4 y0, f32x4 y1, std::size_t nc) {
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

// pmin/pmax with the accumulator first keep a NaN result NaN (one
// instruction each; wasm's min/max are seven on x86).
inline f32x4 clamp(f32x4 v, f32x4 lo, f32x4 hi) { return simd::pmin(simd::pmax(v, lo), hi); }

// One input row a[0:k] against the three consecutive panels at w (panels
// `stride` floats apart): 24 columns, the last panel's first nc_last. Six
// accumulators, one splat and six weight vectors per k: 13 registers.
void row_three_panels(const float* a, const float* w, std::size_t stride, std::size_t k, float* c,
                      std::size_t nc_last, f32x4 lo, f32x4 hi) {
  const float* w0 = w;
  const float* w1 = w + stride;
  const float* w2 = w + 2 * stride;
  f32x4 c0 = simd::load(w0), c1 = simd::load(w0 + 4);
  f32x4 c2 = simd::load(w1), c3 = simd::load(w1 + 4);
  f32x4 c4 = simd::load(w2), c5 = simd::load(w2 + 4);
  w0 += kNr, w1 += kNr, w2 += kNr;
  NNWASM_LINEAR_NO_UNROLL
  for (std::size_t i = 0; i < k; ++i) {
    const f32x4 x = simd::load_splat(a + i);
    c0 = simd::add(c0, simd::mul(x, simd::load(w0)));
    c1 = simd::add(c1, simd::mul(x, simd::load(w0 + 4)));
    c2 = simd::add(c2, simd::mul(x, simd::load(w1)));
    c3 = simd::add(c3, simd::mul(x, simd::load(w1 + 4)));
    c4 = simd::add(c4, simd::mul(x, simd::load(w2)));
    c5 = simd::add(c5, simd::mul(x, simd::load(w2 + 4)));
    w0 += kNr, w1 += kNr, w2 += kNr;
  }
  store_row(c, clamp(c0, lo, hi), clamp(c1, lo, hi), kNr);
  store_row(c + kNr, clamp(c2, lo, hi), clamp(c3, lo, hi), kNr);
  store_row(c + 2 * kNr, clamp(c4, lo, hi), clamp(c5, lo, hi), nc_last);
}

// Two input rows (lda apart) against two consecutive panels: 16 columns,
// the second panel's first nc_last. Eight accumulators, two splats and
// four weight vectors per k: 14 registers.
void two_rows_two_panels(const float* a, std::size_t lda, const float* w, std::size_t stride, std::size_t k,
                         float* c, std::size_t ldc, std::size_t nc_last, f32x4 lo, f32x4 hi) {
  const float* a0 = a;
  const float* a1 = a + lda;
  const float* w0 = w;
  const float* w1 = w + stride;
  f32x4 c00 = simd::load(w0), c01 = simd::load(w0 + 4), c02 = simd::load(w1), c03 = simd::load(w1 + 4);
  f32x4 c10 = c00, c11 = c01, c12 = c02, c13 = c03;
  w0 += kNr, w1 += kNr;
  NNWASM_LINEAR_NO_UNROLL
  for (std::size_t i = 0; i < k; ++i) {
    const f32x4 b0 = simd::load(w0), b1 = simd::load(w0 + 4), b2 = simd::load(w1), b3 = simd::load(w1 + 4);
    const f32x4 x0 = simd::load_splat(a0 + i), x1 = simd::load_splat(a1 + i);
    c00 = simd::add(c00, simd::mul(x0, b0));
    c01 = simd::add(c01, simd::mul(x0, b1));
    c02 = simd::add(c02, simd::mul(x0, b2));
    c03 = simd::add(c03, simd::mul(x0, b3));
    c10 = simd::add(c10, simd::mul(x1, b0));
    c11 = simd::add(c11, simd::mul(x1, b1));
    c12 = simd::add(c12, simd::mul(x1, b2));
    c13 = simd::add(c13, simd::mul(x1, b3));
    w0 += kNr, w1 += kNr;
  }
  store_row(c, clamp(c00, lo, hi), clamp(c01, lo, hi), kNr);
  store_row(c + kNr, clamp(c02, lo, hi), clamp(c03, lo, hi), nc_last);
  store_row(c + ldc, clamp(c10, lo, hi), clamp(c11, lo, hi), kNr);
  store_row(c + ldc + kNr, clamp(c12, lo, hi), clamp(c13, lo, hi), nc_last);
}

// Three input rows against one panel: six accumulators, three splats and
// two weight vectors per k.
void three_rows_one_panel(const float* a, std::size_t lda, const float* w, std::size_t k, float* c,
                          std::size_t ldc, std::size_t nc, f32x4 lo, f32x4 hi) {
  const float* a0 = a;
  const float* a1 = a + lda;
  const float* a2 = a + 2 * lda;
  f32x4 c00 = simd::load(w), c01 = simd::load(w + 4);
  f32x4 c10 = c00, c11 = c01, c20 = c00, c21 = c01;
  w += kNr;
  NNWASM_LINEAR_NO_UNROLL
  for (std::size_t i = 0; i < k; ++i) {
    const f32x4 b0 = simd::load(w), b1 = simd::load(w + 4);
    const f32x4 x0 = simd::load_splat(a0 + i), x1 = simd::load_splat(a1 + i), x2 = simd::load_splat(a2 + i);
    c00 = simd::add(c00, simd::mul(x0, b0));
    c01 = simd::add(c01, simd::mul(x0, b1));
    c10 = simd::add(c10, simd::mul(x1, b0));
    c11 = simd::add(c11, simd::mul(x1, b1));
    c20 = simd::add(c20, simd::mul(x2, b0));
    c21 = simd::add(c21, simd::mul(x2, b1));
    w += kNr;
  }
  store_row(c, clamp(c00, lo, hi), clamp(c01, lo, hi), nc);
  store_row(c + ldc, clamp(c10, lo, hi), clamp(c11, lo, hi), nc);
  store_row(c + 2 * ldc, clamp(c20, lo, hi), clamp(c21, lo, hi), nc);
}

// Panels [p0, p1) of the product of `rows` (1..3) input rows: the
// matrix-vector path. Panels that do not make a whole group of three (one
// row) or two (two rows) take the single-panel tile.
void gemv_panels(const float* in, const float* packed, float* out, std::size_t rows, std::size_t p0,
                 std::size_t p1, std::size_t k, std::size_t n, f32x4 lo, f32x4 hi) {
  const std::size_t stride = panel_floats(k);
  const auto width = [&](std::size_t p) { return n - p * kNr < kNr ? n - p * kNr : kNr; };
  std::size_t p = p0;
  if (rows == 1) {
    for (; p + 3 <= p1; p += 3)
      row_three_panels(in, packed + p * stride, stride, k, out + p * kNr, width(p + 2), lo, hi);
  } else if (rows == 2) {
    for (; p + 2 <= p1; p += 2)
      two_rows_two_panels(in, k, packed + p * stride, stride, k, out + p * kNr, n, width(p + 1), lo, hi);
  } else {
    for (; p < p1; ++p) three_rows_one_panel(in, k, packed + p * stride, k, out + p * kNr, n, width(p), lo, hi);
  }
  for (; p < p1; ++p) {
    if (rows == 1) tile<1>(in, k, packed + p * stride, k, out + p * kNr, n, width(p), lo, hi);
    if (rows == 2) tile<2>(in, k, packed + p * stride, k, out + p * kNr, n, width(p), lo, hi);
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
  if (rows <= 3) {
    // Matrix-vector: items are panels (K * 32 bytes of weights each), in
    // whole groups of the kernel's panel count so a range splits no group.
    const std::size_t group = rows == 1 ? 3 : (rows == 2 ? 2 : 1);
    const std::size_t groups = (panels + group - 1) / group;
    thread::parallel_for(groups, sizeof(float) * panel_floats(k) * group, [&](std::size_t begin, std::size_t end) {
      const std::size_t p1 = end * group < panels ? end * group : panels;
      gemv_panels(in, packed, out, rows, begin * group, p1, k, n, vlo, vhi);
    });
  } else {
    const std::size_t blocks = (rows + kRowBlock - 1) / kRowBlock;
    const std::size_t block_rows = rows < kRowBlock ? rows : kRowBlock;
    // Items panel-major: consecutive items (one thread's range) share a panel.
    const std::size_t item_bytes = sizeof(float) * (kNr * k + block_rows * (k + kNr)) * 4;
    // Fixed chunks, about kBatchChunksPerThread per thread: a thread the OS
    // preempts (a loaded machine, other tabs) then holds back one small
    // chunk while the others take the rest, instead of a quarter of its
    // share (the pool's default split) that the caller spins waiting for.
    const std::size_t items = panels * blocks;
    const std::size_t per_chunk =
        items / (static_cast<std::size_t>(thread::num_threads()) * kBatchChunksPerThread);
    const thread::Chunks work{items, per_chunk < 1 ? 1 : per_chunk, item_bytes};
    thread::parallel_for_slots(work, [&](int, std::size_t begin, std::size_t end) {
      for (std::size_t item = begin; item < end; ++item) {
        const std::size_t p = item / blocks, b = item % blocks;
        const std::size_t r0 = b * kRowBlock, r1 = r0 + kRowBlock < rows ? r0 + kRowBlock : rows;
        panel_rows(in, packed + p * panel_floats(k), out, r0, r1, k, n, p * kNr, vlo, vhi);
      }
    });
  }
  if (act != conv::Activation::kLinear && act != conv::Activation::kRelu && act != conv::Activation::kRelu6)
    return conv::activate(out, n_out, act);
  return Status::kOk;
}

}  // namespace nnwasm::linear
