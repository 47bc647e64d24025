// Batch normalization at inference, and the per-channel batch statistics
// the fronts use to train it. The input is viewed as (outer, channels,
// inner): channels first is (N, C, H*W), channels last (N*H*W, C, 1).
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::norm {

// out = (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c], computed as
// PyTorch does: x * scale[c] + shift[c]. gamma null means 1, beta null 0.
Status batch_norm(const float* in, float* out, std::size_t outer, std::size_t channels, std::size_t inner,
                  const float* mean, const float* var, const float* gamma, const float* beta, float eps);

// mean[c] and the biased variance var[c] over outer * inner values (in
// double, two passes). NaN when outer * inner is 0.
Status batch_stats(const float* in, std::size_t outer, std::size_t channels, std::size_t inner, float* mean,
                   float* var);

}  // namespace nnwasm::norm
