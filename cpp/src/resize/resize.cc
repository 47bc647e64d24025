// Each axis gets a table (first source index, second source index, weight
// of the second) once per call; rows of output then read at most two input
// rows, so the pass runs near memory speed in both layouts.
#include "resize/resize.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::resize {

namespace {

using simd::f32x4;

struct Tap {
  std::size_t i0, i1;
  float lambda;  // weight of i1; i0 gets 1 - lambda
};

// PyTorch's nearest_idx: exact shortcuts for equal and doubled sizes, else
// min(floor(dst * scale), in - 1) in float.
std::size_t nearest_source(std::size_t dst, const Axis& a) {
  if (a.out == a.in) return dst;
  if (a.out == 2 * a.in) return dst >> 1;
  const float real = std::floor(static_cast<float>(dst) * a.scale);
  const std::size_t i = real > 0.0f ? static_cast<std::size_t>(real) : 0;
  return i < a.in - 1 ? i : a.in - 1;
}

// PyTorch's area_pixel_compute_source_index + guard_index_and_lambda.
Tap linear_source(std::size_t dst, const Axis& a, Coord coord) {
  float real = coord == Coord::kHalfPixel ? a.scale * (static_cast<float>(dst) + 0.5f) - 0.5f
                                          : a.scale * static_cast<float>(dst);
  if (real < 0.0f) real = 0.0f;
  const float fl = std::floor(real);
  std::size_t i0 = static_cast<std::size_t>(fl);
  if (i0 > a.in - 1) i0 = a.in - 1;
  float lambda = real - static_cast<float>(i0);
  lambda = lambda < 0.0f ? 0.0f : (lambda > 1.0f ? 1.0f : lambda);
  return Tap{i0, i0 < a.in - 1 ? i0 + 1 : i0, lambda};
}

void fill_taps(Tap* taps, const Axis& a, Mode mode, Coord coord) {
  for (std::size_t o = 0; o < a.out; ++o) {
    if (mode == Mode::kNearest) {
      const std::size_t i = nearest_source(o, a);
      taps[o] = Tap{i, i, 0.0f};
    } else {
      taps[o] = linear_source(o, a, coord);
    }
  }
}

// out = (1 - lh) * ((1 - lw) * a + lw * b) + lh * ((1 - lw) * c + lw * d) over n channels, as PyTorch orders it.
void blend(const float* a, const float* b, const float* c, const float* d, float* out, std::size_t n, float lh,
           float lw) {
  const float h0 = 1.0f - lh, w0 = 1.0f - lw;
  const f32x4 vh0 = simd::splat(h0), vh1 = simd::splat(lh), vw0 = simd::splat(w0), vw1 = simd::splat(lw);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const f32x4 top = simd::add(simd::mul(vw0, simd::load(a + i)), simd::mul(vw1, simd::load(b + i)));
    const f32x4 bot = simd::add(simd::mul(vw0, simd::load(c + i)), simd::mul(vw1, simd::load(d + i)));
    simd::store(out + i, simd::add(simd::mul(vh0, top), simd::mul(vh1, bot)));
  }
  for (; i < n; ++i) out[i] = h0 * (w0 * a[i] + lw * b[i]) + lh * (w0 * c[i] + lw * d[i]);
}

}  // namespace

Status resize2d(const float* in, float* out, std::size_t batch, std::size_t channels, Axis h, Axis w, Mode mode,
                Coord coord, bool channels_last) {
  if (static_cast<int>(mode) < 0 || static_cast<int>(mode) > 1 || static_cast<int>(coord) < 0 ||
      static_cast<int>(coord) > 2)
    return Status::kInvalidArgument;
  if (h.in == 0 || w.in == 0 || h.out == 0 || w.out == 0 || !(h.scale >= 0.0f) || !(w.scale >= 0.0f))
    return Status::kInvalidArgument;
  std::size_t n_in, n_out;
  if (!checked_product(&n_in, {batch, channels, h.in, w.in}) ||
      !checked_product(&n_out, {batch, channels, h.out, w.out}))
    return Status::kSizeOverflow;
  if (n_out == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  const std::size_t bytes = (h.out + w.out) * sizeof(Tap);
  Tap* taps = static_cast<Tap*>(std::malloc(bytes));
  if (taps == nullptr) {
    record_failed_allocation(bytes);
    return Status::kOutOfMemory;
  }
  Tap* th = taps;
  Tap* tw = taps + h.out;
  fill_taps(th, h, mode, coord);
  fill_taps(tw, w, mode, coord);
  const bool nearest = mode == Mode::kNearest;
  if (channels_last) {
    const std::size_t C = channels;
    thread::parallel_for(batch * h.out, 2 * sizeof(float) * w.out * C, [&](std::size_t begin, std::size_t end) {
      for (std::size_t row = begin; row < end; ++row) {
        const std::size_t n = row / h.out, oh = row % h.out;
        const float* r0 = in + (n * h.in + th[oh].i0) * w.in * C;
        const float* r1 = in + (n * h.in + th[oh].i1) * w.in * C;
        float* dst = out + row * w.out * C;
        for (std::size_t ow = 0; ow < w.out; ++ow, dst += C) {
          const Tap& t = tw[ow];
          if (nearest) {
            std::memcpy(dst, r0 + t.i0 * C, C * sizeof(float));
          } else {
            blend(r0 + t.i0 * C, r0 + t.i1 * C, r1 + t.i0 * C, r1 + t.i1 * C, dst, C, th[oh].lambda, t.lambda);
          }
        }
      }
    });
  } else {
    thread::parallel_for(batch * channels * h.out, 2 * sizeof(float) * w.out, [&](std::size_t begin, std::size_t end) {
      for (std::size_t row = begin; row < end; ++row) {
        const std::size_t plane = row / h.out, oh = row % h.out;
        const float* r0 = in + (plane * h.in + th[oh].i0) * w.in;
        const float* r1 = in + (plane * h.in + th[oh].i1) * w.in;
        float* dst = out + row * w.out;
        if (nearest) {
          for (std::size_t ow = 0; ow < w.out; ++ow) dst[ow] = r0[tw[ow].i0];
          continue;
        }
        const float lh = th[oh].lambda, h0 = 1.0f - lh;
        for (std::size_t ow = 0; ow < w.out; ++ow) {
          const Tap& t = tw[ow];
          const float w0 = 1.0f - t.lambda;
          dst[ow] = h0 * (w0 * r0[t.i0] + t.lambda * r0[t.i1]) + lh * (w0 * r1[t.i0] + t.lambda * r1[t.i1]);
        }
      }
    });
  }
  std::free(taps);
  return Status::kOk;
}

}  // namespace nnwasm::resize
