// The Winograd F(4x4, 3x3) kernel (conv_nhwc_winograd, and conv_nchw_winograd
// around it) against ref::conv2d:
// output sizes around its 4x4 tiles (1..9, 13, odd), channel counts around
// its vectors and 8-channel blocks, padding variants (valid, same, explicit,
// cropping), batch 2, the clamps and a pass activation, NaN/Inf, thread
// counts 1-8 (results identical across them), and its error next to the
// direct kernel's on ResNet-like layers (printed; Winograd within 1e-4 of
// the largest |output|).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
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

ConvShape shape3x3(std::size_t n, std::size_t h, std::size_t w, std::size_t cin, std::size_t cout, std::size_t pt,
                   std::size_t pb, std::size_t pl, std::size_t pr) {
  ConvShape s;
  s.batch = n, s.in_h = h, s.in_w = w, s.in_channels = cin, s.out_channels = cout;
  s.kernel_h = s.kernel_w = 3, s.pad_top = pt, s.pad_left = pl;
  s.out_h = h + pt + pb - 2, s.out_w = w + pl + pr - 2;
  return s;
}

// Packs for `target` and runs its kernel on a guarded copy of x (NaN right
// past its end, which the kernel may read but must not use).
std::vector<float> run(const std::vector<float>& x, const std::vector<float>& w, WeightLayout wl, const float* bias,
                       const ConvShape& s, Activation act, PackFor target) {
  std::size_t floats = 0;
  EXPECT_EQ(conv::packed_weights_size(s, target, &floats), Status::kOk);
  std::vector<float> packed(floats, 12345.0f);
  EXPECT_EQ(conv::pack_weights(w.data(), wl, bias, s, target, packed.data()), Status::kOk);
  const ref::Guarded in(x, 1);
  ref::Guarded out(s.batch * s.out_h * s.out_w * s.out_channels, 3);
  const Status st = target == PackFor::kNhwcWinograd
                        ? conv::conv_nhwc_winograd(in.data(), packed.data(), out.data(), s, act)
                        : conv::conv_nhwc(in.data(), packed.data(), out.data(), s, act);
  EXPECT_EQ(st, Status::kOk);
  EXPECT_TRUE(out.guards_intact()) << "wrote outside the output";
  return out.values();
}

// Largest |got - want| over the largest |want|.
double max_rel_error(const std::vector<float>& got, const std::vector<float>& want) {
  double err = 0, mag = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::fabs(static_cast<double>(got[i]) - want[i]));
    mag = std::max(mag, std::fabs(static_cast<double>(want[i])));
  }
  return mag == 0 ? err : err / mag;
}

void expect_matches(const ConvShape& s, WeightLayout wl, bool with_bias, Activation act, std::uint32_t seed) {
  const auto x = ref::random_floats(s.batch * s.in_h * s.in_w * s.in_channels, seed);
  const auto w = ref::random_floats(9 * s.in_channels * s.out_channels, seed + 1);
  const auto b = ref::random_floats(s.out_channels, seed + 2);
  const float* bias = with_bias ? b.data() : nullptr;
  const auto want = ref::conv2d(x.data(), w.data(), wl, bias, s, act, true);
  const auto got = run(x, w, wl, bias, s, act, PackFor::kNhwcWinograd);
  ASSERT_EQ(got.size(), want.size());
  // Per element: within 1e-4 of the output's largest magnitude.
  double mag = 0;
  for (float v : want) mag = std::max(mag, std::fabs(static_cast<double>(v)));
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-4 * mag + 1e-6)
        << "i=" << i << " in " << s.in_h << "x" << s.in_w << "x" << s.in_channels << " -> " << s.out_h << "x"
        << s.out_w << "x" << s.out_channels << " pads " << s.pad_top << "," << s.pad_left << " batch " << s.batch;
}

TEST(Winograd, OutputSizesAroundTheTile) {
  std::uint32_t seed = 1;
  const std::size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 13};
  for (std::size_t h : sizes)
    for (std::size_t w : sizes) expect_matches(shape3x3(1, h, w, 5, 9, 1, 1, 1, 1), WeightLayout::kHwio, true,
                                               Activation::kLinear, seed++);
}

TEST(Winograd, ChannelTails) {
  std::uint32_t seed = 100;
  for (std::size_t cin : {1, 3, 4, 5, 8, 9, 17})
    for (std::size_t cout : {1, 3, 4, 5, 8, 9, 17})
      expect_matches(shape3x3(1, 7, 6, cin, cout, 1, 1, 1, 1), WeightLayout::kHwio, true, Activation::kLinear,
                     seed++);
}

