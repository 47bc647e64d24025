// The vector transcendental functions of simd/vec.h against libm in double
// precision: dense sweeps of their whole float ranges, errors measured in
// ulp (denormal results in denormal ulp), and the IEEE special values.
#include "simd/vec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace nnwasm {
namespace {

const float kInf = std::numeric_limits<float>::infinity();

// Floats in one monotonic integer order: the distance of two floats in ulp.
std::int64_t ordinal(float f) {
  std::int32_t i;
  std::memcpy(&i, &f, sizeof i);
  return i < 0 ? -static_cast<std::int64_t>(i & 0x7FFFFFFF) : i;
}

std::int64_t ulp_distance(float a, float b) {
  const std::int64_t d = ordinal(a) - ordinal(b);
  return d < 0 ? -d : d;
}

// Every `stride`-th float of [lo, hi] (walking the bit patterns), and both ends.
std::vector<float> sweep(float lo, float hi, std::int64_t stride) {
  std::vector<float> xs;
  for (std::int64_t o = ordinal(lo); o <= ordinal(hi); o += stride) {
    const std::int32_t bits = o < 0 ? static_cast<std::int32_t>((-o) | 0x80000000LL) : static_cast<std::int32_t>(o);
    float x;
    std::memcpy(&x, &bits, sizeof x);
    xs.push_back(x);
  }
  xs.push_back(hi);
  return xs;
}

// f over xs four at a time (every value visits a different lane), worst ulp
// error against want, and the x where it happened.
template <class F, class Want>
std::int64_t worst_ulp(const std::vector<float>& xs, F f, Want want, float* where) {
  std::int64_t worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const int l = static_cast<int>(i % 4);
    float lanes[4] = {0.5f, -0.5f, 2.0f, -3.0f};
    lanes[l] = xs[i];
    const float got = simd::lane(f(simd::load(lanes)), l);
    const float ref = static_cast<float>(want(static_cast<double>(xs[i])));
    const std::int64_t d = ulp_distance(got, ref);
    if (d > worst) {
      worst = d;
      *where = xs[i];
    }
  }
  return worst;
}

float one(simd::f32x4 (*f)(simd::f32x4), float x) { return simd::lane(f(simd::splat(x)), 0); }

TEST(VecExp, WithinTwoUlpOverTheWholeRange) {
  // [-104, 89] covers the denormal results, the overflow to +Inf, and
  // everything between; about 280 000 values.
  float where = 0;
  const std::int64_t ulp =
      worst_ulp(sweep(-104.0f, 89.0f, 7919), simd::exp, [](double x) { return std::exp(x); }, &where);
  EXPECT_LE(ulp, 2) << "at x = " << where;
  // Around 0, where the result is 1 and the reduction does nothing.
  const std::int64_t near0 =
      worst_ulp(sweep(-1e-3f, 1e-3f, 7919), simd::exp, [](double x) { return std::exp(x); }, &where);
  EXPECT_LE(near0, 2) << "at x = " << where;
}

TEST(VecExp, IeeeSpecialValues) {
  EXPECT_TRUE(std::isnan(one(simd::exp, std::nanf(""))));
  EXPECT_EQ(one(simd::exp, kInf), kInf);
  EXPECT_EQ(one(simd::exp, -kInf), 0.0f);
  EXPECT_EQ(one(simd::exp, 0.0f), 1.0f);
  EXPECT_EQ(one(simd::exp, -0.0f), 1.0f);
  EXPECT_EQ(one(simd::exp, 88.73f), kInf);           // just past FLT_MAX
  EXPECT_EQ(one(simd::exp, 1000.0f), kInf);
  EXPECT_EQ(one(simd::exp, std::numeric_limits<float>::max()), kInf);
  EXPECT_EQ(one(simd::exp, 88.72f), std::exp(88.72f));  // 3.39e38, finite
  EXPECT_EQ(one(simd::exp, -104.0f), 0.0f);
  EXPECT_EQ(one(simd::exp, -1000.0f), 0.0f);
  EXPECT_EQ(one(simd::exp, -std::numeric_limits<float>::max()), 0.0f);
  EXPECT_EQ(one(simd::exp, -103.9f), std::numeric_limits<float>::denorm_min());
  EXPECT_GT(one(simd::exp, -100.0f), 0.0f);  // a denormal, not flushed
  // Lanes are independent: a NaN next to finite values.
  const float mixed[4] = {std::nanf(""), 1.0f, -kInf, kInf};
  const simd::f32x4 r = simd::exp(simd::load(mixed));
  EXPECT_TRUE(std::isnan(simd::lane(r, 0)));
  EXPECT_LE(ulp_distance(simd::lane(r, 1), static_cast<float>(std::exp(1.0))), 2);
  EXPECT_EQ(simd::lane(r, 2), 0.0f);
  EXPECT_EQ(simd::lane(r, 3), kInf);
}

