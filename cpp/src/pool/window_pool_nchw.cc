// Window and adaptive pooling, channels first (planes of H x W).
//
// Separable: for each output row, the window's input rows are first reduced
// into a row buffer (contiguous, vectorised along W, up to four rows per
// pass), then each output pools its columns of that buffer. The buffer has
// the padding around it (zero for sums, -Infinity for max), so strided
// windows need no edge cases: stride 1 loads straight runs, stride 2
// de-interleaves two vectors, larger strides gather lanes. Averages divide
// by a per-output divisor (rows' factor x columns' factor), as a multiply
// by its reciprocal, made once per distinct row factor.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "pool/pool.h"
#include "pool/reduce_rows.h"
#include "pool/ring_k3s2.h"
#include "pool/windows.h"
#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::pool {
namespace {

using namespace simd;

// The taps of four consecutive outputs: p[0], p[s], p[2s], p[3s].
template <int kStride>
f32x4 strided_lanes(const float* p, std::size_t stride) {
  if (kStride == 1) return load(p);
  if (kStride == 2) return even_lanes(load(p), load(p + 4));
  return set4(p[0], p[stride], p[2 * stride], p[3 * stride]);
}

// One output row from the padded row buffer: output o pools
// buf[o * stride + k * step], k < kernel. Reads up to a vector past the last
// tap (the buffer has the slack); writes only out_w values. Averages
// multiply by the row's reciprocal divisors.
template <class Op, bool kAverage, int kStride>
void reduce_columns_strided(const float* buf, std::size_t out_w, const AxisWindows& cols, const float* inv_div,
                            float* dst) {
  const std::size_t stride = cols.stride, step = cols.step, kernel = cols.kernel;
  for (std::size_t o = 0; o < out_w; o += 4) {
    const float* p = buf + o * stride;
    f32x4 acc = strided_lanes<kStride>(p, stride);
    for (std::size_t k = 1; k < kernel; ++k) acc = Op::apply(acc, strided_lanes<kStride>(p + k * step, stride));
    if (kAverage) acc = mul(acc, load(inv_div + o));
    if (o + 4 <= out_w) {
      store(dst + o, acc);
    } else {
      store_first(dst + o, acc, out_w - o);
    }
  }
}

// The common stride-2 windows of 2 and 3 taps, sharing loads: even lanes are
// taps 0, odd lanes taps 1, and the evens shifted by one are taps 2.
template <class Op, bool kAverage, int kKernel>
void reduce_columns_s2(const float* buf, std::size_t out_w, const float* inv_div, float* dst) {
  for (std::size_t o = 0; o < out_w; o += 4) {
    const float* p = buf + 2 * o;
    const f32x4 a = load(p), b = load(p + 4);
    const f32x4 even = even_lanes(a, b);
    f32x4 acc = Op::apply(even, odd_lanes(a, b));
    if (kKernel == 3) acc = Op::apply(acc, shift1(even, load(p + 8)));
    if (kAverage) acc = mul(acc, load(inv_div + o));
    if (o + 4 <= out_w) {
      store(dst + o, acc);
    } else {
      store_first(dst + o, acc, out_w - o);
    }
  }
}

// Non-overlapping 2-wide windows without column padding (2x2/2 pooling,
// adaptive halving): rows and columns fused, no buffer. Each group of four
// outputs sums the window rows' two vectors, then adds even and odd lanes.
// Reads up to 2 * round_up4(out_w) floats from each row start, past the
// row's end into the next row; the caller keeps that inside the input.
template <class Op, bool kAverage>
void pool_row_fused_s2k2(const float* row0, std::size_t row_stride, std::size_t count, std::size_t out_w,
                         const float* inv_div, float* dst) {
  for (std::size_t o = 0; o < out_w; o += 4) {
    const float* p = row0 + 2 * o;
    f32x4 a = load(p), b = load(p + 4);
    for (std::size_t k = 1; k < count; ++k) {
      a = Op::apply(a, load(p + k * row_stride));
      b = Op::apply(b, load(p + k * row_stride + 4));
    }
    f32x4 acc = Op::apply(even_lanes(a, b), odd_lanes(a, b));
    if (kAverage) acc = mul(acc, load(inv_div + o));
    if (o + 4 <= out_w) {
      store(dst + o, acc);
    } else {
      store_first(dst + o, acc, out_w - o);
    }
  }
}

// 2x2/2 windows over whole planes (in_h == 2 * out_h, no padding): output
// row `item` pools input rows 2 * item and 2 * item + 1 of the planes seen as
// one tall image, so the loop needs no per-row window lookups. Small planes
// (adaptive 14x14 -> 7x7) are dominated by that per-row overhead. Stores a
// whole last vector (the next row overwrites the extra lanes) except on the
// last row of the range, which other threads' rows follow. Reads as
// pool_row_fused_s2k2; the caller keeps [begin, end) inside the input.
// noinline, and called on blocks of rows: V8 runs a function's optimised code
// only from its next call on, so the op must not be one long call.
template <class Op, bool kAverage>
__attribute__((noinline)) void pool_rows_s2k2_planes(const float* in, std::size_t in_w, std::size_t out_w,
                                                     std::size_t begin, std::size_t end, bool last_in_range,
                                                     const float* inv_div, float* out) {
  for (std::size_t item = begin; item < end; ++item) {
    const float* a = in + item * 2 * in_w;
    const float* b = a + in_w;
    float* y = out + item * out_w;
    const bool last = item + 1 == end && last_in_range;
    for (std::size_t o = 0; o < out_w; o += 4) {
      const f32x4 lo = Op::apply(load(a + 2 * o), load(b + 2 * o));
      const f32x4 hi = Op::apply(load(a + 2 * o + 4), load(b + 2 * o + 4));
      f32x4 acc = Op::apply(even_lanes(lo, hi), odd_lanes(lo, hi));
      if (kAverage) acc = mul(acc, load(inv_div + o));
      if (o + 4 <= out_w || !last) {
        store(y + o, acc);
      } else {
        store_first(y + o, acc, out_w - o);
      }
    }
  }
}

// Irregular (adaptive) windows over the unpadded row.
template <class Op, bool kAverage>
void reduce_columns_listed(const float* row, const AxisWindows& cols, const float* inv_div, float* dst) {
  const std::size_t out_w = cols.first.size();
  for (std::size_t o = 0; o < out_w; ++o) {
    const float* p = row + cols.first[o];
    float v = Op::identity();
    for (std::int64_t k = 0; k < cols.count[o]; ++k) v = Op::apply(v, p[k * cols.step]);
    dst[o] = kAverage ? v * inv_div[o] : v;
  }
}

std::size_t round_up4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

// --- 3x3 windows at stride 2: the row kernels for ring_k3s2.h ---
// Output o of a row pools r[2o-1], r[2o], r[2o+1] (callers shift r by one for
// windows starting at column 0, and pass that column as `left`), for the
// outputs of whole groups of four.
// Four outputs from the eight columns a, b: the odd columns shifted by one
// lane (the last odd column before them in *prev) give columns 2o-1.
template <class Op, bool kFast>
inline f32x4 pool_eight_columns(f32x4 a, f32x4 b, f32x4* prev) {
  const f32x4 even = even_lanes(a, b), odd = odd_lanes(a, b);
  const f32x4 left = preceding(*prev, odd);
  *prev = odd;
  return combine<Op, kFast>(combine<Op, kFast>(left, even), odd);
}

template <class Op, bool kFast>
__attribute__((noinline)) void k3s2_columns(const float* r, std::size_t groups, float left, float* dst, f32x4* probe) {
  f32x4 prev = splat(left), sum = zero();
  for (std::size_t g = 0; g < groups; ++g) {
    const f32x4 a = load(r), b = load(r + 4);
    store(dst, pool_eight_columns<Op, kFast>(a, b, &prev));
    if (kFast) sum = add(sum, add(a, b));
    r += 8, dst += 4;
  }
  *probe = sum;
}

// Rows r1 and r2 as k3s2_columns, r2's into h2, both combined with h0 into y.
template <class Op, bool kAverage, bool kFast>
__attribute__((noinline)) void k3s2_row_pair(const float* r1, const float* r2, std::size_t groups, float left1,
                                             float left2, const float* h0, float* h2, const float* inv_div,
                                             float* y, f32x4* probe) {
  const auto op = [](f32x4 a, f32x4 b) { return combine<Op, kFast>(a, b); };
  f32x4 prev1 = splat(left1), prev2 = splat(left2), sum = zero();
  for (std::size_t g = 0; g < groups; ++g) {
    const f32x4 a1 = load(r1), b1 = load(r1 + 4), a2 = load(r2), b2 = load(r2 + 4);
    const f32x4 c1 = pool_eight_columns<Op, kFast>(a1, b1, &prev1);
    const f32x4 c2 = pool_eight_columns<Op, kFast>(a2, b2, &prev2);
    store(h2, c2);
    f32x4 acc = op(op(load(h0), c1), c2);
    if (kAverage) acc = mul(acc, load(inv_div));
    store(y, acc);
    if (kFast) sum = add(sum, add(add(a1, b1), add(a2, b2)));
    r1 += 8, r2 += 8, h0 += 4, h2 += 4, inv_div += 4, y += 4;
  }
  *probe = sum;
}

// One output row from its window's three pooled rows.
template <class Op, bool kAverage, bool kFast>
__attribute__((noinline)) void k3s2_rows(const float* h0, const float* h1, const float* h2, std::size_t out_w,
                                         const float* inv_div, float* y) {
  const auto op = [](f32x4 a, f32x4 b) { return combine<Op, kFast>(a, b); };
  for (std::size_t o = 0; o < out_w; o += 4) {
    f32x4 acc = op(op(load(h0 + o), load(h1 + o)), load(h2 + o));
    if (kAverage) acc = mul(acc, load(inv_div + o));
    if (o + 4 <= out_w) {
      store(y + o, acc);
    } else {
      store_first(y + o, acc, out_w - o);
    }
  }
}

// Planes of W >= 16: groups of four outputs whose taps all lie inside the
// row, then the rest one at a time (exact ops, same order).
template <class Op>
struct PlaneRowsK3s2 {
  WindowTaps cols;
  std::size_t out_w, shift, groups;

