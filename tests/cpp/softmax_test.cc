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
        std::vector<float> x = testing::random_floats(n, static_cast<std::uint32_t>(n + len));
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
                ASSERT_TRUE(testing::close(out[i], float(want), 1e-5f, 1e-6f))
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

INSTANTIATE_TEST_SUITE_P(Threads, Softmaxes, ::testing::Values(1, 2));

TEST(Softmax, Refusals) {
  std::vector<float> x(4);
  EXPECT_EQ(softmax::softmax(nullptr, x.data(), 1, 4, 1, false), Status::kNullPointer);
  EXPECT_EQ(softmax::softmax(nullptr, nullptr, 0, 4, 1, false), Status::kOk);
  EXPECT_EQ(softmax::softmax(x.data(), x.data(), std::size_t{1} << 20, 1 << 20, 1, false), Status::kSizeOverflow);
}

}  // namespace
}  // namespace nnwasm
