// Activation kernels against a double-precision scalar reference of
// PyTorch's formulas, at lengths around the vector (4) and unroll (16)
// widths, from misaligned starts, with NaN and infinities, at 1 and 2 threads.
#include "activation/activation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using activation::Kind;
using activation::Params;

double reference(double x, Kind k, Params p) {
  const double relu6 = std::fmin(std::fmax(x + 3, 0.0), 6.0);
  if (std::isnan(x)) return x;
  switch (k) {
    case Kind::kLinear: return x;
    case Kind::kRelu: return x > 0 ? x : 0;
    case Kind::kRelu6: return std::fmin(std::fmax(x, 0.0), 6.0);
    case Kind::kLeakyRelu: return x > 0 ? x : p.a * x;
    case Kind::kElu: return x > 0 ? x : p.a * (std::exp(x) - 1);
    case Kind::kSelu: return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (std::exp(x) - 1));
    case Kind::kGelu: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    case Kind::kGeluTanh: return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
    case Kind::kSilu: return x / (1 + std::exp(-x));
    case Kind::kHardswish: return x * relu6 / 6;
    case Kind::kHardsigmoid: return relu6 / 6;
    case Kind::kSigmoid: return 1 / (1 + std::exp(-x));
    case Kind::kTanh: return std::tanh(x);
    case Kind::kSoftplus: return x * p.a > p.b ? x : std::log1p(std::exp(x * p.a)) / p.a;
    case Kind::kSoftsign: return x / (1 + std::fabs(x));
    case Kind::kKerasRelu: return x >= p.c ? p.c : (x >= p.b ? x : p.a * (x - p.b));
    default: return 0;
  }
}

Params params_for(Kind k) {
  switch (k) {
    case Kind::kLeakyRelu: return {0.2f, 0, 0};
    case Kind::kElu: return {1.5f, 0, 0};
    case Kind::kSoftplus: return {2.0f, 3.0f, 0};
    case Kind::kKerasRelu: return {0.3f, 0.5f, 2.5f};
    default: return {};
  }
}

class Activations : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

TEST_P(Activations, EveryKindMatchesReferenceAtEveryTail) {
  const float inf = std::numeric_limits<float>::infinity();
  for (int ki = 0; ki < static_cast<int>(Kind::kCount); ++ki) {
    const Kind k = static_cast<Kind>(ki);
    const Params p = params_for(k);
    for (std::size_t n : {1, 3, 4, 5, 15, 16, 17, 33, 100, 40000}) {
      for (std::size_t offset : {0, 1, 3}) {
        std::vector<float> in = ref::random_floats(n + offset, static_cast<std::uint32_t>(n * 7 + ki));
        for (auto& x : in) x *= 8.0f;
        in[offset] = std::nanf("");
        if (n > 2) in[offset + n - 1] = inf;
        if (n > 3) in[offset + n / 2] = -inf;
        std::vector<float> out(n + offset + 4, -777.0f);
        ASSERT_EQ(activation::apply(in.data() + offset, out.data() + offset, n, k, p), Status::kOk);
        for (std::size_t i = 0; i < n; ++i) {
          const float want = static_cast<float>(reference(in[offset + i], k, p));
          ASSERT_TRUE(ref::close(out[offset + i], want, 2e-5f, 2e-6f))
              << "kind " << ki << " n " << n << " i " << i << " x " << in[offset + i] << " got " << out[offset + i]
              << " want " << want;
        }
        EXPECT_EQ(out[offset + n], -777.0f) << "kind " << ki << " wrote past the end";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Activations, ::testing::Values(1, 2));

// The exact results at the ends of the range, through the vector paths
// (a full vector) and the partial last vector alike.
TEST(Activation, SpecialValuesExactly) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::nanf("");
  struct Case {
    Kind kind;
    Params p;
    float x, want;  // want NaN: any NaN
  };
  const Case cases[] = {
      {Kind::kSigmoid, {}, inf, 1.0f},       {Kind::kSigmoid, {}, -inf, 0.0f},
      {Kind::kSigmoid, {}, 0.0f, 0.5f},      {Kind::kSigmoid, {}, 200.0f, 1.0f},
      {Kind::kSigmoid, {}, nan, nan},        {Kind::kTanh, {}, inf, 1.0f},
      {Kind::kTanh, {}, -inf, -1.0f},        {Kind::kTanh, {}, nan, nan},
      {Kind::kTanh, {}, 1e-20f, 1e-20f},     {Kind::kSilu, {}, inf, inf},
      {Kind::kSilu, {}, -inf, nan},          {Kind::kSilu, {}, -200.0f, -0.0f},
      {Kind::kElu, {1.5f, 0, 0}, -inf, -1.5f}, {Kind::kElu, {1.5f, 0, 0}, inf, inf},
      {Kind::kElu, {1.5f, 0, 0}, nan, nan},  {Kind::kSelu, {}, -inf, -1.0507009873554805f * 1.6732632423543772f},
      {Kind::kSelu, {}, inf, inf},           {Kind::kGeluTanh, {}, inf, inf},
      {Kind::kGeluTanh, {}, -inf, nan},      {Kind::kGeluTanh, {}, -30.0f, -0.0f},
      {Kind::kGeluTanh, {}, 30.0f, 30.0f},   {Kind::kSoftsign, {}, inf, nan},
      {Kind::kSoftsign, {}, 3.0f, 0.75f},    {Kind::kGelu, {}, inf, inf},
      {Kind::kGelu, {}, -inf, nan},          {Kind::kGelu, {}, nan, nan},
      {Kind::kGelu, {}, 0.0f, 0.0f},         {Kind::kGelu, {}, 10.0f, 10.0f},
      {Kind::kSoftplus, {1.0f, 20.0f, 0}, inf, inf}, {Kind::kSoftplus, {1.0f, 20.0f, 0}, -inf, 0.0f},
      {Kind::kSoftplus, {1.0f, 20.0f, 0}, nan, nan}, {Kind::kSoftplus, {1.0f, 20.0f, 0}, 25.0f, 25.0f},
      {Kind::kSoftplus, {1.0f, inf, 0}, inf, inf},   {Kind::kSoftplus, {1.0f, inf, 0}, 100.0f, 100.0f},
  };
  for (const Case& c : cases) {
    for (std::size_t n : {std::size_t{4}, std::size_t{3}}) {
      std::vector<float> in(n, c.x), out(n, -777.0f);
      ASSERT_EQ(activation::apply(in.data(), out.data(), n, c.kind, c.p), Status::kOk);
      for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(c.want)) {
          EXPECT_TRUE(std::isnan(out[i])) << "kind " << int(c.kind) << " x " << c.x << " got " << out[i];
        } else {
          EXPECT_EQ(out[i], c.want) << "kind " << int(c.kind) << " x " << c.x;
        }
      }
    }
  }
}

