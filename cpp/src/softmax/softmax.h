// softmax / log_softmax over one dim of any tensor, viewed as (outer, n,
// inner) around that dim. Max-subtracted, so exp never overflows:
// softmax = exp(x - max) / sum, log_softmax = x - max - log(sum). A NaN in
// a slice makes the whole slice NaN, as in PyTorch.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::softmax {

Status softmax(const float* in, float* out, std::size_t outer, std::size_t n, std::size_t inner, bool log);

}  // namespace nnwasm::softmax
