// Every pooling and convolution entry point with its buffers at odd offsets
// (1 to 3 floats past a 16-byte boundary) and a NaN guard in the 16 bytes
// before and after each (ref::Guarded), as XNNPACK's input_offset and
// extra-bytes tests do: a read before an input, or a read past its end that
// reaches a result, turns that result into NaN; a write outside an output
// (or into an input) changes a guard. Outputs start as NaN, so an output the
// kernel skips fails too. Sizes at tile-1, tile, tile+1 and 2*tile+prime of
// the kernels' vectors and tiles, at 1 and 2 threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "conv/conv.h"
#include "pool/pool.h"
#include "reference.h"
#include "thread_count_fixture.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using conv::Activation;
using conv::ConvShape;
using conv::WeightLayout;
using ref::Guarded;

// Offsets (in floats) of the input, the output and any other buffer
// (indices, mask, weights, bias), varied so each buffer sees each offset.
struct Placement {
  std::size_t in, out, other;
};
constexpr Placement kPlacements[] = {{1, 3, 2}, {2, 1, 3}, {3, 2, 1}};

// tile-1, tile, tile+1 and 2*tile+prime for each tile, sorted, no repeats.
std::vector<std::size_t> boundaries(std::initializer_list<std::size_t> tiles) {
  std::vector<std::size_t> sizes;
  for (std::size_t t : tiles)
    for (std::size_t n : {t - 1, t, t + 1, 2 * t + 3}) sizes.push_back(n);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

enum class Match { kExact, kClose, kConv };

bool matches(float got, float want, Match m) {
  switch (m) {
    case Match::kExact: return std::isnan(want) ? std::isnan(got) : got == want;
    case Match::kClose: return ref::close(got, want);
    default: return ref::close(got, want, 1e-4f, 1e-5f);
  }
}

// The output equals the reference and no guard of any buffer changed; the
// inputs hold what they held before the call.
void expect_result(const Guarded& out, const std::vector<float>& want, Match m,
                   std::initializer_list<const Guarded*> inputs,
                   std::initializer_list<const std::vector<float>*> input_values, const std::string& what) {
  ASSERT_EQ(out.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_TRUE(matches(out[i], want[i], m)) << what << ": index " << i << " of " << want.size() << " got "
                                             << out[i] << " want " << want[i];
  ASSERT_TRUE(out.guards_intact()) << what << ": wrote outside its output";
  auto value = input_values.begin();
  for (const Guarded* in : inputs) {
    ASSERT_TRUE(in->guards_intact()) << what << ": wrote next to an input";
    if (value != input_values.end()) {
      EXPECT_TRUE(in->values() == **value) << what << ": changed an input";
      ++value;
    }
  }
}

using GuardedThreads = ThreadCountTest;

std::string describe(const char* kernel, const Placement& p, std::initializer_list<std::size_t> sizes) {
  std::ostringstream os;
  os << kernel << " offsets " << p.in << "/" << p.out << "/" << p.other << " sizes";
  for (std::size_t n : sizes) os << " " << n;
  return os.str();
}

TEST_P(GuardedThreads, AdaptiveAvgPool1d) {
  std::uint32_t seed = 1;
  for (std::size_t L : boundaries({4, 8}))
    for (std::size_t O : {std::size_t{1}, std::size_t{3}, L, L + 1})
      for (const Placement& p : kPlacements) {
        const std::size_t rows = 3;
        const auto x = ref::random_floats(rows * L, seed++);
        Guarded in(x, p.in), out(rows * O, p.out);
        ASSERT_EQ(pool::adaptive_avg_pool1d_ncl(in.data(), out.data(), rows, L, O), Status::kOk);
        expect_result(out, ref::adaptive_avg_pool1d_ncl(x.data(), rows, L, O), Match::kClose, {&in}, {&x},
                      describe("adaptive_avg_pool1d_ncl", p, {rows, L, O}));
      }
}

TEST_P(GuardedThreads, AdaptivePool2d) {
  std::uint32_t seed = 100;
  for (std::size_t H : {std::size_t{2}, std::size_t{5}})
    for (std::size_t W : boundaries({4, 8}))
      for (std::size_t OH : {std::size_t{1}, std::size_t{2}})
        for (std::size_t OW : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5}, W})
          for (const Placement& p : kPlacements) {
            const std::size_t planes = 3, n_out = planes * OH * OW;
            const auto x = ref::random_floats(planes * H * W, seed++);
            Guarded in(x, p.in), avg(n_out, p.out), mx(n_out, p.out), idx(n_out, p.other);
            ASSERT_EQ(pool::adaptive_avg_pool2d_nchw(in.data(), avg.data(), planes, H, W, OH, OW), Status::kOk);
            ASSERT_EQ(pool::adaptive_max_pool2d_nchw(in.data(), mx.data(), idx.data(), planes, H, W, OH, OW),
                      Status::kOk);
            std::vector<float> want_idx;
            const std::string what = describe("adaptive_pool2d_nchw", p, {planes, H, W, OH, OW});
            expect_result(avg, ref::adaptive_pool2d_nchw(x.data(), planes, H, W, OH, OW, false, nullptr),
                          Match::kClose, {&in}, {&x}, "avg " + what);
            expect_result(mx, ref::adaptive_pool2d_nchw(x.data(), planes, H, W, OH, OW, true, &want_idx),
                          Match::kExact, {&in}, {&x}, "max " + what);
            expect_result(idx, want_idx, Match::kExact, {}, {}, "indices " + what);
          }
}

