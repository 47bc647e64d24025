// Depthwise convolution, channels last (NHWC), after XNNPACK's dwconv
// micro-kernels: the kernel walks output pixels; for each it holds 16
// channels' accumulators in registers, starting from the bias, and adds the
// taps, each read through a pointer from a per-pixel list: windows inside
// the input take base + fixed offsets, border windows point their padding
// taps at a shared zero row, so the channel loop never checks bounds.
// Weights are packed per call, per tile of 16 channels, as
// [bias, tap 0, ..., tap T-1]: one pointer walks them instead of one per tap.
//
// Work items are (output row, block of 64 channels): a 7x7 layer has only 7
// rows, which two threads cannot share evenly; 7 x 15 items can. Every
// output is computed by the same code whatever thread runs it.
#include <algorithm>
#include <cstdint>

#include "conv/conv.h"
#include "conv/dwconv.h"
#include "conv/internal.h"
#include "simd/vec.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::conv {
namespace {

using namespace simd;

constexpr std::size_t kTile = kDwNhwcTile;

// What padding taps read: one block of zeros (a block is the most channels
// a micro-kernel call covers).
alignas(16) const float kZeroRow[kDwNhwcBlock] = {};

__attribute__((always_inline)) inline f32x4 clamp(f32x4 a, f32x4 lo, f32x4 hi) { return min(max(a, lo), hi); }

// The last channels of a block (fewer than a tile): vectors of 4, then
// single lanes (reading past the input's last channel is not allowed), in
// the tile loop's order of taps, so every channel sums the same way.
void dw_pixel_tail(std::size_t channels, const float* const* taps, std::size_t tap_count, std::size_t offset,
                   const float* w, float* y, f32x4 lo, f32x4 hi) {
  std::size_t j = 0;
  for (; j + 4 <= channels; j += 4) {
    f32x4 a = load(w + j);
    for (std::size_t t = 0; t < tap_count; ++t) a = add(a, mul(load(taps[t] + offset + j), load(w + kTile * (t + 1) + j)));
    store(y + j, clamp(a, lo, hi));
  }
  for (; j < channels; ++j) {
    float a = w[j];
    for (std::size_t t = 0; t < tap_count; ++t) a += taps[t][offset + j] * w[kTile * (t + 1) + j];
    y[j] = lane(clamp(splat(a), lo, hi), 0);
  }
}

// The micro-kernel: one output pixel, `channels` channels of a block.
// taps[t]: tap t's input pixel at the block's first channel (or the zero
// row); w: the block's packed tiles. Four independent accumulators: a vector
// add's latency is 3-4 cycles, and each tap's four adds issue while the
// previous tap's complete. The taps stay a loop, also for 3x3: unrolled, the
// nine live input pointers spill in V8 (measured 1.2-1.5x slower).
void dw_pixel(std::size_t channels, const float* const* taps, std::size_t tap_count, const float* w, float* y,
                  f32x4 lo, f32x4 hi) {
  std::size_t c = 0;
  for (; c + kTile <= channels; c += kTile) {
    f32x4 a0 = load(w), a1 = load(w + 4), a2 = load(w + 8), a3 = load(w + 12);
    const float* wt = w + kTile;
    for (std::size_t t = 0; t < tap_count; ++t, wt += kTile) {
      const float* p = taps[t] + c;
      a0 = add(a0, mul(load(p), load(wt)));
      a1 = add(a1, mul(load(p + 4), load(wt + 4)));
      a2 = add(a2, mul(load(p + 8), load(wt + 8)));
      a3 = add(a3, mul(load(p + 12), load(wt + 12)));
    }
    store(y + c, clamp(a0, lo, hi));
    store(y + c + 4, clamp(a1, lo, hi));
    store(y + c + 8, clamp(a2, lo, hi));
    store(y + c + 12, clamp(a3, lo, hi));
    w += kTile * (tap_count + 1);
  }
  if (c < channels) dw_pixel_tail(channels - c, taps, tap_count, c, w, y + c, lo, hi);
}

Status packed_floats(const ConvShape& s, std::size_t* floats) {
  const std::size_t tiles = (s.in_channels + kTile - 1) / kTile;
  if (!checked_product(floats, {tiles, kTile, s.kernel_h * s.kernel_w + 1})) return Status::kSizeOverflow;
  return Status::kOk;
}

// Keras's (kh, kw, 1, C) weights and the bias (zeros when null) into the
// per-tile streams; channels past C are zero.
void pack(const float* weights, const float* bias, const ConvShape& s, float* packed) {
  const std::size_t C = s.in_channels, taps = s.kernel_h * s.kernel_w;
  for (std::size_t c0 = 0; c0 < C; c0 += kTile) {
    float* p = packed + c0 * (taps + 1);
    const std::size_t n = std::min(kTile, C - c0);
    if (n == kTile) {
      for (std::size_t j = 0; j < kTile; j += 4) store(p + j, bias != nullptr ? load(bias + c0 + j) : zero());
      for (std::size_t t = 0; t < taps; ++t)
        for (std::size_t j = 0; j < kTile; j += 4) store(p + kTile * (t + 1) + j, load(weights + t * C + c0 + j));
      continue;
    }
    for (std::size_t j = 0; j < kTile; ++j) p[j] = bias != nullptr && j < n ? bias[c0 + j] : 0.0f;
    for (std::size_t t = 0; t < taps; ++t)
      for (std::size_t j = 0; j < kTile; ++j) p[kTile * (t + 1) + j] = j < n ? weights[t * C + c0 + j] : 0.0f;
  }
}

Status run(const float* in, const float* packed, float* out, const ConvShape& s, Activation act) {
  const std::size_t C = s.in_channels, H = s.in_h, W = s.in_w, OH = s.out_h, OW = s.out_w;
  const std::size_t kh = s.kernel_h, kw = s.kernel_w, taps = kh * kw;
  const std::size_t blocks = (C + kDwNhwcBlock - 1) / kDwNhwcBlock;
  const detail::OutputClamp clamp_to(act);
  const f32x4 lo = clamp_to.lo, hi = clamp_to.hi;

  thread::ScratchPlan plan;
  const std::size_t taps_at = plan.add<const float*>(taps);
  const std::size_t offsets_at = plan.add<std::size_t>(taps);
  // Output columns [ox_lo, ox_hi) have windows inside the input along W.
  const std::size_t span_w = (kw - 1) * s.dilation_w;
  const std::size_t ox_lo = std::min(OW, (s.pad_left + s.stride_w - 1) / s.stride_w);
  const std::size_t ox_hi =
      W + s.pad_left < span_w + 1 ? 0 : std::min(OW, (W + s.pad_left - span_w - 1) / s.stride_w + 1);
  thread::Chunks work{s.batch * OH * blocks, 0,
                      detail::saturated_bytes({OW, std::min(C, kDwNhwcBlock), taps + 1, sizeof(float)})};
  thread::ScratchSlots scratch;
  Status st = scratch.allocate(plan, &work);
  if (st != Status::kOk) return st;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    const float** const tap = scratch.get<const float*>(slot, taps_at);
    // Where each tap sits from its window's first pixel, in floats.
    std::size_t* const offset = scratch.get<std::size_t>(slot, offsets_at);
    for (std::size_t ky = 0; ky < kh; ++ky)
      for (std::size_t kx = 0; kx < kw; ++kx) offset[ky * kw + kx] = (ky * s.dilation_h * W + kx * s.dilation_w) * C;
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t row = item / blocks, block = item % blocks;
      const std::size_t n = row / OH, oy = row % OH;
      const std::size_t c0 = block * kDwNhwcBlock, channels = std::min(kDwNhwcBlock, C - c0);
      const float* image = in + n * H * W * C + c0;
      const float* w = packed + c0 * (taps + 1);
      float* y = out + row * OW * C + c0;
      const std::size_t iy0 = oy * s.stride_h - s.pad_top;  // wraps when above the input
      const bool rows_inside = oy * s.stride_h >= s.pad_top && iy0 + (kh - 1) * s.dilation_h < H;
      for (std::size_t ox = 0; ox < OW; ++ox, y += C) {
        if (rows_inside && ox >= ox_lo && ox < ox_hi) {
          const float* x0 = image + (iy0 * W + ox * s.stride_w - s.pad_left) * C;
          for (std::size_t t = 0; t < taps; ++t) tap[t] = x0 + offset[t];
          dw_pixel(channels, tap, taps, w, y, lo, hi);
          if (clamp_to.pass) detail::output_pass(y, channels, act);
          continue;
        }
        // Unsigned wrap-around: a tap above or left of the input gives an
        // index >= H or >= W, as one below or right of it does.
        for (std::size_t ky = 0; ky < kh; ++ky) {
          const std::size_t iy = oy * s.stride_h + ky * s.dilation_h - s.pad_top;
          for (std::size_t kx = 0; kx < kw; ++kx) {
            const std::size_t ix = ox * s.stride_w + kx * s.dilation_w - s.pad_left;
            tap[ky * kw + kx] = iy < H && ix < W ? image + (iy * W + ix) * C : kZeroRow;
          }
        }
        dw_pixel(channels, tap, taps, w, y, lo, hi);
        if (clamp_to.pass) detail::output_pass(y, channels, act);
      }
    }
  });
  return Status::kOk;
}

}  // namespace

Status dwconv_nhwc(const float* in, const float* weights, WeightLayout layout, const float* bias, float* out,
                   const ConvShape& s, Activation act) {
  Status st = detail::check_depthwise(in, weights, layout, out, s, act);
  if (st != Status::kOk || s.batch == 0) return st;
  if (layout != WeightLayout::kHwio) return Status::kInvalidArgument;  // the documented contract (conv.h)
  // Packed per call into one buffer all threads read: C * (taps + 1) floats,
  // at most about 1 us at MobileNet's shapes (1.5% of the smallest layer),
  // too little to pay for caching packed weights on the weight tensor.
  std::size_t floats;
  if ((st = packed_floats(s, &floats)) != Status::kOk) return st;
  thread::ScratchPlan plan;
  const std::size_t packed_at = plan.add<float>(floats);
  thread::ScratchSlots packed;
  if ((st = packed.allocate(plan, 1)) != Status::kOk) return st;
  float* const w = packed.get<float>(0, packed_at);
  pack(weights, bias, s, w);
  return run(in, w, out, s, act);
}

}  // namespace nnwasm::conv
