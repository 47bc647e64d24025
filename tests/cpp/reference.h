// The one scalar reference of the kernel tests (tests/cpp) and the fuzz
// targets (tests/fuzz, whose include path has tests/cpp): in double,
// written from PyTorch's and Keras's definitions, not from the kernels. One
// function per kernel family, so a test reads as "kernel == ref". Also the
// inputs they share (deterministic values, odd-offset guarded buffers) and
// the tolerance. Written for clarity, not speed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "conv/conv.h"
#include "pool/pool.h"

namespace nnwasm::ref {

// Deterministic inputs: a small LCG so native and WebAssembly runs see the
// same numbers. Values in [-1, 1).
inline std::vector<float> random_floats(std::size_t n, std::uint32_t seed) {
  std::vector<float> v(n);
  std::uint32_t s = seed * 2654435761u + 1;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1u << 24) * 2.0f - 1.0f;
  }
  return v;
}

// The relative + absolute tolerance float sums of different order stay in;
// NaN must be NaN and an infinity the same infinity.
inline bool close(float got, float want, float rtol = 2e-5f, float atol = 1e-5f) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= atol + rtol * std::fabs(want);
}

// (outer, channels, inner) -> (outer, inner, channels): NCHW to NHWC with
// inner = H * W.
inline std::vector<float> to_channels_last(const std::vector<float>& x, std::size_t outer, std::size_t channels,
                                           std::size_t inner) {
  std::vector<float> y(x.size());
  for (std::size_t o = 0; o < outer; ++o)
    for (std::size_t c = 0; c < channels; ++c)
      for (std::size_t i = 0; i < inner; ++i) y[(o * inner + i) * channels + c] = x[(o * channels + c) * inner + i];
  return y;
}

// A buffer that starts `offset` floats (1 to 3) past a 16-byte boundary, so
// no kernel is handed an aligned pointer by luck, with a NaN guard in the
// 16 bytes before it and in the 16 bytes after it, where its allocation
// ends (ASan sees anything further). Kernels may READ the 16 bytes past an
// input's end (Tensor allocates them) but must not let them into a result,
// where the NaN would show; they must never read before a buffer, nor write
// outside an output: guards_intact() checks both guards bit for bit.
class Guarded {
 public:
  static constexpr std::size_t kGuard = 4;                 // floats: 16 bytes
  static constexpr std::uint32_t kGuardBits = 0x7fc0dead;  // a quiet NaN no arithmetic makes

  // `count` floats, each `fill` (NaN by default: an output the kernel leaves
  // unwritten stays NaN and fails the comparison).
  Guarded(std::size_t count, std::size_t offset, float fill = std::numeric_limits<float>::quiet_NaN())
      : count_(count), begin_(offset + kGuard), total_(offset + kGuard + count + kGuard) {
    storage_ = static_cast<float*>(::operator new(total_ * sizeof(float), std::align_val_t{16}));
    for (std::size_t i = 0; i < total_; ++i) std::memcpy(storage_ + i, &kGuardBits, sizeof(float));
    std::fill(data(), data() + count, fill);
  }
  Guarded(const std::vector<float>& values, std::size_t offset) : Guarded(values.size(), offset) {
    std::copy(values.begin(), values.end(), data());
  }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;
  ~Guarded() { ::operator delete(storage_, std::align_val_t{16}); }

  float* data() { return storage_ + begin_; }
  const float* data() const { return storage_ + begin_; }
  std::size_t size() const { return count_; }
  float operator[](std::size_t i) const { return data()[i]; }
  std::vector<float> values() const { return std::vector<float>(data(), data() + count_); }

  bool guards_intact() const {
    for (std::size_t i = 0; i < total_; ++i)
      if ((i < begin_ || i >= begin_ + count_) && std::memcmp(storage_ + i, &kGuardBits, sizeof(float)) != 0)
        return false;
    return true;
  }

 private:
  std::size_t count_, begin_, total_;
  float* storage_;
};

// PyTorch adaptive_avg_pool1d windows: [floor(i*L/O), ceil((i+1)*L/O)).
inline std::vector<float> adaptive_avg_pool1d_ncl(const float* in, std::size_t rows, std::size_t L,
                                                  std::size_t O) {
  std::vector<float> out(rows * O);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < O; ++i) {
      const std::size_t s = i * L / O, e = ((i + 1) * L + O - 1) / O;
      double sum = 0;
      for (std::size_t k = s; k < e; ++k) sum += in[r * L + k];
      out[r * O + i] = static_cast<float>(sum / static_cast<double>(e - s));
    }
  return out;
}

