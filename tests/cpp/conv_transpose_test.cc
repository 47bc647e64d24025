// Transposed convolution against a direct scatter reference in double:
// strides, dilation, padding, output padding (rows only the bias reaches),
// groups, both weight layouts, both data layouts, at tile boundaries of the
// columns' GEMM and at 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "conv_transpose/conv_transpose.h"
#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using conv::Activation;
using conv::PackFor;
using conv_transpose::ConvTransposeShape;
using conv_transpose::WeightLayout;
using ref::close;
using ref::random_floats;

// PyTorch's weight (in, out/groups, kh, kw) or Keras's (kh, kw, out, in).
float weight_at(const std::vector<float>& w, WeightLayout layout, const ConvTransposeShape& s, std::size_t ic,
                std::size_t oc_g, std::size_t ky, std::size_t kx) {
  const std::size_t cout_g = s.out_channels / s.groups;
  if (layout == WeightLayout::kTorch) return w[((ic * cout_g + oc_g) * s.kernel_h + ky) * s.kernel_w + kx];
  return w[((ky * s.kernel_w + kx) * s.out_channels + oc_g) * s.in_channels + ic];
}

std::vector<float> reference(const std::vector<float>& x, const std::vector<float>& w, WeightLayout layout,
                             const std::vector<float>* bias, const ConvTransposeShape& s, bool nhwc, Activation act) {
  const std::size_t cin_g = s.in_channels / s.groups, cout_g = s.out_channels / s.groups;
  std::vector<double> y(s.batch * s.out_channels * s.out_h * s.out_w, 0.0);
  auto out_index = [&](std::size_t n, std::size_t o, std::size_t oh, std::size_t ow) {
    return nhwc ? ((n * s.out_h + oh) * s.out_w + ow) * s.out_channels + o
                : ((n * s.out_channels + o) * s.out_h + oh) * s.out_w + ow;
  };
  for (std::size_t n = 0; n < s.batch; ++n)
    for (std::size_t ic = 0; ic < s.in_channels; ++ic)
      for (std::size_t ih = 0; ih < s.in_h; ++ih)
        for (std::size_t iw = 0; iw < s.in_w; ++iw) {
          const float v = nhwc ? x[((n * s.in_h + ih) * s.in_w + iw) * s.in_channels + ic]
                               : x[((n * s.in_channels + ic) * s.in_h + ih) * s.in_w + iw];
          const std::size_t g = ic / cin_g;
          for (std::size_t oc = 0; oc < cout_g; ++oc)
            for (std::size_t ky = 0; ky < s.kernel_h; ++ky)
              for (std::size_t kx = 0; kx < s.kernel_w; ++kx) {
                const long oh = static_cast<long>(ih * s.stride_h + ky * s.dilation_h) - static_cast<long>(s.pad_top);
                const long ow = static_cast<long>(iw * s.stride_w + kx * s.dilation_w) - static_cast<long>(s.pad_left);
                if (oh < 0 || ow < 0 || oh >= static_cast<long>(s.out_h) || ow >= static_cast<long>(s.out_w)) continue;
                y[out_index(n, g * cout_g + oc, oh, ow)] += static_cast<double>(v) * weight_at(w, layout, s, ic, oc, ky, kx);
              }
        }
  std::vector<float> out(y.size());
  for (std::size_t n = 0; n < s.batch; ++n)
    for (std::size_t o = 0; o < s.out_channels; ++o)
      for (std::size_t oh = 0; oh < s.out_h; ++oh)
        for (std::size_t ow = 0; ow < s.out_w; ++ow) {
          const std::size_t i = out_index(n, o, oh, ow);
          double v = y[i] + (bias ? (*bias)[o] : 0.0);
          if (act == Activation::kRelu) v = v > 0 ? v : 0;
          if (act == Activation::kRelu6) v = v < 0 ? 0 : (v > 6 ? 6 : v);
          out[i] = static_cast<float>(v);
        }
  return out;
}

// PyTorch's output size: (in - 1) * s - 2p + d (k - 1) + output_padding + 1.
std::size_t torch_out(std::size_t in, std::size_t k, std::size_t s, std::size_t d, std::size_t p, std::size_t op) {
  return (in - 1) * s + d * (k - 1) + op + 1 - 2 * p;
}

struct Case {
  std::size_t batch, cin, cout, h, w, kh, kw, sh, sw, dh, dw, ph, pw, oph, opw, groups;
};