TEST_P(GuardedThreads, GlobalPool1dBothLayouts) {
  std::uint32_t seed = 200;
  // Channels around the vector (4) and the accumulator group (16); steps
  // around the rows per pass (8).
  for (std::size_t C : boundaries({4, 16}))
    for (std::size_t L : boundaries({8}))
      for (bool masked : {false, true})
        for (const Placement& p : kPlacements) {
          const std::size_t N = 2;
          const auto x = ref::random_floats(N * L * C, seed++);
          std::vector<float> m(N * L);
          for (std::size_t i = 0; i < m.size(); ++i) m[i] = i % 3 == 1 ? 0.0f : 1.0f;
          Guarded in(x, p.in), mask(m, p.other);
          const float* mp = masked ? mask.data() : nullptr;
          for (bool last : {false, true})
            for (bool max : {false, true}) {
              Guarded out(N * C, p.out);
              const Status s = max ? (last ? pool::global_max_pool1d_nlc(in.data(), mp, out.data(), N, L, C)
                                           : pool::global_max_pool1d_ncl(in.data(), mp, out.data(), N, C, L))
                                   : (last ? pool::global_avg_pool1d_nlc(in.data(), mp, out.data(), N, L, C)
                                           : pool::global_avg_pool1d_ncl(in.data(), mp, out.data(), N, C, L));
              ASSERT_EQ(s, Status::kOk);
              const auto want = max ? ref::global_max_pool1d(x.data(), mp, N, L, C, last)
                                    : ref::global_avg_pool1d(x.data(), mp, N, L, C, last);
              expect_result(out, want, max ? Match::kExact : Match::kClose, {&in, &mask}, {&x, &m},
                            describe(max ? (last ? "global_max_pool1d_nlc" : "global_max_pool1d_ncl")
                                         : (last ? "global_avg_pool1d_nlc" : "global_avg_pool1d_ncl"),
                                     p, {N, L, C, masked}));
            }
        }
}

