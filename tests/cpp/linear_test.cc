// The packed GEMM against a double reference at row counts around the tile
// (1, 2, 3 take the GEMV tiles; 4, 5, 67 the 4-row tile and its tails),
// column counts around the panel width,
// both weight layouts, with and without bias, the clamp activations in
// registers and an output pass one. TileEdges walks every K from 1 to 9
// (the GEMV tiles' 2-k pairs and odd tail, any future K unrolling) with
// NaN and infinities in the input and weights, on unaligned guarded buffers.
#include "linear/linear.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
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
            std::vector<float> x = ref::random_floats(M * K, static_cast<std::uint32_t>(M * 131 + K));
            std::vector<float> w = ref::random_floats(N * K, static_cast<std::uint32_t>(N * 7 + K));
            std::vector<float> b = ref::random_floats(N, 9);
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
                ASSERT_TRUE(ref::close(out[m * N + n], float(act(s, a)), 1e-5f, 1e-5f))
                    << "M " << M << " N " << N << " K " << K << " at " << m << "," << n;
              }
            EXPECT_EQ(out[M * N], -777.0f);
          }
        }
      }
    }
  }
}

TEST_P(Linears, TileEdges) {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t M : {4, 5, 6, 7, 8, 9, 11, 12, 13}) {
    for (std::size_t N : {1, 3, 4, 5, 7, 8, 9, 12, 16, 17, 20}) {
      for (std::size_t K = 1; K <= 9; ++K) {
        for (Activation a : {Activation::kLinear, Activation::kRelu, Activation::kRelu6}) {
          std::vector<float> xv = ref::random_floats(M * K, static_cast<std::uint32_t>(M * 977 + K * 31 + N));
          std::vector<float> w = ref::random_floats(N * K, static_cast<std::uint32_t>(N * 13 + K));
          const std::vector<float> b = ref::random_floats(N, static_cast<std::uint32_t>(N + 5));
          for (auto& v : xv) v *= 4.0f;
          // Specials in rows of the whole tiles and of the tail, in the
          // weights of the first and the last panel.
          const std::size_t variant = (M + N + K) % 4;
          if (variant == 1) xv[(M - 1) * K + K / 2] = std::nanf("");
          if (variant == 2) {
            xv[1 * K] = inf;
            w[(N - 1) * K + (K - 1)] = -inf;
          }
          if (variant == 3) {
            w[0] = inf;
            xv[2 * K] = 0.0f;  // inf * 0 makes row 2 column 0 NaN
            xv[3 * K] = -inf;  // -inf * inf: row 3 column 0 -inf
          }
          const ref::Guarded x(xv, 1 + K % 3);
          std::size_t floats = 0;
          ASSERT_EQ(linear::packed_size(K, N, &floats), Status::kOk);
          std::vector<float> packed(floats);
          ASSERT_EQ(linear::pack(w.data(), WeightLayout::kOutIn, b.data(), K, N, packed.data()), Status::kOk);
          ref::Guarded out(M * N, 1 + N % 3);
          ASSERT_EQ(linear::linear(x.data(), packed.data(), out.data(), M, K, N, a), Status::kOk);
          ASSERT_TRUE(out.guards_intact()) << "M " << M << " N " << N << " K " << K;
          for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n) {
              double s = b[n];
              for (std::size_t k = 0; k < K; ++k) s += double(xv[m * K + k]) * w[n * K + k];
              ASSERT_TRUE(ref::close(out[m * N + n], float(ref::activation(s, a)), 1e-5f, 1e-5f))
                  << "M " << M << " N " << N << " K " << K << " act " << int(a) << " at " << m << "," << n << ": got "
                  << out[m * N + n] << " want " << s;
            }
        }
      }
    }
  }
}

// Long K: partial sums that pass 6 and come back must not be clamped on
// the way (guards any K blocking that parks sums in the output).
TEST_P(Linears, LongKBlocks) {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t K : {255, 256, 257, 512, 600}) {
    for (Activation a : {Activation::kLinear, Activation::kRelu, Activation::kRelu6}) {
      const std::size_t M = 9, N = 17;
      std::vector<float> x = ref::random_floats(M * K, static_cast<std::uint32_t>(K));
      std::vector<float> w = ref::random_floats(N * K, static_cast<std::uint32_t>(K + 1));
      const std::vector<float> b = ref::random_floats(N, 6);
      // Row 0: big positive terms in the first block, negative in the last,
      // so its partial sums pass 6 and come back.
      for (std::size_t k = 0; k < K; ++k) {
        x[k] = 1.0f;
        for (std::size_t n = 0; n < N; ++n) w[n * K + k] = k < K / 2 ? 0.5f : -0.375f;  // exact sums
      }
      x[1 * K + K - 1] = std::nanf("");  // NaN in the last block
      x[2 * K + 3] = inf;                // inf in the first block
      x[5 * K + K / 2] = -inf;
      std::size_t floats = 0;
      ASSERT_EQ(linear::packed_size(K, N, &floats), Status::kOk);
      std::vector<float> packed(floats);
      ASSERT_EQ(linear::pack(w.data(), WeightLayout::kOutIn, b.data(), K, N, packed.data()), Status::kOk);
      ref::Guarded out(M * N, 2);
      ASSERT_EQ(linear::linear(x.data(), packed.data(), out.data(), M, K, N, a), Status::kOk);
      ASSERT_TRUE(out.guards_intact());
      for (std::size_t m = 0; m < M; ++m)
        for (std::size_t n = 0; n < N; ++n) {
          double s = b[n];
          for (std::size_t k = 0; k < K; ++k) s += double(x[m * K + k]) * w[n * K + k];
          ASSERT_TRUE(ref::close(out[m * N + n], float(ref::activation(s, a)), 1e-4f, 1e-4f))
              << "K " << K << " act " << int(a) << " at " << m << "," << n << ": got " << out[m * N + n]
              << " want " << s;
        }
    }
  }
}

