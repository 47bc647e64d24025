// The channels-last direct kernel for 1-4 input channels (conv_small_cin.cc),
// reached through conv_nhwc as JS reaches it, against ref::conv2d: every
// cin 1-4, kernels 1-7 (square and not), strides 1-3, padding on either side
// (including windows wider than the input), dilation along the height,
// widths around the 4-pixel tile and the 64-pixel segment, output channels
// around the 8-channel block, batches, 1D rows, every activation, NaN/Inf,
// at 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "conv/conv.h"
#include "conv/conv_small_cin.h"
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

struct Case {
  std::size_t n = 1, cin = 3, h = 9, w = 9, cout = 8;
  std::size_t kh = 3, kw = 3, sh = 1, sw = 1, dh = 1;
  std::size_t pt = 0, pb = 0, pl = 0, pr = 0;
};

ConvShape shape_of(const Case& c) {
  ConvShape s;
  s.batch = c.n, s.in_channels = c.cin, s.in_h = c.h, s.in_w = c.w, s.out_channels = c.cout;
  s.kernel_h = c.kh, s.kernel_w = c.kw, s.stride_h = c.sh, s.stride_w = c.sw, s.dilation_h = c.dh;
  s.pad_top = c.pt, s.pad_left = c.pl;
  s.out_h = (c.h + c.pt + c.pb - (c.dh * (c.kh - 1) + 1)) / c.sh + 1;
  s.out_w = (c.w + c.pl + c.pr - c.kw) / c.sw + 1;
  return s;
}

std::vector<float> run(const std::vector<float>& x, const std::vector<float>& w, WeightLayout wl, const float* bias,
                       const ConvShape& s, Activation act) {
  std::size_t floats = 0;
  EXPECT_EQ(conv::packed_weights_size(s, PackFor::kNhwc, &floats), Status::kOk);
  std::vector<float> packed(floats, 12345.0f);
  EXPECT_EQ(conv::pack_weights(w.data(), wl, bias, s, PackFor::kNhwc, packed.data()), Status::kOk);
  std::vector<float> y(s.batch * s.out_channels * s.out_h * s.out_w, -7.0f);
  EXPECT_EQ(conv::conv_nhwc(x.data(), packed.data(), y.data(), s, act), Status::kOk);
  return y;
}

std::string describe(const ConvShape& s, Activation act) {
  std::string d = "N=" + std::to_string(s.batch) + " C=" + std::to_string(s.in_channels) + "->" +
                  std::to_string(s.out_channels) + " HxW=" + std::to_string(s.in_h) + "x" + std::to_string(s.in_w) +
                  " k=" + std::to_string(s.kernel_h) + "x" + std::to_string(s.kernel_w) +
                  " s=" + std::to_string(s.stride_h) + "," + std::to_string(s.stride_w) +
                  " dh=" + std::to_string(s.dilation_h) + " p=" + std::to_string(s.pad_top) + "," +
                  std::to_string(s.pad_left) + " out=" + std::to_string(s.out_h) + "x" + std::to_string(s.out_w) +
                  " act=" + std::to_string(static_cast<int>(act));
  return d;
}

void expect_matches(const ConvShape& s, Activation act, WeightLayout wl, bool with_bias, std::uint32_t seed,
                    std::vector<float> x = {}) {
  ASSERT_TRUE(conv::small_cin_applies(s)) << describe(s, act);
  if (x.empty()) x = random_floats(s.batch * s.in_channels * s.in_h * s.in_w, seed);
  const auto w = random_floats(s.out_channels * s.in_channels * s.kernel_h * s.kernel_w, seed + 1);
  const auto b = random_floats(s.out_channels, seed + 2);
  const float* bias = with_bias ? b.data() : nullptr;
  const auto y = run(x, w, wl, bias, s, act);
  const auto want = ref::conv2d(x.data(), w.data(), wl, bias, s, act, true);
  for (std::size_t i = 0; i < y.size(); ++i)
    ASSERT_TRUE(close(y[i], want[i], 1e-4f, 1e-5f))
        << "i=" << i << " got " << y[i] << " want " << want[i] << " " << describe(s, act);
}

class SmallCin : public ThreadCountTest {};