// Keras GlobalAveragePooling1D: mean over steps l of x[n, l, c] (nlc) or
// x[n, c, l] (ncl), leaving out steps whose mask[n, l] is 0; no steps -> NaN.
inline std::vector<float> global_avg_pool1d(const float* in, const float* mask, std::size_t N,
                                            std::size_t L, std::size_t C, bool channels_last) {
  std::vector<float> out(N * C);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      double sum = 0;
      std::size_t count = 0;
      for (std::size_t l = 0; l < L; ++l) {
        if (mask != nullptr && mask[n * L + l] == 0.0f) continue;
        sum += channels_last ? in[(n * L + l) * C + c] : in[(n * C + c) * L + l];
        ++count;
      }
      out[n * C + c] = count == 0 ? std::numeric_limits<float>::quiet_NaN()
                                  : static_cast<float>(sum / static_cast<double>(count));
    }
  return out;
}

// Keras GlobalMaxPooling1D: max over the unmasked steps; NaN wins; no steps
// -> -Infinity (the max of nothing).
inline std::vector<float> global_max_pool1d(const float* in, const float* mask, std::size_t N,
                                            std::size_t L, std::size_t C, bool channels_last) {
  std::vector<float> out(N * C);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c) {
      float m = -std::numeric_limits<float>::infinity();
      for (std::size_t l = 0; l < L; ++l) {
        if (mask != nullptr && mask[n * L + l] == 0.0f) continue;
        const float v = channels_last ? in[(n * L + l) * C + c] : in[(n * C + c) * L + l];
        if (v > m || std::isnan(v)) m = v;
        if (std::isnan(m)) break;
      }
      out[n * C + c] = m;
    }
  return out;
}

// One axis of a pooling window, as PyTorch's CPU loops compute it: the real
// taps first + k * step (k < count) and the averaging size.
struct AxisTaps {
  std::int64_t first = 0, count = 0, step = 1;
  double size = 0;
};

// Sliding window o: start = o*stride - pad; taps start + k*dilation
// (k < kernel); PyTorch moves a negative start up by the dilation. The
// count_include_pad size is the window clipped to [-pad, in + pad_end).
inline AxisTaps strided_taps(std::size_t o, std::size_t in, std::size_t kernel, std::size_t stride,
                             std::size_t dilation, std::size_t pad, std::size_t pad_end, bool include_pad) {
  const std::int64_t L = static_cast<std::int64_t>(in), d = static_cast<std::int64_t>(dilation);
  const std::int64_t start = static_cast<std::int64_t>(o * stride) - static_cast<std::int64_t>(pad);
  AxisTaps t;
  t.step = d;
  t.first = start;
  while (t.first < 0) t.first += d;
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(kernel); ++k) {
    const std::int64_t i = start + k * d;
    if (i >= 0 && i < L) ++t.count;
  }
  if (include_pad) {
    const std::int64_t end = std::min(start + static_cast<std::int64_t>(kernel), L + static_cast<std::int64_t>(pad_end));
    t.size = static_cast<double>(end - start);
  } else {
    t.size = static_cast<double>(t.count);
  }
  return t;
}

// PyTorch adaptive window o: [floor(o*in/out), ceil((o+1)*in/out)).
inline AxisTaps adaptive_taps(std::size_t o, std::size_t in, std::size_t out) {
  AxisTaps t;
  const std::uint64_t s = std::uint64_t{o} * in / out, e = (std::uint64_t{o + 1} * in + out - 1) / out;
  t.first = static_cast<std::int64_t>(s);
  t.count = static_cast<std::int64_t>(e - s);
  t.size = static_cast<double>(e - s);
  return t;
}

