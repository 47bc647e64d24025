// copy_rows places each input's rows at its column offset, rows longer than
// a piece included, and refuses offsets past the output row.
#include "concat/concat.h"

#include <gtest/gtest.h>

#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

TEST(Concat, TwoInputsInterleaveRows) {
  for (int threads : {1, 2}) {
    thread::set_num_threads(threads);
    for (std::size_t rows : {1, 3, 6272}) {
      for (std::size_t la : {1, 5, 64, 40000}) {
        if (rows * la > 3000000) continue;
        const std::size_t lb = la + 3, stride = la + lb;
        std::vector<float> a = testing::random_floats(rows * la, 1), b = testing::random_floats(rows * lb, 2);
        std::vector<float> out(rows * stride + 1, -777.0f);
        ASSERT_EQ(concat::copy_rows(a.data(), out.data(), rows, la, stride, 0), Status::kOk);
        ASSERT_EQ(concat::copy_rows(b.data(), out.data(), rows, lb, stride, la), Status::kOk);
        for (std::size_t r = 0; r < rows; ++r) {
          for (std::size_t i = 0; i < la; ++i) ASSERT_EQ(out[r * stride + i], a[r * la + i]);
          for (std::size_t i = 0; i < lb; ++i) ASSERT_EQ(out[r * stride + la + i], b[r * lb + i]);
        }
        EXPECT_EQ(out[rows * stride], -777.0f);
      }
    }
  }
  thread::set_num_threads(1);
}

TEST(Concat, Refusals) {
  std::vector<float> a(8), out(16);
  EXPECT_EQ(concat::copy_rows(a.data(), out.data(), 2, 4, 8, 5), Status::kInvalidArgument);
  EXPECT_EQ(concat::copy_rows(a.data(), out.data(), 2, 4, 8, 9), Status::kInvalidArgument);
  EXPECT_EQ(concat::copy_rows(nullptr, out.data(), 2, 4, 8, 0), Status::kNullPointer);
  EXPECT_EQ(concat::copy_rows(nullptr, nullptr, 0, 4, 8, 0), Status::kOk);
}

}  // namespace
}  // namespace nnwasm