void check(const Case& c, bool nhwc, WeightLayout layout, Activation act, bool with_bias, int threads) {
  ConvTransposeShape s;
  s.batch = c.batch;
  s.in_channels = c.cin;
  s.out_channels = c.cout;
  s.in_h = c.h;
  s.in_w = c.w;
  s.kernel_h = c.kh;
  s.kernel_w = c.kw;
  s.stride_h = c.sh;
  s.stride_w = c.sw;
  s.dilation_h = c.dh;
  s.dilation_w = c.dw;
  s.pad_top = c.ph;
  s.pad_left = c.pw;
  s.groups = c.groups;
  s.out_h = torch_out(c.h, c.kh, c.sh, c.dh, c.ph, c.oph);
  s.out_w = torch_out(c.w, c.kw, c.sw, c.dw, c.pw, c.opw);
  const auto x = random_floats(s.batch * s.in_channels * s.in_h * s.in_w, 11);
  const auto w = random_floats(s.in_channels * (s.out_channels / s.groups) * s.kernel_h * s.kernel_w, 12);
  const auto b = random_floats(s.out_channels, 13);
  const PackFor target = nhwc ? PackFor::kNhwc : PackFor::kNchw;
  std::size_t floats = 0;
  ASSERT_EQ(conv_transpose::packed_weights_size(s, target, &floats), Status::kOk);
  std::vector<float> packed(floats);
  ASSERT_EQ(conv_transpose::pack_weights(w.data(), layout, s, target, packed.data()), Status::kOk);
  // NaN guard after the output: an over-write would change it.
  const std::size_t n_out = s.batch * s.out_channels * s.out_h * s.out_w;
  std::vector<float> y(n_out + 4, std::nanf(""));
  thread::set_num_threads(threads);
  const float* bias = with_bias ? b.data() : nullptr;
  const Status st = nhwc ? conv_transpose::conv_transpose_nhwc(x.data(), packed.data(), bias, y.data(), s, act)
                         : conv_transpose::conv_transpose_nchw(x.data(), packed.data(), bias, y.data(), s, act);
  thread::set_num_threads(1);
  ASSERT_EQ(st, Status::kOk);
  const auto want = reference(x, w, layout, with_bias ? &b : nullptr, s, nhwc, act);
  for (std::size_t i = 0; i < n_out; ++i)
    ASSERT_TRUE(close(y[i], want[i], 1e-4f, 1e-4f)) << "i=" << i << " got " << y[i] << " want " << want[i]
                                                     << (nhwc ? " nhwc" : " nchw") << " cin=" << c.cin
                                                     << " cout=" << c.cout << " k=" << c.kh << "x" << c.kw
                                                     << " s=" << c.sh << "x" << c.sw << " groups=" << c.groups;
  for (std::size_t i = n_out; i < y.size(); ++i) ASSERT_TRUE(std::isnan(y[i])) << "wrote past the output";
}

const Case kCases[] = {
    // batch cin cout h w kh kw sh sw dh dw ph pw oph opw groups
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {1, 3, 5, 4, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},   // the U-Net upsampler shape, small
    {2, 4, 8, 3, 7, 3, 2, 1, 3, 2, 1, 0, 1, 0, 2, 1},   // dilation, mixed strides, output padding past every tap
    {1, 6, 9, 5, 4, 2, 3, 2, 1, 1, 2, 0, 2, 1, 0, 3},   // groups
    {1, 7, 3, 1, 9, 1, 4, 1, 2, 1, 1, 0, 1, 0, 1, 1},   // 1D as height 1
    {1, 8, 7, 4, 4, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1},   // cout = NR - 1 columns per tap
    {1, 9, 9, 5, 3, 3, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1},   // stride 3, pad 2
    {1, 16, 4, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 2},  // stride 1 'same'-like, groups 2
};

TEST(ConvTranspose, MatchesReference) {
  for (const Case& c : kCases)
    for (bool nhwc : {false, true})
      for (int threads : {1, 2}) {
        check(c, nhwc, WeightLayout::kTorch, Activation::kLinear, true, threads);
        check(c, nhwc, WeightLayout::kTorch, Activation::kRelu6, false, threads);
        if (c.groups == 1) check(c, nhwc, WeightLayout::kKeras, Activation::kRelu, true, threads);
      }
}

TEST(ConvTranspose, RefusesBadShapes) {
  ConvTransposeShape s;
  s.in_channels = 3;
  s.out_channels = 4;
  s.groups = 2;  // does not divide 3
  std::size_t floats;
  EXPECT_EQ(conv_transpose::packed_weights_size(s, PackFor::kNchw, &floats), Status::kInvalidArgument);
  s.groups = 1;
  s.stride_h = 0;
  EXPECT_EQ(conv_transpose::packed_weights_size(s, PackFor::kNchw, &floats), Status::kInvalidArgument);
  s.stride_h = 1;
  s.in_h = s.in_w = 1u << 20;
  s.in_channels = 1u << 12;
  EXPECT_EQ(conv_transpose::packed_weights_size(s, PackFor::kNchw, &floats), Status::kSizeOverflow);
  ConvTransposeShape ok;
  float v = 0;
  EXPECT_EQ(conv_transpose::conv_transpose_nchw(nullptr, &v, nullptr, &v, ok, Activation::kLinear),
            Status::kNullPointer);
  ConvTransposeShape grouped;
  grouped.in_channels = grouped.out_channels = grouped.groups = 2;
  EXPECT_EQ(conv_transpose::pack_weights(&v, WeightLayout::kKeras, grouped, PackFor::kNchw, &v),
            Status::kInvalidArgument);  // Keras's layout has no groups
}

}  // namespace
}  // namespace nnwasm
