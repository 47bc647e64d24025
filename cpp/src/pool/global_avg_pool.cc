// Global average pooling over the steps of 1D input, both layouts.
//
// Channels last (N, L, C): a block of up to 32 channels lives in eight vector
// accumulators for the whole walk down the L steps, one contiguous 128-byte
// load group per step, so memory is read once, in order, and the sums never
// leave registers. Channels first (N, C, L): each row is a contiguous sum.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "pool/pool.h"
#include "pool/row_sum.h"
#include "simd/vec.h"
#include "thread/pool.h"

namespace nnwasm::pool {
namespace {

using namespace simd;

constexpr std::size_t kBlockChannels = 32;  // 8 accumulators + loads fit 16 registers

// Sums V vectors of channels starting at x, down `length` steps `stride`
// floats apart, skipping steps whose mask is zero; stores sum / count.
template <int V>
void columns_mean(const float* x, const float* mask, std::size_t stride, std::size_t length,
                  float count, float* out) {
  f32x4 acc[V];
  for (int v = 0; v < V; ++v) acc[v] = zero();
  for (std::size_t l = 0; l < length; ++l, x += stride) {
    if (mask != nullptr && mask[l] == 0.0f) continue;
    for (int v = 0; v < V; ++v) acc[v] = add(acc[v], load(x + 4 * v));
  }
  const f32x4 n = splat(count);
  for (int v = 0; v < V; ++v) store(out + 4 * v, div(acc[v], n));
}

// The last 1-3 channels of a row of C >= 4: sum the four channels ending at
// the row's end (reading neighbours is harmless), keep only the wanted lanes.
void tail_columns_mean(const float* x_end4, const float* mask, std::size_t stride, std::size_t length,
                       float count, std::size_t keep, float* out_end) {
  float tmp[4];
  columns_mean<1>(x_end4, mask, stride, length, count, tmp);
  float* out = out_end - keep;  // (out_end[k - keep] would wrap the unsigned index)
  for (std::size_t k = 0; k < keep; ++k) out[k] = tmp[4 - keep + k];
}

// C < 4: the batch's L*C floats are one contiguous run whose lane pattern
// repeats every lcm(C, 4) floats; accumulate whole periods in vectors, fold
// lanes onto channels at the end.
void small_channels_mean(const float* x, const float* mask, std::size_t length, std::size_t channels,
                         float count, float* out) {
  float sums[3] = {0.0f, 0.0f, 0.0f};
  if (mask != nullptr) {
    for (std::size_t l = 0; l < length; ++l)
      if (mask[l] != 0.0f)
        for (std::size_t c = 0; c < channels; ++c) sums[c] += x[l * channels + c];
  } else {
    const std::size_t period = channels == 3 ? 12 : 4;
    const std::size_t total = length * channels;
    f32x4 acc[3] = {zero(), zero(), zero()};
    std::size_t i = 0;
    for (; i + period <= total; i += period)
      for (std::size_t v = 0; v < period / 4; ++v) acc[v] = add(acc[v], load(x + i + 4 * v));
    for (std::size_t q = 0; q < period; ++q) sums[q % channels] += lane(acc[q / 4], static_cast<int>(q % 4));
    for (; i < total; ++i) sums[i % channels] += x[i];
  }
  for (std::size_t c = 0; c < channels; ++c) out[c] = sums[c] / count;
}

}  // namespace

Status global_avg_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels) {
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {batch, length, channels}) || !checked_product(&out_count, {batch, channels}))
    return Status::kSizeOverflow;
  if (out_count == 0) return Status::kOk;
  if ((in == nullptr && in_count != 0) || out == nullptr) return Status::kNullPointer;
  if (in_count == 0) {  // length 0: the mean of no steps is NaN (and `in` may be null)
    for (std::size_t i = 0; i < out_count; ++i) out[i] = std::numeric_limits<float>::quiet_NaN();
    return Status::kOk;
  }

  const std::size_t blocks = (channels + kBlockChannels - 1) / kBlockChannels;
  const std::size_t block_bytes = length * std::min(channels, kBlockChannels) * sizeof(float);
  thread::parallel_for(batch * blocks, block_bytes, [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / blocks, c0 = (item % blocks) * kBlockChannels;
      const float* x = in + n * length * channels;
      const float* m = mask == nullptr ? nullptr : mask + n * length;
      float* y = out + n * channels;
      const float count =
          static_cast<float>(m == nullptr ? length : count_nonzero(m, length));
      if (channels < 4) {
        small_channels_mean(x, m, length, channels, count, y);
        continue;
      }
      std::size_t c = c0;
      const std::size_t c_end = std::min(channels, c0 + kBlockChannels);
      if (c_end - c == kBlockChannels) {
        columns_mean<8>(x + c, m, channels, length, count, y + c);
        continue;
      }
      for (; c + 16 <= c_end; c += 16) columns_mean<4>(x + c, m, channels, length, count, y + c);
      for (; c + 8 <= c_end; c += 8) columns_mean<2>(x + c, m, channels, length, count, y + c);
      for (; c + 4 <= c_end; c += 4) columns_mean<1>(x + c, m, channels, length, count, y + c);
      if (c < c_end)
        tail_columns_mean(x + c_end - 4, m, channels, length, count, c_end - c, y + c_end);
    }
  });
  return Status::kOk;
}

Status global_avg_pool1d_ncl(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t channels, std::size_t length) {
  if (mask == nullptr) {
    std::size_t rows;
    if (!checked_product(&rows, {batch, channels})) return Status::kSizeOverflow;
    if (length == 0) {  // mean of nothing, as torch.mean and Keras: NaN
      if (rows != 0 && out == nullptr) return Status::kNullPointer;
      for (std::size_t r = 0; r < rows; ++r) out[r] = std::numeric_limits<float>::quiet_NaN();
      return Status::kOk;
    }
    return adaptive_avg_pool1d_ncl(in, out, rows, length, 1);
  }
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {batch, channels, length}) || !checked_product(&out_count, {batch, channels}))
    return Status::kSizeOverflow;
  if (out_count == 0) return Status::kOk;
  if ((in == nullptr && in_count != 0) || out == nullptr) return Status::kNullPointer;

  thread::parallel_for(batch * channels, length * sizeof(float), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* m = mask + (r / channels) * length;
      const float count = static_cast<float>(count_nonzero(m, length));
      out[r] = sum_row_masked(in + r * length, m, length) / count;
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::pool