  PlaneRowsK3s2(const AxisWindows& c, std::size_t in_w)
      : cols(c), out_w(c.first.size()), shift(1 - c.pad_begin), groups(std::min((in_w - shift) / 8, out_w / 4)) {}

  float left(const float* src) const { return shift == 0 ? Op::identity() : src[0]; }
  // Output o past the groups, from one row; whether it is NaN.
  bool tail(const float* src, std::size_t o, float* v) const {
    *v = Op::identity();
    const float* p = src + cols.first[o];
    for (std::int64_t j = 0; j < cols.count[o]; ++j) *v = Op::apply(*v, p[j]);
    return *v != *v;
  }

  template <bool kFast>
  bool pool_row(const float* src, float* dst) const {
    f32x4 probe;
    const float l = left(src);
    k3s2_columns<Op, kFast>(src + shift, groups, l, dst, &probe);
    bool nan = kFast && (any_nan(probe) || l != l);
    for (std::size_t o = 4 * groups; o < out_w; ++o) nan |= tail(src, o, dst + o);
    return kFast && nan;
  }

  template <bool kAverage, bool kFast>
  bool pool_pair(const float* s1, const float* s2, const float* h0, float* h2, const float* inv, float* y) const {
    f32x4 probe;
    const float l1 = left(s1), l2 = left(s2);
    k3s2_row_pair<Op, kAverage, kFast>(s1 + shift, s2 + shift, groups, l1, l2, h0, h2, inv, y, &probe);
    bool nan = kFast && (any_nan(probe) || l1 != l1 || l2 != l2);
    for (std::size_t o = 4 * groups; o < out_w; ++o) {
      float v1, v2;
      tail(s1, o, &v1);
      nan |= tail(s2, o, &v2);
      h2[o] = v2;
      const float v = Op::apply(Op::apply(h0[o], v1), v2);
      y[o] = kAverage ? v * inv[o] : v;
    }
    return kFast && nan;
  }

