// Convolution kernels (NHWC IGEMM, NCHW GEMM, depthwise both layouts)
// against ref::conv2d, at tile boundaries: output pixels and channels at
// tile-1, tile, tile+1 and 2*tile+prime of conv.h's tile sizes, K per tap
// around a vector, with groups, strides, dilation, padding, both weight
// layouts and every activation, at 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "conv/conv.h"
#include "reference.h"
#include "thread_count_fixture.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using conv::Activation;
using conv::ConvShape;
using conv::PackFor;
using conv::WeightLayout;
using ref::close;
using ref::random_floats;

std::size_t out_size(std::size_t in, std::size_t pad_lo, std::size_t pad_hi, std::size_t k, std::size_t s,
                     std::size_t d) {
  const std::size_t span = d * (k - 1) + 1;
  return (in + pad_lo + pad_hi - span) / s + 1;
}

// Runs the kernel family that fits (GEMM or depthwise) in one layout.
Status run(const std::vector<float>& x, const std::vector<float>& w, WeightLayout wl, const float* bias,
           const ConvShape& s, bool nhwc, Activation act, bool depthwise, std::vector<float>* y) {
  y->assign(s.batch * s.out_channels * s.out_h * s.out_w, -7.0f);
  if (depthwise) {
    return nhwc ? conv::dwconv_nhwc(x.data(), w.data(), wl, bias, y->data(), s, act)
                : conv::dwconv_nchw(x.data(), w.data(), wl, bias, y->data(), s, act);
  }
  const PackFor target = nhwc ? PackFor::kNhwc : PackFor::kNchw;
  std::size_t floats = 0;
  Status st = conv::packed_weights_size(s, target, &floats);
  if (st != Status::kOk) return st;
  std::vector<float> packed(floats, 12345.0f);
  st = conv::pack_weights(w.data(), wl, bias, s, target, packed.data());
  if (st != Status::kOk) return st;
  return nhwc ? conv::conv_nhwc(x.data(), packed.data(), y->data(), s, act)
              : conv::conv_nchw(x.data(), packed.data(), y->data(), s, act);
}

void expect_matches(const ConvShape& s, bool nhwc, WeightLayout wl, bool with_bias, Activation act,
                    bool depthwise, std::uint32_t seed) {
  const std::size_t cin_g = s.in_channels / s.groups;
  const auto x = random_floats(s.batch * s.in_channels * s.in_h * s.in_w, seed);
  const auto w = random_floats(s.out_channels * cin_g * s.kernel_h * s.kernel_w, seed + 1);
  const auto b = random_floats(s.out_channels, seed + 2);
  const float* bias = with_bias ? b.data() : nullptr;
  std::vector<float> y;
  ASSERT_EQ(run(x, w, wl, bias, s, nhwc, act, depthwise, &y), Status::kOk);
  const auto want = ref::conv2d(x.data(), w.data(), wl, bias, s, act, nhwc);
  for (std::size_t i = 0; i < y.size(); ++i)
    ASSERT_TRUE(close(y[i], want[i], 1e-4f, 1e-5f))
        << "i=" << i << " got " << y[i] << " want " << want[i] << " nhwc=" << nhwc << " N=" << s.batch
        << " C=" << s.in_channels << "->" << s.out_channels << " HxW=" << s.in_h << "x" << s.in_w << " k="
        << s.kernel_h << "x" << s.kernel_w << " s=" << s.stride_h << "," << s.stride_w << " d=" << s.dilation_h
        << "," << s.dilation_w << " p=" << s.pad_top << "," << s.pad_left << " g=" << s.groups
        << " act=" << static_cast<int>(act);
}

ConvShape make_shape(std::size_t n, std::size_t cin, std::size_t h, std::size_t w, std::size_t cout,
                     std::size_t kh, std::size_t kw, std::size_t stride, std::size_t dil, std::size_t pad,
                     std::size_t groups) {
  ConvShape s;
  s.batch = n, s.in_channels = cin, s.in_h = h, s.in_w = w, s.out_channels = cout;
  s.kernel_h = kh, s.kernel_w = kw, s.stride_h = s.stride_w = stride, s.dilation_h = s.dilation_w = dil;
  s.pad_top = s.pad_left = pad, s.groups = groups;
  if (h == 1 && kh == 1) s.pad_top = 0;  // 1D: padding along the length only
  s.out_h = out_size(h, s.pad_top, s.pad_top, kh, stride, dil);
  s.out_w = out_size(w, pad, pad, kw, stride, dil);
  return s;
}

using ConvThreads = ThreadCountTest;

