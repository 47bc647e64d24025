// The pooling kernels' C++ API. Every entry point checks its own arguments
// (null pointers, sizes whose products overflow) and returns a Status; the
// JS fronts check shapes and options first and give users the readable error.
//
// Layouts: "ncl" is channels first (rows of `length` contiguous steps),
// "nlc" is channels last (each step holds `channels` contiguous values).
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::pool {

// PyTorch adaptive_avg_pool1d over `rows` independent rows of `length`:
// out[r, i] = mean(in[r, floor(i*L/O) : ceil((i+1)*L/O)]).
Status adaptive_avg_pool1d_ncl(const float* in, float* out, std::size_t rows, std::size_t length,
                               std::size_t out_length);

// Mean over the steps of (batch, channels, length) input. `mask` is null or
// (batch, length) with nonzero = keep; masked steps are left out of sum and
// count (all masked gives 0/0 = NaN, as Keras).
Status global_avg_pool1d_ncl(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t channels, std::size_t length);

// The same over (batch, length, channels) input.
Status global_avg_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels);

}  // namespace nnwasm::pool
