// softmax / log_softmax against a double reference over (outer, n, inner)
// views: contiguous rows and strided columns around the 16-column block,
// NaN and infinities, at 1 and 2 threads.
#include "softmax/softmax.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

class Softmaxes : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

TEST_P(Softmaxes, MatchReference) {
  for (std::size_t outer : {1, 3, 70}) {
    for (std::size_t len : {1, 2, 7, 8, 9, 33, 1000}) {
      for (std::size_t inner : {1, 3, 16, 17}) {
        const std::size_t n = outer * len * inner;
        std::vector<float> x = ref::random_floats(n, static_cast<std::uint32_t>(n + len));
        for (auto& v : x) v *= 20.0f;
        if (outer > 1) x[(1 * len + 0) * inner] = std::nanf("");  // slice (1, :, 0) all NaN
        if (outer > 2) x[(2 * len + len - 1) * inner] = std::numeric_limits<float>::infinity();  // slice (2, :, 0)
        for (bool log : {false, true}) {
          std::vector<float> out(n + 1, -777.0f);
          ASSERT_EQ(softmax::softmax(x.data(), out.data(), outer, len, inner, log), Status::kOk);
          for (std::size_t o = 0; o < outer; ++o)
            for (std::size_t j = 0; j < inner; ++j) {
              double m = -INFINITY, s = 0;
              bool nan = false;
              for (std::size_t k = 0; k < len; ++k) {
                const float v = x[(o * len + k) * inner + j];
                nan |= std::isnan(v);
                m = std::fmax(m, v);
              }
              for (std::size_t k = 0; k < len; ++k) s += std::exp(x[(o * len + k) * inner + j] - m);
              for (std::size_t k = 0; k < len; ++k) {
                const std::size_t i = (o * len + k) * inner + j;
                const double d = x[i] - m;
                double want = log ? d - std::log(s) : std::exp(d) / s;
                if (nan || std::isnan(d)) want = NAN;
                ASSERT_TRUE(ref::close(out[i], float(want), 1e-5f, 1e-6f))
                    << "outer " << outer << " len " << len << " inner " << inner << " log " << log << " i " << i
                    << " got " << out[i] << " want " << want;
              }
            }
          EXPECT_EQ(out[n], -777.0f);
        }
      }
    }
  }
}

// Masked entries (-Inf) get probability 0 and log-probability -Inf; a row
// that is all -Inf, or has +Inf, or a NaN anywhere is NaN, as in PyTorch.
// Rows of 11 (two vectors and a partial one) and columns of 6 (a partial vector).
TEST_P(Softmaxes, SpecialValuesInRowsAndColumns) {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t inner : {1, 6}) {
    const std::size_t len = 11;
    for (int kind = 0; kind < 4; ++kind) {
      std::vector<float> x(len * inner);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>(i % 7);
      const std::size_t j = inner - 1;  // the column under test (the partial vector's last lane)
      if (kind == 0) x[3 * inner + j] = x[10 * inner + j] = -inf;
      if (kind == 1)
        for (std::size_t k = 0; k < len; ++k) x[k * inner + j] = -inf;
      if (kind == 2) x[5 * inner + j] = inf;
      if (kind == 3) x[9 * inner + j] = std::nanf("");
      for (bool log : {false, true}) {
        std::vector<float> out(x.size());
        ASSERT_EQ(softmax::softmax(x.data(), out.data(), 1, len, inner, log), Status::kOk);
        double sum = 0;
        for (std::size_t k = 0; k < len; ++k) {
          const float y = out[k * inner + j];
          if (kind == 0) {
            const bool masked = k == 3 || k == 10;
            if (masked) {
              EXPECT_EQ(y, log ? -inf : 0.0f) << "inner " << inner << " k " << k;
            } else {
              EXPECT_TRUE(std::isfinite(y)) << "inner " << inner << " k " << k;
            }
            sum += log ? std::exp(double(y)) : y;
          } else {
            EXPECT_TRUE(std::isnan(y)) << "kind " << kind << " inner " << inner << " log " << log << " k " << k;
          }
        }
        if (kind == 0) {
          EXPECT_NEAR(sum, 1.0, 1e-6) << "inner " << inner << " log " << log;
        }
        // The other columns are untouched by column j's specials.
        for (std::size_t c = 0; c + 1 < inner; ++c) EXPECT_TRUE(std::isfinite(out[c])) << "column " << c;
      }
    }
  }
}

// Large logits: exp(x - max) never overflows, and the smallest
// probabilities are denormals, not flushed to zero.
TEST(Softmax, LargeAndFarApartLogits) {
  const std::vector<float> x = {1e30f, 1e30f, 1e30f - 1e24f, 0.0f, 80.0f, -3e38f, 100.0f};
  const std::vector<float> y = {0.0f, 88.0f, 188.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};  // row of 8
  std::vector<float> out(x.size());
  ASSERT_EQ(softmax::softmax(x.data(), out.data(), 1, x.size(), 1, false), Status::kOk);
  EXPECT_FLOAT_EQ(out[0], 0.5f);
  EXPECT_FLOAT_EQ(out[1], 0.5f);
  for (std::size_t i = 2; i < x.size(); ++i) EXPECT_EQ(out[i], 0.0f) << i;
  std::vector<float> out2(y.size());
  ASSERT_EQ(softmax::softmax(y.data(), out2.data(), 1, y.size(), 1, false), Status::kOk);
  EXPECT_FLOAT_EQ(out2[2], 1.0f);
  EXPECT_FLOAT_EQ(out2[1], static_cast<float>(std::exp(-100.0)));  // 3.7e-44, a denormal
  EXPECT_EQ(out2[0], 0.0f);  // e^-188 is below every float
  ASSERT_EQ(softmax::softmax(y.data(), out2.data(), 1, y.size(), 1, true), Status::kOk);
  EXPECT_FLOAT_EQ(out2[0], -188.0f);
  EXPECT_FLOAT_EQ(out2[1], -100.0f);
  EXPECT_EQ(out2[2], 0.0f);
}

INSTANTIATE_TEST_SUITE_P(Threads, Softmaxes, ::testing::Values(1, 2));

TEST(Softmax, Refusals) {
  std::vector<float> x(4);
  EXPECT_EQ(softmax::softmax(nullptr, x.data(), 1, 4, 1, false), Status::kNullPointer);
  EXPECT_EQ(softmax::softmax(nullptr, nullptr, 0, 4, 1, false), Status::kOk);
  EXPECT_EQ(softmax::softmax(x.data(), x.data(), std::size_t{1} << 20, 1 << 20, 1, false), Status::kSizeOverflow);
}

}  // namespace
}  // namespace nnwasm