// tile-1, tile, tile+1 and 2*tile+prime for each of conv.h's tile sizes
// (with 1): the lists follow kNhwcMr/kNhwcNr/kNchwMr/kNchwNr when they change.
std::vector<std::size_t> tile_boundaries() {
  std::vector<std::size_t> sizes = {1};
  for (std::size_t t : {conv::kNhwcMr, conv::kNhwcNr, conv::kNchwMr, conv::kNchwNr})
    for (std::size_t n : {t - 1, t, t + 1, 2 * t + 3}) sizes.push_back(n);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

// Output pixels (rows of the NHWC tile, columns of the NCHW one) and output
// channels (columns of the NHWC tile, rows of the NCHW one) at every tile
// boundary of both kernels; K per tap (the input channels, walked one k at a
// time: the K loops are not unrolled, but the NCHW panel gathers vectors of
// 4) at 1, 3, 4, 5 and 8.
TEST_P(ConvThreads, GemmKernelsAtTileBoundaries) {
  const std::vector<std::size_t> tiles = tile_boundaries();
  std::uint32_t seed = 1;
  for (bool nhwc : {true, false})
    for (std::size_t pixels : tiles)
      for (std::size_t cout : tiles)
        for (std::size_t cin : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{8}}) {
          // 1D (H = 1) with `pixels` output steps, kernel 3, pad 1.
          const ConvShape s = make_shape(1, cin, 1, pixels, cout, 1, 3, 1, 1, 1, 1);
          expect_matches(s, nhwc, WeightLayout::kOihw, true, Activation::kLinear, false, seed++);
          expect_matches(s, nhwc, WeightLayout::kHwio, false, Activation::kRelu, false, seed++);
        }
}

TEST_P(ConvThreads, GemmKernelsWithGroupsStridesDilationPadding) {
  std::uint32_t seed = 100;
  for (bool nhwc : {true, false})
    for (std::size_t groups : {std::size_t{1}, std::size_t{2}, std::size_t{3}})
      for (std::size_t stride : {std::size_t{1}, std::size_t{2}, std::size_t{3}})
        for (std::size_t dil : {std::size_t{1}, std::size_t{2}})
          for (std::size_t pad : {std::size_t{0}, std::size_t{1}, std::size_t{2}}) {
            const ConvShape s = make_shape(2, 3 * groups, 9, 11, 5 * groups, 3, 2, stride, dil, pad, groups);
            if (s.out_h == 0 || s.out_w == 0 || 9 + 2 * pad < dil * 2 + 1) continue;
            expect_matches(s, nhwc, WeightLayout::kOihw, true, Activation::kLinear, false, seed++);
            expect_matches(s, nhwc, WeightLayout::kHwio, true, Activation::kRelu6, false, seed++);
          }
}

TEST_P(ConvThreads, OneByOneAndLargerShapes) {
  std::uint32_t seed = 300;
  for (bool nhwc : {true, false}) {
    expect_matches(make_shape(2, 17, 7, 9, 23, 1, 1, 1, 1, 0, 1), nhwc, WeightLayout::kOihw, true,
                   Activation::kLinear, false, seed++);
    expect_matches(make_shape(1, 16, 4, 8, 16, 1, 1, 1, 1, 0, 1), nhwc, WeightLayout::kOihw, true,
                   Activation::kLinear, false, seed++);
    expect_matches(make_shape(1, 33, 12, 13, 40, 3, 3, 1, 1, 1, 1), nhwc, WeightLayout::kHwio, true,
                   Activation::kLinear, false, seed++);
    expect_matches(make_shape(3, 8, 1, 50, 12, 1, 9, 1, 2, 8, 1), nhwc, WeightLayout::kHwio, true,
                   Activation::kLinear, false, seed++);
    // K = 2304: a packed block passes the 128 KiB weight slice, so the NHWC
    // kernel walks the weights one block per slice.
    expect_matches(make_shape(1, 256, 3, 5, 20, 3, 3, 1, 1, 1, 1), nhwc, WeightLayout::kOihw, true,
                   Activation::kSigmoid, false, seed++);
  }
}

TEST_P(ConvThreads, EveryActivation) {
  std::uint32_t seed = 400;
  for (int a = 0; a < static_cast<int>(Activation::kCount); ++a)
    for (bool nhwc : {true, false}) {
      expect_matches(make_shape(2, 5, 3, 7, 11, 2, 3, 1, 1, 1, 1), nhwc, WeightLayout::kOihw, true,
                     static_cast<Activation>(a), false, seed++);
      expect_matches(make_shape(1, 6, 5, 9, 6, 3, 3, 1, 1, 1, 6), nhwc, WeightLayout::kHwio, true,
                     static_cast<Activation>(a), true, seed++);
    }
}

