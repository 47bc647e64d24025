// Transposed convolution as a 1x1 GEMM into columns, then a gather of the
// columns into the output (see conv_transpose.h).
//
// Column index of (group g, tap t, output channel oc of the group):
//   g * taps * cout_g + t * cout_g + oc,
// so for one tap the group's output channels are contiguous (channels last
// adds them as vectors) and an output plane's taps are cout_g planes apart.
#include "conv_transpose/conv_transpose.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "conv/internal.h"
#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::conv_transpose {
namespace {

using conv::Activation;
using conv::PackFor;
using simd::f32x4;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using FloatBuffer = std::unique_ptr<float[], FreeDeleter>;

// Allocates n floats on the calling thread, recording the size on failure.
Status allocate(std::size_t n, FloatBuffer* buffer) {
  const std::size_t bytes = (n == 0 ? 1 : n) * sizeof(float);
  buffer->reset(static_cast<float*>(std::malloc(bytes)));
  if (*buffer == nullptr) {
    record_failed_allocation(bytes);
    return Status::kOutOfMemory;
  }
  return Status::kOk;
}

// A convolution's checks, plus the columns (one image's in_h x in_w x
// out_channels x taps) and the gather's index arithmetic.
Status check_shape(const ConvTransposeShape& s) {
  if (const Status st = conv::detail::check_shape(s); st != Status::kOk) return st;
  std::size_t n;
  if (!checked_product(&n, {s.in_h, s.in_w, s.out_channels, s.kernel_h, s.kernel_w}) ||
      !checked_product(&n, {s.stride_h, s.in_h + s.dilation_h * s.kernel_h + s.pad_top + s.out_h}) ||
      !checked_product(&n, {s.stride_w, s.in_w + s.dilation_w * s.kernel_w + s.pad_left + s.out_w}))
    return Status::kSizeOverflow;
  return Status::kOk;
}

std::size_t taps(const ConvTransposeShape& s) { return s.kernel_h * s.kernel_w; }

// The 1x1 convolution that makes one image's columns.
conv::ConvShape columns_shape(const ConvTransposeShape& s) {
  conv::ConvShape c;
  c.batch = 1;
  c.in_channels = s.in_channels;
  c.in_h = c.out_h = s.in_h;
  c.in_w = c.out_w = s.in_w;
  c.out_channels = taps(s) * s.out_channels;
  c.groups = s.groups;
  return c;
}

// Input columns that reach output column `o` through tap offset `offset`
// (= k * dilation - pad): the i in [0, in) with i * stride + offset = o.
// -> false when none.
bool source_index(std::int64_t o, std::int64_t offset, std::size_t stride, std::size_t in, std::size_t* i) {
  const std::int64_t num = o - offset;
  if (num < 0 || num % static_cast<std::int64_t>(stride) != 0) return false;
  const std::int64_t v = num / static_cast<std::int64_t>(stride);
  if (v >= static_cast<std::int64_t>(in)) return false;
  *i = static_cast<std::size_t>(v);
  return true;
}

// [first, last) of input columns whose output i * stride + offset lies in [0, out).
void source_range(std::int64_t offset, std::size_t stride, std::size_t in, std::size_t out, std::size_t* first,
                  std::size_t* last) {
  const std::int64_t st = static_cast<std::int64_t>(stride);
  std::int64_t lo = offset >= 0 ? 0 : (-offset + st - 1) / st;
  std::int64_t hi = static_cast<std::int64_t>(out) - offset;  // i * st < hi
  hi = hi <= 0 ? 0 : (hi + st - 1) / st;
  if (hi > static_cast<std::int64_t>(in)) hi = static_cast<std::int64_t>(in);
  if (lo > hi) lo = hi;
  *first = static_cast<std::size_t>(lo);
  *last = static_cast<std::size_t>(hi);
}

// out[i] += x[i] for n floats, four at a time.
inline void add_into(float* out, const float* x, std::size_t n) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) simd::store(out + i, simd::add(simd::load(out + i), simd::load(x + i)));
  for (; i < n; ++i) out[i] += x[i];
}

