// adaptive_avg_pool1d, adaptive_avg_pool2d and adaptive_max_pool2d, channels
// first: the entry points. PyTorch's windows [floor(o*in/out),
// ceil((o+1)*in/out)) along each axis; when out divides in they are strided
// windows and take the window paths' fast column passes.
#include <cstdint>

#include "pool/global/ncl_rows.h"
#include "pool/ops.h"
#include "pool/pool.h"
#include "pool/window/axis.h"
#include "pool/window/paths.h"
#include "thread/pool.h"

namespace nnwasm::pool {
namespace {

template <class Op>
Status adaptive_nchw(const float* in, float* out, float* indices, std::size_t planes, std::size_t in_h,
                     std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  bool empty;
  Status s = check_planes(in, out, planes, in_h, in_w, out_h, out_w, &empty);
  if (s != Status::kOk || empty) return s;
  AxisWindows rows, cols;
  if ((s = adaptive_axes(in_h, in_w, out_h, out_w, &rows, &cols)) != Status::kOk) return s;
  if (indices != nullptr) return argmax_nchw(in, out, indices, planes, in_h, in_w, rows, cols);
  return rows_nchw<Op>(in, out, planes, in_h, in_w, rows, cols, column_pass(rows, cols, in_h, in_w));
}

}  // namespace

// Each row is contiguous, so every window is a contiguous run summed with
// SIMD; the thread pool splits the rows.
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
        const std::size_t start = static_cast<std::size_t>(i * L / O);
        const std::size_t stop = static_cast<std::size_t>(((i + 1) * L + O - 1) / O);
        dst[i] = sum_row(row + start, stop - start) / static_cast<float>(stop - start);
      }
    }
  });
  return Status::kOk;
}

Status adaptive_avg_pool2d_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h,
                                std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  return adaptive_nchw<SumOp>(in, out, nullptr, planes, in_h, in_w, out_h, out_w);
}

Status adaptive_max_pool2d_nchw(const float* in, float* out, float* indices, std::size_t planes,
                                std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w) {
  return adaptive_nchw<MaxOp>(in, out, indices, planes, in_h, in_w, out_h, out_w);
}

}  // namespace nnwasm::pool