TEST_P(ConvThreads, DepthwiseBothLayouts) {
  std::uint32_t seed = 500;
  for (std::size_t c : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{16}, std::size_t{17},
                        std::size_t{35}})
    for (std::size_t w : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, std::size_t{7},
                          std::size_t{8}, std::size_t{9}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                          std::size_t{37}})
      for (std::size_t stride : {std::size_t{1}, std::size_t{2}})
        for (std::size_t pad : {std::size_t{0}, std::size_t{1}, std::size_t{2}})
          for (std::size_t dil : {std::size_t{1}, std::size_t{2}}) {
          // 3x3 stride 1 dilation 1 takes the register-resident 3x3 path.
          const ConvShape s = make_shape(2, c, 5, w, c, 3, 3, stride, dil, pad, c);
          if (5 + 2 * pad < s.dilation_h * 2 + 1 || w + 2 * pad < s.dilation_w * 2 + 1) continue;
          expect_matches(s, false, WeightLayout::kOihw, true, Activation::kLinear, true, seed++);
          expect_matches(s, false, WeightLayout::kHwio, false, Activation::kRelu, true, seed++);
          expect_matches(s, true, WeightLayout::kHwio, true, Activation::kLinear, true, seed++);
        }
}

// Big enough that the pool splits the work: bit-identical at 1 and 2 threads.
TEST_P(ConvThreads, LargeConvolutionsAreIdenticalAtEveryThreadCount) {
  for (bool nhwc : {true, false}) {
    const ConvShape s = make_shape(2, 32, 20, 30, 24, 3, 3, 1, 1, 1, 1);
    const auto x = random_floats(2 * 32 * 20 * 30, 7);
    const auto w = random_floats(24 * 32 * 9, 8);
    const auto b = random_floats(24, 9);
    std::vector<float> y1, y2;
    ASSERT_EQ(run(x, w, WeightLayout::kOihw, b.data(), s, nhwc, Activation::kLinear, false, &y1), Status::kOk);
    const int before = thread::num_threads();
    thread::set_num_threads(1);
    ASSERT_EQ(run(x, w, WeightLayout::kOihw, b.data(), s, nhwc, Activation::kLinear, false, &y2), Status::kOk);
    thread::set_num_threads(before);
    EXPECT_EQ(y1, y2);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, ConvThreads, ::testing::Values(1, 2));

TEST(Conv, HandComputedShiftAndBox) {
  // 1D, one channel: kernel [0, 0, 1] with pad 1 shifts left by one step.
  const ConvShape s = make_shape(1, 1, 1, 5, 1, 1, 3, 1, 1, 1, 1);
  const std::vector<float> x = {1, 2, 3, 4, 5}, shift = {0, 0, 1}, box = {1.f / 3, 1.f / 3, 1.f / 3};
  std::vector<float> y;
  for (bool nhwc : {true, false}) {
    ASSERT_EQ(run(x, shift, WeightLayout::kOihw, nullptr, s, nhwc, Activation::kLinear, false, &y), Status::kOk);
    EXPECT_EQ(y, (std::vector<float>{2, 3, 4, 5, 0}));
  }
  const std::vector<float> ones = {3, 3, 3, 3, 3};
  ASSERT_EQ(run(ones, box, WeightLayout::kOihw, nullptr, s, false, Activation::kLinear, false, &y), Status::kOk);
  EXPECT_FLOAT_EQ(y[2], 3.0f);
  EXPECT_FLOAT_EQ(y[0], 2.0f);
}

TEST(Conv, RejectsBadCalls) {
  ConvShape s = make_shape(1, 4, 3, 3, 6, 3, 3, 1, 1, 1, 1);
  std::vector<float> buf(1000);
  std::size_t floats;
  s.groups = 3;  // does not divide 4 channels
  EXPECT_EQ(conv::packed_weights_size(s, PackFor::kNhwc, &floats), Status::kInvalidArgument);
  s.groups = 1;
  EXPECT_EQ(conv::conv_nhwc(nullptr, buf.data(), buf.data(), s, Activation::kLinear), Status::kNullPointer);
  EXPECT_EQ(conv::conv_nchw(buf.data(), buf.data(), buf.data(), s, static_cast<Activation>(99)),
            Status::kInvalidArgument);
  EXPECT_EQ(conv::dwconv_nchw(buf.data(), buf.data(), WeightLayout::kOihw, nullptr, buf.data(), s,
                              Activation::kLinear),
            Status::kInvalidArgument);  // not depthwise
  s.in_channels = std::size_t{1} << 20, s.in_h = std::size_t{1} << 20;
  EXPECT_EQ(conv::conv_nhwc(buf.data(), buf.data(), buf.data(), s, Activation::kLinear), Status::kSizeOverflow);
  float x[3] = {1, 2, 3};
  ASSERT_EQ(conv::softmax_rows(x, 1, 3), Status::kOk);
  EXPECT_NEAR(x[0] + x[1] + x[2], 1.0f, 1e-6f);
  EXPECT_GT(x[2], x[1]);
}

}  // namespace
}  // namespace nnwasm