// Channels first: each output plane (one channel of one image) is one item.
void gather_nchw(const float* cols, const float* bias, float* out, const ConvTransposeShape& s) {
  const std::size_t cout_g = s.out_channels / s.groups, T = taps(s);
  const std::size_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  thread::parallel_for(s.out_channels, out_plane * sizeof(float) * (T + 1), [&](std::size_t begin, std::size_t end) {
    for (std::size_t o = begin; o < end; ++o) {
      const std::size_t g = o / cout_g, oc = o % cout_g;
      float* plane = out + o * out_plane;
      const float b = bias == nullptr ? 0.0f : bias[o];
      for (std::size_t i = 0; i < out_plane; ++i) plane[i] = b;
      for (std::size_t ky = 0; ky < s.kernel_h; ++ky) {
        const std::int64_t off_y = static_cast<std::int64_t>(ky * s.dilation_h) - static_cast<std::int64_t>(s.pad_top);
        std::size_t ih0, ih1;
        source_range(off_y, s.stride_h, s.in_h, s.out_h, &ih0, &ih1);
        for (std::size_t kx = 0; kx < s.kernel_w; ++kx) {
          const std::int64_t off_x =
              static_cast<std::int64_t>(kx * s.dilation_w) - static_cast<std::int64_t>(s.pad_left);
          std::size_t iw0, iw1;
          source_range(off_x, s.stride_w, s.in_w, s.out_w, &iw0, &iw1);
          if (iw0 == iw1) continue;
          const float* col = cols + ((g * T + ky * s.kernel_w + kx) * cout_g + oc) * in_plane;
          for (std::size_t ih = ih0; ih < ih1; ++ih) {
            const std::size_t oh = static_cast<std::size_t>(static_cast<std::int64_t>(ih * s.stride_h) + off_y);
            float* row = plane + oh * s.out_w;
            const float* src = col + ih * s.in_w;
            const std::size_t ow0 = static_cast<std::size_t>(static_cast<std::int64_t>(iw0 * s.stride_w) + off_x);
            if (s.stride_w == 1) {
              add_into(row + ow0, src + iw0, iw1 - iw0);
            } else {
              for (std::size_t iw = iw0, ow = ow0; iw < iw1; ++iw, ow += s.stride_w) row[ow] += src[iw];
            }
          }
        }
      }
    }
  });
}

// Channels last: each output row of one image is one item; for every tap
// that reaches the row, a group's output channels are added as vectors.
void gather_nhwc(const float* cols, const float* bias, float* out, const ConvTransposeShape& s) {
  const std::size_t cout_g = s.out_channels / s.groups, T = taps(s), width = T * s.out_channels;
  const std::size_t row_floats = s.out_w * s.out_channels;
  thread::parallel_for(s.out_h, row_floats * sizeof(float) * (T + 1), [&](std::size_t begin, std::size_t end) {
    for (std::size_t oh = begin; oh < end; ++oh) {
      float* row = out + oh * row_floats;
      for (std::size_t ow = 0; ow < s.out_w; ++ow) {
        float* px = row + ow * s.out_channels;
        for (std::size_t o = 0; o < s.out_channels; ++o) px[o] = bias == nullptr ? 0.0f : bias[o];
      }
      for (std::size_t ky = 0; ky < s.kernel_h; ++ky) {
        const std::int64_t off_y = static_cast<std::int64_t>(ky * s.dilation_h) - static_cast<std::int64_t>(s.pad_top);
        std::size_t ih;
        if (!source_index(static_cast<std::int64_t>(oh), off_y, s.stride_h, s.in_h, &ih)) continue;
        for (std::size_t kx = 0; kx < s.kernel_w; ++kx) {
          const std::int64_t off_x =
              static_cast<std::int64_t>(kx * s.dilation_w) - static_cast<std::int64_t>(s.pad_left);
          std::size_t iw0, iw1;
          source_range(off_x, s.stride_w, s.in_w, s.out_w, &iw0, &iw1);
          const std::size_t t = ky * s.kernel_w + kx;
          for (std::size_t iw = iw0; iw < iw1; ++iw) {
            const std::size_t ow = static_cast<std::size_t>(static_cast<std::int64_t>(iw * s.stride_w) + off_x);
            const float* src = cols + (ih * s.in_w + iw) * width + t * cout_g;
            float* dst = row + ow * s.out_channels;
            for (std::size_t g = 0; g < s.groups; ++g) add_into(dst + g * cout_g, src + g * T * cout_g, cout_g);
          }
        }
      }
    }
  });
}