// One pooled value over rows x cols taps of a plane read through
// at(h, w). Average: sum / (rows.size * cols.size) or / divisor. Max:
// PyTorch's `val > max || isnan(val)` scan in row-major order (ties keep
// the first, the last NaN wins), index of the first real tap to start with
// and -Infinity for a window of padding only.
template <class At>
inline void pool_window(const AxisTaps& r, const AxisTaps& c, std::size_t in_w, bool max, double divisor,
                        At at, float* value, float* index) {
  if (!max) {
    double sum = 0;
    for (std::int64_t i = 0; i < r.count; ++i)
      for (std::int64_t j = 0; j < c.count; ++j) sum += at(r.first + i * r.step, c.first + j * c.step);
    const double div = divisor != 0 ? divisor : r.size * c.size;
    *value = static_cast<float>(sum / div);
    return;
  }
  float m = -std::numeric_limits<float>::infinity();
  std::int64_t best = r.first * static_cast<std::int64_t>(in_w) + c.first;
  for (std::int64_t i = 0; i < r.count; ++i)
    for (std::int64_t j = 0; j < c.count; ++j) {
      const std::int64_t h = r.first + i * r.step, w = c.first + j * c.step;
      const float v = at(h, w);
      if (v > m || std::isnan(v)) {
        m = v;
        best = h * static_cast<std::int64_t>(in_w) + w;
      }
    }
  *value = m;
  if (index != nullptr) *index = static_cast<float>(best);
}

// Window pooling (avg or max) over `outer` x `channels` planes; channels
// last reads x[o, h, w, c], channels first x[o*channels + c, h, w].
// `indices` (max, channels first) may be null.
inline std::vector<float> window_pool2d(const float* in, std::size_t outer, std::size_t channels,
                                        const pool::Window2d& w, bool max, bool channels_last,
                                        std::vector<float>* indices) {
  std::vector<float> out(outer * channels * w.out_h * w.out_w);
  if (indices != nullptr) indices->assign(out.size(), 0.0f);
  for (std::size_t o = 0; o < outer; ++o)
    for (std::size_t ch = 0; ch < channels; ++ch)
      for (std::size_t oh = 0; oh < w.out_h; ++oh)
        for (std::size_t ow = 0; ow < w.out_w; ++ow) {
          const AxisTaps r = strided_taps(oh, w.in_h, w.kernel_h, w.stride_h, w.dilation_h, w.pad_top,
                                          w.pad_bottom, w.count_include_pad);
          const AxisTaps c = strided_taps(ow, w.in_w, w.kernel_w, w.stride_w, w.dilation_w, w.pad_left,
                                          w.pad_right, w.count_include_pad);
          auto at = [&](std::int64_t h, std::int64_t x) {
            const std::size_t hh = static_cast<std::size_t>(h), xx = static_cast<std::size_t>(x);
            return channels_last ? in[((o * w.in_h + hh) * w.in_w + xx) * channels + ch]
                                 : in[((o * channels + ch) * w.in_h + hh) * w.in_w + xx];
          };
          const std::size_t at_out = channels_last ? ((o * w.out_h + oh) * w.out_w + ow) * channels + ch
                                                   : ((o * channels + ch) * w.out_h + oh) * w.out_w + ow;
          pool_window(r, c, w.in_w, max, w.divisor_override, at, &out[at_out],
                      indices != nullptr ? &(*indices)[at_out] : nullptr);
        }
  return out;
}

// PyTorch adaptive_{avg,max}_pool2d over planes of in_h x in_w.
inline std::vector<float> adaptive_pool2d_nchw(const float* in, std::size_t planes, std::size_t in_h,
                                               std::size_t in_w, std::size_t out_h, std::size_t out_w,
                                               bool max, std::vector<float>* indices) {
  std::vector<float> out(planes * out_h * out_w);
  if (indices != nullptr) indices->assign(out.size(), 0.0f);
  for (std::size_t p = 0; p < planes; ++p)
    for (std::size_t oh = 0; oh < out_h; ++oh)
      for (std::size_t ow = 0; ow < out_w; ++ow) {
        const std::size_t at_out = (p * out_h + oh) * out_w + ow;
        auto at = [&](std::int64_t h, std::int64_t w) {
          return in[(p * in_h + static_cast<std::size_t>(h)) * in_w + static_cast<std::size_t>(w)];
        };
        pool_window(adaptive_taps(oh, in_h, out_h), adaptive_taps(ow, in_w, out_w), in_w, max, 0, at,
                    &out[at_out], indices != nullptr ? &(*indices)[at_out] : nullptr);
      }
  return out;
}

