// 3x3 windows at stride 2, channels first: the row kernels the ring driver
// (window/ring_k3s2.h) runs over planes of W >= 16.
#include <algorithm>
#include <cstdint>

#include "pool/window/paths.h"
#include "pool/window/ring_k3s2.h"
#include "simd/vec.h"

namespace nnwasm::pool {
namespace {

using namespace simd;

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
    store_upto(y + o, acc, out_w - o);
  }
}

// Planes of W >= 16: groups of four outputs whose taps all lie inside the
// row, then the rest one at a time (exact ops, same order).
template <class Op>
struct PlaneRowsK3s2 {
  WindowTaps cols;
  std::size_t out_w, shift, groups;

  PlaneRowsK3s2(const AxisWindows& c, std::size_t in_w)
      : cols(c), out_w(c.outputs()), shift(1 - c.pad_begin), groups(std::min((in_w - shift) / 8, out_w / 4)) {}

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

}  // namespace

bool k3s2_fits_nchw(const AxisWindows& rows, const AxisWindows& cols, std::size_t in_w) {
  return is_k3s2(rows) && is_k3s2(cols) && cols.pad_begin <= 1 && in_w >= 16;
}

template <class Op>
Status k3s2_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
                 const AxisWindows& rows, const AxisWindows& cols) {
  const std::size_t out_w = cols.outputs();
  return pool_rows_k3s2<Op, Op::kAverage>(in, out, planes, in_h, in_w, out_w, round_up4(out_w), rows, cols,
                                          PlaneRowsK3s2<Op>(cols, in_w));
}

template Status k3s2_nchw<SumOp>(const float*, float*, std::size_t, std::size_t, std::size_t, const AxisWindows&,
                                 const AxisWindows&);
template Status k3s2_nchw<MaxOp>(const float*, float*, std::size_t, std::size_t, std::size_t, const AxisWindows&,
                                 const AxisWindows&);

}  // namespace nnwasm::pool