template <class Gemm, class Gather>
Status run(const float* in, const float* packed, const float* bias, float* out, const ConvTransposeShape& s,
           Activation act, Gemm gemm, Gather gather) {
  const Status st = check_shape(s);
  if (st != Status::kOk) return st;
  if (static_cast<int>(act) < 0 || static_cast<int>(act) >= static_cast<int>(Activation::kCount))
    return Status::kInvalidArgument;
  if (s.batch == 0) return Status::kOk;
  if (in == nullptr || packed == nullptr || out == nullptr) return Status::kNullPointer;
  const conv::ConvShape c = columns_shape(s);
  std::size_t col_floats;
  if (!checked_product(&col_floats, {s.in_h, s.in_w, c.out_channels})) return Status::kSizeOverflow;
  FloatBuffer cols;
  if (const Status a = allocate(col_floats, &cols); a != Status::kOk) return a;
  const std::size_t in_image = s.in_channels * s.in_h * s.in_w, out_image = s.out_channels * s.out_h * s.out_w;
  for (std::size_t n = 0; n < s.batch; ++n) {
    const Status g = gemm(in + n * in_image, packed, cols.get(), c, Activation::kLinear);
    if (g != Status::kOk) return g;
    gather(cols.get(), bias, out + n * out_image, s);
  }
  return conv::activate(out, s.batch * out_image, act);
}

}  // namespace

Status packed_weights_size(const ConvTransposeShape& s, PackFor target, std::size_t* floats) {
  if (floats == nullptr) return Status::kNullPointer;
  const Status st = check_shape(s);
  if (st != Status::kOk) return st;
  return conv::packed_weights_size(columns_shape(s), target, floats);
}

Status pack_weights(const float* weights, WeightLayout layout, const ConvTransposeShape& s, PackFor target,
                    float* packed) {
  std::size_t total;
  const Status st = conv_transpose::packed_weights_size(s, target, &total);
  if (st != Status::kOk) return st;
  if (weights == nullptr || packed == nullptr) return Status::kNullPointer;
  if (layout != WeightLayout::kTorch && layout != WeightLayout::kKeras) return Status::kInvalidArgument;
  if (layout == WeightLayout::kKeras && s.groups != 1) return Status::kInvalidArgument;
  const std::size_t G = s.groups, cin_g = s.in_channels / G, cout_g = s.out_channels / G, T = taps(s);
  // The columns' weights as a 1x1 convolution's (out, in/groups), out in
  // column order (group, tap, channel).
  FloatBuffer oi;
  if (const Status a = allocate(G * T * cout_g * cin_g, &oi); a != Status::kOk) return a;
  for (std::size_t g = 0; g < G; ++g)
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t oc = 0; oc < cout_g; ++oc) {
        float* dst = oi.get() + ((g * T + t) * cout_g + oc) * cin_g;
        for (std::size_t ci = 0; ci < cin_g; ++ci) {
          const std::size_t ic = g * cin_g + ci;
          dst[ci] = layout == WeightLayout::kTorch ? weights[(ic * cout_g + oc) * T + t]
                                                   : weights[(t * s.out_channels + oc) * s.in_channels + ic];
        }
      }
  return conv::pack_weights(oi.get(), conv::WeightLayout::kOihw, nullptr, columns_shape(s), target, packed);
}

Status conv_transpose_nchw(const float* in, const float* packed, const float* bias, float* out,
                           const ConvTransposeShape& s, Activation act) {
  return run(in, packed, bias, out, s, act, conv::conv_nchw, gather_nchw);
}

Status conv_transpose_nhwc(const float* in, const float* packed, const float* bias, float* out,
                           const ConvTransposeShape& s, Activation act) {
  return run(in, packed, bias, out, s, act, conv::conv_nhwc, gather_nhwc);
}

}  // namespace nnwasm::conv_transpose