  template <bool kAverage, bool kFast>
  void combine_rows(const float* h0, const float* h1, const float* h2, const float* inv, float* y) const {
    k3s2_rows<Op, kAverage, kFast>(h0, h1, h2, out_w, inv, y);
  }
};

// Which horizontal pass a call uses, decided once.
enum class ColumnPass { kListed, kStride1, kStride2Kernel2, kStride2Kernel3, kStride2, kStrideAny };

ColumnPass column_pass(const AxisWindows& cols) {
  if (!cols.strided) return ColumnPass::kListed;
  if (cols.stride == 1) return ColumnPass::kStride1;
  if (cols.stride == 2 && cols.step == 1 && cols.kernel == 2) return ColumnPass::kStride2Kernel2;
  if (cols.stride == 2 && cols.step == 1 && cols.kernel == 3) return ColumnPass::kStride2Kernel3;
  if (cols.stride == 2) return ColumnPass::kStride2;
  return ColumnPass::kStrideAny;
}

template <class Op, bool kAverage>
void pool_planes(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
                 const AxisWindows& rows, const AxisWindows& cols) {
  const std::size_t out_h = rows.first.size(), out_w = cols.first.size();
  if (is_k3s2(rows) && is_k3s2(cols) && cols.pad_begin <= 1 && in_w >= 16)
    return pool_rows_k3s2<Op, kAverage>(in, out, planes, in_h, in_w, out_w, round_up4(out_w), rows, cols,
                                        PlaneRowsK3s2<Op>(cols, in_w));
  // Row buffer: padded coordinates, the input row at pad_left.
  const std::size_t pad_left = cols.strided ? cols.pad_begin : 0;
  std::size_t extent = pad_left + in_w + 8;
  if (cols.strided)
    extent = std::max(extent, round_up4(out_w) * cols.stride + (cols.kernel - 1) * cols.step + 8);
  const ColumnPass pass = column_pass(cols);
  // Fused rows+columns for 2-wide stride-2 windows inside the row.
  const bool fused = pass == ColumnPass::kStride2Kernel2 && cols.pad_begin == 0 && 2 * out_w <= in_w;
  const float* in_end = in + planes * in_h * in_w;
  // Every window exactly two whole rows: planes form one tall image.
  const bool whole_planes = fused && rows.strided && rows.stride == 2 && rows.kernel == 2 && rows.step == 1 &&
                            rows.pad_begin == 0 && in_h == 2 * out_h;
  // Rows [0, safe_items) read at most 2 * round_up4(out_w) floats from each
  // of their two rows' starts without passing the input's end.
  std::size_t safe_items = 0;
  constexpr std::size_t kRowsPerCall = 64;
  if (whole_planes) {
    const std::size_t items = planes * out_h, reach = in_w + 2 * round_up4(out_w);
    safe_items = items;
    while (safe_items > 0 && (safe_items - 1) * 2 * in_w + reach > planes * in_h * in_w) --safe_items;
  }

  const std::size_t item_bytes = std::max<std::size_t>(rows.max_count, 1) * in_w * sizeof(float);
  thread::parallel_for(planes * out_h, item_bytes, [&](std::size_t begin, std::size_t end) {
    ScratchRow<float> buf(extent, Op::identity());
    // Reciprocal divisors of the current output row, remade only when the
    // row's factor changes (interior rows share it).
    ScratchRow<float> inv_div(kAverage ? round_up4(out_w) : 0, 1.0f);
    float inv_row_size = -1.0f;
    float* row = buf.data() + pad_left;
    if (whole_planes) {
      // Rows whose reads stay inside the input; the rest (the very last,
      // reading past the end) take the general path below.
      if (kAverage)
        for (std::size_t o = 0; o < out_w; ++o) inv_div[o] = 1.0f / (rows.size[0] * cols.size[o]);
      const std::size_t fast_end = std::min(end, safe_items);
      for (std::size_t b = begin; b < fast_end; b += kRowsPerCall) {
        const std::size_t e = std::min(fast_end, b + kRowsPerCall);
        pool_rows_s2k2_planes<Op, kAverage>(in, in_w, out_w, b, e, e == fast_end, inv_div.data(), out);
      }
      begin = std::max(begin, fast_end);
    }
    std::size_t plane = begin / out_h, oh = begin % out_h;
    for (std::size_t item = begin; item < end; ++item, ++oh) {
      if (oh == out_h) {
        oh = 0;
        ++plane;
      }
      const float* x = in + plane * in_h * in_w;
      float* y = out + item * out_w;
      const std::size_t count = static_cast<std::size_t>(rows.count[oh]);
      if (kAverage && rows.size[oh] != inv_row_size) {
        inv_row_size = rows.size[oh];
        for (std::size_t o = 0; o < out_w; ++o) inv_div[o] = 1.0f / (inv_row_size * cols.size[o]);
      }
      if (fused && count > 0) {
        const float* row0 = x + static_cast<std::size_t>(rows.first[oh]) * in_w;
        const std::size_t last_row = (count - 1) * rows.step * in_w;
        if (row0 + last_row + 2 * round_up4(out_w) <= in_end) {
          pool_row_fused_s2k2<Op, kAverage>(row0, rows.step * in_w, count, out_w, inv_div.data(), y);
          continue;
        }
      }
      if (count == 0) {
        std::fill(row, row + in_w, Op::identity());
      } else {
        reduce_rows<Op>(x + static_cast<std::size_t>(rows.first[oh]) * in_w, rows.step * in_w, count, in_w, row);
      }
      const float* b = buf.data();
      switch (pass) {
        case ColumnPass::kListed: reduce_columns_listed<Op, kAverage>(row, cols, inv_div.data(), y); break;
        case ColumnPass::kStride1: reduce_columns_strided<Op, kAverage, 1>(b, out_w, cols, inv_div.data(), y); break;
        case ColumnPass::kStride2Kernel2: reduce_columns_s2<Op, kAverage, 2>(b, out_w, inv_div.data(), y); break;
        case ColumnPass::kStride2Kernel3: reduce_columns_s2<Op, kAverage, 3>(b, out_w, inv_div.data(), y); break;
        case ColumnPass::kStride2: reduce_columns_strided<Op, kAverage, 2>(b, out_w, cols, inv_div.data(), y); break;
        case ColumnPass::kStrideAny: reduce_columns_strided<Op, kAverage, 0>(b, out_w, cols, inv_div.data(), y); break;
      }
    }
  });
}

// Per column of the window's rows (count rows `step` rows apart from row0,
// whose index is h0): the max and its flat index row * in_w + column, by
// PyTorch's rule "x > best || isnan(x)" scanning down, so ties keep the
// first row and NaN the last NaN. Indices are floats (exact below 2^24).
void column_argmax(const float* row0, std::size_t in_w, std::int64_t count, std::size_t step, float h0,
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
void argmax_columns_strided(const float* values, const float* indices, const AxisWindows& cols,
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

void argmax_columns_listed(const float* values, const float* indices, const AxisWindows& cols, float h0,
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

void argmax_planes(const float* in, float* out, float* indices, std::size_t planes, std::size_t in_h,
                   std::size_t in_w, const AxisWindows& rows, const AxisWindows& cols) {
  const std::size_t out_h = rows.first.size(), out_w = cols.first.size();
  const bool vectorized = cols.strided && static_cast<std::uint64_t>(in_h) * in_w < (std::uint64_t{1} << 24);
  const std::size_t pad_left = vectorized ? cols.pad_begin : 0;
  std::size_t extent = pad_left + in_w + 8;
  if (vectorized) extent = std::max(extent, round_up4(out_w) * cols.stride + (cols.kernel - 1) * cols.step + 8);
  const std::size_t item_bytes = std::max<std::size_t>(rows.max_count, 1) * in_w * sizeof(float);
  thread::parallel_for(planes * out_h, item_bytes, [&](std::size_t begin, std::size_t end) {
    ScratchRow<float> values(extent, -std::numeric_limits<float>::infinity());
    ScratchRow<float> flat(extent, kPaddingIndex);
    ScratchRow<float> start_index(round_up4(out_w), 0.0f);
    float start_row = -1.0f;
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t plane = item / out_h, oh = item % out_h;
      const float* x = in + plane * in_h * in_w;
      const std::int64_t h0 = rows.first[oh], nh = rows.count[oh];
      column_argmax(nh == 0 ? nullptr : x + static_cast<std::size_t>(h0) * in_w, in_w, nh, rows.step,
                    static_cast<float>(h0), values.data() + pad_left, flat.data() + pad_left);
      if (!vectorized) {
        argmax_columns_listed(values.data(), flat.data(), cols, static_cast<float>(h0), in_w, out + item * out_w,
                              indices + item * out_w);
        continue;
      }
      if (static_cast<float>(h0) != start_row) {  // PyTorch's start value: the first tap
        start_row = static_cast<float>(h0);
        for (std::size_t o = 0; o < out_w; ++o)
          start_index[o] = start_row * static_cast<float>(in_w) + static_cast<float>(cols.first[o]);
      }
      if (cols.stride == 1) {
        argmax_columns_strided<1>(values.data(), flat.data(), cols, start_index.data(), out_w, out + item * out_w,
                                  indices + item * out_w);
      } else if (cols.stride == 2) {
        argmax_columns_strided<2>(values.data(), flat.data(), cols, start_index.data(), out_w, out + item * out_w,
                                  indices + item * out_w);
      } else {
        argmax_columns_strided<0>(values.data(), flat.data(), cols, start_index.data(), out_w, out + item * out_w,
                                  indices + item * out_w);
      }
    }
  });
}

Status check_buffers(const float* in, const float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
                     std::size_t out_h, std::size_t out_w, bool* empty) {
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {planes, in_h, in_w}) || !checked_product(&out_count, {planes, out_h, out_w}))
    return Status::kSizeOverflow;
  *empty = out_count == 0;
  if (*empty) return Status::kOk;
  if (in_h == 0 || in_w == 0) return Status::kInvalidArgument;  // windows with nothing to pool
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  return Status::kOk;
}

}  // namespace