// Keras's activations in double, from their definitions.
inline double activation(double x, conv::Activation a) {
  using conv::Activation;
  switch (a) {
    case Activation::kLinear: return x;
    case Activation::kRelu: return std::isnan(x) ? x : (x > 0 ? x : 0);
    case Activation::kRelu6: return std::isnan(x) ? x : std::min(std::max(x, 0.0), 6.0);
    case Activation::kSigmoid: return 1 / (1 + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
    case Activation::kElu: return x > 0 ? x : std::expm1(x);
    case Activation::kSelu: return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * std::expm1(x));
    case Activation::kGelu: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    case Activation::kSilu: return x / (1 + std::exp(-x));
    case Activation::kSoftplus: return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    case Activation::kSoftsign: return x / (1 + std::fabs(x));
    case Activation::kHardSigmoid: return std::isnan(x) ? x : std::min(std::max(x + 3, 0.0), 6.0) / 6;
    default: return x;
  }
}

// Softmax over each row of n: exp(x - max) / sum(exp(x - max)).
inline std::vector<float> softmax_rows(const float* x, std::size_t rows, std::size_t n) {
  std::vector<float> out(rows * n);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = x + r * n;
    double m = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) m = std::max<double>(m, row[i]);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += std::exp(row[i] - m);
    for (std::size_t i = 0; i < n; ++i) out[r * n + i] = static_cast<float>(std::exp(row[i] - m) / sum);
  }
  return out;
}

// PyTorch conv2d (cross-correlation with zero padding), then the
// activation: out[n, o, y, x] = act(bias[o] + sum over the group's input
// channels i and taps (ky, kx) of in[n, g*cin_g + i, y*sh - pt + ky*dh,
// x*sw - pl + kx*dw] * w[o, i, ky, kx]). Taps outside the input are zero.
// Weights in PyTorch's (out, in/groups, kh, kw) or Keras's (kh, kw,
// in/groups, out) layout; activations NHWC or NCHW.
inline std::vector<float> conv2d(const float* in, const float* weights, conv::WeightLayout layout,
                                 const float* bias, const conv::ConvShape& s, conv::Activation act,
                                 bool channels_last) {
  const std::size_t cin_g = s.in_channels / s.groups, cout_g = s.out_channels / s.groups;
  std::vector<float> out(s.batch * s.out_channels * s.out_h * s.out_w);
  for (std::size_t n = 0; n < s.batch; ++n)
    for (std::size_t o = 0; o < s.out_channels; ++o)
      for (std::size_t y = 0; y < s.out_h; ++y)
        for (std::size_t x = 0; x < s.out_w; ++x) {
          double sum = bias != nullptr ? bias[o] : 0.0;
          const std::size_t g = o / cout_g;
          for (std::size_t i = 0; i < cin_g; ++i)
            for (std::size_t ky = 0; ky < s.kernel_h; ++ky)
              for (std::size_t kx = 0; kx < s.kernel_w; ++kx) {
                const std::int64_t iy = static_cast<std::int64_t>(y * s.stride_h + ky * s.dilation_h) -
                                        static_cast<std::int64_t>(s.pad_top);
                const std::int64_t ix = static_cast<std::int64_t>(x * s.stride_w + kx * s.dilation_w) -
                                        static_cast<std::int64_t>(s.pad_left);
                if (iy < 0 || ix < 0 || iy >= static_cast<std::int64_t>(s.in_h) ||
                    ix >= static_cast<std::int64_t>(s.in_w))
                  continue;
                const std::size_t c = g * cin_g + i, yy = static_cast<std::size_t>(iy),
                                  xx = static_cast<std::size_t>(ix);
                const float v = channels_last ? in[((n * s.in_h + yy) * s.in_w + xx) * s.in_channels + c]
                                              : in[((n * s.in_channels + c) * s.in_h + yy) * s.in_w + xx];
                const float wv = layout == conv::WeightLayout::kOihw
                                     ? weights[((o * cin_g + i) * s.kernel_h + ky) * s.kernel_w + kx]
                                     : weights[((ky * s.kernel_w + kx) * cin_g + i) * s.out_channels + o];
                sum += static_cast<double>(v) * wv;
              }
          const std::size_t at = channels_last ? ((n * s.out_h + y) * s.out_w + x) * s.out_channels + o
                                               : ((n * s.out_channels + o) * s.out_h + y) * s.out_w + x;
          out[at] = static_cast<float>(activation(static_cast<float>(sum), act));
        }
  return out;
}

}  // namespace nnwasm::ref
