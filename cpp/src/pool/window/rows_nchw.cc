// Window and adaptive pooling, channels first, separably: for each output
// row, the window's input rows are first reduced into a row buffer
// (contiguous, vectorised along W, up to four rows per pass), then each
// output pools its columns of that buffer. The buffer has the padding around
// it (zero for sums, -Infinity for max), so strided windows need no edge
// cases: stride 1 loads straight runs, stride 2 de-interleaves two vectors,
// larger strides gather lanes. Averages divide by a per-output divisor
// (rows' factor x columns' factor), as a multiply by its reciprocal, made
// once per distinct row factor.
#include <algorithm>
#include <cstdint>

#include "pool/window/columns_nchw.h"
#include "pool/window/paths.h"
#include "pool/window/reduce_rows.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::pool {

ColumnPass column_pass(const AxisWindows& rows, const AxisWindows& cols, std::size_t in_h, std::size_t in_w) {
  if (!cols.strided) return ColumnPass::kListed;
  if (cols.stride == 1) return ColumnPass::kStride1;
  if (cols.stride == 2 && cols.step == 1 && cols.kernel == 2) {
    if (cols.pad_begin != 0 || 2 * cols.outputs() > in_w) return ColumnPass::kStride2Kernel2;
    // Every window exactly two whole rows: the planes form one tall image.
    const bool whole_planes = rows.strided && rows.stride == 2 && rows.kernel == 2 && rows.step == 1 &&
                              rows.pad_begin == 0 && in_h == 2 * rows.outputs();
    return whole_planes ? ColumnPass::kPlanesS2K2 : ColumnPass::kFusedS2K2;
  }
  if (cols.stride == 2 && cols.step == 1 && cols.kernel == 3) return ColumnPass::kStride2Kernel3;
  if (cols.stride == 2) return ColumnPass::kStride2;
  return ColumnPass::kStrideAny;
}

template <class Op>
Status rows_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
                 const AxisWindows& rows, const AxisWindows& cols, ColumnPass pass) {
  constexpr bool kAverage = Op::kAverage;
  const std::size_t out_h = rows.outputs(), out_w = cols.outputs();
  // Row buffer: padded coordinates, the input row at pad_left.
  const std::size_t pad_left = cols.strided ? cols.pad_begin : 0;
  std::uint64_t extent = std::uint64_t{pad_left} + in_w + 8;
  if (cols.strided)
    extent = std::max(extent, std::uint64_t{round_up4(out_w)} * cols.stride +
                                  std::uint64_t{cols.kernel - 1} * cols.step + 8);
  thread::ScratchPlan plan;
  const std::size_t buf_at = plan.add<float>(extent);
  const std::size_t inv_at = plan.add<float>(kAverage ? round_up4(out_w) : 0);
  thread::Chunks work = output_rows_work(rows, planes, in_w);
  thread::ScratchSlots scratch;
  const Status s = scratch.allocate(plan, &work);
  if (s != Status::kOk) return s;

  const bool fused = pass == ColumnPass::kFusedS2K2 || pass == ColumnPass::kPlanesS2K2;
  const float* in_end = in + planes * in_h * in_w;
  // Rows [0, safe_items) read at most 2 * round_up4(out_w) floats from each
  // of their two rows' starts without passing the input's end.
  std::size_t safe_items = 0;
  constexpr std::size_t kRowsPerCall = 64;
  if (pass == ColumnPass::kPlanesS2K2) {
    const std::size_t items = planes * out_h, reach = in_w + 2 * round_up4(out_w);
    safe_items = items;
    while (safe_items > 0 && (safe_items - 1) * 2 * in_w + reach > planes * in_h * in_w) --safe_items;
  }

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    float* const buf = scratch.get<float>(slot, buf_at);
    simd::fill(buf, extent, Op::identity());
    // Reciprocal divisors of the current output row, remade only when the
    // row's factor changes (interior rows share it).
    float* const inv_div = scratch.get<float>(slot, inv_at);
    if (kAverage) simd::fill(inv_div, round_up4(out_w), 1.0f);
    float inv_row_size = -1.0f;
    float* row = buf + pad_left;
    if (pass == ColumnPass::kPlanesS2K2) {
      // Rows whose reads stay inside the input; the rest (the very last,
      // reading past the end) take the general path below.
      if (kAverage)
        for (std::size_t o = 0; o < out_w; ++o) inv_div[o] = 1.0f / (rows.size[0] * cols.size[o]);
      const std::size_t fast_end = std::min(end, safe_items);
      for (std::size_t b = begin; b < fast_end; b += kRowsPerCall) {
        const std::size_t e = std::min(fast_end, b + kRowsPerCall);
        pool_rows_s2k2_planes<Op, kAverage>(in, in_w, out_w, b, e, e == fast_end, inv_div, out);
      }
      begin = std::max(begin, fast_end);
    }
    std::size_t plane = begin / out_h, oh = begin % out_h;
    for (std::size_t item = begin; item < end; ++item, ++oh) {
      if (oh == out_h) {
        oh = 0;
        ++plane;
      }
      const float* x = in + plane * in_h * in_w;
      float* y = out + item * out_w;
      const std::size_t count = static_cast<std::size_t>(rows.count[oh]);
      if (kAverage && rows.size[oh] != inv_row_size) {
        inv_row_size = rows.size[oh];
        for (std::size_t o = 0; o < out_w; ++o) inv_div[o] = 1.0f / (inv_row_size * cols.size[o]);
      }
      if (fused && count > 0) {
        const float* row0 = x + static_cast<std::size_t>(rows.first[oh]) * in_w;
        const std::size_t last_row = (count - 1) * rows.step * in_w;
        if (row0 + last_row + 2 * round_up4(out_w) <= in_end) {
          pool_row_fused_s2k2<Op, kAverage>(row0, rows.step * in_w, count, out_w, inv_div, y);
          continue;
        }
      }
      if (count == 0) {
        simd::fill(row, in_w, Op::identity());
      } else {
        reduce_rows<Op>(x + static_cast<std::size_t>(rows.first[oh]) * in_w, rows.step * in_w, count, in_w, row);
      }
      const float* b = buf;
      switch (pass) {
        case ColumnPass::kListed: reduce_columns_listed<Op, kAverage>(row, cols, inv_div, y); break;
        case ColumnPass::kStride1: reduce_columns_strided<Op, kAverage, 1>(b, out_w, cols, inv_div, y); break;
        case ColumnPass::kStride2Kernel2:
        case ColumnPass::kFusedS2K2:  // rows whose fused reads would pass the input's end
        case ColumnPass::kPlanesS2K2: reduce_columns_s2<Op, kAverage, 2>(b, out_w, inv_div, y); break;
        case ColumnPass::kStride2Kernel3: reduce_columns_s2<Op, kAverage, 3>(b, out_w, inv_div, y); break;
        case ColumnPass::kStride2: reduce_columns_strided<Op, kAverage, 2>(b, out_w, cols, inv_div, y); break;
        case ColumnPass::kStrideAny: reduce_columns_strided<Op, kAverage, 0>(b, out_w, cols, inv_div, y); break;
      }
    }
  });
  return Status::kOk;
}

template Status rows_nchw<SumOp>(const float*, float*, std::size_t, std::size_t, std::size_t, const AxisWindows&,
                                 const AxisWindows&, ColumnPass);
template Status rows_nchw<MaxOp>(const float*, float*, std::size_t, std::size_t, std::size_t, const AxisWindows&,
                                 const AxisWindows&, ColumnPass);

}  // namespace nnwasm::pool
