// Every C++ entry point refuses a wrong call on its own, whatever the JS
// side passed: null buffers, sizes whose products overflow (also past 64
// bits), empty sizes. A refused call returns its Status and writes nothing;
// an empty output is a success that touches no memory (null is fine then).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "pool/pool.h"
#include "runtime/status.h"

namespace nnwasm {
namespace {

constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMaxFloats = (std::uint64_t{1} << 32) / sizeof(float);  // 2^30
constexpr float kUntouched = -777.0f;

// A few floats all set to kUntouched: refused calls must leave them so.
struct Canary {
  std::vector<float> v = std::vector<float>(64, kUntouched);
  float* data() { return v.data(); }
  bool untouched() const {
    for (float x : v)
      if (x != kUntouched) return false;
    return true;
  }
};

TEST(CheckedProduct, FitsOverflowsAndZero) {
  std::size_t n = 123;
  EXPECT_TRUE(checked_product(&n, {}));
  EXPECT_EQ(n, 1u);
  EXPECT_TRUE(checked_product(&n, {3, 5, 7}));
  EXPECT_EQ(n, 105u);
  EXPECT_TRUE(checked_product(&n, {kMaxFloats}));
  EXPECT_EQ(n, kMaxFloats);
  EXPECT_TRUE(checked_product(&n, {1u << 15, 1u << 15}));
  EXPECT_EQ(n, kMaxFloats);
  EXPECT_FALSE(checked_product(&n, {kMaxFloats + 1}));
  EXPECT_FALSE(checked_product(&n, {1u << 16, 1u << 16}));
  EXPECT_FALSE(checked_product(&n, {kMax, 2}));
  EXPECT_FALSE(checked_product(&n, {2, kMax}));
  EXPECT_FALSE(checked_product(&n, {kMax, kMax, kMax}));
  // A zero factor anywhere: empty, whatever the others.
  EXPECT_TRUE(checked_product(&n, {kMax, 0}));
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(checked_product(&n, {0, kMax, kMax}));
  EXPECT_EQ(n, 0u);
}

TEST(CheckedProduct, ProductsThatWrapSixtyFourBitsAreRefused) {
  if (sizeof(std::size_t) < 8) GTEST_SKIP() << "32-bit size_t cannot hold these factors";
  const std::uint64_t two32 = std::uint64_t{1} << 32;
  std::size_t n = 0;
  // 2^32 * 2^32 = 2^64 wraps to 0 in 64 bits; 3 * (2^64/3 + 1) wraps to 2.
  EXPECT_FALSE(checked_product(&n, {static_cast<std::size_t>(two32), static_cast<std::size_t>(two32)}));
  EXPECT_FALSE(checked_product(&n, {3, kMax / 3 + 1}));
}

TEST(StatusMessage, EveryStatusHasText) {
  EXPECT_STREQ(status_message(Status::kOk), "ok");
  EXPECT_STRNE(status_message(Status::kNullPointer), "unknown status");
  EXPECT_STRNE(status_message(Status::kSizeOverflow), "unknown status");
  EXPECT_STRNE(status_message(Status::kInvalidArgument), "unknown status");
  EXPECT_STRNE(status_message(Status::kOutsideHeap), "unknown status");
  EXPECT_STREQ(status_message(static_cast<Status>(99)), "unknown status");
}

// ---- pool::adaptive_avg_pool1d_ncl(in, out, rows, length, out_length)

TEST(Preconditions, AdaptiveAvgPool1dNcl) {
  Canary in, out;
  auto call = [&](const float* x, float* y, std::size_t r, std::size_t l, std::size_t o) {
    return pool::adaptive_avg_pool1d_ncl(x, y, r, l, o);
  };
  EXPECT_EQ(call(nullptr, out.data(), 2, 3, 2), Status::kNullPointer);
  EXPECT_EQ(call(in.data(), nullptr, 2, 3, 2), Status::kNullPointer);
  EXPECT_EQ(call(in.data(), out.data(), 2, 0, 2), Status::kInvalidArgument);  // empty windows
  EXPECT_EQ(call(in.data(), out.data(), kMax, 2, 2), Status::kSizeOverflow);
  EXPECT_EQ(call(in.data(), out.data(), 2, kMax, 2), Status::kSizeOverflow);
  EXPECT_EQ(call(in.data(), out.data(), 2, 3, kMax), Status::kSizeOverflow);
  EXPECT_EQ(call(in.data(), out.data(), 1u << 16, 1u << 16, 1), Status::kSizeOverflow);
  EXPECT_EQ(call(in.data(), out.data(), 1, kMaxFloats + 1, 1), Status::kSizeOverflow);
  EXPECT_TRUE(out.untouched());
  // Empty outputs: success, nothing touched, null buffers allowed.
  EXPECT_EQ(call(nullptr, nullptr, 0, 3, 2), Status::kOk);
  EXPECT_EQ(call(nullptr, nullptr, 2, 3, 0), Status::kOk);
  EXPECT_EQ(call(nullptr, nullptr, 0, kMax, kMax), Status::kOk);
  EXPECT_TRUE(in.untouched() && out.untouched());
}

// ---- pool::global_avg_pool1d_ncl / _nlc(in, mask, out, batch, ...)

template <class Kernel>
void check_global_refusals(Kernel call) {  // call(in, mask, out, batch, length, channels)
  Canary in, mask, out;
  for (const float* m : {static_cast<const float*>(nullptr), static_cast<const float*>(mask.data())}) {
    EXPECT_EQ(call(nullptr, m, out.data(), 2, 3, 4), Status::kNullPointer);
    EXPECT_EQ(call(in.data(), m, nullptr, 2, 3, 4), Status::kNullPointer);
    EXPECT_EQ(call(in.data(), m, out.data(), kMax, 3, 4), Status::kSizeOverflow);
    EXPECT_EQ(call(in.data(), m, out.data(), 2, kMax, 4), Status::kSizeOverflow);
    EXPECT_EQ(call(in.data(), m, out.data(), 2, 3, kMax), Status::kSizeOverflow);
    EXPECT_EQ(call(in.data(), m, out.data(), 1u << 11, 1u << 11, 1u << 11), Status::kSizeOverflow);
    EXPECT_TRUE(out.untouched());
    EXPECT_EQ(call(in.data(), m, nullptr, 2, 0, 4), Status::kNullPointer);  // NaN output needs a buffer
    // Empty output: success without touching anything.
    EXPECT_EQ(call(nullptr, m, nullptr, 0, 3, 4), Status::kOk);
    EXPECT_EQ(call(nullptr, m, nullptr, 2, 3, 0), Status::kOk);
    EXPECT_EQ(call(nullptr, m, nullptr, 0, kMax, kMax), Status::kOk);
    EXPECT_TRUE(in.untouched() && mask.untouched() && out.untouched());
    // No steps: the mean of nothing is NaN, and the (empty) input may be null.
    std::vector<float> y(8, 0.0f);
    ASSERT_EQ(call(nullptr, m, y.data(), 2, 0, 4), Status::kOk);
    for (float v : y) EXPECT_TRUE(std::isnan(v));
  }
}

TEST(Preconditions, GlobalAvgPool1dNcl) {
  check_global_refusals([](const float* x, const float* m, float* y, std::size_t n, std::size_t l,
                           std::size_t c) { return pool::global_avg_pool1d_ncl(x, m, y, n, c, l); });
}

TEST(Preconditions, GlobalAvgPool1dNlc) {
  check_global_refusals([](const float* x, const float* m, float* y, std::size_t n, std::size_t l,
                           std::size_t c) { return pool::global_avg_pool1d_nlc(x, m, y, n, l, c); });
}

}  // namespace
}  // namespace nnwasm