// The vector paths keep relative accuracy where the naive formulas lose it:
// sigmoid's far negative tail and tanh near zero.
TEST(Activation, RelativeAccuracyInTheTails) {
  std::vector<float> in = {-20.0f, -50.0f, -80.0f, -87.0f}, out(4);
  ASSERT_EQ(activation::apply(in.data(), out.data(), 4, Kind::kSigmoid, {}), Status::kOk);
  for (std::size_t i = 0; i < 4; ++i) {
    const double want = 1.0 / (1.0 + std::exp(-double(in[i])));
    EXPECT_NEAR(out[i] / want, 1.0, 1e-6) << in[i];
  }
  in = {1e-3f, -2e-4f, 3e-6f, -1e-7f};
  ASSERT_EQ(activation::apply(in.data(), out.data(), 4, Kind::kTanh, {}), Status::kOk);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(out[i] / std::tanh(double(in[i])), 1.0, 1e-6) << in[i];
  ASSERT_EQ(activation::apply(in.data(), out.data(), 4, Kind::kElu, {1.0f, 0, 0}), Status::kOk);
  EXPECT_NEAR(out[1] / std::expm1(double(in[1])), 1.0, 1e-6);
  EXPECT_NEAR(out[3] / std::expm1(double(in[3])), 1.0, 1e-6);
  // softplus far left is e^x, kept to full relative accuracy (to one
  // denormal step at -100), and log1p keeps the small terms near 0.
  in = {-20.0f, -80.0f, -100.0f, 1e-3f};
  ASSERT_EQ(activation::apply(in.data(), out.data(), 4, Kind::kSoftplus, {1.0f, 20.0f, 0}), Status::kOk);
  for (std::size_t i = 0; i < 2; ++i) EXPECT_NEAR(out[i] / std::exp(double(in[i])), 1.0, 1e-6) << in[i];
  EXPECT_NEAR(out[2], std::exp(-100.0), 1.5e-45);  // within one denormal step
  EXPECT_NEAR(out[3] / std::log1p(std::exp(1e-3)), 1.0, 1e-6);
  // gelu near 0 is x / 2 + x^2 / sqrt(2 pi): relative accuracy of tiny x.
  in = {1e-3f, -2e-4f, 3e-6f, -1e-30f};
  ASSERT_EQ(activation::apply(in.data(), out.data(), 4, Kind::kGelu, {}), Status::kOk);
  for (std::size_t i = 0; i < 4; ++i) {
    const double x = in[i];
    EXPECT_NEAR(out[i] / (0.5 * x * (1 + std::erf(x / std::sqrt(2.0)))), 1.0, 1e-6) << in[i];
  }
}

TEST(Activation, InPlaceAndRefusals) {
  std::vector<float> x = {-2, -0.5f, 0, 1, 7};
  ASSERT_EQ(activation::apply(x.data(), x.data(), x.size(), Kind::kRelu6, {}), Status::kOk);
  EXPECT_EQ(x, (std::vector<float>{0, 0, 0, 1, 6}));
  EXPECT_EQ(activation::apply(nullptr, x.data(), 5, Kind::kRelu, {}), Status::kNullPointer);
  EXPECT_EQ(activation::apply(x.data(), x.data(), 5, static_cast<Kind>(99), {}), Status::kInvalidArgument);
  EXPECT_EQ(activation::apply(nullptr, nullptr, 0, Kind::kRelu, {}), Status::kOk);
  EXPECT_EQ(activation::apply(x.data(), x.data(), std::size_t{1} << 31, Kind::kRelu, {}), Status::kSizeOverflow);
}

}  // namespace
}  // namespace nnwasm
