// Rows are copied with memcpy (the C library's vector loop); a long row is
// cut into pieces so cat along dim 0 still spreads over the threads.
#include "concat/concat.h"

#include <cstring>

#include "thread/pool.h"

namespace nnwasm::concat {

namespace {
constexpr std::size_t kPiece = 16384;
}  // namespace

Status copy_rows(const float* in, float* out, std::size_t rows, std::size_t row_len, std::size_t out_stride,
                 std::size_t out_offset) {
  std::size_t total;
  if (!checked_product(&total, {rows, out_stride}) || !checked_product(&total, {rows, row_len}))
    return Status::kSizeOverflow;
  if (out_offset > out_stride || row_len > out_stride - out_offset) return Status::kInvalidArgument;
  if (rows == 0 || row_len == 0) return Status::kOk;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  const std::size_t pieces = (row_len + kPiece - 1) / kPiece;
  const std::size_t piece_len = row_len < kPiece ? row_len : kPiece;
  thread::parallel_for(rows * pieces, 2 * sizeof(float) * piece_len, [&](std::size_t begin, std::size_t end) {
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t r = item / pieces, start = (item % pieces) * kPiece;
      const std::size_t n = row_len - start < kPiece ? row_len - start : kPiece;
      std::memcpy(out + r * out_stride + out_offset + start, in + r * row_len + start, n * sizeof(float));
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::concat