TEST(Winograd, Padding) {
  std::uint32_t seed = 200;
  // valid; same; explicit 2 (larger than the kernel's reach on one side);
  // asymmetric; a crop (less bottom/right padding than valid: out_h smaller).
  struct Pads { std::size_t t, b, l, r; };
  for (const Pads p : {Pads{0, 0, 0, 0}, Pads{1, 1, 1, 1}, Pads{2, 2, 2, 2}, Pads{0, 1, 1, 0}, Pads{2, 0, 0, 2}})
    for (std::size_t hw : {5, 8, 11})
      for (const WeightLayout wl : {WeightLayout::kHwio, WeightLayout::kOihw})
        expect_matches(shape3x3(1, hw, hw + 1, 12, 10, p.t, p.b, p.l, p.r), wl, true, Activation::kLinear, seed++);
  ConvShape crop = shape3x3(1, 9, 9, 8, 8, 0, 0, 0, 0);
  crop.out_h = 5, crop.out_w = 6;
  expect_matches(crop, WeightLayout::kHwio, true, Activation::kLinear, seed++);
}

TEST(Winograd, BatchAndActivations) {
  std::uint32_t seed = 300;
  for (const Activation act : {Activation::kLinear, Activation::kRelu, Activation::kRelu6, Activation::kSigmoid,
                               Activation::kSilu})
    for (const bool with_bias : {false, true})
      expect_matches(shape3x3(2, 9, 7, 16, 24, 1, 1, 1, 1), WeightLayout::kOihw, with_bias, act, seed++);
}

TEST(Winograd, Relu6ClampsIntoRange) {
  // Inputs scaled so most outputs fall outside [0, 6].
  const ConvShape s = shape3x3(1, 8, 8, 16, 16, 1, 1, 1, 1);
  auto x = ref::random_floats(8 * 8 * 16, 7);
  for (float& v : x) v *= 8.0f;
  const auto w = ref::random_floats(9 * 16 * 16, 8);
  const auto want = ref::conv2d(x.data(), w.data(), WeightLayout::kHwio, nullptr, s, Activation::kRelu6, true);
  const auto got = run(x, w, WeightLayout::kHwio, nullptr, s, Activation::kRelu6, PackFor::kNhwcWinograd);
  std::size_t clamped = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_GE(got[i], 0.0f);
    ASSERT_LE(got[i], 6.0f);
    ASSERT_NEAR(got[i], want[i], 1e-3f) << i;
    clamped += want[i] == 0.0f || want[i] == 6.0f;
  }
  EXPECT_GT(clamped, got.size() / 4);
}

// A NaN or an infinity in the input is non-finite in every output whose
// window covers it (Winograd spreads it over its whole tile too: those
// outputs are NaN as well, which the direct kernel would not give).
TEST(Winograd, NanAndInfReachTheOutputsTheyTouch) {
  const ConvShape s = shape3x3(1, 9, 10, 8, 12, 1, 1, 1, 1);
  const auto w = ref::random_floats(9 * 8 * 12, 9);
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    auto x = ref::random_floats(9 * 10 * 8, 10);
    x[(4 * 10 + 5) * 8 + 3] = bad;
    x[(8 * 10 + 9) * 8 + 7] = bad;  // the last pixel's last channel
    const auto want = ref::conv2d(x.data(), w.data(), WeightLayout::kHwio, nullptr, s, Activation::kLinear, true);
    const auto got = run(x, w, WeightLayout::kHwio, nullptr, s, Activation::kLinear, PackFor::kNhwcWinograd);
    std::size_t bad_outputs = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (!std::isfinite(want[i])) {
        ++bad_outputs;
        ASSERT_TRUE(std::isnan(got[i]) || (std::isinf(bad) && std::isinf(got[i]))) << i << " got " << got[i];
      }
    }
    EXPECT_GT(bad_outputs, 0u);
  }
}

// Channels first (through channels-last copies), PyTorch's weight layout.
TEST(Winograd, ChannelsFirst) {
  std::uint32_t seed = 600;
  for (const ConvShape& s : {shape3x3(1, 9, 7, 16, 24, 1, 1, 1, 1), shape3x3(2, 6, 13, 5, 17, 0, 2, 1, 0),
                             shape3x3(1, 14, 14, 64, 64, 1, 1, 1, 1)}) {
    const auto x = ref::random_floats(s.batch * s.in_h * s.in_w * s.in_channels, seed++);
    const auto w = ref::random_floats(9 * s.in_channels * s.out_channels, seed++);
    const auto b = ref::random_floats(s.out_channels, seed++);
    const auto want = ref::conv2d(x.data(), w.data(), WeightLayout::kOihw, b.data(), s, Activation::kRelu6, false);
    std::size_t floats = 0;
    ASSERT_EQ(conv::packed_weights_size(s, PackFor::kNhwcWinograd, &floats), Status::kOk);
    std::vector<float> packed(floats);
    ASSERT_EQ(conv::pack_weights(w.data(), WeightLayout::kOihw, b.data(), s, PackFor::kNhwcWinograd, packed.data()),
              Status::kOk);
    ref::Guarded out(want.size(), 2);
    ASSERT_EQ(conv::conv_nchw_winograd(x.data(), packed.data(), out.data(), s, Activation::kRelu6), Status::kOk);
    EXPECT_TRUE(out.guards_intact());
    EXPECT_LT(max_rel_error(out.values(), want), 1e-4);
  }
}

