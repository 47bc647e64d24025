// torch.cat / Keras Concatenate as one call per input: input i is `rows`
// contiguous rows of row_len floats (rows = the product of the dims before
// the cat dim), copied into the output rows of out_stride floats at column
// out_offset.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::concat {

Status copy_rows(const float* in, float* out, std::size_t rows, std::size_t row_len, std::size_t out_stride,
                 std::size_t out_offset);

}  // namespace nnwasm::concat