TEST_P(GuardedThreads, WindowPool2dBothLayouts) {
  struct Geo {
    std::size_t k, s, p, d;
  };
  // 3x3/2 takes its own ring path in both layouts; dilation is max only.
  const Geo geos[] = {{2, 2, 0, 1}, {3, 1, 1, 1}, {3, 2, 1, 1}, {3, 2, 0, 1}, {2, 1, 0, 2}};
  // Output widths around the NCHW 4-wide vectors and the 3x3/2 8-column
  // groups; channels around the NHWC 4- and 16-channel blocks.
  const std::vector<std::size_t> widths = boundaries({4, 8}), channel_counts = boundaries({4, 16});
  std::uint32_t seed = 300;
  for (const Geo& g : geos)
    for (std::size_t out_w : widths)
      for (const Placement& p : kPlacements) {
        pool::Window2d w;
        w.kernel_h = w.kernel_w = g.k;
        w.stride_h = w.stride_w = g.s;
        w.pad_top = w.pad_left = g.p;
        w.dilation_h = w.dilation_w = g.d;
        const std::size_t span = g.d * (g.k - 1) + 1;
        w.in_h = 5;
        w.in_w = (out_w - 1) * g.s + span - 2 * g.p;  // exactly out_w windows
        w.out_h = (w.in_h + 2 * g.p - span) / g.s + 1;
        w.out_w = out_w;
        const std::size_t planes = 3, N = 2, C = channel_counts[seed % channel_counts.size()];
        ++seed;
        for (int mode = 0; mode < 3; ++mode) {  // avg, avg counting padding, max
          const bool max = mode == 2;
          if (!max && g.d != 1) continue;
          pool::Window2d m = w;
          if (mode == 1) {
            m.count_include_pad = true;
            m.pad_bottom = m.pad_right = g.p;
          }
          const std::string what =
              describe(max ? "max_pool2d" : "avg_pool2d", p, {g.k, g.s, g.p, g.d, w.in_w, C, std::size_t(mode)});
          {  // NCHW: planes of in_h x in_w, indices for max.
            const auto x = ref::random_floats(planes * w.in_h * w.in_w, seed);
            const std::size_t n_out = planes * w.out_h * w.out_w;
            Guarded in(x, p.in), out(n_out, p.out), idx(n_out, p.other);
            ASSERT_EQ(max ? pool::max_pool2d_nchw(in.data(), out.data(), idx.data(), planes, m)
                          : pool::avg_pool2d_nchw(in.data(), out.data(), planes, m),
                      Status::kOk);
            std::vector<float> want_idx;
            expect_result(out, ref::window_pool2d(x.data(), planes, 1, m, max, false, max ? &want_idx : nullptr),
                          max ? Match::kExact : Match::kClose, {&in}, {&x}, "nchw " + what);
            if (max) expect_result(idx, want_idx, Match::kExact, {}, {}, "nchw indices " + what);
          }
          if (mode == 1) continue;  // the NHWC kernels serve Keras: real-cell counts
          const auto x = ref::random_floats(N * w.in_h * w.in_w * C, seed + 1);
          Guarded in(x, p.in), out(N * w.out_h * w.out_w * C, p.out);
          ASSERT_EQ(max ? pool::max_pool2d_nhwc(in.data(), out.data(), N, C, m)
                        : pool::avg_pool2d_nhwc(in.data(), out.data(), N, C, m),
                    Status::kOk);
          expect_result(out, ref::window_pool2d(x.data(), N, C, m, max, true, nullptr),
                        max ? Match::kExact : Match::kClose, {&in}, {&x}, "nhwc " + what);
        }
      }
}

ConvShape conv_shape(std::size_t cin, std::size_t h, std::size_t w, std::size_t cout, std::size_t k,
                     std::size_t stride, std::size_t dil, std::size_t pad, std::size_t groups) {
  ConvShape s;
  s.batch = 2, s.in_channels = cin, s.in_h = h, s.in_w = w, s.out_channels = cout, s.groups = groups;
  s.kernel_h = h == 1 ? 1 : k, s.kernel_w = k;
  s.stride_h = s.stride_w = stride, s.dilation_h = s.dilation_w = dil;
  s.pad_top = h == 1 ? 0 : pad, s.pad_left = pad;
  s.out_h = (h + 2 * s.pad_top - dil * (s.kernel_h - 1) - 1) / stride + 1;
  s.out_w = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  return s;
}

