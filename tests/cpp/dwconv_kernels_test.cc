// The depthwise micro-kernels (conv/dwconv_nhwc.cc, conv/dwconv_nchw.cc)
// against a direct double reference, around every tile: channels at
// tile-1, tile, tile+1 and 2*tile+3 of the NHWC weight tile (8) and of its
// work block; widths 1..2*8+3 around the NCHW row kernels' 8
// pixels; stride 1 and 2, dilation 1 and 2, padding 0, 1, Keras's
// asymmetric 'same' and windows made only of padding; NaN and Infinity in
// the input; every buffer 1-3 floats past a 16-byte boundary with NaN guards
// on both sides (a read outside a buffer that reaches a result makes it
// NaN; a write outside one changes a guard); at 1, 2, 4 and 8 threads (the
// pool clamps to what it can run), and bit-identical results at 1 and 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "conv/conv.h"
#include "conv/dwconv.h"
#include "reference.h"
#include "thread/pool.h"

namespace nnwasm {
namespace {

using conv::Activation;
using conv::ConvShape;
using conv::WeightLayout;
using ref::close;
using ref::random_floats;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();


enum class Pad { kNone, kOne, kSame, kOnlyPadding };

// One spatial axis: the output size and the padding before, or false when
// the window does not fit.
bool axis(std::size_t in, std::size_t k, std::size_t stride, std::size_t dil, Pad pad, std::size_t* out,
          std::size_t* before) {
  const std::size_t span = dil * (k - 1) + 1;
  std::size_t lo = 0, hi = 0;
  switch (pad) {
    case Pad::kNone: break;
    case Pad::kOne: lo = hi = k > 1 ? 1 : 0; break;
    case Pad::kSame: {  // Keras: out = ceil(in / stride), the odd padding after
      const std::size_t o = (in + stride - 1) / stride;
      const std::size_t need = (o - 1) * stride + span;
      const std::size_t total = need > in ? need - in : 0;
      lo = total / 2, hi = total - lo;
      break;
    }
    case Pad::kOnlyPadding: lo = hi = span; break;  // the first and last windows see no input
  }
  if (in + lo + hi < span) return false;
  *out = (in + lo + hi - span) / stride + 1;
  *before = lo;
  return true;
}

double activate_ref(double x, Activation a) {
  if (std::isnan(x)) return x;
  switch (a) {
    case Activation::kRelu: return x > 0 ? x : 0;
    case Activation::kRelu6: return x < 0 ? 0 : (x > 6 ? 6 : x);
    case Activation::kSigmoid: return 1 / (1 + std::exp(-x));
    default: return x;
  }
}

// Direct depthwise convolution in double; padding taps are skipped (they
// add nothing), NaN and Infinity propagate as IEEE arithmetic makes them.
std::vector<float> reference(const std::vector<float>& x, const std::vector<float>& w, WeightLayout wl,
                             const float* bias, const ConvShape& s, bool nhwc, Activation act) {
  const std::size_t C = s.in_channels, taps = s.kernel_h * s.kernel_w;
  std::vector<float> y(s.batch * C * s.out_h * s.out_w);
  for (std::size_t n = 0; n < s.batch; ++n)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < s.out_h; ++oy)
        for (std::size_t ox = 0; ox < s.out_w; ++ox) {
          double sum = bias != nullptr ? bias[c] : 0.0;
          for (std::size_t ky = 0; ky < s.kernel_h; ++ky)
            for (std::size_t kx = 0; kx < s.kernel_w; ++kx) {
              const long iy = long(oy * s.stride_h + ky * s.dilation_h) - long(s.pad_top);
              const long ix = long(ox * s.stride_w + kx * s.dilation_w) - long(s.pad_left);
              if (iy < 0 || ix < 0 || iy >= long(s.in_h) || ix >= long(s.in_w)) continue;
              const float xv = nhwc ? x[((n * s.in_h + iy) * s.in_w + ix) * C + c]
                                    : x[((n * C + c) * s.in_h + iy) * s.in_w + ix];
              const std::size_t t = ky * s.kernel_w + kx;
              const float wv = wl == WeightLayout::kOihw ? w[c * taps + t] : w[t * C + c];
              sum += double(xv) * double(wv);
            }
          const std::size_t i = nhwc ? ((n * s.out_h + oy) * s.out_w + ox) * C + c
                                     : ((n * C + c) * s.out_h + oy) * s.out_w + ox;
          y[i] = static_cast<float>(activate_ref(sum, act));
        }
  return y;
}

struct Case {
  std::size_t batch = 1, C = 1, H = 1, W = 1, kh = 3, kw = 3, stride = 1, dil = 1;
  Pad pad = Pad::kOne;
  bool nhwc = true, with_bias = true;
  WeightLayout wl = WeightLayout::kHwio;
  Activation act = Activation::kLinear;
  std::size_t offset = 1;  // 1..3: each buffer at a different one
  bool specials = false;   // NaN and +-Infinity in the input

