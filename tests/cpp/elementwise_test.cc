// Broadcasting binaries against a scalar reference over every inner-stride
// pattern (vector-vector, vector-scalar, scalar-vector), rows longer than a
// piece, per-channel shapes, NaN operands, at 1 and 2 threads.
#include "elementwise/elementwise.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using elementwise::BinaryOp;
using elementwise::Broadcast;

float reference(float a, float b, BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kMaximum: return std::isnan(a) || std::isnan(b) ? NAN : std::fmax(a, b);
    case BinaryOp::kMinimum: return std::isnan(a) || std::isnan(b) ? NAN : std::fmin(a, b);
    default: return a > 0 ? a : a * b;
  }
}

// shape (rank dims) with each operand's per-dim sizes (1 = broadcast).
void check(const std::vector<std::size_t>& shape, const std::vector<std::size_t>& as,
           const std::vector<std::size_t>& bs, BinaryOp op, std::uint32_t seed) {
  Broadcast g;
  g.rank = shape.size();
  std::size_t na = 1, nb = 1, n = 1;
  for (std::size_t d = g.rank; d-- > 0;) {
    g.shape[d] = shape[d];
    g.a_stride[d] = as[d] == 1 ? 0 : na;
    g.b_stride[d] = bs[d] == 1 ? 0 : nb;
    na *= as[d];
    nb *= bs[d];
    n *= shape[d];
  }
  g.a_count = na;
  g.b_count = nb;
  std::vector<float> a = testing::random_floats(na, seed), b = testing::random_floats(nb, seed + 1);
  a[0] = std::nanf("");
  if (nb > 1) b[nb - 1] = std::nanf("");
  std::vector<float> out(n + 1, -777.0f);
  ASSERT_EQ(elementwise::binary(a.data(), b.data(), out.data(), g, op), Status::kOk);
  std::vector<std::size_t> idx(g.rank, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t ao = 0, bo = 0;
    for (std::size_t d = 0; d < g.rank; ++d) {
      ao += idx[d] * g.a_stride[d];
      bo += idx[d] * g.b_stride[d];
    }
    const float want = reference(a[ao], b[bo], op);
    ASSERT_TRUE(testing::close(out[i], want, 1e-6f, 0)) << "op " << int(op) << " i " << i;
    for (std::size_t d = g.rank; d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  EXPECT_EQ(out[n], -777.0f);
}

class Binaries : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

TEST_P(Binaries, EveryOpEveryPattern) {
  for (int o = 0; o < static_cast<int>(BinaryOp::kCount); ++o) {
    const BinaryOp op = static_cast<BinaryOp>(o);
    for (std::size_t L : {1, 3, 4, 7, 8, 9, 17, 20000}) {
      check({L}, {L}, {L}, op, L);
      check({L}, {L}, {1}, op, L);
      check({L}, {1}, {L}, op, L);
      check({3, L}, {3, L}, {1, L}, op, L);
      check({2, 5, L}, {2, 5, L}, {1, 5, 1}, op, L);  // per-channel (N, C, HW) * (C, 1)
      check({2, 3, L}, {1, 3, 1}, {2, 1, L}, op, L);  // both broadcast
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, Binaries, ::testing::Values(1, 2));

TEST(Binary, RefusesStridesPastTheOperand) {
  std::vector<float> a(8), b(8), out(8);
  Broadcast g;
  g.rank = 1;
  g.shape[0] = 8;
  g.a_stride[0] = 1;
  g.b_stride[0] = 1;
  g.a_count = 8;
  g.b_count = 7;
  EXPECT_EQ(elementwise::binary(a.data(), b.data(), out.data(), g, BinaryOp::kAdd), Status::kInvalidArgument);
  g.b_count = 8;
  g.b_stride[0] = 2;
  EXPECT_EQ(elementwise::binary(a.data(), b.data(), out.data(), g, BinaryOp::kAdd), Status::kInvalidArgument);
  g.b_stride[0] = 1;
  EXPECT_EQ(elementwise::binary(a.data(), nullptr, out.data(), g, BinaryOp::kAdd), Status::kNullPointer);
  EXPECT_EQ(elementwise::binary(a.data(), b.data(), out.data(), g, static_cast<BinaryOp>(7)), Status::kInvalidArgument);
  g.rank = 0;
  EXPECT_EQ(elementwise::binary(a.data(), b.data(), out.data(), g, BinaryOp::kAdd), Status::kInvalidArgument);
}

TEST(Affine, ScalesAndShifts) {
  for (std::size_t n : {1, 5, 8, 19, 50000}) {
    std::vector<float> x = testing::random_floats(n, 3), out(n);
    ASSERT_EQ(elementwise::affine(x.data(), out.data(), n, 0.5f, 2.0f), Status::kOk);
    for (std::size_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(out[i], x[i] * 0.5f + 2.0f);
  }
  EXPECT_EQ(elementwise::affine(nullptr, nullptr, 4, 1, 0), Status::kNullPointer);
}

}  // namespace
}  // namespace nnwasm