// pack_weights into a guarded buffer, then conv_nhwc / conv_nchw reading it
// and the input from guarded buffers; depthwise reads the weights as given.
void expect_conv_guarded(const ConvShape& s, bool nhwc, bool depthwise, WeightLayout layout, const Placement& p,
                         std::uint32_t seed) {
  const std::size_t cin_g = s.in_channels / s.groups;
  const auto x = ref::random_floats(s.batch * s.in_channels * s.in_h * s.in_w, seed);
  const auto w = ref::random_floats(s.out_channels * cin_g * s.kernel_h * s.kernel_w, seed + 1);
  const auto b = ref::random_floats(s.out_channels, seed + 2);
  Guarded in(x, p.in), weights(w, p.other), bias(b, p.out), out(s.batch * s.out_channels * s.out_h * s.out_w, p.out);
  const std::string what = describe(depthwise ? (nhwc ? "dwconv_nhwc" : "dwconv_nchw") : (nhwc ? "conv_nhwc" : "conv_nchw"),
                                    p, {s.in_channels, s.in_h, s.in_w, s.out_channels, s.kernel_w, s.stride_w,
                                        s.dilation_w, s.pad_left, s.groups});
  const Activation act = Activation::kLinear;
  const auto want = ref::conv2d(x.data(), w.data(), layout, b.data(), s, act, nhwc);
  if (depthwise) {
    ASSERT_EQ(nhwc ? conv::dwconv_nhwc(in.data(), weights.data(), layout, bias.data(), out.data(), s, act)
                   : conv::dwconv_nchw(in.data(), weights.data(), layout, bias.data(), out.data(), s, act),
              Status::kOk)
        << what;
    expect_result(out, want, Match::kConv, {&in, &weights, &bias}, {&x, &w, &b}, what);
    return;
  }
  const conv::PackFor target = nhwc ? conv::PackFor::kNhwc : conv::PackFor::kNchw;
  std::size_t floats = 0;
  ASSERT_EQ(conv::packed_weights_size(s, target, &floats), Status::kOk) << what;
  Guarded packed(floats, p.in);
  ASSERT_EQ(conv::pack_weights(weights.data(), layout, bias.data(), s, target, packed.data()), Status::kOk) << what;
  ASSERT_TRUE(packed.guards_intact()) << what << ": pack_weights wrote outside its output";
  for (std::size_t i = 0; i < floats; ++i) ASSERT_FALSE(std::isnan(packed[i])) << what << ": packed float " << i << " unwritten";
  const auto packed_values = packed.values();
  ASSERT_EQ(nhwc ? conv::conv_nhwc(in.data(), packed.data(), out.data(), s, act)
                 : conv::conv_nchw(in.data(), packed.data(), out.data(), s, act),
            Status::kOk)
      << what;
  expect_result(out, want, Match::kConv, {&in, &packed, &weights, &bias}, {&x, &packed_values, &w, &b}, what);
}

// Output pixels and channels at every tile boundary of both GEMM kernels,
// 1D (kernel 3, pad 1) at 3 input channels, both weight layouts.
TEST_P(GuardedThreads, ConvAtTileBoundaries) {
  const std::vector<std::size_t> tiles =
      boundaries({conv::kNhwcMr, conv::kNhwcNr, conv::kNchwMr, conv::kNchwNr});
  std::uint32_t seed = 400;
  for (bool nhwc : {true, false})
    for (std::size_t pixels : tiles)
      for (std::size_t cout : tiles) {
        const Placement& p = kPlacements[seed % 3];
        const WeightLayout layout = seed % 2 ? WeightLayout::kHwio : WeightLayout::kOihw;
        expect_conv_guarded(conv_shape(3, 1, pixels, cout, 3, 1, 1, 1, 1), nhwc, false, layout, p, seed);
        seed += 3;
      }
}

