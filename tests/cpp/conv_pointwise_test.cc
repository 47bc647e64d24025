// The channels-last 1x1 path (pointwise.cc), reached through conv_nhwc as
// JS reaches it, against ref::conv2d: output pixels (GEMM rows) around the
// 4-row tile (1-3 take the matrix-vector kernels), input channels (K) from
// 5 up, output channels around the 8-column block, batches 1/2/3/4/64,
// strided 1x1 (even and odd sizes), unaligned guarded buffers, every
// activation, NaN/Inf, at 1, 2, 4 and 8 threads, and results identical at
// every thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "conv/conv.h"
#include "conv/pointwise.h"
#include "reference.h"
#include "thread_count_fixture.h"

namespace nnwasm {
namespace {

using conv::Activation;
using conv::ConvShape;
using conv::PackFor;
using conv::WeightLayout;
using ref::close;
using ref::random_floats;

ConvShape pointwise_shape(std::size_t n, std::size_t h, std::size_t w, std::size_t cin, std::size_t cout,
                          std::size_t sh = 1, std::size_t sw = 1) {
  ConvShape s;
  s.batch = n, s.in_channels = cin, s.in_h = h, s.in_w = w, s.out_channels = cout;
  s.stride_h = sh, s.stride_w = sw;
  s.out_h = (h - 1) / sh + 1, s.out_w = (w - 1) / sw + 1;
  return s;
}

std::string describe(const ConvShape& s, Activation act) {
  return "N=" + std::to_string(s.batch) + " " + std::to_string(s.in_h) + "x" + std::to_string(s.in_w) + "x" +
         std::to_string(s.in_channels) + "->" + std::to_string(s.out_channels) + " s=" + std::to_string(s.stride_h) +
         "," + std::to_string(s.stride_w) + " act=" + std::to_string(static_cast<int>(act));
}

// Runs conv_nhwc on guarded buffers at `offset` floats past alignment;
// checks the guards, returns the output.
std::vector<float> run(const std::vector<float>& x, const std::vector<float>& w, WeightLayout wl, const float* bias,
                       const ConvShape& s, Activation act, std::size_t offset) {
  std::size_t floats = 0;
  EXPECT_EQ(conv::packed_weights_size(s, PackFor::kNhwc, &floats), Status::kOk);
  std::vector<float> packed(floats, 12345.0f);
  EXPECT_EQ(conv::pack_weights(w.data(), wl, bias, s, PackFor::kNhwc, packed.data()), Status::kOk);
  const ref::Guarded in(x, offset);
  ref::Guarded out(s.batch * s.out_channels * s.out_h * s.out_w, (offset + 1) % 4);
  EXPECT_EQ(conv::conv_nhwc(in.data(), packed.data(), out.data(), s, act), Status::kOk);
  EXPECT_TRUE(out.guards_intact()) << describe(s, act);
  return out.values();
}

void expect_matches(const ConvShape& s, Activation act, WeightLayout wl, bool with_bias, std::uint32_t seed,
                    std::vector<float> x = {}, std::vector<float> w = {}) {
  ASSERT_TRUE(conv::pointwise_applies(s)) << describe(s, act);
  if (x.empty()) x = random_floats(s.batch * s.in_channels * s.in_h * s.in_w, seed);
  if (w.empty()) w = random_floats(s.out_channels * s.in_channels, seed + 1);
  const auto b = random_floats(s.out_channels, seed + 2);
  const float* bias = with_bias ? b.data() : nullptr;
  const auto y = run(x, w, wl, bias, s, act, seed % 4);
  const auto want = ref::conv2d(x.data(), w.data(), wl, bias, s, act, true);
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(want[i])) {
      ASSERT_TRUE(std::isnan(y[i])) << "i=" << i << " got " << y[i] << " want NaN " << describe(s, act);
      continue;
    }
    ASSERT_TRUE(close(y[i], want[i], 1e-4f, 1e-5f))
        << "i=" << i << " got " << y[i] << " want " << want[i] << " " << describe(s, act);
  }
}

