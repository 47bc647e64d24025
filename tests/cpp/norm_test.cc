// Batch norm and batch statistics against double references in both
// channel placements (inner == 1 is channels-last), with odd channel counts
// around the vector width, null gamma / beta, NaN, at 1 and 2 threads.
#include "norm/norm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

class Norms : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

TEST_P(Norms, BatchNormMatchesReference) {
  for (std::size_t outer : {1, 3, 600}) {
    for (std::size_t C : {1, 3, 4, 5, 9, 17, 96}) {
      for (std::size_t inner : {1, 2, 7, 16, 49}) {
        const std::size_t n = outer * C * inner;
        std::vector<float> x = testing::random_floats(n, static_cast<std::uint32_t>(n + C));
        std::vector<float> mean = testing::random_floats(C, 1), var = testing::random_floats(C, 2);
        std::vector<float> gamma = testing::random_floats(C, 3), beta = testing::random_floats(C, 4);
        for (auto& v : var) v = std::fabs(v) + 0.1f;
        x[n / 2] = std::nanf("");
        for (bool affine : {true, false}) {
          std::vector<float> out(n + 1, -777.0f);
          ASSERT_EQ(norm::batch_norm(x.data(), out.data(), outer, C, inner, mean.data(), var.data(),
                                     affine ? gamma.data() : nullptr, affine ? beta.data() : nullptr, 1e-3f),
                    Status::kOk);
          for (std::size_t i = 0; i < n; ++i) {
            const std::size_t c = (i / inner) % C;
            const double g = affine ? gamma[c] : 1.0, b = affine ? beta[c] : 0.0;
            const double want = (x[i] - mean[c]) / std::sqrt(double(var[c]) + 1e-3) * g + b;
            ASSERT_TRUE(testing::close(out[i], static_cast<float>(want), 1e-5f, 1e-5f))
                << outer << " " << C << " " << inner << " i " << i;
          }
          EXPECT_EQ(out[n], -777.0f);
        }
      }
    }
  }
}

TEST_P(Norms, BatchStatsMatchReference) {
  for (std::size_t outer : {1, 2, 50}) {
    for (std::size_t C : {1, 5, 16, 17, 40}) {
      for (std::size_t inner : {1, 3, 64}) {
        const std::size_t n = outer * C * inner;
        std::vector<float> x = testing::random_floats(n, static_cast<std::uint32_t>(n * 3 + C));
        for (auto& v : x) v = v * 3.0f + 10.0f;  // an offset mean: the two-pass variance must not cancel
        std::vector<float> mean(C), var(C);
        ASSERT_EQ(norm::batch_stats(x.data(), outer, C, inner, mean.data(), var.data()), Status::kOk);
        for (std::size_t c = 0; c < C; ++c) {
          double s = 0, q = 0;
          for (std::size_t o = 0; o < outer; ++o)
            for (std::size_t i = 0; i < inner; ++i) s += x[(o * C + c) * inner + i];
          const double m = s / double(outer * inner);
          for (std::size_t o = 0; o < outer; ++o)
            for (std::size_t i = 0; i < inner; ++i) q += std::pow(x[(o * C + c) * inner + i] - m, 2);
          EXPECT_TRUE(testing::close(mean[c], float(m), 1e-6f, 1e-6f));
          EXPECT_TRUE(testing::close(var[c], float(q / double(outer * inner)), 1e-5f, 1e-6f));
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Norms, ::testing::Values(1, 2));

TEST(BatchNorm, Refusals) {
  std::vector<float> x(8), m(2), v(2);
  EXPECT_EQ(norm::batch_norm(x.data(), x.data(), 2, 0, 4, m.data(), v.data(), nullptr, nullptr, 1e-5f),
            Status::kInvalidArgument);
  EXPECT_EQ(norm::batch_norm(x.data(), x.data(), 2, 2, 2, nullptr, v.data(), nullptr, nullptr, 1e-5f),
            Status::kNullPointer);
  EXPECT_EQ(norm::batch_stats(nullptr, 2, 2, 2, m.data(), v.data()), Status::kNullPointer);
  EXPECT_EQ(norm::batch_stats(x.data(), std::size_t{1} << 20, 2, std::size_t{1} << 20, m.data(), v.data()),
            Status::kSizeOverflow);
}

}  // namespace
}  // namespace nnwasm
