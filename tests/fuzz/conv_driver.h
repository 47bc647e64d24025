// Shared body of the convolution fuzz targets (tests/fuzz/conv_nhwc_fuzz.cc,
// conv_nchw_fuzz.cc, dwconv_nhwc_fuzz.cc, dwconv_nchw_fuzz.cc): decodes a
// ConvShape (batch 0 included, groups, stride, dilation, padding on each
// side through out_h/out_w, or an output larger than the input covers),
// both weight layouts, bias or none and an activation; packs the weights
// (pack_weights for the GEMM kernels, with packed_weights_size), runs the
// kernel at 2 threads (and at 1, bit-identical, one input in eight) and
// compares with ref::conv2d. Invalid shapes (a zero size, channels not
// divisible by groups, a bad layout or activation) must give
// kInvalidArgument. Hostile calls null each buffer and make each size huge
// in turn.
#pragma once

#include <algorithm>

#include "conv/conv.h"
#include "fuzz.h"
#include "reference.h"  // tests/cpp/reference.h

namespace nnwasm::fuzz {

enum class ConvKind { kNhwc, kNchw, kDwNhwc, kDwNchw };

inline bool is_depthwise(ConvKind k) { return k == ConvKind::kDwNhwc || k == ConvKind::kDwNchw; }
inline bool conv_nhwc_layout(ConvKind k) { return k == ConvKind::kNhwc || k == ConvKind::kDwNhwc; }

inline const char* conv_name(ConvKind k) {
  switch (k) {
    case ConvKind::kNhwc: return "conv_nhwc";
    case ConvKind::kNchw: return "conv_nchw";
    case ConvKind::kDwNhwc: return "dwconv_nhwc";
    default: return "dwconv_nchw";
  }
}

// Packs (GEMM kinds) and runs. `packed` is sized by the caller from
// packed_weights_size.
inline Status call_conv(ConvKind k, const float* in, const float* weights, conv::WeightLayout layout,
                        const float* bias, const float* packed, float* out, const conv::ConvShape& s,
                        conv::Activation act) {
  switch (k) {
    case ConvKind::kNhwc: return conv::conv_nhwc(in, packed, out, s, act);
    case ConvKind::kNchw: return conv::conv_nchw(in, packed, out, s, act);
    case ConvKind::kDwNhwc: return conv::dwconv_nhwc(in, weights, layout, bias, out, s, act);
    default: return conv::dwconv_nchw(in, weights, layout, bias, out, s, act);
  }
}

inline conv::PackFor pack_target(ConvKind k) {
  return k == ConvKind::kNhwc ? conv::PackFor::kNhwc : conv::PackFor::kNchw;
}

// One axis: kernel, stride, dilation; the output size from the padding
// (PyTorch's symmetric padding, or Keras 'same' with the extra cell at the
// end), or now and then an arbitrary size, whose taps past the input are
// zero padding as well.
inline void conv_axis(Input& in, std::size_t in_len, std::size_t* kernel, std::size_t* stride,
                      std::size_t* dilation, std::size_t* pad, std::size_t* out) {
  *kernel = in.size(1, 7);
  *stride = in.size(1, 4);
  *dilation = in.size(1, 3);
  const std::size_t span = *dilation * (*kernel - 1) + 1;
  const int mode = in.byte() % 4;
  if (mode == 3) {  // arbitrary output size
    *pad = in.size(0, span);
    *out = in.size(1, in_len + 4);
    return;
  }
  std::size_t pad_end;
  if (mode == 2) {  // Keras 'same'
    *out = (in_len + *stride - 1) / *stride;
    const std::size_t need = (*out - 1) * *stride + span;
    const std::size_t total = need > in_len ? need - in_len : 0;
    *pad = total / 2;
    pad_end = total - *pad;
  } else {
    *pad = pad_end = mode == 1 ? in.size(0, span) : 0;
  }
  const std::size_t padded = in_len + *pad + pad_end;
  *out = padded >= span ? (padded - span) / *stride + 1 : 0;  // 0: invalid (check_shape)
}

inline void conv_hostile(Input& in, ConvKind kind) {
  conv::ConvShape s;
  const std::size_t c = in.size(1, 8);
  s.batch = in.size(0, 3);
  s.in_channels = c;
  s.out_channels = is_depthwise(kind) ? c : in.size(1, 8);
  s.groups = is_depthwise(kind) ? c : 1;
  s.in_h = s.out_h = in.size(1, 8);
  s.in_w = s.out_w = in.size(1, 8);
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = s.pad_left = 1;
  const auto layout = conv_nhwc_layout(kind) || in.flag() ? conv::WeightLayout::kHwio : conv::WeightLayout::kOihw;
  const int which = in.byte() % 8;
  const bool huge = which >= 4;
  std::size_t packed_count = 0;
  if (!is_depthwise(kind) && conv::packed_weights_size(s, pack_target(kind), &packed_count) != Status::kOk)
    die("packed_weights_size refused a valid shape");
  Buffer x(huge ? 0 : s.batch * s.in_channels * s.in_h * s.in_w),
      w(huge ? 0 : s.out_channels * (s.in_channels / s.groups) * 9), b(huge ? 0 : s.out_channels),
      packed(huge ? 0 : packed_count), y(huge ? 0 : s.batch * s.out_channels * s.out_h * s.out_w);
  std::fill(w.v.begin(), w.v.begin() + static_cast<std::ptrdiff_t>(w.count), 0.5f);
  std::fill(packed.v.begin(), packed.v.begin() + static_cast<std::ptrdiff_t>(packed.count), 0.5f);
  const float* xp = which == 0 ? nullptr : x.data();
  const float* wp = which == 1 ? nullptr : w.data();
  const float* pp = which == 1 ? nullptr : packed.data();
  float* yp = which == 2 ? nullptr : y.data();
  const float* bp = which == 3 ? nullptr : b.data();  // a null bias is allowed (no bias)
  if (which == 4) s.batch = huge_size(in);
  if (which == 5) s.in_channels = s.out_channels = s.groups = huge_size(in);
  if (which == 6) s.in_h = s.out_h = huge_size(in);
  if (which == 7) s.in_w = s.out_w = huge_size(in);
  const Status st = call_conv(kind, xp, wp, layout, bp, pp, yp, s, conv::Activation::kRelu);
  const bool harmless = which == 3 || s.batch == 0;
  expect_refused_unless(st, harmless, "convolution accepted a hostile call");
  if (!is_depthwise(kind) && which >= 4 && s.batch != 0) {
    // The packing entry points get the same huge shapes (with batch 0 the
    // products that overflow are all zero: packing does not depend on it).
    std::size_t n = 0;
    if (conv::packed_weights_size(s, pack_target(kind), &n) == Status::kOk)
      die("packed_weights_size accepted a huge shape");
    expect_refused_unless(conv::pack_weights(w.data(), layout, b.data(), s, pack_target(kind), packed.data()),
                          false, "pack_weights accepted a huge shape");
  }
  for (const Buffer* buf : {&x, &w, &b, &packed, &y}) buf->check_spare("hostile call wrote past a buffer");
}

inline int fuzz_conv(const std::uint8_t* data, std::size_t size, ConvKind kind) {
  Input in(data, size);
  if (in.one_in(8)) {
    conv_hostile(in, kind);
    return 0;
  }
  const bool dw = is_depthwise(kind), nhwc = conv_nhwc_layout(kind);
  conv::ConvShape s;
  s.batch = in.size(0, 3);
  if (dw) {
    s.in_channels = s.out_channels = s.groups = in.size(1, 40);
  } else {
    s.groups = in.size(1, 4);
    s.in_channels = s.groups * in.size(1, 12);
    s.out_channels = s.groups * in.size(1, 20);
  }
  s.in_h = in.size(1, 40);
  s.in_w = in.size(1, 40);
  conv_axis(in, s.in_h, &s.kernel_h, &s.stride_h, &s.dilation_h, &s.pad_top, &s.out_h);
  conv_axis(in, s.in_w, &s.kernel_w, &s.stride_w, &s.dilation_w, &s.pad_left, &s.out_w);
  auto layout = in.flag() ? conv::WeightLayout::kHwio : conv::WeightLayout::kOihw;
  const bool with_bias = in.byte() % 4 != 0;
  auto act = static_cast<conv::Activation>(in.byte() % static_cast<int>(conv::Activation::kCount));
  // Invalid arguments, one input in eight: each must be kInvalidArgument.
  int invalid = in.one_in(8) ? 1 + in.byte() % 5 : 0;
  if (s.out_h == 0 || s.out_w == 0) invalid = 4;  // the window does not fit: no output size is valid
  if (invalid == 1) act = static_cast<conv::Activation>(static_cast<int>(conv::Activation::kCount) + in.byte() % 200);
  if (invalid == 2) s.stride_w = 0;
  if (invalid == 3) s.groups = dw ? s.in_channels + 1 : s.in_channels + 1;  // does not divide the channels
  if (invalid == 4) s.kernel_h = 0;
  if (invalid == 5) layout = static_cast<conv::WeightLayout>(2 + in.byte() % 100);
  const bool compare_threads = in.one_in(8);
  in.seed_values(in.u32());

  // Cap the work (output x K multiply-adds) and the buffers.
  const std::size_t taps = s.kernel_h * s.kernel_w, cin_g = s.in_channels / std::max<std::size_t>(s.groups, 1);
  const std::size_t in_count = s.batch * s.in_channels * s.in_h * s.in_w;
  const std::size_t out_count = s.batch * s.out_channels * s.out_h * s.out_w;
  if (in_count + out_count > kMaxElements || out_count * taps * std::max<std::size_t>(cin_g, 1) > (1u << 21))
    return 0;

  const std::size_t weight_count = s.out_channels * std::max<std::size_t>(cin_g, 1) * taps;
  Buffer x(in_count), w(weight_count), b(s.out_channels);
  in.fill(x.v, x.count);
  in.fill(w.v, w.count, false);  // finite: zero padding times a weight stays zero
  in.fill(b.v, b.count, false);
  const float* bp = with_bias ? b.data() : nullptr;
  const char* what = conv_name(kind);
  // dwconv_nhwc needs Keras's layout (with batch 0 there is nothing to read: OK).
  if (dw && nhwc && layout == conv::WeightLayout::kOihw && invalid == 0 && s.batch != 0) invalid = 5;
  Buffer packed(0);
  if (!dw) {
    std::size_t packed_count = 0;
    const Status ps = conv::packed_weights_size(s, pack_target(kind), &packed_count);
    if (invalid == 2 || invalid == 3 || invalid == 4) {  // a bad shape
      Buffer y(out_count);
      expect_status(call_conv(kind, x.data(), w.data(), layout, bp, w.data(), y.data(), s, act),
                    Status::kInvalidArgument, what);
      expect_status(ps, Status::kInvalidArgument, "packed_weights_size");
      return 0;
    }
    expect_status(ps, Status::kOk, "packed_weights_size");
    packed = Buffer(packed_count);
    const Status pw = conv::pack_weights(w.data(), layout, bp, s, pack_target(kind), packed.data());
    if (invalid == 5) {
      expect_status(pw, Status::kInvalidArgument, "pack_weights with a bad layout");
      return 0;
    }
    expect_status(pw, Status::kOk, "pack_weights");
    packed.check_spare("pack_weights wrote past its output");
  }
  if (invalid != 0) {
    Buffer y(out_count);
    expect_status(call_conv(kind, x.data(), w.data(), layout, bp, packed.data(), y.data(), s, act),
                  Status::kInvalidArgument, what);
    y.check_spare(what);
    return 0;
  }
  const Buffer y = run_kernel(
      compare_threads, out_count,
      [&](float* out) { return call_conv(kind, x.data(), w.data(), layout, bp, packed.data(), out, s, act); },
      what);
  expect_close(y, ref::conv2d(x.data(), w.data(), layout, bp, s, act, nhwc), what);
  x.check_spare("kernel wrote into its input's spare bytes");
  w.check_spare("kernel wrote into its weights' spare bytes");
  return 0;
}

}  // namespace nnwasm::fuzz
