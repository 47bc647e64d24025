// Max pooling with PyTorch's indices, channels first (max_pool2d and
// adaptive_max_pool2d with return_indices). For each output row, each
// column's best row of the window is found first (value and flat index
// rows), then the columns are combined four outputs per vector
// (window/argmax_columns.h).
#include <algorithm>
#include <cstdint>
#include <limits>

#include "pool/window/argmax_columns.h"
#include "pool/window/paths.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::pool {

Status argmax_nchw(const float* in, float* out, float* indices, std::size_t planes, std::size_t in_h,
                   std::size_t in_w, const AxisWindows& rows, const AxisWindows& cols) {
  const std::size_t out_h = rows.outputs(), out_w = cols.outputs();
  const bool vectorized = cols.strided && static_cast<std::uint64_t>(in_h) * in_w < (std::uint64_t{1} << 24);
  const std::size_t pad_left = vectorized ? cols.pad_begin : 0;
  std::uint64_t extent = std::uint64_t{pad_left} + in_w + 8;
  if (vectorized)
    extent = std::max(extent, std::uint64_t{round_up4(out_w)} * cols.stride +
                                  std::uint64_t{cols.kernel - 1} * cols.step + 8);
  thread::ScratchPlan plan;
  const std::size_t values_at = plan.add<float>(extent);
  const std::size_t flat_at = plan.add<float>(extent);
  const std::size_t start_at = plan.add<float>(round_up4(out_w));
  thread::Chunks work = output_rows_work(rows, planes, in_w);
  thread::ScratchSlots scratch;
  const Status s = scratch.allocate(plan, &work);
  if (s != Status::kOk) return s;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    float* const values = scratch.get<float>(slot, values_at);
    float* const flat = scratch.get<float>(slot, flat_at);
    float* const start_index = scratch.get<float>(slot, start_at);
    simd::fill(values, extent, -std::numeric_limits<float>::infinity());
    simd::fill(flat, extent, kPaddingIndex);
    simd::fill(start_index, round_up4(out_w), 0.0f);
    float start_row = -1.0f;
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t plane = item / out_h, oh = item % out_h;
      const float* x = in + plane * in_h * in_w;
      const std::int64_t h0 = rows.first[oh], nh = rows.count[oh];
      column_argmax(nh == 0 ? nullptr : x + static_cast<std::size_t>(h0) * in_w, in_w, nh, rows.step,
                    static_cast<float>(h0), values + pad_left, flat + pad_left);
      float* y = out + item * out_w;
      float* y_index = indices + item * out_w;
      if (!vectorized) {
        argmax_columns_listed(values, flat, cols, static_cast<float>(h0), in_w, y, y_index);
        continue;
      }
      if (static_cast<float>(h0) != start_row) {  // PyTorch's start value: the first tap
        start_row = static_cast<float>(h0);
        for (std::size_t o = 0; o < out_w; ++o)
          start_index[o] = start_row * static_cast<float>(in_w) + static_cast<float>(cols.first[o]);
      }
      if (cols.stride == 1) {
        argmax_columns_strided<1>(values, flat, cols, start_index, out_w, y, y_index);
      } else if (cols.stride == 2) {
        argmax_columns_strided<2>(values, flat, cols, start_index, out_w, y, y_index);
      } else {
        argmax_columns_strided<0>(values, flat, cols, start_index, out_w, y, y_index);
      }
    }
  });
  return Status::kOk;
}

}  // namespace nnwasm::pool
