// Weight packing for the GEMM kernels, done once when weights are set.
//
// Layout, per group, per block of B output channels (B = kNhwcNr or kNchwMr):
//   B bias values, then K rows of B weights, zero-padded past the group's
//   last output channel,
// so a micro-kernel walks one contiguous stream. K order follows how each
// kernel reads its input: channels last reads one input pixel (all its
// channels) per tap, so k = tap * cin + c; channels first gathers a channel's
// taps together, so k = c * taps + tap.
#include <cstring>

#include "conv/conv.h"
#include "conv/internal.h"
#include "simd/vec.h"

namespace nnwasm::conv {
namespace {

std::size_t block_width(PackFor target) { return target == PackFor::kNhwc ? kNhwcNr : kNchwMr; }

}  // namespace

Status packed_weights_size(const ConvShape& s, PackFor target, std::size_t* floats) {
  if (floats == nullptr) return Status::kNullPointer;
  const Status st = detail::check_shape(s);
  if (st != Status::kOk) return st;
  if (target == PackFor::kNhwcWinograd) return detail::winograd_packed_size(s, floats);
  if (target != PackFor::kNhwc && target != PackFor::kNchw) return Status::kInvalidArgument;
  const std::size_t B = block_width(target);
  const std::size_t cout_g = s.out_channels / s.groups;
  const std::size_t blocks = (cout_g + B - 1) / B;
  const std::size_t k = s.kernel_h * s.kernel_w * (s.in_channels / s.groups);
  if (!checked_product(floats, {s.groups, blocks, B, k + 1})) return Status::kSizeOverflow;
  return Status::kOk;
}

Status pack_weights(const float* weights, WeightLayout layout, const float* bias, const ConvShape& s,
                    PackFor target, float* packed, const float* out_scale) {
  std::size_t total;
  const Status st = packed_weights_size(s, target, &total);
  if (st != Status::kOk) return st;
  if (weights == nullptr || packed == nullptr) return Status::kNullPointer;
  if (layout != WeightLayout::kOihw && layout != WeightLayout::kHwio) return Status::kInvalidArgument;
  if (target == PackFor::kNhwcWinograd) {
    detail::winograd_pack(weights, layout, bias, s, packed, out_scale);
    return Status::kOk;
  }

  const std::size_t B = block_width(target);
  const std::size_t cin_g = s.in_channels / s.groups, cout_g = s.out_channels / s.groups;
  const std::size_t taps = s.kernel_h * s.kernel_w;
  // Element strides of (out channel, in channel, tap) in the given layout:
  // both keep (ky, kx) row-major, so a tap index has a single stride.
  std::size_t so, si, stap;
  if (layout == WeightLayout::kOihw) {
    so = cin_g * taps, si = taps, stap = 1;
  } else {
    so = 1, si = s.out_channels, stap = cin_g * s.out_channels;
  }
  const std::size_t blocks = (cout_g + B - 1) / B;
  float* p = packed;
  for (std::size_t g = 0; g < s.groups; ++g) {
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t o0 = g * cout_g + b * B;
      const std::size_t width = cout_g - b * B < B ? cout_g - b * B : B;
      const float* const scale = out_scale == nullptr ? nullptr : out_scale + o0;
      for (std::size_t j = 0; j < B; ++j) p[j] = (j < width && bias != nullptr) ? bias[o0 + j] : 0.0f;
      p += B;
      // taps * cin_g rows in the target's order, walked as two nested loops;
      // a row of a full block in HWIO (Keras) is B contiguous floats.
      const bool tap_major = target == PackFor::kNhwc;
      const std::size_t outer = tap_major ? taps : cin_g, inner = tap_major ? cin_g : taps;
      for (std::size_t u = 0; u < outer; ++u) {
        for (std::size_t v = 0; v < inner; ++v, p += B) {
          const std::size_t tap = tap_major ? u : v, c = tap_major ? v : u;
          const float* w = weights + c * si + tap * stap + o0 * so;
          if (so == 1 && width == B) {
            // Whole vectors (the build does not auto-vectorise; a model's
            // load packs megabytes): the same products as the scalar path.
            for (std::size_t j = 0; j < B; j += 4) {
              const simd::f32x4 v = simd::load(w + j);
              simd::store(p + j, scale != nullptr ? simd::mul(v, simd::load(scale + j)) : v);
            }
          } else {
            for (std::size_t j = 0; j < B; ++j)
              p[j] = j >= width ? 0.0f : (scale != nullptr ? w[j * so] * scale[j] : w[j * so]);
          }
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace nnwasm::conv
