// Global average and max pooling over the steps of 1D input, both layouts
// (2D global pooling is the same with L = H * W).
//
// Channels last (N, L, C): each step's row of C contiguous channels is added
// into an accumulator row that stays in L1, one row after another, so the
// input is read once as a single ascending stream (global/nlc_steps.h).
// Small C (< 4) folds lane patterns instead. Channels first (N, C, L): each
// row is a contiguous reduction with four accumulators (global/ncl_rows.h).
#include <algorithm>
#include <cstdint>
#include <limits>

#include "pool/global/ncl_rows.h"
#include "pool/global/nlc_steps.h"
#include "pool/ops.h"
#include "pool/pool.h"
#include "thread/pool.h"

namespace nnwasm::pool {
namespace {

// Counts and buffers of a global pooling of (batch, channels, length), either
// layout: counts that overflow, or a null buffer with something to read or
// write, are refused.
Status check_buffers(const float* in, const float* out, std::size_t batch, std::size_t channels,
                     std::size_t length, std::size_t* in_count, std::size_t* out_count) {
  if (!checked_product(in_count, {batch, channels, length}) || !checked_product(out_count, {batch, channels}))
    return Status::kSizeOverflow;
  if (*out_count != 0 && ((in == nullptr && *in_count != 0) || out == nullptr)) return Status::kNullPointer;
  return Status::kOk;
}

template <class Op>
Status global_pool_nlc(const float* in, const float* mask, float* out, std::size_t batch, std::size_t length,
                       std::size_t channels) {
  std::size_t in_count, out_count;
  const Status s = check_buffers(in, out, batch, channels, length, &in_count, &out_count);
  if (s != Status::kOk || out_count == 0) return s;
  if (in_count == 0) {  // no steps (in may be null): the mean of nothing is NaN as Keras, the max -inf
    simd::fill(out, out_count, Op::kAverage ? std::numeric_limits<float>::quiet_NaN() : Op::identity());
    return Status::kOk;
  }

  // Channel chunks only to give every thread work; a channel's arithmetic
  // is the same in any chunking, so results do not depend on it.
  const std::size_t threads = static_cast<std::size_t>(thread::num_threads());
  std::size_t chunks = batch >= 4 * threads ? 1 : (4 * threads + batch - 1) / batch;
  std::size_t chunk = ((channels + chunks - 1) / chunks + 3) & ~std::size_t{3};
  if (channels < 4) chunk = channels;
  chunks = (channels + chunk - 1) / chunk;
  const std::size_t chunk_bytes = length * chunk * sizeof(float);
  thread::parallel_for(batch * chunks, chunk_bytes, [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / chunks, c0 = (item % chunks) * chunk;
      const float* x = in + n * length * channels;
      const float* m = mask == nullptr ? nullptr : mask + n * length;
      float* y = out + n * channels;
      const float count = static_cast<float>(m == nullptr ? length : count_nonzero(m, length));
      if (channels < 4) {
        small_channels_reduce<Op>(x, m, length, channels, count, y);
        continue;
      }
      const std::size_t width = std::min(chunk, channels - c0);
      steps_reduce<Op>(x + c0, m, channels, length, width, count, y + c0);
    }
  });
  return Status::kOk;
}

}  // namespace

Status global_avg_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels) {
  return global_pool_nlc<SumOp>(in, mask, out, batch, length, channels);
}

Status global_max_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels) {
  return global_pool_nlc<MaxOp>(in, mask, out, batch, length, channels);
}

Status global_avg_pool1d_ncl(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t channels, std::size_t length) {
  std::size_t in_count, out_count;
  const Status s = check_buffers(in, out, batch, channels, length, &in_count, &out_count);
  if (s != Status::kOk || out_count == 0) return s;
  if (length == 0) {  // mean of nothing, as torch.mean and Keras: NaN
    simd::fill(out, out_count, std::numeric_limits<float>::quiet_NaN());
    return Status::kOk;
  }

  thread::parallel_for(batch * channels, length * sizeof(float), [&](std::size_t begin, std::size_t end) {
    if (mask == nullptr) {
      for (std::size_t r = begin; r < end; ++r) out[r] = sum_row(in + r * length, length) / static_cast<float>(length);
      return;
    }
    for (std::size_t r = begin; r < end; ++r) {
      const float* m = mask + (r / channels) * length;
      const float count = static_cast<float>(count_nonzero(m, length));
      out[r] = sum_row_masked(in + r * length, m, length) / count;
    }
  });
  return Status::kOk;
}

Status global_max_pool1d_ncl(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t channels, std::size_t length) {
  std::size_t in_count, out_count;
  const Status s = check_buffers(in, out, batch, channels, length, &in_count, &out_count);
  if (s != Status::kOk || out_count == 0) return s;

  thread::parallel_for(batch * channels, length * sizeof(float), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* m = mask == nullptr ? nullptr : mask + (r / channels) * length;
      out[r] = m == nullptr ? max_row(in + r * length, length) : max_row_masked(in + r * length, m, length);
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::pool
