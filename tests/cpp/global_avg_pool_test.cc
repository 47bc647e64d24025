// Global and adaptive average pooling kernels against a scalar double
// reference, at sizes around every vector (4), accumulator-group (16) and
// rows-per-pass (8) boundary, with and without masks, at 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "pool/pool.h"
#include "reference.h"
#include "thread_count_fixture.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using ref::close;
using ref::random_floats;

const std::size_t kSizes[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 37, 64, 67, 100};

using ThreadCounts = ThreadCountTest;

TEST_P(ThreadCounts, AdaptiveAvgPool1dMatchesReference) {
  for (std::size_t L : kSizes)
    for (std::size_t O : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{10}, L, L + 3}) {
      const std::size_t rows = 3;
      const auto in = random_floats(rows * L, static_cast<std::uint32_t>(L * 131 + O));
      std::vector<float> out(rows * O, -7.0f);
      ASSERT_EQ(pool::adaptive_avg_pool1d_ncl(in.data(), out.data(), rows, L, O), Status::kOk);
      const auto want = ref::adaptive_avg_pool1d_ncl(in.data(), rows, L, O);
      for (std::size_t i = 0; i < out.size(); ++i)
        ASSERT_TRUE(close(out[i], want[i])) << "L=" << L << " O=" << O << " i=" << i << " got " << out[i]
                                            << " want " << want[i];
    }
}

TEST_P(ThreadCounts, GlobalAvgPool1dBothLayoutsMatchReference) {
  for (std::size_t C : kSizes)
    for (std::size_t L : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{7}, std::size_t{8}, std::size_t{9},
                          std::size_t{17}, std::size_t{19}, std::size_t{64}})
      for (bool masked : {false, true}) {
        const std::size_t N = 2;
        const auto in = random_floats(N * L * C, static_cast<std::uint32_t>(C * 977 + L));
        std::vector<float> mask(N * L);
        for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i % 3 == 1) ? 0.0f : 1.0f;
        const float* m = masked ? mask.data() : nullptr;
        for (bool channels_last : {true, false}) {
          std::vector<float> out(N * C, -7.0f);
          const Status s = channels_last ? pool::global_avg_pool1d_nlc(in.data(), m, out.data(), N, L, C)
                                         : pool::global_avg_pool1d_ncl(in.data(), m, out.data(), N, C, L);
          ASSERT_EQ(s, Status::kOk);
          const auto want = ref::global_avg_pool1d(in.data(), m, N, L, C, channels_last);
          for (std::size_t i = 0; i < out.size(); ++i)
            ASSERT_TRUE(close(out[i], want[i]))
                << "C=" << C << " L=" << L << " masked=" << masked << " last=" << channels_last << " i=" << i
                << " got " << out[i] << " want " << want[i];
        }
      }
}

// Big enough that the thread pool splits the work.
TEST_P(ThreadCounts, LargeInputsAreIdenticalAtEveryThreadCount) {
  const std::size_t N = 8, L = 300, C = 100;
  const auto in = random_floats(N * L * C, 5);
  std::vector<float> a(N * C), b(N * C), c(N * 7), d(N * 7);
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in.data(), nullptr, a.data(), N, L, C), Status::kOk);
  ASSERT_EQ(pool::adaptive_avg_pool1d_ncl(in.data(), c.data(), N, L * C, 7), Status::kOk);
  thread::set_num_threads(1);
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in.data(), nullptr, b.data(), N, L, C), Status::kOk);
  ASSERT_EQ(pool::adaptive_avg_pool1d_ncl(in.data(), d.data(), N, L * C, 7), Status::kOk);
  EXPECT_EQ(a, b);
  EXPECT_EQ(c, d);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadCounts, ::testing::Values(1, 2));

TEST(GlobalAvgPool1d, HandComputedValues) {
  // (1, L=3, C=2) channels last: means of columns [1,3,5] and [2,4,6].
  const float in[] = {1, 2, 3, 4, 5, 6};
  float out[2];
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in, nullptr, out, 1, 3, 2), Status::kOk);
  EXPECT_EQ(out[0], 3.0f);
  EXPECT_EQ(out[1], 4.0f);
  const float mask[] = {1, 0, 1};  // leaves out the middle step
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in, mask, out, 1, 3, 2), Status::kOk);
  EXPECT_EQ(out[0], 3.0f);
  EXPECT_EQ(out[1], 4.0f);
  const float mask2[] = {0, 0, 1};
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in, mask2, out, 1, 3, 2), Status::kOk);
  EXPECT_EQ(out[0], 5.0f);
  EXPECT_EQ(out[1], 6.0f);
}

TEST(GlobalAvgPool1d, NanAndInfinityPropagateUnlessMasked) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> in(4 * 8, 1.0f);  // (1, L=4, C=8)
  in[1 * 8 + 2] = nan;
  in[2 * 8 + 5] = inf;
  std::vector<float> out(8);
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in.data(), nullptr, out.data(), 1, 4, 8), Status::kOk);
  EXPECT_TRUE(std::isnan(out[2]));
  EXPECT_EQ(out[5], inf);
  EXPECT_EQ(out[0], 1.0f);
  const float mask[] = {1, 0, 0, 1};
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in.data(), mask, out.data(), 1, 4, 8), Status::kOk);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[5], 1.0f);
}

TEST(GlobalAvgPool1d, AllMaskedGivesNaNAsKeras) {
  const float in[] = {1, 2, 3, 4};
  const float mask[] = {0, 0};
  float out[2];
  ASSERT_EQ(pool::global_avg_pool1d_nlc(in, mask, out, 1, 2, 2), Status::kOk);
  EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1]));
}

TEST(AdaptiveAvgPool1d, HandComputedWindows) {
  // L=5, O=3: windows [0,2) [1,4) [3,5) as PyTorch.
  const float in[] = {1, 2, 3, 4, 5};
  float out[3];
  ASSERT_EQ(pool::adaptive_avg_pool1d_ncl(in, out, 1, 5, 3), Status::kOk);
  EXPECT_EQ(out[0], 1.5f);
  EXPECT_EQ(out[1], 3.0f);
  EXPECT_EQ(out[2], 4.5f);
  // O > L: L=2, O=3: windows [0,1) [0,2) [1,2).
  float up[3];
  ASSERT_EQ(pool::adaptive_avg_pool1d_ncl(in, up, 1, 2, 3), Status::kOk);
  EXPECT_EQ(up[0], 1.0f);
  EXPECT_EQ(up[1], 1.5f);
  EXPECT_EQ(up[2], 2.0f);
}

TEST(AdaptiveAvgPool1d, RejectsBadCalls) {
  float out[4];
  EXPECT_EQ(pool::adaptive_avg_pool1d_ncl(nullptr, out, 1, 4, 1), Status::kNullPointer);
  EXPECT_EQ(pool::adaptive_avg_pool1d_ncl(out, out, 1, 0, 1), Status::kInvalidArgument);
  EXPECT_EQ(pool::adaptive_avg_pool1d_ncl(out, out, std::size_t{1} << 20, std::size_t{1} << 20, 1),
            Status::kSizeOverflow);
  EXPECT_EQ(pool::global_avg_pool1d_nlc(out, nullptr, nullptr, 1, 1, 1), Status::kNullPointer);
}

}  // namespace
}  // namespace nnwasm