  bool shape(ConvShape* s) const {
    s->batch = batch, s->in_channels = s->out_channels = s->groups = C, s->in_h = H, s->in_w = W;
    s->kernel_h = kh, s->kernel_w = kw, s->stride_h = s->stride_w = stride, s->dilation_h = s->dilation_w = dil;
    return axis(H, kh, stride, dil, pad, &s->out_h, &s->pad_top) &&
           axis(W, kw, stride, dil, pad, &s->out_w, &s->pad_left);
  }
  std::string describe() const {
    std::ostringstream os;
    os << (nhwc ? "nhwc" : "nchw") << " N=" << batch << " C=" << C << " HxW=" << H << "x" << W << " k=" << kh
       << "x" << kw << " s=" << stride << " d=" << dil << " pad=" << static_cast<int>(pad)
       << " layout=" << static_cast<int>(wl) << " bias=" << with_bias << " act=" << static_cast<int>(act)
       << " offset=" << offset << " specials=" << specials << " threads=" << thread::num_threads();
    return os.str();
  }
};

std::vector<float> input_for(const Case& k, const ConvShape& s, std::uint32_t seed) {
  auto x = random_floats(s.batch * s.in_channels * s.in_h * s.in_w, seed);
  if (k.specials) {
    // Sparse enough that most windows stay finite, dense enough that some
    // hold NaN, one infinity, or both signs of infinity.
    for (std::size_t i = 0; i < x.size(); i += 7 + (i % 5)) {
      const std::size_t r = (i / 7) % 3;
      x[i] = r == 0 ? kNaN : (r == 1 ? kInf : -kInf);
    }
  }
  return x;
}

// Runs one case through the kernel with guarded buffers and compares.
void expect_case(const Case& k, std::uint32_t seed) {
  ConvShape s;
  if (!k.shape(&s)) return;
  const std::size_t taps = s.kernel_h * s.kernel_w;
  const auto x = input_for(k, s, seed);
  const auto w = random_floats(s.in_channels * taps, seed + 1);
  const auto b = random_floats(s.in_channels, seed + 2);
  const std::size_t o1 = k.offset, o2 = k.offset % 3 + 1, o3 = (k.offset + 1) % 3 + 1;
  ref::Guarded in(x, o1), wt(w, o2), bias(b, o3), out(s.batch * s.in_channels * s.out_h * s.out_w, o3);
  const float* bias_ptr = k.with_bias ? bias.data() : nullptr;
  const Status st = k.nhwc ? conv::dwconv_nhwc(in.data(), wt.data(), k.wl, bias_ptr, out.data(), s, k.act)
                           : conv::dwconv_nchw(in.data(), wt.data(), k.wl, bias_ptr, out.data(), s, k.act);
  ASSERT_EQ(st, Status::kOk) << k.describe();
  const auto want = reference(x, w, k.wl, k.with_bias ? b.data() : nullptr, s, k.nhwc, k.act);
  const auto got = out.values();
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_TRUE(close(got[i], want[i], 1e-4f, 1e-5f))
        << k.describe() << ": index " << i << " of " << want.size() << " got " << got[i] << " want " << want[i];
  ASSERT_TRUE(out.guards_intact()) << k.describe() << ": wrote outside its output";
  ASSERT_TRUE(in.guards_intact() && wt.guards_intact() && bias.guards_intact()) << k.describe();
  ASSERT_EQ(std::memcmp(in.data(), x.data(), x.size() * sizeof(float)), 0) << k.describe() << ": changed its input";
}

class DwconvThreads : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { thread::set_num_threads(GetParam()); }
  void TearDown() override { thread::set_num_threads(1); }
};