// 2D with strides, dilation, padding and groups, every placement.
TEST_P(GuardedThreads, ConvWithGroupsStridesDilation) {
  std::uint32_t seed = 700;
  for (bool nhwc : {true, false})
    for (const Placement& p : kPlacements) {
      expect_conv_guarded(conv_shape(6, 6, 9, 10, 3, 2, 1, 1, 2), nhwc, false, WeightLayout::kOihw, p, seed);
      expect_conv_guarded(conv_shape(5, 7, 11, 9, 3, 1, 2, 2, 1), nhwc, false, WeightLayout::kHwio, p, seed + 3);
      expect_conv_guarded(conv_shape(4, 4, 5, 4, 1, 1, 1, 0, 1), nhwc, false, WeightLayout::kOihw, p, seed + 6);
      seed += 9;
    }
}

// Depthwise: channels and widths around the 4-wide vectors and the 8-, 16-
// channel blocks; 3x3 stride 1 takes the register-resident path.
TEST_P(GuardedThreads, DepthwiseBothLayouts) {
  std::uint32_t seed = 800;
  for (std::size_t c : boundaries({4, 16}))
    for (std::size_t w : boundaries({4, 8}))
      for (std::size_t stride : {std::size_t{1}, std::size_t{2}}) {
        const Placement& p = kPlacements[seed % 3];
        const ConvShape s = conv_shape(c, 5, w, c, 3, stride, 1, 1, c);
        expect_conv_guarded(s, false, true, seed % 2 ? WeightLayout::kHwio : WeightLayout::kOihw, p, seed);
        expect_conv_guarded(s, true, true, WeightLayout::kHwio, p, seed + 3);
        seed += 6;
      }
}

TEST_P(GuardedThreads, ActivateAndSoftmaxInPlace) {
  std::uint32_t seed = 900;
  for (std::size_t n : boundaries({4, 8}))
    for (const Placement& p : kPlacements) {
      const auto x = ref::random_floats(3 * n, seed++);
      for (int a = 0; a < static_cast<int>(Activation::kCount); ++a) {
        Guarded buf(x, p.in);
        ASSERT_EQ(conv::activate(buf.data(), buf.size(), static_cast<Activation>(a)), Status::kOk);
        std::vector<float> want(x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
          want[i] = static_cast<float>(ref::activation(x[i], static_cast<Activation>(a)));
        expect_result(buf, want, Match::kConv, {}, {}, describe("activate", p, {n, std::size_t(a)}));
      }
      Guarded buf(x, p.out);
      ASSERT_EQ(conv::softmax_rows(buf.data(), 3, n), Status::kOk);
      expect_result(buf, ref::softmax_rows(x.data(), 3, n), Match::kClose, {}, {}, describe("softmax_rows", p, {n}));
    }
}

INSTANTIATE_TEST_SUITE_P(Threads, GuardedThreads, ::testing::Values(1, 2));

// The guards themselves: a write one float past the end or before the start
// is seen, as is an output left unwritten.
TEST(Guarded, SeesWritesOutsideAndUnwrittenOutputs) {
  for (std::size_t offset : {1, 2, 3}) {
    Guarded g(5, offset);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(g.data()) % 16, offset * sizeof(float));
    EXPECT_TRUE(g.guards_intact());
    EXPECT_TRUE(std::isnan(g[0]) && std::isnan(g[4]));
    g.data()[5] = 1.0f;
    EXPECT_FALSE(g.guards_intact());
    Guarded h(std::vector<float>{1, 2, 3}, offset);
    EXPECT_EQ(h.values(), (std::vector<float>{1, 2, 3}));
    h.data()[-1] = 0.0f;
    EXPECT_FALSE(h.guards_intact());
  }
}

}  // namespace
}  // namespace nnwasm
