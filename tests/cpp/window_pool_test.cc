// Window, adaptive and global-max pooling kernels against the scalar
// references of reference.h (PyTorch's loops), at sizes around the kernels'
// tiles (4 outputs per vector along W in NCHW; 16- and 4-channel blocks in
// NHWC): tile-1, tile, tile+1 and 2*tile+prime, with padding, dilation, strides above the
// kernel, windows of padding only, NaN and Infinity, at 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
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
using ref::to_channels_last;

const float kInf = std::numeric_limits<float>::infinity();

bool same_value(float got, float want) { return std::isnan(want) ? std::isnan(got) : got == want; }

std::size_t out_size(std::size_t in, std::size_t k, std::size_t s, std::size_t p, std::size_t d) {
  return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

using WindowPoolThreads = ThreadCountTest;

void sprinkle_specials(std::vector<float>* x, std::uint32_t seed) {
  for (std::size_t i = 0; i < x->size(); ++i) {
    const std::uint32_t h = (static_cast<std::uint32_t>(i) + seed) * 2654435761u;
    if (h % 97 == 0) (*x)[i] = std::numeric_limits<float>::quiet_NaN();
    else if (h % 89 == 0) (*x)[i] = kInf;
    else if (h % 83 == 0) (*x)[i] = -kInf;
    else if (h % 7 == 0) (*x)[i] = 0.5f;  // ties
  }
}

TEST_P(WindowPoolThreads, WindowPoolingBothLayoutsMatchReference) {
  struct Geo {
    std::size_t k, s, p, d;
  };
  const Geo geos[] = {{1, 1, 0, 1}, {2, 2, 0, 1}, {3, 1, 1, 1}, {3, 2, 1, 1}, {2, 3, 1, 1},
                      {3, 5, 0, 1}, {5, 2, 2, 1}, {3, 1, 1, 2}, {2, 2, 1, 3}};
  // Output widths tile-1, tile, tile+1, 2*tile+prime for the 4-wide NCHW
  // vectors; channels around the 16- and 4-channel NHWC blocks.
  const std::size_t out_widths[] = {3, 4, 5, 11};
  const std::size_t channel_counts[] = {1, 3, 4, 5, 15, 16, 17, 37};
  std::uint32_t seed = 1;
  for (const Geo& gh : geos)
    for (const Geo& gw : geos)
      for (std::size_t ow_target : out_widths) {
        pool::Window2d w;
        w.kernel_h = gh.k, w.stride_h = gh.s, w.pad_top = gh.p, w.dilation_h = gh.d;
        w.kernel_w = gw.k, w.stride_w = gw.s, w.pad_left = gw.p, w.dilation_w = gw.d;
        w.in_h = 7;
        // Smallest width giving ow_target outputs.
        w.in_w = std::max<std::size_t>((ow_target - 1) * gw.s + gw.d * (gw.k - 1) + 1, 2 * gw.p + 1) - 2 * gw.p;
        w.in_w = std::max<std::size_t>(w.in_w, 1);
        w.out_h = out_size(w.in_h, gh.k, gh.s, gh.p, gh.d);
        w.out_w = out_size(w.in_w, gw.k, gw.s, gw.p, gw.d);
        const std::size_t C = channel_counts[seed % 8], N = 2;
        ++seed;
        auto x = random_floats(N * C * w.in_h * w.in_w, seed);
        if (seed % 3 == 0) sprinkle_specials(&x, seed);
        const auto xl = to_channels_last(x, N, C, w.in_h * w.in_w);
        for (int mode = 0; mode < 4; ++mode) {
          pool::Window2d g = w;
          const bool max = mode >= 2;
          if (!max && (gh.d != 1 || gw.d != 1)) continue;  // averages have no dilation
          if (mode == 1) {  // PyTorch's count_include_pad
            g.count_include_pad = true;
            g.pad_bottom = g.pad_top;
            g.pad_right = g.pad_left;
          }
          if (mode == 3) g.divisor_override = 0.0f;
          std::vector<float> want_idx;
          const auto want = ref::window_pool2d(x.data(), N * C, 1, g, max, false, &want_idx);
          std::vector<float> got(want.size(), -7.0f), got_idx(want.size(), -7.0f);
          const Status s = max ? pool::max_pool2d_nchw(x.data(), got.data(), mode == 3 ? got_idx.data() : nullptr,
                                                       N * C, g)
                               : pool::avg_pool2d_nchw(x.data(), got.data(), N * C, g);
          ASSERT_EQ(s, Status::kOk);
          for (std::size_t i = 0; i < want.size(); ++i) {
            ASSERT_TRUE(max ? same_value(got[i], want[i]) : close(got[i], want[i]))
                << "nchw mode " << mode << " k " << gh.k << "x" << gw.k << " s " << gh.s << "x" << gw.s << " p "
                << gh.p << "x" << gw.p << " d " << gh.d << "x" << gw.d << " in " << g.in_h << "x" << g.in_w
                << " i " << i << " got " << got[i] << " want " << want[i];
            if (mode == 3) {
              ASSERT_EQ(got_idx[i], want_idx[i]) << "index i " << i;
            }
          }
          if (mode == 1) continue;  // the NHWC kernels serve Keras: real-cell counts
          std::vector<float> got_l(want.size(), -7.0f);
          const Status sl = max ? pool::max_pool2d_nhwc(xl.data(), got_l.data(), N, C, g)
                                : pool::avg_pool2d_nhwc(xl.data(), got_l.data(), N, C, g);
          ASSERT_EQ(sl, Status::kOk);
          const auto want_l = to_channels_last(want, N, C, g.out_h * g.out_w);
          for (std::size_t i = 0; i < want_l.size(); ++i)
            ASSERT_TRUE(max ? same_value(got_l[i], want_l[i]) : close(got_l[i], want_l[i]))
                << "nhwc mode " << mode << " C " << C << " i " << i << " got " << got_l[i] << " want " << want_l[i];
        }
      }
}

TEST_P(WindowPoolThreads, AdaptivePoolingMatchesReference) {
  for (std::size_t H : {1, 3, 4, 5, 14})
    for (std::size_t W : {1, 3, 4, 5, 11, 14})
      for (std::size_t OH : {1, 2, 3, 7})
        for (std::size_t OW : {1, 3, 4, 5, 7, 11, 16}) {
          const std::size_t planes = 3;
          auto x = random_floats(planes * H * W, static_cast<std::uint32_t>(H * 1000 + W * 100 + OH * 10 + OW));
          if ((H + W + OW) % 3 == 0) sprinkle_specials(&x, static_cast<std::uint32_t>(OW));
          std::vector<float> avg(planes * OH * OW), mx(planes * OH * OW), idx(planes * OH * OW), mx2(mx.size());
          ASSERT_EQ(pool::adaptive_avg_pool2d_nchw(x.data(), avg.data(), planes, H, W, OH, OW), Status::kOk);
          ASSERT_EQ(pool::adaptive_max_pool2d_nchw(x.data(), mx.data(), idx.data(), planes, H, W, OH, OW), Status::kOk);
          ASSERT_EQ(pool::adaptive_max_pool2d_nchw(x.data(), mx2.data(), nullptr, planes, H, W, OH, OW), Status::kOk);
          std::vector<float> want_idx;
          const auto want_avg = ref::adaptive_pool2d_nchw(x.data(), planes, H, W, OH, OW, false, nullptr);
          const auto want_max = ref::adaptive_pool2d_nchw(x.data(), planes, H, W, OH, OW, true, &want_idx);
          for (std::size_t o = 0; o < want_avg.size(); ++o) {
            ASSERT_TRUE(close(avg[o], want_avg[o])) << H << "x" << W << "->" << OH << "x" << OW << " o " << o;
            ASSERT_TRUE(same_value(mx[o], want_max[o])) << H << "x" << W << "->" << OH << "x" << OW << " o " << o;
            ASSERT_TRUE(same_value(mx2[o], want_max[o])) << H << "x" << W << "->" << OH << "x" << OW << " o " << o;
            ASSERT_EQ(idx[o], want_idx[o]) << H << "x" << W << "->" << OH << "x" << OW << " o " << o;
          }
        }
}

TEST_P(WindowPoolThreads, GlobalMaxPoolBothLayoutsWithMasks) {
  for (std::size_t C : {1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 67})
    for (std::size_t L : {1, 3, 4, 7, 8, 9, 17, 19, 64})
      for (bool masked : {false, true}) {
        const std::size_t N = 2;
        auto x = random_floats(N * L * C, static_cast<std::uint32_t>(C * 31 + L));
        if (C % 2) sprinkle_specials(&x, static_cast<std::uint32_t>(C));
        std::vector<float> mask(N * L);
        for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = i % 3 == 1 ? 0.0f : 1.0f;
        const float* m = masked ? mask.data() : nullptr;
        for (bool last : {true, false}) {
          std::vector<float> got(N * C, -7.0f);
          ASSERT_EQ(last ? pool::global_max_pool1d_nlc(x.data(), m, got.data(), N, L, C)
                         : pool::global_max_pool1d_ncl(x.data(), m, got.data(), N, C, L),
                    Status::kOk);
          const auto want = ref::global_max_pool1d(x.data(), m, N, L, C, last);
          for (std::size_t i = 0; i < want.size(); ++i)
            ASSERT_TRUE(same_value(got[i], want[i]))
                << "C " << C << " L " << L << " masked " << masked << " last " << last << " i " << i;
        }
      }
}

// 3x3 windows at stride 2 take a path of their own in both layouts (rows
// pooled along W into a ring, two rows per pass inside the plane, max first
// without NaN checks and redone when a probe sees a NaN): every width around
// the NCHW 8-column groups, channels around the NHWC vectors, both column and
// row paddings, ceil_mode's extra window, odd and even output heights, a
// single NaN or Infinity anywhere.
TEST_P(WindowPoolThreads, ThreeByThreeStrideTwoMatchesReference) {
  std::uint32_t seed = 500;
  const std::size_t channel_counts[] = {4, 5, 8, 3, 13};
  for (std::size_t in_w = 3; in_w <= 41; ++in_w)
    for (std::size_t in_h = 3; in_h <= 8; ++in_h)
      for (std::size_t pad = 0; pad < 4; ++pad)
        for (int ceil_mode = 0; ceil_mode < 2; ++ceil_mode) {
          pool::Window2d w;
          w.in_h = in_h;
          w.in_w = in_w;
          w.kernel_h = w.kernel_w = 3;
          w.stride_h = w.stride_w = 2;
          w.pad_top = pad & 1;
          w.pad_left = pad >> 1;
          const auto out_len = [&](std::size_t in, std::size_t p) {
            std::size_t out = (in + 2 * p - 3 + (ceil_mode ? 1 : 0)) / 2 + 1;
            if (ceil_mode && (out - 1) * 2 >= in + p) --out;  // PyTorch: the last window starts inside
            return out;
          };
          w.out_h = out_len(in_h, w.pad_top);
          w.out_w = out_len(in_w, w.pad_left);
          const std::size_t planes = channel_counts[seed % 5];
          ++seed;
          auto x = random_floats(planes * in_h * in_w, seed);
          const std::size_t special = seed * 2654435761u % x.size();
          if (seed % 3 == 1) x[special] = std::numeric_limits<float>::quiet_NaN();
          if (seed % 3 == 2) x[special] = seed % 2 ? kInf : -kInf;
          if (seed % 5 == 0) {  // both infinities, no NaN: the probe's needless redo
            x[special] = kInf;
            x[(special + in_w + 1) % x.size()] = -kInf;
          }
          for (int mode = 0; mode < 3; ++mode) {
            pool::Window2d g = w;
            const bool max = mode == 2;
            if (mode == 1) {
              g.count_include_pad = true;
              g.pad_bottom = g.pad_top;
              g.pad_right = g.pad_left;
            }
            const auto want = ref::window_pool2d(x.data(), planes, 1, g, max, false, nullptr);
            std::vector<float> got(want.size(), -7.0f);
            const Status s = max ? pool::max_pool2d_nchw(x.data(), got.data(), nullptr, planes, g)
                                 : pool::avg_pool2d_nchw(x.data(), got.data(), planes, g);
            ASSERT_EQ(s, Status::kOk);
            for (std::size_t i = 0; i < want.size(); ++i)
              ASSERT_TRUE(max ? same_value(got[i], want[i]) : close(got[i], want[i]))
                  << "mode " << mode << " in " << in_h << "x" << in_w << " pad " << g.pad_top << "," << g.pad_left
                  << " ceil " << ceil_mode << " i " << i << " got " << got[i] << " want " << want[i];
            if (mode == 1) continue;  // the NHWC kernels serve Keras: real-cell counts
            // The planes as the channels of one NHWC image.
            const auto xl = to_channels_last(x, 1, planes, in_h * in_w);
            std::vector<float> got_l(want.size(), -7.0f);
            const Status sl = max ? pool::max_pool2d_nhwc(xl.data(), got_l.data(), 1, planes, g)
                                  : pool::avg_pool2d_nhwc(xl.data(), got_l.data(), 1, planes, g);
            ASSERT_EQ(sl, Status::kOk);
            const auto want_l = to_channels_last(want, 1, planes, g.out_h * g.out_w);
            for (std::size_t i = 0; i < want_l.size(); ++i)
              ASSERT_TRUE(max ? same_value(got_l[i], want_l[i]) : close(got_l[i], want_l[i]))
                  << "nhwc mode " << mode << " C " << planes << " in " << in_h << "x" << in_w << " pad "
                  << g.pad_top << "," << g.pad_left << " ceil " << ceil_mode << " i " << i << " got " << got_l[i]
                  << " want " << want_l[i];
          }
        }
}

// Large enough that the pool splits the work: identical at 1 and 2 threads.
TEST_P(WindowPoolThreads, LargeInputsAreIdenticalAtEveryThreadCount) {
  pool::Window2d w;
  w.in_h = w.in_w = 57;
  w.kernel_h = w.kernel_w = 3;
  w.stride_h = w.stride_w = 2;
  w.pad_top = w.pad_left = 1;
  w.out_h = w.out_w = 29;
  const std::size_t planes = 64;
  const auto x = random_floats(planes * 57 * 57, 9);
  std::vector<float> a(planes * 29 * 29), b(a.size()), c(a.size()), d(a.size());
  ASSERT_EQ(pool::avg_pool2d_nchw(x.data(), a.data(), planes, w), Status::kOk);
  ASSERT_EQ(pool::avg_pool2d_nhwc(x.data(), c.data(), 1, planes, w), Status::kOk);
  thread::set_num_threads(1);
  ASSERT_EQ(pool::avg_pool2d_nchw(x.data(), b.data(), planes, w), Status::kOk);
  ASSERT_EQ(pool::avg_pool2d_nhwc(x.data(), d.data(), 1, planes, w), Status::kOk);
  EXPECT_EQ(a, b);
  EXPECT_EQ(c, d);
}

// 2x2/2 windows over whole small planes (the tall-image path, which stores
// whole vectors across row ends except at the end of a thread's range):
// right values, identical at 1 and 2 threads with the work split.
TEST_P(WindowPoolThreads, WholePlaneHalvingIsExactAndThreadIndependent) {
  const std::size_t planes = 640, H = 14, W = 14;
  const auto x = random_floats(planes * H * W, 21);
  std::vector<float> avg(planes * 49), mx(planes * 49), avg1(avg.size()), mx1(mx.size());
  pool::Window2d w;
  w.in_h = H;
  w.in_w = W;
  w.out_h = w.out_w = 7;
  w.kernel_h = w.kernel_w = 2;
  w.stride_h = w.stride_w = 2;
  ASSERT_EQ(pool::adaptive_avg_pool2d_nchw(x.data(), avg.data(), planes, H, W, 7, 7), Status::kOk);
  ASSERT_EQ(pool::max_pool2d_nchw(x.data(), mx.data(), nullptr, planes, w), Status::kOk);
  for (std::size_t p = 0; p < planes; ++p)
    for (std::size_t oh = 0; oh < 7; ++oh)
      for (std::size_t ow = 0; ow < 7; ++ow) {
        const float* q = x.data() + p * H * W + 2 * oh * W + 2 * ow;
        const float want_avg = ((q[0] + q[W]) + (q[1] + q[W + 1])) * 0.25f;
        const float want_max = std::max(std::max(q[0], q[W]), std::max(q[1], q[W + 1]));
        const std::size_t o = p * 49 + oh * 7 + ow;
        ASSERT_TRUE(close(avg[o], want_avg)) << "plane " << p << " o " << o;
        ASSERT_EQ(mx[o], want_max) << "plane " << p << " o " << o;
      }
  thread::set_num_threads(1);
  ASSERT_EQ(pool::adaptive_avg_pool2d_nchw(x.data(), avg1.data(), planes, H, W, 7, 7), Status::kOk);
  ASSERT_EQ(pool::max_pool2d_nchw(x.data(), mx1.data(), nullptr, planes, w), Status::kOk);
  EXPECT_EQ(avg, avg1);
  EXPECT_EQ(mx, mx1);
}

INSTANTIATE_TEST_SUITE_P(Threads, WindowPoolThreads, ::testing::Values(1, 2));

TEST(WindowPool, RejectsBadCalls) {
  float buf[16] = {};
  pool::Window2d w;
  w.in_h = w.in_w = 2;
  w.out_h = w.out_w = 1;
  w.kernel_h = w.kernel_w = 2;
  w.stride_h = w.stride_w = 2;
  EXPECT_EQ(pool::avg_pool2d_nchw(nullptr, buf, 1, w), Status::kNullPointer);
  EXPECT_EQ(pool::max_pool2d_nhwc(buf, nullptr, 1, 1, w), Status::kNullPointer);
  pool::Window2d zero_stride = w;
  zero_stride.stride_w = 0;
  EXPECT_EQ(pool::avg_pool2d_nchw(buf, buf + 8, 1, zero_stride), Status::kInvalidArgument);
  EXPECT_EQ(pool::max_pool2d_nhwc(buf, buf + 8, 1, 1, zero_stride), Status::kInvalidArgument);
  pool::Window2d empty_input = w;
  empty_input.in_w = 0;
  EXPECT_EQ(pool::max_pool2d_nchw(buf, buf + 8, nullptr, 1, empty_input), Status::kInvalidArgument);
  pool::Window2d huge = w;
  huge.out_h = huge.out_w = std::size_t{1} << 20;
  EXPECT_EQ(pool::avg_pool2d_nchw(buf, buf + 8, 1, huge), Status::kSizeOverflow);
  EXPECT_EQ(pool::adaptive_avg_pool2d_nchw(buf, buf + 8, 1, 0, 2, 1, 1), Status::kInvalidArgument);
  EXPECT_EQ(pool::global_max_pool1d_nlc(buf, nullptr, nullptr, 1, 1, 1), Status::kNullPointer);
  // Nothing to compute is fine even without buffers.
  pool::Window2d none = w;
  none.out_w = 0;
  EXPECT_EQ(pool::avg_pool2d_nchw(nullptr, nullptr, 1, none), Status::kOk);
}

}  // namespace
}  // namespace nnwasm
