// Window pooling, channels last (N, H, W, C).
//
// Overlapping windows (stride < kernel, e.g. 3x3 stride 1): separable. The
// window's input rows are reduced into a padded row buffer of pixels
// (contiguous, vectorised), then each output pixel reduces its kernel_w
// buffer pixels, so a 3x3 window costs 3 + 3 operations per value, not 9.
//
// Otherwise the indirection approach of XNNPACK's avgpool/maxpool. For each output pixel the window's real input
// pixels are gathered as a table of pointers (padding taps are left out:
// averages divide by the per-pixel count the geometry gives, max never sees
// them), then the channels are reduced across the taps in blocks of 16
// channels held in four vector accumulators. A last partial vector of
// channels is recomputed overlapping the previous one (same values), so no
// scalar loop runs over the channels unless C < 4.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
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

// y[c] = Op over taps t of taps[t][c] (divided by `divisor` for averages).
template <class Op, bool kAverage>
void pool_pixel(const float* const* taps, std::size_t ntaps, std::size_t channels, float divisor, float* y) {
  if (ntaps == 0) {  // a window of padding only (PyTorch: 0 for averages)
    const float empty = kAverage ? 0.0f : -std::numeric_limits<float>::infinity();
    std::fill(y, y + channels, empty);
    return;
  }
  // Multiply by the reciprocal: one division per pixel, not per vector (a
  // zero divisor only comes with an empty window, whose sum 0 stays 0).
  const float inv = divisor == 0.0f ? 0.0f : 1.0f / divisor;
  const f32x4 d = splat(inv);
  std::size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    const float* p = taps[0] + c;
    f32x4 a0 = load(p), a1 = load(p + 4), a2 = load(p + 8), a3 = load(p + 12);
    for (std::size_t t = 1; t < ntaps; ++t) {
      p = taps[t] + c;
      a0 = Op::apply(a0, load(p));
      a1 = Op::apply(a1, load(p + 4));
      a2 = Op::apply(a2, load(p + 8));
      a3 = Op::apply(a3, load(p + 12));
    }
    if (kAverage) {
      a0 = mul(a0, d);
      a1 = mul(a1, d);
      a2 = mul(a2, d);
      a3 = mul(a3, d);
    }
    store(y + c, a0);
    store(y + c + 4, a1);
    store(y + c + 8, a2);
    store(y + c + 12, a3);
  }
  if (c < channels && channels >= 4) {
    for (;; c += 4) {
      if (c + 4 > channels) c = channels - 4;  // overlap the last whole vector
      f32x4 a = load(taps[0] + c);
      for (std::size_t t = 1; t < ntaps; ++t) a = Op::apply(a, load(taps[t] + c));
      if (kAverage) a = mul(a, d);
      store(y + c, a);
      if (c + 4 == channels) break;
    }
    return;
  }
  for (; c < channels; ++c) {
    float v = taps[0][c];
    for (std::size_t t = 1; t < ntaps; ++t) v = Op::apply(v, taps[t][c]);
    y[c] = kAverage ? v * inv : v;
  }
}

// Separable path: see the top of the file. Padding pixels of the row buffer
// hold the identity (0 for sums, -Infinity for max).
template <class Op, bool kAverage>
void pool_nhwc_separable(const float* in, float* out, std::size_t batch, std::size_t channels,
                         const Window2d& window, const AxisWindows& rows, const AxisWindows& cols) {
  const std::size_t in_h = window.in_h, in_w = window.in_w, out_h = window.out_h, out_w = window.out_w;
  const std::size_t row_stride = in_w * channels;
  const std::size_t pad_left = cols.pad_begin;
  const std::size_t extent =
      std::max(pad_left + in_w, (out_w - 1) * cols.stride + (cols.kernel - 1) * cols.step + 1);
  const std::size_t item_bytes = std::max<std::size_t>(rows.max_count, 1) * row_stride * sizeof(float);
  thread::parallel_for(batch * out_h, item_bytes, [&](std::size_t begin, std::size_t end) {
    ScratchRow<float> buf(extent * channels, Op::identity());
    ScratchRow<const float*> taps(cols.kernel, nullptr);
    float* row = buf.data() + pad_left * channels;
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / out_h, oh = item % out_h;
      const float* image = in + n * in_h * row_stride;
      float* y = out + item * out_w * channels;
      const std::size_t count = static_cast<std::size_t>(rows.count[oh]);
      if (count == 0) {
        std::fill(row, row + row_stride, Op::identity());
      } else {
        reduce_rows<Op>(image + static_cast<std::size_t>(rows.first[oh]) * row_stride, rows.step * row_stride,
                        count, row_stride, row);
      }
      for (std::size_t ow = 0; ow < out_w; ++ow) {
        const float* p = buf.data() + ow * cols.stride * channels;
        for (std::size_t k = 0; k < cols.kernel; ++k) taps[k] = p + k * cols.step * channels;
        pool_pixel<Op, kAverage>(taps.data(), cols.kernel, channels, rows.size[oh] * cols.size[ow],
                                 y + ow * channels);
      }
    }
  });
}

