// Global average and max pooling over the steps of 1D input, both layouts
// (2D global pooling is the same with L = H * W).
//
// Channels last (N, L, C): each step's row of C contiguous channels is added
// into an accumulator row that stays in L1, one row after another, so the
// input is read once as a single ascending stream (see accumulate_row).
// Small C (< 4) folds lane patterns instead. Channels first (N, C, L): each row is a contiguous reduction with
// four accumulators.
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

struct MeanOp {
  static constexpr bool kMean = true;
  static f32x4 apply(f32x4 a, f32x4 b) { return add(a, b); }
  static float apply(float a, float b) { return a + b; }
  static float identity() { return 0.0f; }
};

struct MaxOp {
  static constexpr bool kMean = false;
  static f32x4 apply(f32x4 a, f32x4 b) { return max_nan(a, b); }
  static float apply(float a, float b) { return (a != a || b != b) ? a + b : (a > b ? a : b); }
  static float identity() { return -std::numeric_limits<float>::infinity(); }
};

// Accumulator row kept on the stack (in L1); wider channel ranges are done
// in blocks of this many channels.
constexpr std::size_t kAccChannels = 1024;

// acc[0..n) = x[0..n) (kFirst) or acc (op)= x, for one step's row of
// channels: one contiguous read stream with eight independent vectors in
// flight. A single ascending stream is what the hardware prefetchers follow
// best: reading several rows side by side (eight rows per pass, even two)
// measured 2-2.5x slower here, in WebAssembly and for the same bytes.
// noinline: V8 swaps in optimised code only on a later call, so the hot loop
// must be a function called once per row, not a loop inlined into the
// caller that runs for the whole op.
template <class Op, bool kFirst>
__attribute__((noinline)) void accumulate_row(const float* x, std::size_t n, float* acc) {
  std::size_t c = 0;
  for (; c + 32 <= n; c += 32) {
    f32x4 v[8];
    for (int k = 0; k < 8; ++k) v[k] = load(x + c + 4 * k);
    if (!kFirst)
      for (int k = 0; k < 8; ++k) v[k] = Op::apply(load(acc + c + 4 * k), v[k]);
    for (int k = 0; k < 8; ++k) store(acc + c + 4 * k, v[k]);
  }
  for (; c + 4 <= n; c += 4) store(acc + c, kFirst ? load(x + c) : Op::apply(load(acc + c), load(x + c)));
  for (; c < n; ++c) acc[c] = kFirst ? x[c] : Op::apply(acc[c], x[c]);
}

// out[0..n) = Op over the unmasked steps of x (steps `stride` floats apart),
// divided by `count` for means; n <= kAccChannels.
template <class Op>
void steps_reduce_block(const float* x, const float* mask, std::size_t stride, std::size_t length, std::size_t n,
                        float count, float* out) {
  float acc[kAccChannels];
  std::size_t l = 0;
  while (l < length && mask != nullptr && mask[l] == 0.0f) ++l;
  if (l == length) {  // no steps: the mean of nothing is NaN (0/0), the max -Infinity
    std::fill(out, out + n, Op::kMean ? 0.0f / count : Op::identity());
    return;
  }
  accumulate_row<Op, true>(x + l * stride, n, acc);
  for (++l; l < length; ++l)
    if (mask == nullptr || mask[l] != 0.0f) accumulate_row<Op, false>(x + l * stride, n, acc);
  if (!Op::kMean) {
    std::copy(acc, acc + n, out);
    return;
  }
  const f32x4 d = splat(count);
  std::size_t c = 0;
  for (; c + 4 <= n; c += 4) store(out + c, div(load(acc + c), d));
  for (; c < n; ++c) out[c] = acc[c] / count;
}

template <class Op>
void steps_reduce(const float* x, const float* mask, std::size_t stride, std::size_t length, std::size_t n,
                  float count, float* out) {
  for (std::size_t c = 0; c < n; c += kAccChannels)
    steps_reduce_block<Op>(x + c, mask, stride, length, std::min(kAccChannels, n - c), count, out + c);
}

// C < 4: the batch's L*C floats are one contiguous run whose lane pattern
// repeats every lcm(C, 4) floats; reduce whole periods in vectors, fold
// lanes onto channels at the end.
template <class Op>
void small_channels_reduce(const float* x, const float* mask, std::size_t length, std::size_t channels,
                           float count, float* out) {
  float acc[3] = {Op::identity(), Op::identity(), Op::identity()};
  if (mask != nullptr) {
    for (std::size_t l = 0; l < length; ++l)
      if (mask[l] != 0.0f)
        for (std::size_t c = 0; c < channels; ++c) acc[c] = Op::apply(acc[c], x[l * channels + c]);
  } else {
    const std::size_t period = channels == 3 ? 12 : 4;
    const std::size_t total = length * channels;
    f32x4 vacc[3] = {splat(Op::identity()), splat(Op::identity()), splat(Op::identity())};
    std::size_t i = 0;
    for (; i + period <= total; i += period)
      for (std::size_t v = 0; v < period / 4; ++v) vacc[v] = Op::apply(vacc[v], load(x + i + 4 * v));
    for (std::size_t q = 0; q < period; ++q)
      acc[q % channels] = Op::apply(acc[q % channels], lane(vacc[q / 4], static_cast<int>(q % 4)));
    for (; i < total; ++i) acc[i % channels] = Op::apply(acc[i % channels], x[i]);
  }
  for (std::size_t c = 0; c < channels; ++c) out[c] = Op::kMean ? acc[c] / count : acc[c];
}

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
    std::fill(out, out + out_count, Op::kMean ? std::numeric_limits<float>::quiet_NaN() : Op::identity());
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
  return global_pool_nlc<MeanOp>(in, mask, out, batch, length, channels);
}

Status global_max_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels) {
  return global_pool_nlc<MaxOp>(in, mask, out, batch, length, channels);
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
  const Status s = check_buffers(in, out, batch, channels, length, &in_count, &out_count);
  if (s != Status::kOk || out_count == 0) return s;

  thread::parallel_for(batch * channels, length * sizeof(float), [&](std::size_t begin, std::size_t end) {
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