TEST_P(SmallCin, EveryChannelCountKernelAndStride) {
  std::uint32_t seed = 1;
  for (std::size_t cin = 1; cin <= 4; ++cin)
    for (std::size_t k = 1; k <= 7; ++k)
      for (std::size_t stride = 1; stride <= 2; ++stride)
        for (std::size_t pad : {std::size_t{0}, k / 2}) {
          Case c;
          c.cin = cin, c.kh = c.kw = k, c.sh = c.sw = stride, c.h = 11, c.w = 13, c.cout = 8 + cin;
          c.pt = c.pb = c.pl = c.pr = pad;
          expect_matches(shape_of(c), Activation::kLinear, (seed & 1) ? WeightLayout::kHwio : WeightLayout::kOihw,
                         true, seed);
          ++seed;
        }
}

TEST_P(SmallCin, TileAndBlockBoundaries) {
  std::uint32_t seed = 100;
  // Output widths around 4 (the tile) and 64 (the segment), channels around 8.
  for (std::size_t out_w : {1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 67, 131})
    for (std::size_t cout : {1, 3, 7, 8, 9, 16, 17, 33}) {
      Case c;
      c.cin = 1 + seed % 4, c.h = 5, c.kh = c.kw = 3, c.pl = c.pr = 1, c.pt = c.pb = 1;
      c.w = out_w, c.cout = cout;
      expect_matches(shape_of(c), Activation::kLinear, WeightLayout::kHwio, seed % 3 != 0, seed);
      ++seed;
    }
}

TEST_P(SmallCin, UnevenPaddingNonSquareKernelsAndDilatedRows) {
  std::uint32_t seed = 300;
  const Case cases[] = {
      // Keras 'same' at stride 2 on an even size: the pad is all at the end.
      {1, 3, 16, 16, 32, 3, 3, 2, 2, 1, 0, 1, 0, 1},
      // ResNet's stem: 7x7/2 pad 3.
      {1, 3, 20, 22, 64, 7, 7, 2, 2, 1, 3, 3, 3, 3},
      {2, 2, 7, 9, 10, 1, 5, 1, 2, 1, 0, 0, 2, 1},
      {1, 4, 9, 6, 5, 5, 2, 3, 1, 1, 2, 0, 0, 1},
      {1, 1, 12, 10, 12, 3, 3, 1, 1, 2, 2, 2, 1, 1},   // dilation 2 along the height
      {1, 3, 13, 7, 9, 2, 3, 2, 3, 3, 3, 1, 2, 0},
      // Windows wider than the input: every pixel is an edge pixel.
      {1, 3, 3, 3, 8, 7, 7, 1, 1, 1, 3, 3, 3, 3},
      {1, 2, 2, 2, 4, 5, 6, 1, 1, 1, 2, 2, 3, 3},
      // Padding larger than the kernel: outputs that see only zeros.
      {1, 3, 4, 4, 8, 2, 2, 1, 1, 1, 3, 3, 3, 3},
      // 1D: one row of a long signal (M5's first layer, shortened).
      {1, 1, 1, 500, 16, 1, 80, 1, 4, 1, 0, 0, 0, 0},
      {3, 2, 1, 40, 9, 1, 3, 1, 1, 1, 0, 0, 1, 1},
  };
  for (const Case& c : cases) {
    for (WeightLayout wl : {WeightLayout::kOihw, WeightLayout::kHwio})
      expect_matches(shape_of(c), Activation::kLinear, wl, true, seed++);
  }
}

TEST_P(SmallCin, EveryActivation) {
  std::uint32_t seed = 500;
  for (int a = 0; a < static_cast<int>(Activation::kCount); ++a) {
    Case c;
    c.cin = 3, c.h = 9, c.w = 10, c.cout = 12, c.sh = c.sw = 2, c.pt = c.pl = 1, c.pb = c.pr = 1;
    // Inputs scaled so relu6 and the saturating activations see both ends.
    auto x = random_floats(c.cin * c.h * c.w, seed);
    for (float& v : x) v *= 8.0f;
    expect_matches(shape_of(c), static_cast<Activation>(a), WeightLayout::kHwio, true, seed++, x);
  }
}

