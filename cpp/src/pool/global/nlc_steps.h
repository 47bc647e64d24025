// The channels-last global-pooling micro-kernels: a batch's steps reduced
// into a row of channels, over a block of channels or (C < 4) lane patterns.
// Included by global_pool.cc only; internal linkage (static) keeps the
// inlining they had as file-local functions there.
#pragma once

#include <algorithm>
#include <cstddef>

#include "pool/ops.h"
#include "simd/vec.h"

namespace nnwasm::pool {

using namespace simd;

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
static __attribute__((noinline)) void accumulate_row(const float* x, std::size_t n, float* acc) {
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
static void steps_reduce_block(const float* x, const float* mask, std::size_t stride, std::size_t length, std::size_t n,
                        float count, float* out) {
  float acc[kAccChannels];
  std::size_t l = 0;
  while (l < length && mask != nullptr && mask[l] == 0.0f) ++l;
  if (l == length) {  // no steps: the mean of nothing is NaN (0/0), the max -Infinity
    simd::fill(out, n, Op::kAverage ? 0.0f / count : Op::identity());
    return;
  }
  accumulate_row<Op, true>(x + l * stride, n, acc);
  for (++l; l < length; ++l)
    if (mask == nullptr || mask[l] != 0.0f) accumulate_row<Op, false>(x + l * stride, n, acc);
  if (!Op::kAverage) {
    std::copy(acc, acc + n, out);
    return;
  }
  const f32x4 d = splat(count);
  std::size_t c = 0;
  for (; c + 4 <= n; c += 4) store(out + c, div(load(acc + c), d));
  for (; c < n; ++c) out[c] = acc[c] / count;
}

template <class Op>
static void steps_reduce(const float* x, const float* mask, std::size_t stride, std::size_t length, std::size_t n,
                  float count, float* out) {
  for (std::size_t c = 0; c < n; c += kAccChannels)
    steps_reduce_block<Op>(x + c, mask, stride, length, std::min(kAccChannels, n - c), count, out + c);
}

// C < 4: the batch's L*C floats are one contiguous run whose lane pattern
// repeats every lcm(C, 4) floats; reduce whole periods in vectors, fold
// lanes onto channels at the end.
template <class Op>
static void small_channels_reduce(const float* x, const float* mask, std::size_t length, std::size_t channels,
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
  for (std::size_t c = 0; c < channels; ++c) out[c] = Op::kAverage ? acc[c] / count : acc[c];
}

}  // namespace nnwasm::pool