constexpr Pad kPads[] = {Pad::kNone, Pad::kOne, Pad::kSame, Pad::kOnlyPadding};

// NHWC 3x3 micro-kernel: channels around the 16-channel tile (the tail's
// vectors of 4 and single lanes included), every stride, dilation and
// padding, a few widths.
TEST_P(DwconvThreads, Nhwc3x3AroundTheChannelTile) {
  const std::size_t T = conv::kDwNhwcTile;
  std::uint32_t seed = 1;
  for (std::size_t C : {std::size_t{1}, std::size_t{3}, T - 1, T, T + 1, 2 * T + 3})
    for (std::size_t W : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{8}})
      for (std::size_t stride : {1, 2})
        for (std::size_t dil : {1, 2})
          for (Pad pad : kPads) {
            Case k;
            k.C = C, k.H = 3 + W % 3, k.W = W, k.stride = stride, k.dil = dil, k.pad = pad;
            k.with_bias = seed % 2 == 0, k.offset = seed % 3 + 1, k.batch = 1 + seed % 2;
            expect_case(k, seed++);
          }
}

// NHWC: channels around the work block (its width for 9 input columns), so
// items that end in a partial block and blocks whose tail tile is partial
// both occur.
TEST_P(DwconvThreads, NhwcAroundTheChannelBlock) {
  const std::size_t B = conv::dwconv_nhwc_block(9);
  std::uint32_t seed = 1000;
  for (std::size_t C : {B - 1, B, B + 1, 2 * B + 3})
    for (std::size_t stride : {1, 2})
      for (Pad pad : {Pad::kOne, Pad::kSame}) {
        Case k;
        k.C = C, k.H = 7, k.W = 9, k.stride = stride, k.pad = pad, k.offset = seed % 3 + 1;
        k.act = seed % 2 ? Activation::kRelu6 : Activation::kLinear;
        expect_case(k, seed++);
      }
}

// NHWC kernel sizes other than 3x3 (the tap-loop micro-kernel), both weight
// layouts through pack_dwconv_nhwc.
TEST_P(DwconvThreads, NhwcOtherKernelSizes) {
  std::uint32_t seed = 2000;
  const std::size_t kernels[][2] = {{1, 1}, {5, 5}, {1, 3}, {3, 1}, {2, 4}};
  for (const auto& kk : kernels)
    for (std::size_t C : {std::size_t{15}, std::size_t{16}, std::size_t{17}, std::size_t{35}})
      for (std::size_t stride : {1, 2})
        for (Pad pad : {Pad::kNone, Pad::kSame}) {
          Case k;
          k.C = C, k.H = 6, k.W = 7, k.kh = kk[0], k.kw = kk[1], k.stride = stride, k.pad = pad;
          k.offset = seed % 3 + 1, k.with_bias = seed % 2 == 0;
          expect_case(k, seed++);
        }
}

