// Packing with a per-output-channel scale (a BatchNorm folded at pack time)
// must give exactly the packed weights of weights multiplied beforehand:
// the fused convolution's outputs then do not depend on where the fold ran.
#include <gtest/gtest.h>

#include <vector>

#include "conv/conv.h"
#include "reference.h"

namespace nnwasm {
namespace {

using conv::ConvShape;
using conv::PackFor;
using conv::WeightLayout;
using ref::random_floats;

ConvShape shape_of(std::size_t cin, std::size_t cout, std::size_t k, std::size_t groups) {
  ConvShape s;
  s.in_channels = cin;
  s.out_channels = cout;
  s.kernel_h = s.kernel_w = k;
  s.in_h = s.in_w = 8;
  s.out_h = s.out_w = 8 - k + 1;
  s.groups = groups;
  return s;
}

// weights * scale[o], o being each weight's output channel in `layout`.
std::vector<float> scaled(const std::vector<float>& w, const std::vector<float>& scale, const ConvShape& s,
                          WeightLayout layout) {
  const std::size_t per_out = w.size() / s.out_channels;
  std::vector<float> out(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::size_t o = layout == WeightLayout::kOihw ? i / per_out : i % s.out_channels;
    out[i] = w[i] * scale[o];
  }
  return out;
}

std::vector<float> packed_by(const ConvShape& s, PackFor target, const std::vector<float>& w, WeightLayout layout,
                             const float* bias, const float* scale) {
  std::size_t floats = 0;
  EXPECT_EQ(conv::packed_weights_size(s, target, &floats), Status::kOk);
  std::vector<float> packed(floats, -1.0f);
  EXPECT_EQ(conv::pack_weights(w.data(), layout, bias, s, target, packed.data(), scale), Status::kOk);
  return packed;
}

TEST(PackScale, GemmAndWinogradPackingsEqualPackingPrescaledWeights) {
  struct Case {
    std::size_t cin, cout, k, groups;
  };
  // Block tails (cout not a multiple of 8 or 4), groups, 1x1 and 3x3.
  for (const Case c : {Case{3, 5, 3, 1}, Case{8, 16, 3, 1}, Case{6, 10, 1, 2}, Case{12, 9, 3, 3}, Case{5, 13, 1, 1}}) {
    const ConvShape s = shape_of(c.cin, c.cout, c.k, c.groups);
    const std::size_t n = c.cout * (c.cin / c.groups) * c.k * c.k;
    const auto w = random_floats(n, 11 + static_cast<std::uint32_t>(n));
    const auto bias = random_floats(c.cout, 5);
    auto scale = random_floats(c.cout, 7);
    scale[0] = -0.0f;  // signs and zeros carry through as a multiply does
    for (WeightLayout layout : {WeightLayout::kOihw, WeightLayout::kHwio}) {
      const auto pre = scaled(w, scale, s, layout);
      std::vector<PackFor> targets = {PackFor::kNhwc, PackFor::kNchw};
      if (c.k == 3 && c.groups == 1) targets.push_back(PackFor::kNhwcWinograd);
      for (PackFor target : targets) {
        SCOPED_TRACE(testing::Message() << "cin " << c.cin << " cout " << c.cout << " k " << c.k << " groups "
                                        << c.groups << " layout " << static_cast<int>(layout) << " target "
                                        << static_cast<int>(target));
        const auto a = packed_by(s, target, w, layout, bias.data(), scale.data());
        const auto b = packed_by(s, target, pre, layout, bias.data(), nullptr);
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "at " << i;
        // And the scale changes the packing (the test can fail).
        const auto plain = packed_by(s, target, w, layout, bias.data(), nullptr);
        EXPECT_NE(plain, a);
      }
    }
  }
}

TEST(PackScale, DepthwiseNhwcPackingEqualsPackingPrescaledWeights) {
  for (std::size_t C : {1u, 7u, 8u, 13u, 24u}) {
    for (std::size_t k : {3u, 5u}) {
      ConvShape s = shape_of(C, C, k, C);
      const auto w = random_floats(k * k * C, 21 + static_cast<std::uint32_t>(C));  // (kh, kw, 1, C)
      const auto bias = random_floats(C, 3);
      const auto scale = random_floats(C, 4);
      std::vector<float> pre(w.size());
      for (std::size_t i = 0; i < w.size(); ++i) pre[i] = w[i] * scale[i % C];
      std::size_t floats = 0;
      ASSERT_EQ(conv::dwconv_nhwc_packed_size(s, &floats), Status::kOk);
      std::vector<float> a(floats, -1.0f), b(floats, -2.0f);
      ASSERT_EQ(conv::dwconv_nhwc_pack(w.data(), bias.data(), s, a.data(), scale.data()), Status::kOk);
      ASSERT_EQ(conv::dwconv_nhwc_pack(pre.data(), bias.data(), s, b.data()), Status::kOk);
      EXPECT_EQ(a, b) << "C " << C << " k " << k;
    }
  }
}

}  // namespace
}  // namespace nnwasm
