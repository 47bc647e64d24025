// Channels-first window micro-kernels: the horizontal (column) passes over
// one reduced row, and the fused passes for 2-wide stride-2 windows. They
// neither allocate nor choose: rows_nchw.cc's driver calls the one the entry
// point chose (ColumnPass). Included by the NCHW drivers only; internal
// linkage keeps the inlining they had as file-local functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pool/window/axis.h"
#include "simd/vec.h"

namespace nnwasm::pool {

using namespace simd;

// The taps of four consecutive outputs: p[0], p[s], p[2s], p[3s].
template <int kStride>
static f32x4 strided_lanes(const float* p, std::size_t stride) {
  if (kStride == 1) return load(p);
  if (kStride == 2) return even_lanes(load(p), load(p + 4));
  return set4(p[0], p[stride], p[2 * stride], p[3 * stride]);
}

// One output row from the padded row buffer: output o pools
// buf[o * stride + k * step], k < kernel. Reads up to a vector past the last
// tap (the buffer has the slack); writes only out_w values. Averages
// multiply by the row's reciprocal divisors.
template <class Op, bool kAverage, int kStride>
static void reduce_columns_strided(const float* buf, std::size_t out_w, const AxisWindows& cols, const float* inv_div,
                            float* dst) {
  const std::size_t stride = cols.stride, step = cols.step, kernel = cols.kernel;
  for (std::size_t o = 0; o < out_w; o += 4) {
    const float* p = buf + o * stride;
    f32x4 acc = strided_lanes<kStride>(p, stride);
    for (std::size_t k = 1; k < kernel; ++k) acc = Op::apply(acc, strided_lanes<kStride>(p + k * step, stride));
    if (kAverage) acc = mul(acc, load(inv_div + o));
    store_upto(dst + o, acc, out_w - o);
  }
}

// The common stride-2 windows of 2 and 3 taps, sharing loads: even lanes are
// taps 0, odd lanes taps 1, and the evens shifted by one are taps 2.
template <class Op, bool kAverage, int kKernel>
static void reduce_columns_s2(const float* buf, std::size_t out_w, const float* inv_div, float* dst) {
  for (std::size_t o = 0; o < out_w; o += 4) {
    const float* p = buf + 2 * o;
    const f32x4 a = load(p), b = load(p + 4);
    const f32x4 even = even_lanes(a, b);
    f32x4 acc = Op::apply(even, odd_lanes(a, b));
    if (kKernel == 3) acc = Op::apply(acc, shift1(even, load(p + 8)));
    if (kAverage) acc = mul(acc, load(inv_div + o));
    store_upto(dst + o, acc, out_w - o);
  }
}

// Non-overlapping 2-wide windows without column padding (2x2/2 pooling,
// adaptive halving): rows and columns fused, no buffer. Each group of four
// outputs sums the window rows' two vectors, then adds even and odd lanes.
// Reads up to 2 * round_up4(out_w) floats from each row start, past the
// row's end into the next row; the caller keeps that inside the input.
template <class Op, bool kAverage>
static void pool_row_fused_s2k2(const float* row0, std::size_t row_stride, std::size_t count, std::size_t out_w,
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
    store_upto(dst + o, acc, out_w - o);
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
static __attribute__((noinline)) void pool_rows_s2k2_planes(const float* in, std::size_t in_w, std::size_t out_w,
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
static void reduce_columns_listed(const float* row, const AxisWindows& cols, const float* inv_div, float* dst) {
  const std::size_t out_w = cols.first.size();
  for (std::size_t o = 0; o < out_w; ++o) {
    const float* p = row + cols.first[o];
    float v = Op::identity();
    for (std::int64_t k = 0; k < cols.count[o]; ++k) v = Op::apply(v, p[k * cols.step]);
    dst[o] = kAverage ? v * inv_div[o] : v;
  }
}

}  // namespace nnwasm::pool