// NCHW row kernels: every width 1..2*8+3 around the 8-pixel step of the
// 3x3 stride-1 (one and two rows) and stride-2 kernels, odd and even
// output heights, every dilation and padding, both weight layouts.
TEST_P(DwconvThreads, Nchw3x3EveryWidth) {
  std::uint32_t seed = 3000;
  for (std::size_t W = 1; W <= 2 * conv::kDwNchwCols + 3; ++W)
    for (std::size_t stride : {1, 2})
      for (std::size_t dil : {1, 2})
        for (Pad pad : kPads) {
          Case k;
          k.nhwc = false, k.C = 3, k.H = 4 + W % 3, k.W = W, k.stride = stride, k.dil = dil, k.pad = pad;
          k.wl = seed % 2 ? WeightLayout::kOihw : WeightLayout::kHwio;
          k.with_bias = seed % 3 != 0, k.offset = seed % 3 + 1;
          expect_case(k, seed++);
        }
}

// Widths over 2 steps of 8 output pixels at stride 2 (input up to 48 wide).
TEST_P(DwconvThreads, Nchw3x3WideRows) {
  std::uint32_t seed = 4000;
  for (std::size_t W : {std::size_t{31}, std::size_t{32}, std::size_t{33}, std::size_t{47}, std::size_t{48}})
    for (std::size_t stride : {1, 2})
      for (Pad pad : {Pad::kOne, Pad::kSame}) {
        Case k;
        k.nhwc = false, k.batch = 2, k.C = 2, k.H = W / 4 + 3, k.W = W, k.stride = stride, k.pad = pad;
        k.wl = WeightLayout::kOihw, k.offset = seed % 3 + 1;
        expect_case(k, seed++);
      }
}

TEST_P(DwconvThreads, NchwOtherKernelSizes) {
  std::uint32_t seed = 5000;
  const std::size_t kernels[][2] = {{1, 1}, {5, 5}, {1, 3}, {3, 1}, {2, 4}};
  for (const auto& kk : kernels)
    for (std::size_t W : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{9}, std::size_t{19}})
      for (std::size_t stride : {1, 2})
        for (Pad pad : {Pad::kNone, Pad::kSame}) {
          Case k;
          k.nhwc = false, k.C = 2, k.H = 5, k.W = W, k.kh = kk[0], k.kw = kk[1], k.stride = stride, k.pad = pad;
          k.wl = WeightLayout::kOihw, k.offset = seed % 3 + 1;
          expect_case(k, seed++);
        }
}

// NaN and both infinities in the input propagate as IEEE arithmetic does
// (one NaN or opposite infinities in a window: NaN; one infinity: that
// infinity), in every kernel, through the clamps.
TEST_P(DwconvThreads, NaNAndInfinityPropagate) {
  std::uint32_t seed = 6000;
  for (bool nhwc : {true, false})
    for (std::size_t W : {std::size_t{3}, std::size_t{8}, std::size_t{9}, std::size_t{17}})
      for (std::size_t stride : {1, 2})
        for (std::size_t kh : {std::size_t{3}, std::size_t{5}})
          for (Activation act : {Activation::kLinear, Activation::kRelu6, Activation::kSigmoid}) {
            Case k;
            k.nhwc = nhwc, k.C = nhwc ? 35 : 3, k.H = 6, k.W = W, k.kh = k.kw = kh, k.stride = stride;
            k.pad = Pad::kSame, k.act = act, k.specials = true, k.offset = seed % 3 + 1;
            k.wl = nhwc ? WeightLayout::kHwio : WeightLayout::kOihw;
            expect_case(k, seed++);
          }
}

