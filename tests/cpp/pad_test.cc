// Padding in every mode against a per-index reference, negative pads
// (crops), pads as large as each mode allows, and the refusals past that.
#include "pad/pad.h"

#include <gtest/gtest.h>

#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using pad::Mode;
using pad::PadShape;

std::ptrdiff_t map(std::ptrdiff_t o, std::ptrdiff_t b, std::ptrdiff_t n, Mode m) {
  std::ptrdiff_t i = o - b;
  if (i >= 0 && i < n) return i;
  if (m == Mode::kConstant) return -1;
  if (m == Mode::kReflect) return i < 0 ? -i : 2 * (n - 1) - i;
  if (m == Mode::kReplicate) return i < 0 ? 0 : n - 1;
  return i < 0 ? i + n : i - n;
}

void check(const std::vector<std::size_t>& in, const std::vector<std::ptrdiff_t>& before,
           const std::vector<std::ptrdiff_t>& after, Mode mode) {
  PadShape s;
  s.rank = in.size();
  std::size_t ni = 1, no = 1;
  for (std::size_t d = 0; d < s.rank; ++d) {
    s.in[d] = in[d];
    s.out[d] = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(in[d]) + before[d] + after[d]);
    s.before[d] = before[d];
    ni *= s.in[d];
    no *= s.out[d];
  }
  std::vector<float> x = testing::random_floats(ni, static_cast<std::uint32_t>(ni));
  std::vector<float> out(no + 1, -777.0f);
  ASSERT_EQ(pad::pad(x.data(), out.data(), s, mode, 2.5f), Status::kOk);
  std::vector<std::size_t> idx(s.rank, 0);
  for (std::size_t k = 0; k < no; ++k) {
    std::size_t src = 0;
    bool fill = false;
    for (std::size_t d = 0; d < s.rank; ++d) {
      const std::ptrdiff_t i =
          map(static_cast<std::ptrdiff_t>(idx[d]), before[d], static_cast<std::ptrdiff_t>(in[d]), mode);
      fill |= i < 0;
      src = src * in[d] + (i < 0 ? 0 : static_cast<std::size_t>(i));
    }
    ASSERT_EQ(out[k], fill ? 2.5f : x[src]) << "mode " << int(mode) << " k " << k;
    for (std::size_t d = s.rank; d-- > 0;) {
      if (++idx[d] < s.out[d]) break;
      idx[d] = 0;
    }
  }
  EXPECT_EQ(out[no], -777.0f);
}

TEST(Pad, EveryModeMatchesReference) {
  for (int threads : {1, 2}) {
    thread::set_num_threads(threads);
    for (Mode m : {Mode::kConstant, Mode::kReflect, Mode::kReplicate, Mode::kCircular}) {
      check({5}, {2}, {3}, m);
      check({3, 4}, {1, 3}, {2, 0}, m);
      check({2, 3, 5}, {0, 2, 4}, {0, 2, 4}, m);  // reflect's limit: pad = size - 1
      check({2, 3, 4, 6}, {0, 1, -1, 2}, {0, -1, 3, -2}, m);
      check({1, 700, 33}, {0, 1, 1}, {0, 1, 1}, m);
    }
    check({4, 3}, {0, 3}, {0, 3}, Mode::kCircular);  // circular's limit: pad = size
    check({3, 5}, {4, 7}, {-2, 9}, Mode::kConstant);
    check({3, 5}, {0, -5}, {0, 1}, Mode::kConstant);  // the whole row cropped, then one fill
  }
  thread::set_num_threads(1);
}

TEST(Pad, RefusesPadsTheModeCannotMap) {
  std::vector<float> x(16), out(64);
  PadShape s;
  s.rank = 1;
  s.in[0] = 3;
  s.out[0] = 9;
  s.before[0] = 3;
  EXPECT_EQ(pad::pad(x.data(), out.data(), s, Mode::kReflect, 0), Status::kInvalidArgument);  // pad 3 >= size 3
  EXPECT_EQ(pad::pad(x.data(), out.data(), s, Mode::kCircular, 0), Status::kOk);              // pad 3 <= size 3
  s.out[0] = 10;
  s.before[0] = 4;
  EXPECT_EQ(pad::pad(x.data(), out.data(), s, Mode::kCircular, 0), Status::kInvalidArgument);
  EXPECT_EQ(pad::pad(x.data(), out.data(), s, Mode::kReplicate, 0), Status::kOk);
  EXPECT_EQ(pad::pad(x.data(), out.data(), s, static_cast<Mode>(7), 0), Status::kInvalidArgument);
  EXPECT_EQ(pad::pad(nullptr, out.data(), s, Mode::kConstant, 0), Status::kNullPointer);
  s.rank = 0;
  EXPECT_EQ(pad::pad(x.data(), out.data(), s, Mode::kConstant, 0), Status::kInvalidArgument);
}

}  // namespace
}  // namespace nnwasm