class Pointwise : public ThreadCountTest {};

// Rows (pixels) 4-1, 4, 4+1, 2*4+5; and 1-3 (the matrix-vector kernels);
// K around 8 and 16 and 32; columns 8-1, 8, 8+1, 2*8+3 and the three-panel
// groups of the one-row kernel (24, 25, 41).
TEST_P(Pointwise, TileBoundaries) {
  std::uint32_t seed = 1;
  for (std::size_t pixels : {1, 2, 3, 4, 5, 7, 8, 9, 13})
    for (std::size_t cin : {5, 7, 8, 9, 16, 17, 33})
      for (std::size_t cout : {1, 7, 8, 9, 19, 24, 25, 41}) {
        const ConvShape s = pointwise_shape(1, 1, pixels, cin, cout);
        expect_matches(s, Activation::kLinear, (seed & 1) ? WeightLayout::kHwio : WeightLayout::kOihw, seed % 3 != 0,
                       seed);
        ++seed;
      }
}

TEST_P(Pointwise, BatchesAndImages) {
  std::uint32_t seed = 2000;
  for (std::size_t n : {1, 2, 3, 4, 64})
    for (auto hw : {std::pair<std::size_t, std::size_t>{1, 1}, {3, 5}, {7, 7}, {2, 9}}) {
      const ConvShape s = pointwise_shape(n, hw.first, hw.second, 16, 24);
      expect_matches(s, Activation::kRelu6, WeightLayout::kHwio, true, seed++);
    }
  // MobileNetV2's small-K shapes, shrunk in space.
  expect_matches(pointwise_shape(1, 14, 14, 16, 96), Activation::kRelu6, WeightLayout::kHwio, true, seed++);
  expect_matches(pointwise_shape(1, 9, 11, 32, 16), Activation::kLinear, WeightLayout::kHwio, true, seed++);
  expect_matches(pointwise_shape(1, 5, 5, 384, 64), Activation::kLinear, WeightLayout::kHwio, true, seed++);
}

// A strided 1x1 reads every stride-th pixel of every stride-th row
// (ResNet's downsample), at even and odd sizes and unequal strides.
TEST_P(Pointwise, Strided) {
  std::uint32_t seed = 3000;
  for (auto hw : {std::pair<std::size_t, std::size_t>{8, 8}, {7, 9}, {1, 5}, {5, 1}, {13, 6}})
    for (auto st : {std::pair<std::size_t, std::size_t>{2, 2}, {1, 2}, {3, 1}, {2, 3}})
      for (std::size_t n : {1, 3}) {
        const ConvShape s = pointwise_shape(n, hw.first, hw.second, 9, 17, st.first, st.second);
        expect_matches(s, Activation::kRelu, WeightLayout::kOihw, true, seed++);
      }
}

TEST_P(Pointwise, EveryActivation) {
  std::uint32_t seed = 4000;
  for (int a = 0; a < static_cast<int>(Activation::kCount); ++a)
    for (std::size_t pixels : {2, 11}) {
      const ConvShape s = pointwise_shape(1, 1, pixels, 12, 20);
      auto x = random_floats(pixels * 12, seed);
      for (float& v : x) v *= 8.0f;  // relu6 and the saturating activations see both ends
      expect_matches(s, static_cast<Activation>(a), WeightLayout::kHwio, true, seed++, x);
    }
}