// --- 3x3 windows at stride 2: the row kernels for ring_k3s2.h ---
// Pooled rows are out_w pixels of C >= 4 channels. Channels go four at a
// time, the last vector overlapping the one before it (same values again).
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

template <class Op, bool kAverage>
Status pool_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window) {
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {batch, window.in_h, window.in_w, channels}) ||
      !checked_product(&out_count, {batch, window.out_h, window.out_w, channels}))
    return Status::kSizeOverflow;
  if (out_count == 0) return Status::kOk;
  if (window.in_h == 0 || window.in_w == 0) return Status::kInvalidArgument;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  AxisWindows rows, cols;
  const Status s = window_axes(window, &rows, &cols);
  if (s != Status::kOk) return s;

  if (is_k3s2(rows) && is_k3s2(cols) && channels >= 4) {
    const std::size_t pixels = window.out_w * channels;
    pool_rows_k3s2<Op, kAverage>(in, out, batch, window.in_h, window.in_w * channels, pixels, pixels, rows, cols,
                                 PixelRowsK3s2<Op>{WindowTaps(cols), channels});
    return Status::kOk;
  }
  if (window.stride_h < window.kernel_h || window.stride_w < window.kernel_w) {
    pool_nhwc_separable<Op, kAverage>(in, out, batch, channels, window, rows, cols);
    return Status::kOk;
  }
  const std::size_t in_h = window.in_h, in_w = window.in_w, out_h = window.out_h, out_w = window.out_w;
  const std::size_t pixel_stride = channels, row_stride = in_w * channels;
  const std::size_t item_bytes = std::max<std::size_t>(rows.max_count, 1) * row_stride * sizeof(float);
  thread::parallel_for(batch * out_h, item_bytes, [&](std::size_t begin, std::size_t end) {
    ScratchRow<const float*> taps(std::max<std::size_t>(rows.max_count * cols.max_count, 1), nullptr);
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / out_h, oh = item % out_h;
      const float* image = in + n * in_h * row_stride;
      float* y = out + item * out_w * channels;
      const std::size_t h0 = static_cast<std::size_t>(rows.first[oh]);
      const std::size_t nh = static_cast<std::size_t>(rows.count[oh]);
      for (std::size_t ow = 0; ow < out_w; ++ow) {
        const std::size_t w0 = static_cast<std::size_t>(cols.first[ow]);
        const std::size_t nw = static_cast<std::size_t>(cols.count[ow]);
        std::size_t t = 0;
        for (std::size_t i = 0; i < nh; ++i) {
          const float* row = image + (h0 + i * rows.step) * row_stride;
          for (std::size_t j = 0; j < nw; ++j) taps[t++] = row + (w0 + j * cols.step) * pixel_stride;
        }
        pool_pixel<Op, kAverage>(taps.data(), t, channels, rows.size[oh] * cols.size[ow], y + ow * channels);
      }
    }
  });
  return Status::kOk;
}

}  // namespace

Status avg_pool2d_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels,
                       const Window2d& window) {
  return pool_nhwc<SumOp, true>(in, out, batch, channels, window);
}

Status max_pool2d_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels,
                       const Window2d& window) {
  return pool_nhwc<MaxOp, false>(in, out, batch, channels, window);
}

}  // namespace nnwasm::pool