TEST_P(SmallCin, NanAndInfPropagate) {
  Case c;
  c.cin = 3, c.h = 8, c.w = 9, c.cout = 16, c.pt = c.pb = c.pl = c.pr = 1;
  const ConvShape s = shape_of(c);
  auto x = random_floats(c.cin * c.h * c.w, 900);
  x[(2 * c.w + 3) * c.cin + 1] = std::numeric_limits<float>::quiet_NaN();
  x[(6 * c.w + 0) * c.cin + 2] = std::numeric_limits<float>::infinity();  // an edge pixel's window
  x[(7 * c.w + 8) * c.cin + 0] = -std::numeric_limits<float>::infinity();
  for (Activation act : {Activation::kLinear, Activation::kRelu, Activation::kRelu6, Activation::kSigmoid})
    expect_matches(s, act, WeightLayout::kHwio, true, 900, x);

  // The NaN reaches exactly the outputs whose 3x3 window holds it, in every channel.
  const auto w = random_floats(c.cout * c.cin * 9, 901);
  const auto y = run(x, w, WeightLayout::kHwio, nullptr, s, Activation::kRelu);
  for (std::size_t oy = 1; oy <= 3; ++oy)
    for (std::size_t ox = 2; ox <= 4; ++ox)
      for (std::size_t o = 0; o < c.cout; ++o) EXPECT_TRUE(std::isnan(y[(oy * s.out_w + ox) * c.cout + o]));
  EXPECT_FALSE(std::isnan(y[(0 * s.out_w + 2) * c.cout]));
  EXPECT_FALSE(std::isnan(y[(1 * s.out_w + 5) * c.cout]));
}

TEST_P(SmallCin, LargeShapeIsIdenticalAtEveryThreadCount) {
  Case c;
  c.cin = 3, c.h = 64, c.w = 64, c.cout = 32, c.sh = c.sw = 2, c.pb = c.pr = 1;
  const ConvShape s = shape_of(c);
  const auto x = random_floats(c.cin * c.h * c.w, 77);
  const auto w = random_floats(c.cout * c.cin * 9, 78);
  const auto b = random_floats(c.cout, 79);
  const auto y = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kRelu6);
  thread::set_num_threads(1);
  const auto y1 = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kRelu6);
  thread::set_num_threads(GetParam());
  ASSERT_EQ(y.size(), y1.size());
  for (std::size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y[i], y1[i]) << i;
  expect_matches(s, Activation::kRelu6, WeightLayout::kHwio, true, 77);
}

INSTANTIATE_TEST_SUITE_P(Threads, SmallCin, ::testing::Values(1, 2));

TEST(SmallCinRouting, WhichShapesTakeTheDirectKernel) {
  ConvShape s;
  s.in_channels = 3, s.out_channels = 32;
  EXPECT_TRUE(conv::small_cin_applies(s));
  s.in_channels = 4;
  EXPECT_TRUE(conv::small_cin_applies(s));
  s.in_channels = 5;
  EXPECT_FALSE(conv::small_cin_applies(s));
  s.in_channels = 4, s.groups = 2;
  EXPECT_FALSE(conv::small_cin_applies(s));
  s.groups = 1, s.dilation_w = 2;
  EXPECT_FALSE(conv::small_cin_applies(s));
  s.dilation_w = 1, s.dilation_h = 3;
  EXPECT_TRUE(conv::small_cin_applies(s));
}

TEST(SmallCinRouting, RejectsBadCalls) {
  ConvShape s;
  s.in_channels = 3, s.out_channels = 8, s.in_h = s.in_w = s.out_h = s.out_w = 4;
  std::vector<float> x(48), packed(8 * 4), y(128);
  EXPECT_EQ(conv::conv_nhwc_small_cin(nullptr, packed.data(), y.data(), s, Activation::kLinear), Status::kNullPointer);
  EXPECT_EQ(conv::conv_nhwc_small_cin(x.data(), packed.data(), y.data(), s, static_cast<Activation>(99)),
            Status::kInvalidArgument);
  s.in_channels = 8;
  EXPECT_EQ(conv::conv_nhwc_small_cin(x.data(), packed.data(), y.data(), s, Activation::kLinear),
            Status::kInvalidArgument);
}

}  // namespace
}  // namespace nnwasm