// A window of padding only gives the bias (and 0 without one), clamped.
TEST_P(DwconvThreads, WindowsOfPaddingOnlyGiveTheBias) {
  for (bool nhwc : {true, false}) {
    ConvShape s;
    s.in_channels = s.out_channels = s.groups = 17, s.in_h = s.in_w = 1, s.kernel_h = s.kernel_w = 3;
    s.pad_top = s.pad_left = 3, s.out_h = s.out_w = 5;  // the border ring's windows are all padding
    std::vector<float> x(17, 100.0f), w(17 * 9, 1.0f), b(17), y(17 * 25, kNaN);
    for (std::size_t c = 0; c < 17; ++c) b[c] = static_cast<float>(c) - 8.0f;
    ASSERT_EQ(nhwc ? conv::dwconv_nhwc(x.data(), w.data(), WeightLayout::kHwio, b.data(), y.data(), s,
                                       Activation::kRelu)
                   : conv::dwconv_nchw(x.data(), w.data(), WeightLayout::kHwio, b.data(), y.data(), s,
                                       Activation::kRelu),
              Status::kOk);
    for (std::size_t c = 0; c < 17; ++c)
      for (std::size_t p = 0; p < 25; ++p) {
        const float got = nhwc ? y[p * 17 + c] : y[c * 25 + p];
        const bool sees_pixel = p / 5 >= 1 && p / 5 <= 3 && p % 5 >= 1 && p % 5 <= 3;
        const float want = sees_pixel ? 100.0f + b[c] : std::max(b[c], 0.0f);
        ASSERT_EQ(got, want) << "nhwc=" << nhwc << " c=" << c << " pixel " << p;
      }
  }
}

// MobileNet-sized layers, split across threads by rows and channel blocks
// (NHWC) or planes (NCHW): bit-identical at 1 and 2 threads.
TEST_P(DwconvThreads, MobileNetShapesAreIdenticalAtEveryThreadCount) {
  struct Layer {
    std::size_t hw, C, stride;
  };
  for (const Layer& l : {Layer{28, 192, 1}, Layer{28, 192, 2}, Layer{7, 960, 1}, Layer{14, 96, 2}})
    for (bool nhwc : {true, false}) {
      Case k;
      k.nhwc = nhwc, k.C = l.C, k.H = k.W = l.hw, k.stride = l.stride, k.pad = Pad::kSame;
      k.wl = WeightLayout::kHwio, k.act = Activation::kRelu6;
      ConvShape s;
      ASSERT_TRUE(k.shape(&s));
      auto x = random_floats(l.C * l.hw * l.hw, 11);
      x[5] = kNaN, x[77] = kInf;
      const auto w = random_floats(l.C * 9, 12);
      const auto b = random_floats(l.C, 13);
      std::vector<float> y1(l.C * s.out_h * s.out_w), y2(y1.size());
      const auto run = [&](std::vector<float>* y) {
        return nhwc ? conv::dwconv_nhwc(x.data(), w.data(), k.wl, b.data(), y->data(), s, k.act)
                    : conv::dwconv_nchw(x.data(), w.data(), k.wl, b.data(), y->data(), s, k.act);
      };
      ASSERT_EQ(run(&y1), Status::kOk);
      const int before = thread::num_threads();
      thread::set_num_threads(before == 1 ? 2 : 1);
      ASSERT_EQ(run(&y2), Status::kOk);
      thread::set_num_threads(before);
      EXPECT_EQ(std::memcmp(y1.data(), y2.data(), y1.size() * sizeof(float)), 0) << k.describe();
      const auto want = reference(x, w, k.wl, b.data(), s, nhwc, k.act);
      for (std::size_t i = 0; i < want.size(); ++i)
        ASSERT_TRUE(close(y1[i], want[i], 1e-4f, 1e-5f)) << k.describe() << " index " << i;
    }
}


