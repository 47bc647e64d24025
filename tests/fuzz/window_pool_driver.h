// Shared body of the four window-pooling fuzz targets (avg/max x NCHW/NHWC,
// tests/fuzz/{avg,max}_pool2d_{nchw,nhwc}_fuzz.cc): decodes a Window2d with
// PyTorch's or Keras's geometry (kernel, stride, dilation for max, padding
// on each side, ceil mode, count_include_pad, divisor_override) over
// arbitrary sizes (0 included), runs the kernel at 2 threads (and at 1,
// bit-identical, one input in eight) and compares with
// ref::window_pool2d; hostile calls null each buffer and make each size
// huge in turn.
#pragma once

#include <algorithm>

#include "fuzz.h"
#include "pool/pool.h"
#include "reference.h"  // tests/cpp/reference.h

namespace nnwasm::fuzz {

enum class WindowKind { kAvgNchw, kMaxNchw, kAvgNhwc, kMaxNhwc };

inline bool is_max(WindowKind k) { return k == WindowKind::kMaxNchw || k == WindowKind::kMaxNhwc; }
inline bool is_nhwc(WindowKind k) { return k == WindowKind::kAvgNhwc || k == WindowKind::kMaxNhwc; }

// outer: planes (NCHW, channels folded in) or batch (NHWC).
inline Status call_window_pool(WindowKind k, const float* in, float* out, float* indices, std::size_t outer,
                               std::size_t channels, const pool::Window2d& w) {
  switch (k) {
    case WindowKind::kAvgNchw: return pool::avg_pool2d_nchw(in, out, outer, w);
    case WindowKind::kMaxNchw: return pool::max_pool2d_nchw(in, out, indices, outer, w);
    case WindowKind::kAvgNhwc: return pool::avg_pool2d_nhwc(in, out, outer, channels, w);
    default: return pool::max_pool2d_nhwc(in, out, outer, channels, w);
  }
}

inline const char* window_name(WindowKind k) {
  switch (k) {
    case WindowKind::kAvgNchw: return "avg_pool2d_nchw";
    case WindowKind::kMaxNchw: return "max_pool2d_nchw";
    case WindowKind::kAvgNhwc: return "avg_pool2d_nhwc";
    default: return "max_pool2d_nhwc";
  }
}

// One axis: kernel, stride, dilation, padding on both sides and the output
// size from PyTorch's formula (floor or ceil mode; the last window must
// start inside the input or the left padding) or, for Keras, 'same'
// (padding split with the extra cell at the end) or 'valid'.
inline void decode_axis(Input& in, bool max, std::size_t in_len, std::size_t* kernel, std::size_t* stride,
                        std::size_t* dilation, std::size_t* pad, std::size_t* pad_end, std::size_t* out) {
  *kernel = in.size(1, 7);
  *stride = in.size(1, 5);
  *dilation = max ? in.size(1, 3) : 1;
  const std::size_t span = *dilation * (*kernel - 1) + 1;
  if (in.flag()) {  // Keras 'same' / 'valid'
    if (in.flag()) {
      *out = (in_len + *stride - 1) / *stride;
      const std::size_t need = (*out == 0 ? 0 : (*out - 1) * *stride) + span;
      const std::size_t total = need > in_len ? need - in_len : 0;
      *pad = total / 2;
      *pad_end = total - *pad;
    } else {
      *pad = *pad_end = 0;
      *out = in_len >= span ? (in_len - span) / *stride + 1 : 0;
    }
    return;
  }
  *pad = in.size(0, *kernel / 2);
  *pad_end = *pad;
  const bool ceil_mode = in.flag();
  const std::size_t padded = in_len + 2 * *pad;
  if (padded < span) {
    *out = 0;
    return;
  }
  *out = (padded - span + (ceil_mode ? *stride - 1 : 0)) / *stride + 1;
  if (ceil_mode && (*out - 1) * *stride >= in_len + *pad) --*out;
}

inline void window_hostile(Input& in, WindowKind kind) {
  std::size_t outer = in.size(0, 8), channels = in.size(0, 16);
  pool::Window2d w;
  w.in_h = in.size(0, 16);
  w.in_w = in.size(0, 16);
  w.kernel_h = w.kernel_w = 2;
  w.stride_h = w.stride_w = 1;
  w.out_h = w.in_h;
  w.out_w = w.in_w;
  w.pad_bottom = w.pad_right = 1;
  const std::size_t per = is_nhwc(kind) ? channels : 1;
  const int which = in.byte() % 7;
  // Huge sizes come with empty buffers, except a huge channel count for
  // NCHW, which ignores it (planes already count the channels): that call
  // is legal and gets real buffers.
  const bool huge = which >= 3 && !(which == 4 && !is_nhwc(kind));
  Buffer x(huge ? 0 : outer * w.in_h * w.in_w * per), y(huge ? 0 : outer * w.out_h * w.out_w * per),
      idx(huge ? 0 : outer * w.out_h * w.out_w * per);
  const float* xp = which == 0 ? nullptr : x.data();
  float* yp = which == 1 ? nullptr : y.data();
  float* ip = is_max(kind) && !is_nhwc(kind) && in.flag() ? idx.data() : nullptr;
  if (which == 2) w.in_h = 0;  // windows with nothing to pool
  if (which == 3) outer = huge_size(in);
  if (which == 4) channels = huge_size(in);
  if (which == 5) w.in_h = w.out_h = huge_size(in);
  if (which == 6) w.in_w = w.out_w = huge_size(in);
  const Status s = call_window_pool(kind, xp, yp, ip, outer, channels, w);
  const std::size_t per_after = is_nhwc(kind) ? channels : 1;
  const bool harmless = no_elements({outer, per_after, w.out_h, w.out_w}) ||
                        (which == 4 && !is_nhwc(kind));  // NCHW ignores channels
  expect_refused_unless(s, harmless, "window pooling accepted a hostile call");
  x.check_spare("hostile call wrote into the input");
  y.check_spare("hostile call wrote past its output");
  idx.check_spare("hostile call wrote past its indices");
}

inline int fuzz_window_pool(const std::uint8_t* data, std::size_t size, WindowKind kind) {
  Input in(data, size);
  if (in.one_in(8)) {
    window_hostile(in, kind);
    return 0;
  }
  const bool max = is_max(kind), nhwc = is_nhwc(kind);
  const std::size_t outer = in.size(0, 8);
  const std::size_t channels = nhwc ? in.size(0, 24) : 1;
  pool::Window2d w;
  const std::size_t cap = kMaxElements / std::max<std::size_t>(outer * channels, 1);
  w.in_h = std::min(in.size(0, 300), cap);
  w.in_w = std::min(in.size(0, 300), cap / std::max<std::size_t>(w.in_h, 1));
  decode_axis(in, max, w.in_h, &w.kernel_h, &w.stride_h, &w.dilation_h, &w.pad_top, &w.pad_bottom, &w.out_h);
  decode_axis(in, max, w.in_w, &w.kernel_w, &w.stride_w, &w.dilation_w, &w.pad_left, &w.pad_right, &w.out_w);
  if (!max) {
    w.count_include_pad = in.flag();
    if (in.one_in(8)) w.divisor_override = static_cast<float>(in.size(1, 9));
  }
  const bool with_indices = max && !nhwc && in.flag();
  const bool compare_threads = in.one_in(8);
  in.seed_values(in.u32());

  Buffer x(outer * channels * w.in_h * w.in_w);
  in.fill(x.v, x.count);
  const std::size_t out_count = outer * channels * w.out_h * w.out_w;
  const char* what = window_name(kind);
  if ((w.in_h == 0 || w.in_w == 0) && out_count != 0) {  // windows with nothing to pool
    Buffer y(out_count);
    expect_status(call_window_pool(kind, x.data(), y.data(), nullptr, outer, channels, w), Status::kInvalidArgument,
                  what);
    y.check_spare(what);
    return 0;
  }
  Buffer idx(with_indices ? out_count : 0);
  const Buffer y = run_kernel(
      compare_threads, out_count,
      [&](float* out) {
        return call_window_pool(kind, x.data(), out, with_indices ? idx.data() : nullptr, outer, channels, w);
      },
      what);
  std::vector<float> want_indices;
  expect_close(y, ref::window_pool2d(x.data(), nhwc ? outer : outer * channels, nhwc ? channels : 1, w, max, nhwc,
                                     with_indices ? &want_indices : nullptr),
               what);
  if (with_indices) expect_close(idx, want_indices, "max_pool2d_nchw indices");
  x.check_spare("kernel wrote into its input's spare bytes");
  return 0;
}

}  // namespace nnwasm::fuzz
