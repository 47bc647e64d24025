// Channels-last window micro-kernel: one output pixel from a table of its
// taps' pixels, the channels reduced across the taps in blocks of 16 held in
// four vector accumulators. A last partial vector of channels is recomputed
// overlapping the previous one (same values), so no scalar loop runs over
// the channels unless C < 4. Included by pixels_nhwc.cc only (internal
// linkage, as the file-local function it was).
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>

#include "simd/vec.h"

namespace nnwasm::pool {

using namespace simd;

// y[c] = Op over taps t of taps[t][c] (divided by `divisor` for averages).
template <class Op, bool kAverage>
static void pool_pixel(const float* const* taps, std::size_t ntaps, std::size_t channels, float divisor, float* y) {
  if (ntaps == 0) {  // a window of padding only (PyTorch: 0 for averages)
    const float empty = kAverage ? 0.0f : -std::numeric_limits<float>::infinity();
    simd::fill(y, channels, empty);
    return;
  }
  // Multiply by the reciprocal: one division per pixel, not per vector (a
  // zero divisor only comes with an empty window, whose sum 0 stays 0).
  const float inv = divisor == 0.0f ? 0.0f : 1.0f / divisor;
  const f32x4 d = splat(inv);
  std::size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    const float* p = taps[0] + c;
    f32x4 a0 = load(p), a1 = load(p + 4), a2 = load(p + 8), a3 = load(p + 12);
    for (std::size_t t = 1; t < ntaps; ++t) {
      p = taps[t] + c;
      a0 = Op::apply(a0, load(p));
      a1 = Op::apply(a1, load(p + 4));
      a2 = Op::apply(a2, load(p + 8));
      a3 = Op::apply(a3, load(p + 12));
    }
    if (kAverage) {
      a0 = mul(a0, d);
      a1 = mul(a1, d);
      a2 = mul(a2, d);
      a3 = mul(a3, d);
    }
    store(y + c, a0);
    store(y + c + 4, a1);
    store(y + c + 8, a2);
    store(y + c + 12, a3);
  }
  if (c < channels && channels >= 4) {
    for (;; c += 4) {
      if (c + 4 > channels) c = channels - 4;  // overlap the last whole vector
      f32x4 a = load(taps[0] + c);
      for (std::size_t t = 1; t < ntaps; ++t) a = Op::apply(a, load(taps[t] + c));
      if (kAverage) a = mul(a, d);
      store(y + c, a);
      if (c + 4 == channels) break;
    }
    return;
  }
  for (; c < channels; ++c) {
    float v = taps[0][c];
    for (std::size_t t = 1; t < ntaps; ++t) v = Op::apply(v, taps[t][c]);
    y[c] = kAverage ? v * inv : v;
  }
}

}  // namespace nnwasm::pool