TEST(VecExpm1, WithinTwoUlpForNonPositive) {
  float where = 0;
  const std::int64_t ulp = worst_ulp(
      sweep(-20.0f, -0.0f, 2003), simd::expm1_nonpositive, [](double x) { return std::expm1(x); }, &where);
  EXPECT_LE(ulp, 2) << "at x = " << where;
  EXPECT_TRUE(std::isnan(one(simd::expm1_nonpositive, std::nanf(""))));
  EXPECT_EQ(one(simd::expm1_nonpositive, -kInf), -1.0f);
  EXPECT_EQ(one(simd::expm1_nonpositive, 0.0f), 0.0f);
  EXPECT_EQ(one(simd::expm1_nonpositive, -1e-30f), -1e-30f);  // relative accuracy of tiny values
  EXPECT_EQ(one(simd::expm1_nonpositive, 5.0f), 0.0f);        // documented: x > 0 is taken as 0
}

TEST(VecSigmoid, WithinFourUlp) {
  float where = 0;
  const std::int64_t ulp = worst_ulp(
      sweep(-104.0f, 30.0f, 7919), simd::sigmoid, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, &where);
  EXPECT_LE(ulp, 4) << "at x = " << where;
  EXPECT_TRUE(std::isnan(one(simd::sigmoid, std::nanf(""))));
  EXPECT_EQ(one(simd::sigmoid, kInf), 1.0f);
  EXPECT_EQ(one(simd::sigmoid, -kInf), 0.0f);
  EXPECT_EQ(one(simd::sigmoid, 0.0f), 0.5f);
  EXPECT_EQ(one(simd::sigmoid, 100.0f), 1.0f);
  EXPECT_GT(one(simd::sigmoid, -100.0f), 0.0f);  // 3.8e-44, a denormal
}

TEST(VecErf, WithinSixUlp) {
  float where = 0;
  const std::int64_t ulp =
      worst_ulp(sweep(-5.0f, 5.0f, 7919), simd::erf, [](double x) { return std::erf(x); }, &where);
  EXPECT_LE(ulp, 6) << "at x = " << where;
  const std::int64_t small =
      worst_ulp(sweep(-1e-3f, 1e-3f, 7919), simd::erf, [](double x) { return std::erf(x); }, &where);
  EXPECT_LE(small, 6) << "at x = " << where;
  EXPECT_TRUE(std::isnan(one(simd::erf, std::nanf(""))));
  EXPECT_EQ(one(simd::erf, kInf), 1.0f);
  EXPECT_EQ(one(simd::erf, -kInf), -1.0f);
  EXPECT_EQ(one(simd::erf, 0.0f), 0.0f);
}

TEST(VecLog1pUnit, WithinOneUlp) {
  float where = 0;
  const std::int64_t ulp =
      worst_ulp(sweep(0.0f, 1.0f, 7919), simd::log1p_unit, [](double x) { return std::log1p(x); }, &where);
  EXPECT_LE(ulp, 1) << "at x = " << where;
  const std::int64_t small =
      worst_ulp(sweep(0.0f, 1e-4f, 7919), simd::log1p_unit, [](double x) { return std::log1p(x); }, &where);
  EXPECT_LE(small, 1) << "at x = " << where;
  EXPECT_TRUE(std::isnan(one(simd::log1p_unit, std::nanf(""))));
  EXPECT_EQ(one(simd::log1p_unit, 0.0f), 0.0f);
  EXPECT_EQ(one(simd::log1p_unit, 1e-30f), 1e-30f);  // where 1 + u rounds to 1
}

TEST(VecTanh, WithinThreeUlp) {
  float where = 0;
  const std::int64_t ulp =
      worst_ulp(sweep(-20.0f, 20.0f, 7919), simd::tanh, [](double x) { return std::tanh(x); }, &where);
  EXPECT_LE(ulp, 3) << "at x = " << where;
  EXPECT_TRUE(std::isnan(one(simd::tanh, std::nanf(""))));
  EXPECT_EQ(one(simd::tanh, kInf), 1.0f);
  EXPECT_EQ(one(simd::tanh, -kInf), -1.0f);
  EXPECT_EQ(one(simd::tanh, 1e-30f), 1e-30f);
  const float neg0 = one(simd::tanh, -0.0f), pos0 = one(simd::tanh, 0.0f);
  EXPECT_TRUE(neg0 == 0.0f && std::signbit(neg0));
  EXPECT_TRUE(pos0 == 0.0f && !std::signbit(pos0));
}

}  // namespace
}  // namespace nnwasm