TEST_P(Pointwise, NanAndInfPropagate) {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t pixels : {1, 3, 6, 10}) {
    const ConvShape s = pointwise_shape(1, 1, pixels, 7, 19);
    auto x = random_floats(pixels * 7, 50);
    auto w = random_floats(19 * 7, 51);
    x[0 * 7 + 3] = std::numeric_limits<float>::quiet_NaN();  // pixel 0: NaN in every channel
    x[(pixels - 1) * 7 + 6] = inf;                           // last pixel: +-inf by the weight's sign
    if (pixels > 2) {
      x[1 * 7 + 0] = 0.0f;
      w[18 * 7 + 0] = inf;  // 0 * inf: NaN in pixel 1's last channel (the tail block)
    }
    for (Activation act : {Activation::kLinear, Activation::kRelu, Activation::kRelu6, Activation::kTanh})
      expect_matches(s, act, WeightLayout::kOihw, true, 52, x, w);
    const auto y = run(x, w, WeightLayout::kOihw, nullptr, s, Activation::kRelu6, 1);
    for (std::size_t o = 0; o < 19; ++o) EXPECT_TRUE(std::isnan(y[o])) << o;
    if (pixels > 2) {
      EXPECT_TRUE(std::isnan(y[1 * 19 + 18]));
    }
  }
}

TEST_P(Pointwise, IdenticalAtEveryThreadCount) {
  for (const ConvShape& s : {pointwise_shape(1, 28, 28, 16, 96), pointwise_shape(1, 7, 7, 64, 328),
                             pointwise_shape(2, 14, 13, 24, 40, 2, 2), pointwise_shape(1, 1, 3, 320, 1000)}) {
    const auto x = random_floats(s.batch * s.in_h * s.in_w * s.in_channels, 77);
    const auto w = random_floats(s.out_channels * s.in_channels, 78);
    const auto b = random_floats(s.out_channels, 79);
    const auto y = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kRelu6, 0);
    thread::set_num_threads(1);
    const auto y1 = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kRelu6, 0);
    thread::set_num_threads(GetParam());
    ASSERT_EQ(y.size(), y1.size());
    for (std::size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y[i], y1[i]) << i << " " << describe(s, Activation::kRelu6);
    expect_matches(s, Activation::kRelu6, WeightLayout::kHwio, true, 77);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Pointwise, ::testing::Values(1, 2, 4, 8));

TEST(PointwiseRouting, WhichShapesTakeThePointwisePath) {
  ConvShape s = pointwise_shape(1, 8, 8, 16, 32);
  EXPECT_TRUE(conv::pointwise_applies(s));
  s.groups = 2;
  EXPECT_FALSE(conv::pointwise_applies(s));
  s.groups = 1, s.kernel_w = 3;
  EXPECT_FALSE(conv::pointwise_applies(s));
  s.kernel_w = 1, s.pad_top = 1;
  EXPECT_FALSE(conv::pointwise_applies(s));
  s.pad_top = 0, s.out_h = 9;  // an output row past the input: the IGEMM's zero rows
  EXPECT_FALSE(conv::pointwise_applies(s));
  s = pointwise_shape(1, 9, 9, 16, 32, 2, 2);
  EXPECT_TRUE(conv::pointwise_applies(s));
  // Outputs past the input under padding at the end go to the IGEMM.
  s.out_h = 6;
  EXPECT_FALSE(conv::pointwise_applies(s));
  // The direct entry refuses shapes it does not run.
  std::vector<float> buf(4096);
  EXPECT_EQ(conv::conv_nhwc_pointwise(buf.data(), buf.data(), buf.data(), s, Activation::kLinear),
            Status::kInvalidArgument);
}

// Output rows past the input (out_h larger than a 1x1 without padding
// gives) still run, through the IGEMM's zero rows: bias only.
TEST(PointwiseRouting, OutputsPastTheInputAreBiasOnly) {
  ConvShape s = pointwise_shape(1, 4, 4, 8, 9);
  s.out_h = 5;
  ASSERT_FALSE(conv::pointwise_applies(s));
  const auto x = random_floats(4 * 4 * 8, 5);
  const auto w = random_floats(9 * 8, 6);
  const auto b = random_floats(9, 7);
  const auto y = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kLinear, 2);
  const auto want = ref::conv2d(x.data(), w.data(), WeightLayout::kHwio, b.data(), s, Activation::kLinear, true);
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_TRUE(close(y[i], want[i], 1e-4f, 1e-5f)) << i;
}

}  // namespace
}  // namespace nnwasm