TEST(Winograd, RefusesOtherShapes) {
  ConvShape s = shape3x3(1, 8, 8, 4, 4, 1, 1, 1, 1);
  std::size_t floats = 0;
  ConvShape strided = s;
  strided.stride_h = 2, strided.out_h = 4;
  ConvShape dilated = s;
  dilated.dilation_w = 2, dilated.out_w = 6;
  ConvShape grouped = s;
  grouped.groups = 2;
  ConvShape k5 = s;
  k5.kernel_h = k5.kernel_w = 5, k5.out_h = k5.out_w = 6;
  for (const ConvShape& bad : {strided, dilated, grouped, k5}) {
    EXPECT_EQ(conv::packed_weights_size(bad, PackFor::kNhwcWinograd, &floats), Status::kInvalidArgument);
    float x[1] = {0}, y[1];
    EXPECT_EQ(conv::conv_nhwc_winograd(x, x, y, bad, Activation::kLinear), Status::kInvalidArgument);
    EXPECT_EQ(conv::conv_nchw_winograd(x, x, y, bad, Activation::kLinear), Status::kInvalidArgument);
  }
  ConvShape empty = s;
  empty.batch = 0;
  EXPECT_EQ(conv::conv_nhwc_winograd(nullptr, nullptr, nullptr, empty, Activation::kLinear), Status::kOk);
}

// Thread counts: the same numbers (each tile and block in one item, the
// same code) and the reference's, on layers whose blocks get split (7x7)
// and whose tiles do (28x28); at 2 threads and more all of them share one
// transformed input, and the batch-2 case's two tile runs (the second
// shorter) cross from one image into the next.
class WinogradThreads : public ThreadCountTest {};

TEST_P(WinogradThreads, SameResultsAtEveryThreadCount) {
  struct Case { std::size_t n, hw, cin, cout; };
  std::uint32_t seed = 400;
  for (const Case c : {Case{1, 7, 64, 72}, Case{1, 28, 16, 24}, Case{1, 13, 9, 17}, Case{2, 20, 130, 20}}) {
    const ConvShape s = shape3x3(c.n, c.hw, c.hw, c.cin, c.cout, 1, 1, 1, 1);
    const auto x = ref::random_floats(c.n * c.hw * c.hw * c.cin, seed++);
    const auto w = ref::random_floats(9 * c.cin * c.cout, seed++);
    const auto b = ref::random_floats(c.cout, seed++);
    thread::set_num_threads(1);
    const auto one = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kRelu, PackFor::kNhwcWinograd);
    thread::set_num_threads(GetParam());
    const auto many = run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kRelu, PackFor::kNhwcWinograd);
    EXPECT_EQ(one, many) << "results differ between 1 and " << GetParam() << " threads, " << c.hw << "x" << c.hw;
    expect_matches(s, WeightLayout::kHwio, true, Activation::kRelu, seed++);
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, WinogradThreads, ::testing::Values(1, 2, 4, 8));

// Error against the float64 reference, Winograd and direct on the same
// inputs, for layers with ResNet-18's channel counts.
TEST(Winograd, ErrorNextToTheDirectKernel) {
  struct Case { std::size_t hw, c; };
  std::uint32_t seed = 500;
  for (const Case c : {Case{14, 64}, Case{8, 128}, Case{7, 256}}) {
    const ConvShape s = shape3x3(1, c.hw, c.hw, c.c, c.c, 1, 1, 1, 1);
    const auto x = ref::random_floats(c.hw * c.hw * c.c, seed++);
    const auto w = ref::random_floats(9 * c.c * c.c, seed++);
    const auto b = ref::random_floats(c.c, seed++);
    const auto want = ref::conv2d(x.data(), w.data(), WeightLayout::kHwio, b.data(), s, Activation::kLinear, true);
    const double wino = max_rel_error(
        run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kLinear, PackFor::kNhwcWinograd), want);
    const double direct =
        max_rel_error(run(x, w, WeightLayout::kHwio, b.data(), s, Activation::kLinear, PackFor::kNhwc), want);
    std::printf("[ winograd ] %zux%zux%zu: max error / max |ref|: winograd %.2e, direct %.2e\n", c.hw, c.hw, c.c,
                wino, direct);
    EXPECT_LT(wino, 1e-4);
  }
}

}  // namespace
}  // namespace nnwasm