// A batch of 4M+ input floats (row blocks, both threads' ranges).
TEST_P(Linears, HugeBatchReadsInputInPlace) {
  const std::size_t M = 4097, K = 1025, N = 9;  // M * K > 1 << 22
  const std::vector<float> x = ref::random_floats(M * K, 3), w = ref::random_floats(N * K, 4);
  const std::vector<float> b = ref::random_floats(N, 5);
  std::size_t floats = 0;
  ASSERT_EQ(linear::packed_size(K, N, &floats), Status::kOk);
  std::vector<float> packed(floats);
  ASSERT_EQ(linear::pack(w.data(), WeightLayout::kOutIn, b.data(), K, N, packed.data()), Status::kOk);
  std::vector<float> out(M * N);
  ASSERT_EQ(linear::linear(x.data(), packed.data(), out.data(), M, K, N, Activation::kRelu6), Status::kOk);
  for (std::size_t m = 0; m < M; m += 13)
    for (std::size_t n = 0; n < N; ++n) {
      double s = b[n];
      for (std::size_t k = 0; k < K; ++k) s += double(x[m * K + k]) * w[n * K + k];
      // 1025-term float sums: 1e-4.
      ASSERT_TRUE(ref::close(out[m * N + n], float(ref::activation(s, Activation::kRelu6)), 1e-4f, 1e-4f))
          << "at " << m << "," << n << ": got " << out[m * N + n] << " want " << s;
    }
}

// The matrix-vector kernels (1-3 rows): one row walks panels three at a
// time, two rows two at a time, three rows one; N around those groups and
// the partial last panel, K from 1 past the 256-float blocks, NaN and
// infinities, unaligned guarded buffers; results bit-identical at every
// thread count.
TEST_P(Linears, MatrixVectorPanelGroups) {
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t M : {1, 2, 3, 4}) {
    for (std::size_t N : {1, 5, 8, 9, 16, 17, 23, 24, 25, 33, 40, 41, 47, 49, 1000}) {
      for (std::size_t K : {1, 2, 7, 64, 257}) {
        std::vector<float> xv = ref::random_floats(M * K, static_cast<std::uint32_t>(M * 31 + K * 7 + N));
        std::vector<float> w = ref::random_floats(N * K, static_cast<std::uint32_t>(N * 17 + K));
        const std::vector<float> b = ref::random_floats(N, static_cast<std::uint32_t>(N + 3));
        const std::size_t variant = (M + N + K) % 3;
        if (variant == 1) xv[(M - 1) * K + K / 2] = std::nanf("");  // the last row all NaN
        if (variant == 2) {
          w[(N - 1) * K + (K - 1)] = inf;  // the last column: +-inf, or NaN where its input is 0
          xv[0] = 0.0f;
          if (K > 1) w[(N / 2) * K + 1] = -inf;
        }
        const ref::Guarded x(xv, 1 + (N + K) % 3);
        std::size_t floats = 0;
        ASSERT_EQ(linear::packed_size(K, N, &floats), Status::kOk);
        std::vector<float> packed(floats);
        ASSERT_EQ(linear::pack(w.data(), WeightLayout::kOutIn, b.data(), K, N, packed.data()), Status::kOk);
        for (Activation a : {Activation::kLinear, Activation::kRelu6}) {
          ref::Guarded out(M * N, 1 + N % 3);
          ASSERT_EQ(linear::linear(x.data(), packed.data(), out.data(), M, K, N, a), Status::kOk);
          ASSERT_TRUE(out.guards_intact()) << "M " << M << " N " << N << " K " << K;
          for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n) {
              double s = b[n];
              for (std::size_t k = 0; k < K; ++k) s += double(xv[m * K + k]) * w[n * K + k];
              ASSERT_TRUE(ref::close(out[m * N + n], float(ref::activation(s, a)), 1e-4f, 1e-5f))
                  << "M " << M << " N " << N << " K " << K << " at " << m << "," << n << ": got " << out[m * N + n]
                  << " want " << s;
            }
          const std::vector<float> got = out.values();
          thread::set_num_threads(1);
          ref::Guarded one(M * N, 0);
          ASSERT_EQ(linear::linear(x.data(), packed.data(), one.data(), M, K, N, a), Status::kOk);
          thread::set_num_threads(GetParam());
          for (std::size_t i = 0; i < M * N; ++i)
            ASSERT_TRUE(std::memcmp(&got[i], &one.data()[i], sizeof(float)) == 0) << "M " << M << " N " << N << " at " << i;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Linears, ::testing::Values(1, 2, 4, 8));

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
