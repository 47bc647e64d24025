// Adaptive average pooling, channels first: each row is contiguous, so every
// output window is a contiguous run summed with SIMD; the thread pool splits
// the rows.
#include <cstdint>

#include "pool/pool.h"
#include "pool/row_sum.h"
#include "thread/pool.h"

namespace nnwasm::pool {

Status adaptive_avg_pool1d_ncl(const float* in, float* out, std::size_t rows, std::size_t length,
                               std::size_t out_length) {
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {rows, length}) || !checked_product(&out_count, {rows, out_length}))
    return Status::kSizeOverflow;
  if (out_count == 0) return Status::kOk;
  if (length == 0) return Status::kInvalidArgument;  // every window would be empty
  if (in == nullptr || out == nullptr) return Status::kNullPointer;

  const std::uint64_t L = length, O = out_length;
  thread::parallel_for(rows, length * sizeof(float), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; ++r) {
      const float* row = in + r * length;
      float* dst = out + r * out_length;
      for (std::uint64_t i = 0; i < O; ++i) {
        // PyTorch's window: [floor(i*L/O), ceil((i+1)*L/O)).
        const std::size_t start = static_cast<std::size_t>(i * L / O);
        const std::size_t stop = static_cast<std::size_t>(((i + 1) * L + O - 1) / O);
        dst[i] = sum_row(row + start, stop - start) / static_cast<float>(stop - start);
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::pool
