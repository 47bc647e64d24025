// Interpolation against PyTorch's index and weight rules written out per
// output pixel (float arithmetic, as its kernels), both layouts, nearest
// and linear, every coordinate rule, down- and up-sampling, 1-D as H = 1.
#include "resize/resize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using resize::Axis;
using resize::Coord;
using resize::Mode;

struct Ref {
  std::size_t i0, i1;
  float l;
};

Ref ref_axis(std::size_t o, Axis a, Mode m, Coord c) {
  if (m == Mode::kNearest) {
    std::size_t i;
    if (a.out == a.in)
      i = o;
    else if (a.out == 2 * a.in)
      i = o / 2;
    else
      i = std::min(static_cast<std::size_t>(std::floor(float(o) * a.scale)), a.in - 1);
    return {i, i, 0};
  }
  float real = c == Coord::kHalfPixel ? a.scale * (float(o) + 0.5f) - 0.5f : a.scale * float(o);
  if (real < 0) real = 0;
  std::size_t i0 = std::min(static_cast<std::size_t>(std::floor(real)), a.in - 1);
  float l = std::fmin(std::fmax(real - float(i0), 0.0f), 1.0f);
  return {i0, i0 + (i0 < a.in - 1 ? 1 : 0), l};
}

void check(std::size_t N, std::size_t C, Axis h, Axis w, Mode m, Coord c, bool cl) {
  const std::size_t ni = N * C * h.in * w.in, no = N * C * h.out * w.out;
  std::vector<float> x = testing::random_floats(ni, static_cast<std::uint32_t>(ni + h.out));
  std::vector<float> out(no + 1, -777.0f);
  ASSERT_EQ(resize::resize2d(x.data(), out.data(), N, C, h, w, m, c, cl), Status::kOk);
  auto at = [&](std::size_t n, std::size_t ch, std::size_t y, std::size_t xx, std::size_t H, std::size_t W) {
    return cl ? ((n * H + y) * W + xx) * C + ch : ((n * C + ch) * H + y) * W + xx;
  };
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t ch = 0; ch < C; ++ch)
      for (std::size_t oy = 0; oy < h.out; ++oy)
        for (std::size_t ox = 0; ox < w.out; ++ox) {
          const Ref ry = ref_axis(oy, h, m, c), rx = ref_axis(ox, w, m, c);
          auto v = [&](std::size_t y, std::size_t xx) { return x[at(n, ch, y, xx, h.in, w.in)]; };
          const float want = (1 - ry.l) * ((1 - rx.l) * v(ry.i0, rx.i0) + rx.l * v(ry.i0, rx.i1)) +
                             ry.l * ((1 - rx.l) * v(ry.i1, rx.i0) + rx.l * v(ry.i1, rx.i1));
          ASSERT_TRUE(testing::close(out[at(n, ch, oy, ox, h.out, w.out)], want, 1e-5f, 1e-6f))
              << "mode " << int(m) << " coord " << int(c) << " cl " << cl << " at " << oy << "," << ox;
        }
  EXPECT_EQ(out[no], -777.0f);
}

TEST(Resize, MatchesPyTorchRules) {
  for (int threads : {1, 2}) {
    thread::set_num_threads(threads);
    for (bool cl : {false, true}) {
      for (Mode m : {Mode::kNearest, Mode::kLinear}) {
        for (Coord c : {Coord::kAlignCorners, Coord::kHalfPixel, Coord::kAsymmetric}) {
          for (auto [hin, hout] : {std::pair<std::size_t, std::size_t>{1, 1}, {3, 6}, {5, 3}, {4, 9}, {7, 7}}) {
            for (auto [win, wout] : {std::pair<std::size_t, std::size_t>{1, 4}, {6, 12}, {9, 4}, {5, 13}}) {
              auto scale = [&](std::size_t in, std::size_t out) {
                if (m == Mode::kLinear && c == Coord::kAlignCorners)
                  return out > 1 ? float(in - 1) / float(out - 1) : 0.0f;
                return float(in) / float(out);
              };
              check(2, 5, Axis{hin, hout, scale(hin, hout)}, Axis{win, wout, scale(win, wout)}, m, c, cl);
            }
          }
        }
      }
    }
  }
  thread::set_num_threads(1);
}

TEST(Resize, Refusals) {
  std::vector<float> x(16), out(16);
  const Axis a{2, 2, 1.0f}, zero{0, 2, 1.0f};
  EXPECT_EQ(resize::resize2d(x.data(), out.data(), 1, 1, zero, a, Mode::kNearest, Coord::kHalfPixel, false),
            Status::kInvalidArgument);
  EXPECT_EQ(resize::resize2d(x.data(), out.data(), 1, 1, a, a, static_cast<Mode>(3), Coord::kHalfPixel, false),
            Status::kInvalidArgument);
  EXPECT_EQ(resize::resize2d(nullptr, out.data(), 1, 1, a, a, Mode::kNearest, Coord::kHalfPixel, false),
            Status::kNullPointer);
  const Axis nan{2, 2, std::nanf("")};
  EXPECT_EQ(resize::resize2d(x.data(), out.data(), 1, 1, nan, a, Mode::kLinear, Coord::kHalfPixel, false),
            Status::kInvalidArgument);
}

}  // namespace
}  // namespace nnwasm
