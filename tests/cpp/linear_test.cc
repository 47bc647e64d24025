// The packed GEMM against a double reference at row counts around the tile
// (1, 2, 3 take the GEMV tiles; 4, 5, 67 the 4-row tile and its tails),
// column counts around the panel width, both weight layouts, with and
// without bias, the clamp activations in registers and an output pass one.
#include "linear/linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using conv::Activation;
using linear::WeightLayout;

double act(double x, Activation a) {
  if (std::isnan(x)) return x;
  if (a == Activation::kRelu) return x > 0 ? x : 0;
  if (a == Activation::kRelu6) return std::fmin(std::fmax(x, 0.0), 6.0);
  if (a == Activation::kTanh) return std::tanh(x);
  return x;
}

class Linears : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

TEST_P(Linears, MatchesReference) {
  for (std::size_t M : {1, 2, 3, 4, 5, 7, 67, 130}) {
    for (std::size_t N : {1, 7, 8, 9, 17}) {
      for (std::size_t K : {0, 1, 3, 16, 33}) {
        for (WeightLayout layout : {WeightLayout::kOutIn, WeightLayout::kInOut}) {
          for (Activation a : {Activation::kLinear, Activation::kRelu, Activation::kRelu6, Activation::kTanh}) {
            const bool with_bias = (M + N + K) % 2 == 0;
            std::vector<float> x = testing::random_floats(M * K, static_cast<std::uint32_t>(M * 131 + K));
            std::vector<float> w = testing::random_floats(N * K, static_cast<std::uint32_t>(N * 7 + K));
            std::vector<float> b = testing::random_floats(N, 9);
            for (auto& v : x) v *= 4.0f;
            if (M * K > 3) x[3] = std::nanf("");
            std::size_t floats = 0;
            ASSERT_EQ(linear::packed_size(K, N, &floats), Status::kOk);
            std::vector<float> packed(floats);
            ASSERT_EQ(linear::pack(w.data(), layout, with_bias ? b.data() : nullptr, K, N, packed.data()), Status::kOk);
            std::vector<float> out(M * N + 1, -777.0f);
            ASSERT_EQ(linear::linear(x.data(), packed.data(), out.data(), M, K, N, a), Status::kOk);
            for (std::size_t m = 0; m < M; ++m)
              for (std::size_t n = 0; n < N; ++n) {
                double s = with_bias ? b[n] : 0.0;
                for (std::size_t k = 0; k < K; ++k)
                  s += double(x[m * K + k]) * (layout == WeightLayout::kOutIn ? w[n * K + k] : w[k * N + n]);
                ASSERT_TRUE(testing::close(out[m * N + n], float(act(s, a)), 1e-5f, 1e-5f))
                    << "M " << M << " N " << N << " K " << K << " at " << m << "," << n;
              }
            EXPECT_EQ(out[M * N], -777.0f);
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Linears, ::testing::Values(1, 2));

TEST(Linear, Refusals) {
  std::vector<float> x(8), p(64), out(8);
  std::size_t floats;
  EXPECT_EQ(linear::packed_size(4, 0, &floats), Status::kInvalidArgument);
  EXPECT_EQ(linear::packed_size(std::size_t{1} << 31, 1 << 20, &floats), Status::kSizeOverflow);
  EXPECT_EQ(linear::pack(x.data(), static_cast<WeightLayout>(5), nullptr, 2, 2, p.data()), Status::kInvalidArgument);
  EXPECT_EQ(linear::linear(x.data(), nullptr, out.data(), 2, 2, 2, Activation::kLinear), Status::kNullPointer);
  EXPECT_EQ(linear::linear(x.data(), p.data(), out.data(), 2, 2, 2, static_cast<Activation>(40)),
            Status::kInvalidArgument);
  EXPECT_EQ(linear::linear(nullptr, nullptr, nullptr, 0, 2, 2, Activation::kLinear), Status::kOk);
}

}  // namespace
}  // namespace nnwasm