// The packed NHWC entry (dwconv_nhwc_pack once, dwconv_nhwc_packed per
// call, as js/ops/conv.js runs it) at every channel tail of the 8-channel
// tile and its 4-channel half, every spatial size 1..9 (square and odd
// rectangles), stride 1 and 2, no padding, explicit padding 1 and Keras's
// 'same', linear and relu6 outputs: against the reference, with guarded
// buffers, and bit-identical to dwconv_nhwc (which packs per call).
TEST_P(DwconvThreads, NhwcPackedAtChannelTailsAndSmallSizes) {
  std::uint32_t seed = 7000;
  for (std::size_t C : {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33})
    for (std::size_t S = 1; S <= 9; ++S)
      for (std::size_t stride : {1, 2})
        for (Pad pad : {Pad::kNone, Pad::kOne, Pad::kSame}) {
          Case k;
          k.C = C, k.H = S, k.W = S % 2 == 1 ? S : S + 1, k.stride = stride, k.pad = pad;
          k.act = seed % 2 ? Activation::kRelu6 : Activation::kLinear;
          k.with_bias = seed % 3 != 0, k.offset = seed % 3 + 1, k.specials = seed % 5 == 0;
          ConvShape s;
          if (!k.shape(&s)) continue;
          const auto x = input_for(k, s, seed);
          const auto w = random_floats(C * 9, seed + 1);
          const auto b = random_floats(C, seed + 2);
          std::size_t floats = 0;
          ASSERT_EQ(conv::dwconv_nhwc_packed_size(s, &floats), Status::kOk);
          ref::Guarded in(x, k.offset), wt(w, 1), bias(b, 2), packed(floats, 3), out(C * s.out_h * s.out_w, 2);
          const float* bias_ptr = k.with_bias ? bias.data() : nullptr;
          ASSERT_EQ(conv::dwconv_nhwc_pack(wt.data(), bias_ptr, s, packed.data()), Status::kOk);
          ASSERT_TRUE(packed.guards_intact()) << k.describe();
          ASSERT_EQ(conv::dwconv_nhwc_packed(in.data(), packed.data(), out.data(), s, k.act), Status::kOk);
          ASSERT_TRUE(out.guards_intact() && in.guards_intact()) << k.describe();
          const auto want = reference(x, w, WeightLayout::kHwio, k.with_bias ? b.data() : nullptr, s, true, k.act);
          const auto got = out.values();
          for (std::size_t i = 0; i < want.size(); ++i)
            ASSERT_TRUE(close(got[i], want[i], 1e-4f, 1e-5f))
                << k.describe() << ": index " << i << " got " << got[i] << " want " << want[i];
          std::vector<float> again(got.size());
          ASSERT_EQ(conv::dwconv_nhwc(x.data(), w.data(), WeightLayout::kHwio, k.with_bias ? b.data() : nullptr,
                                      again.data(), s, k.act),
                    Status::kOk);
          ASSERT_EQ(std::memcmp(again.data(), got.data(), got.size() * sizeof(float)), 0) << k.describe();
          ++seed;
        }
}

// Padding other than 'same' and 1 in the 3x3 row kernels: 2 on the left
// (columns before the input at both ends of a row's rolling sums), and
// none on one side only.
TEST_P(DwconvThreads, Nhwc3x3ExplicitPadding) {
  std::uint32_t seed = 8000;
  for (std::size_t C : {5, 8, 17})
    for (std::size_t W : {1, 2, 3, 6, 9})
      for (std::size_t stride : {1, 2})
        for (std::size_t pl : {0, 1, 2})
          for (std::size_t pr : {0, 1, 2}) {
            ConvShape s;
            s.in_channels = s.out_channels = s.groups = C, s.in_h = 4, s.in_w = W;
            s.kernel_h = s.kernel_w = 3, s.stride_h = s.stride_w = stride;
            s.pad_top = pl, s.pad_left = pl;
            if (W + pl + pr < 3 || 4 + pl + pr < 3) continue;
            s.out_w = (W + pl + pr - 3) / stride + 1, s.out_h = (4 + pl + pr - 3) / stride + 1;
            const auto x = random_floats(C * 4 * W, seed);
            const auto w = random_floats(C * 9, seed + 1);
            const auto b = random_floats(C, seed + 2);
            ref::Guarded in(x, 1), wt(w, 2), bias(b, 3), out(C * s.out_h * s.out_w, 1);
            ASSERT_EQ(conv::dwconv_nhwc(in.data(), wt.data(), WeightLayout::kHwio, bias.data(), out.data(), s,
                                        Activation::kRelu6),
                      Status::kOk);
            ASSERT_TRUE(out.guards_intact());
            const auto want = reference(x, w, WeightLayout::kHwio, b.data(), s, true, Activation::kRelu6);
            for (std::size_t i = 0; i < want.size(); ++i)
              ASSERT_TRUE(close(out[i], want[i], 1e-4f, 1e-5f))
                  << "C=" << C << " W=" << W << " stride=" << stride << " pl=" << pl << " pr=" << pr << " index " << i;
            ++seed;
          }
}

