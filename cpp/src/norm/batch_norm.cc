// Per-channel scale and shift are folded once (2*C floats of scratch), so
// the pass over the data is one multiply-add per value: memory speed.
#include <cmath>
#include <cstdlib>
#include <limits>

#include "norm/norm.h"
#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::norm {

namespace {

using simd::f32x4;

// One row of channels-last data: out[c] = x[c] * scale[c] + shift[c].
void affine_row(const float* x, float* out, const float* scale, const float* shift, std::size_t c) {
  std::size_t i = 0;
  for (; i + 8 <= c; i += 8) {
    const f32x4 y0 = simd::add(simd::mul(simd::load(x + i), simd::load(scale + i)), simd::load(shift + i));
    const f32x4 y1 = simd::add(simd::mul(simd::load(x + i + 4), simd::load(scale + i + 4)), simd::load(shift + i + 4));
    simd::store(out + i, y0);
    simd::store(out + i + 4, y1);
  }
  for (; i + 4 <= c; i += 4)
    simd::store(out + i, simd::add(simd::mul(simd::load(x + i), simd::load(scale + i)), simd::load(shift + i)));
  for (; i < c; ++i) out[i] = x[i] * scale[i] + shift[i];
}

// One plane of channels-first data with a single scale and shift.
void affine_plane(const float* x, float* out, float scale, float shift, std::size_t n) {
  const f32x4 s = simd::splat(scale), t = simd::splat(shift);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const f32x4 y0 = simd::add(simd::mul(simd::load(x + i), s), t);
    const f32x4 y1 = simd::add(simd::mul(simd::load(x + i + 4), s), t);
    simd::store(out + i, y0);
    simd::store(out + i + 4, y1);
  }
  for (; i + 4 <= n; i += 4) simd::store(out + i, simd::add(simd::mul(simd::load(x + i), s), t));
  for (; i < n; ++i) out[i] = x[i] * scale + shift;
}

Status check(std::size_t outer, std::size_t channels, std::size_t inner, std::size_t* total) {
  if (channels == 0) return Status::kInvalidArgument;
  if (!checked_product(total, {outer, channels, inner})) return Status::kSizeOverflow;
  return Status::kOk;
}

}  // namespace

Status batch_norm(const float* in, float* out, std::size_t outer, std::size_t channels, std::size_t inner,
                  const float* mean, const float* var, const float* gamma, const float* beta, float eps) {
  std::size_t total;
  if (const Status s = check(outer, channels, inner, &total); s != Status::kOk) return s;
  if (mean == nullptr || var == nullptr) return Status::kNullPointer;
  if (total == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  // 16 spare bytes: the row loop's vector loads stay inside (tails are scalar).
  float* scale = static_cast<float*>(std::malloc(2 * channels * sizeof(float) + 16));
  if (scale == nullptr) {
    record_failed_allocation(2 * channels * sizeof(float) + 16);
    return Status::kOutOfMemory;
  }
  float* shift = scale + channels;
  for (std::size_t c = 0; c < channels; ++c) {
    const float s = (gamma ? gamma[c] : 1.0f) / std::sqrt(var[c] + eps);
    scale[c] = s;
    shift[c] = (beta ? beta[c] : 0.0f) - mean[c] * s;
  }
  if (inner == 1) {
    thread::parallel_for(outer, 2 * sizeof(float) * channels, [&](std::size_t begin, std::size_t end) {
      for (std::size_t o = begin; o < end; ++o)
        affine_row(in + o * channels, out + o * channels, scale, shift, channels);
    });
  } else {
    thread::parallel_for(outer * channels, 2 * sizeof(float) * inner, [&](std::size_t begin, std::size_t end) {
      for (std::size_t r = begin; r < end; ++r) {
        const std::size_t c = r % channels;
        affine_plane(in + r * inner, out + r * inner, scale[c], shift[c], inner);
      }
    });
  }
  std::free(scale);
  return Status::kOk;
}

Status batch_stats(const float* in, std::size_t outer, std::size_t channels, std::size_t inner, float* mean,
                   float* var) {
  std::size_t total;
  if (const Status s = check(outer, channels, inner, &total); s != Status::kOk) return s;
  if (mean == nullptr || var == nullptr) return Status::kNullPointer;
  if (total == 0) {
    for (std::size_t c = 0; c < channels; ++c) mean[c] = var[c] = std::numeric_limits<float>::quiet_NaN();
    return Status::kOk;
  }
  if (in == nullptr) return Status::kNullPointer;
  const double count = static_cast<double>(outer) * static_cast<double>(inner);
  // Blocks of 16 channels: in channels-last data a thread reads whole cache
  // lines of its own.
  constexpr std::size_t kBlock = 16;
  const std::size_t blocks = (channels + kBlock - 1) / kBlock;
  thread::parallel_for(blocks, 2 * sizeof(float) * kBlock * outer * inner, [&](std::size_t begin, std::size_t end) {
    for (std::size_t blk = begin; blk < end; ++blk) {
      const std::size_t c0 = blk * kBlock, c1 = c0 + kBlock < channels ? c0 + kBlock : channels;
      double sum[kBlock] = {}, sq[kBlock] = {};
      for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t c = c0; c < c1; ++c) {
          const float* x = in + (o * channels + c) * inner;
          double s = 0;
          for (std::size_t i = 0; i < inner; ++i) s += x[i];
          sum[c - c0] += s;
        }
      for (std::size_t c = c0; c < c1; ++c) sum[c - c0] /= count;
      for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t c = c0; c < c1; ++c) {
          const float* x = in + (o * channels + c) * inner;
          const double m = sum[c - c0];
          double s = 0;
          for (std::size_t i = 0; i < inner; ++i) s += (x[i] - m) * (x[i] - m);
          sq[c - c0] += s;
        }
      for (std::size_t c = c0; c < c1; ++c) {
        mean[c] = static_cast<float>(sum[c - c0]);
        var[c] = static_cast<float>(sq[c - c0] / count);
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::norm
