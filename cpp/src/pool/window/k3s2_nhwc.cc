// 3x3 windows at stride 2, channels last (C >= 4): the row kernels the ring
// driver (window/ring_k3s2.h) runs. Pooled rows are out_w pixels of C
// channels.
#include <cstdint>
#include <type_traits>

#include "pool/window/paths.h"
#include "pool/window/ring_k3s2.h"
#include "simd/vec.h"

namespace nnwasm::pool {
namespace {

using namespace simd;

// Channels go four at a time, the last vector overlapping the one before it
// (same values again).
template <class F>
inline void for_channel_vectors(std::size_t channels, F f) {
  for (std::size_t c = 0;; c += 4) {
    if (c + 4 > channels) c = channels - 4;
    f(c);
    if (c + 4 == channels) break;
  }
}

// One pixel's window along W: `count` taps from p, `channels` apart. A full
// window of three leaves its first tap out of the probe: it is the previous
// window's last (the first window of a row always goes the general way).
template <class Op, bool kFast, bool kFull>
inline f32x4 pool_taps(const float* p, std::size_t count, std::size_t channels, f32x4* probe) {
  if constexpr (kFull) {
    const f32x4 a = load(p), b = load(p + channels), c = load(p + 2 * channels);
    if (kFast) *probe = add(*probe, add(b, c));
    return combine<Op, kFast>(combine<Op, kFast>(a, b), c);
  }
  f32x4 v = splat(Op::identity());
  for (std::size_t k = 0; k < count; ++k) {
    const f32x4 x = load(p + k * channels);
    if (kFast) *probe = add(*probe, x);
    v = combine<Op, kFast>(v, x);
  }
  return v;
}

template <class Op, bool kFast>
__attribute__((noinline)) void k3s2_pixels(const float* src, WindowTaps cols, std::size_t channels,
                                           float* dst, f32x4* probe) {
  f32x4 sum = zero();
  for (std::size_t ow = 0; ow < cols.n; ++ow, dst += channels) {
    const float* t = src + static_cast<std::size_t>(cols.first[ow]) * channels;
    const std::size_t count = static_cast<std::size_t>(cols.count[ow]);
    if (count == 3 && ow > 0) {
      for_channel_vectors(channels,
                          [&](std::size_t c) { store(dst + c, pool_taps<Op, kFast, true>(t + c, 3, channels, &sum)); });
    } else {
      for_channel_vectors(
          channels, [&](std::size_t c) { store(dst + c, pool_taps<Op, kFast, false>(t + c, count, channels, &sum)); });
    }
  }
  *probe = sum;
}

// Rows s1 and s2 as k3s2_pixels, s2's into h2, both combined with h0 into y.
template <class Op, bool kAverage, bool kFast>
__attribute__((noinline)) void k3s2_pixel_pair(const float* s1, const float* s2, WindowTaps cols,
                                               std::size_t channels, const float* h0, float* h2,
                                               const float* inv_div, float* y, f32x4* probe) {
  f32x4 sum = zero();
  for (std::size_t ow = 0; ow < cols.n; ++ow) {
    const std::size_t at = static_cast<std::size_t>(cols.first[ow]) * channels, px = ow * channels;
    const std::size_t count = static_cast<std::size_t>(cols.count[ow]);
    const f32x4 d = kAverage ? splat(inv_div[ow]) : zero();
    const auto pixel = [&](auto full) {
      for_channel_vectors(channels, [&](std::size_t c) {
        const f32x4 c1 = pool_taps<Op, kFast, decltype(full)::value>(s1 + at + c, count, channels, &sum);
        const f32x4 c2 = pool_taps<Op, kFast, decltype(full)::value>(s2 + at + c, count, channels, &sum);
        store(h2 + px + c, c2);
        f32x4 acc = combine<Op, kFast>(combine<Op, kFast>(load(h0 + px + c), c1), c2);
        if (kAverage) acc = mul(acc, d);
        store(y + px + c, acc);
      });
    };
    if (count == 3 && ow > 0) {
      pixel(std::true_type{});
    } else {
      pixel(std::false_type{});
    }
  }
  *probe = sum;
}

template <class Op, bool kAverage, bool kFast>
__attribute__((noinline)) void k3s2_pixel_rows(const float* h0, const float* h1, const float* h2, std::size_t out_w,
                                               std::size_t channels, const float* inv_div, float* y) {
  for (std::size_t ow = 0; ow < out_w; ++ow) {
    const f32x4 d = kAverage ? splat(inv_div[ow]) : zero();
    const std::size_t px = ow * channels;
    for_channel_vectors(channels, [&](std::size_t c) {
      f32x4 acc = combine<Op, kFast>(combine<Op, kFast>(load(h0 + px + c), load(h1 + px + c)), load(h2 + px + c));
      if (kAverage) acc = mul(acc, d);
      store(y + px + c, acc);
    });
  }
}

template <class Op>
struct PixelRowsK3s2 {
  WindowTaps cols;
  std::size_t channels;

  template <bool kFast>
  bool pool_row(const float* src, float* dst) const {
    f32x4 probe;
    k3s2_pixels<Op, kFast>(src, cols, channels, dst, &probe);
    return kFast && any_nan(probe);
  }
  template <bool kAverage, bool kFast>
  bool pool_pair(const float* s1, const float* s2, const float* h0, float* h2, const float* inv, float* y) const {
    f32x4 probe;
    k3s2_pixel_pair<Op, kAverage, kFast>(s1, s2, cols, channels, h0, h2, inv, y, &probe);
    return kFast && any_nan(probe);
  }
  template <bool kAverage, bool kFast>
  void combine_rows(const float* h0, const float* h1, const float* h2, const float* inv, float* y) const {
    k3s2_pixel_rows<Op, kAverage, kFast>(h0, h1, h2, cols.n, channels, inv, y);
  }
};

}  // namespace

bool k3s2_fits_nhwc(const AxisWindows& rows, const AxisWindows& cols, std::size_t channels) {
  return is_k3s2(rows) && is_k3s2(cols) && channels >= 4;
}

template <class Op>
Status k3s2_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window,
                 const AxisWindows& rows, const AxisWindows& cols) {
  const std::size_t pixels = window.out_w * channels;
  return pool_rows_k3s2<Op, Op::kAverage>(in, out, batch, window.in_h, window.in_w * channels, pixels, pixels, rows,
                                          cols, PixelRowsK3s2<Op>{WindowTaps(cols), channels});
}

template Status k3s2_nhwc<SumOp>(const float*, float*, std::size_t, std::size_t, const Window2d&, const AxisWindows&,
                                 const AxisWindows&);
template Status k3s2_nhwc<MaxOp>(const float*, float*, std::size_t, std::size_t, const Window2d&, const AxisWindows&,
                                 const AxisWindows&);

}  // namespace nnwasm::pool