Status avg_pool2d_nchw(const float* in, float* out, std::size_t planes, const Window2d& window) {
  bool empty;
  Status s = check_buffers(in, out, planes, window.in_h, window.in_w, window.out_h, window.out_w, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if ((s = window_axes(window, &rows, &cols)) != Status::kOk) return s;
  pool_planes<SumOp, true>(in, out, planes, window.in_h, window.in_w, rows, cols);
  return Status::kOk;
}

Status max_pool2d_nchw(const float* in, float* out, float* indices, std::size_t planes, const Window2d& window) {
  bool empty;
  Status s = check_buffers(in, out, planes, window.in_h, window.in_w, window.out_h, window.out_w, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if ((s = window_axes(window, &rows, &cols)) != Status::kOk) return s;
  if (indices != nullptr) {
    argmax_planes(in, out, indices, planes, window.in_h, window.in_w, rows, cols);
  } else {
    pool_planes<MaxOp, false>(in, out, planes, window.in_h, window.in_w, rows, cols);
  }
  return Status::kOk;
}

Status adaptive_avg_pool2d_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h,
                                std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  bool empty;
  const Status s = check_buffers(in, out, planes, in_h, in_w, out_h, out_w, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if (!adaptive_axis(in_h, out_h, &rows) || !adaptive_axis(in_w, out_w, &cols)) return Status::kInvalidArgument;
  pool_planes<SumOp, true>(in, out, planes, in_h, in_w, rows, cols);
  return Status::kOk;
}

Status adaptive_max_pool2d_nchw(const float* in, float* out, float* indices, std::size_t planes,
                                std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  bool empty;
  const Status s = check_buffers(in, out, planes, in_h, in_w, out_h, out_w, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if (!adaptive_axis(in_h, out_h, &rows) || !adaptive_axis(in_w, out_w, &cols)) return Status::kInvalidArgument;
  if (indices != nullptr) {
    argmax_planes(in, out, indices, planes, in_h, in_w, rows, cols);
  } else {
    pool_planes<MaxOp, false>(in, out, planes, in_h, in_w, rows, cols);
  }
  return Status::kOk;
}

}  // namespace nnwasm::pool