// The NCHW 3x3 plane kernels at spatial sizes 1..9 (square and odd
// rectangles), stride 1 and 2, every padding, relu6 and linear, NaN and
// infinity in some inputs: the row copy's masked last vector and its
// over-read of the next row must leave the padding zero.
TEST_P(DwconvThreads, Nchw3x3SmallPlanes) {
  std::uint32_t seed = 9000;
  for (std::size_t S = 1; S <= 9; ++S)
    for (std::size_t W : {S, S + 2})
      for (std::size_t stride : {1, 2})
        for (Pad pad : kPads) {
          Case k;
          k.nhwc = false, k.C = 5, k.H = S, k.W = W, k.stride = stride, k.pad = pad;
          k.wl = seed % 2 ? WeightLayout::kOihw : WeightLayout::kHwio;
          k.act = seed % 3 == 0 ? Activation::kRelu6 : Activation::kLinear;
          k.with_bias = seed % 2 == 0, k.offset = seed % 3 + 1, k.specials = seed % 4 == 0;
          expect_case(k, seed++);
        }
}

INSTANTIATE_TEST_SUITE_P(Threads, DwconvThreads, ::testing::Values(1, 2, 4, 8));

TEST(Dwconv, RefusesBadCalls) {
  ConvShape s;
  s.in_channels = s.out_channels = s.groups = 4, s.in_h = s.in_w = s.out_h = s.out_w = 3;
  s.kernel_h = s.kernel_w = 3, s.pad_top = s.pad_left = 1;
  std::vector<float> buf(1000);
  // The NHWC entry keeps its contract: Keras's layout only.
  EXPECT_EQ(conv::dwconv_nhwc(buf.data(), buf.data(), WeightLayout::kOihw, nullptr, buf.data(), s,
                              Activation::kLinear),
            Status::kInvalidArgument);
  EXPECT_EQ(conv::dwconv_nhwc(nullptr, buf.data(), WeightLayout::kHwio, nullptr, buf.data(), s, Activation::kLinear),
            Status::kNullPointer);
  s.groups = 2;  // not depthwise
  EXPECT_EQ(conv::dwconv_nhwc(buf.data(), buf.data(), WeightLayout::kHwio, nullptr, buf.data(), s,
                              Activation::kLinear),
            Status::kInvalidArgument);
  s.groups = 4;
  EXPECT_EQ(conv::dwconv_nchw(buf.data(), buf.data(), WeightLayout::kOihw, nullptr, buf.data(), s,
                              static_cast<Activation>(99)),
            Status::kInvalidArgument);
  s.in_channels = s.out_channels = s.groups = std::size_t{1} << 20, s.in_h = std::size_t{1} << 20;
  EXPECT_EQ(conv::dwconv_nhwc(buf.data(), buf.data(), WeightLayout::kHwio, nullptr, buf.data(), s,
                              Activation::kLinear),
            Status::kSizeOverflow);
  EXPECT_EQ(conv::dwconv_nchw(buf.data(), buf.data(), WeightLayout::kOihw, nullptr, buf.data(), s,
                              Activation::kLinear),
            Status::kSizeOverflow);
}

}  // namespace
}  // namespace nnwasm
