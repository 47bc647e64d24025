// Window pooling, channels last (N, H, W, C), the general paths.
//
// Overlapping windows (stride < kernel, e.g. 3x3 stride 1): separable. The
// window's input rows are reduced into a padded row buffer of pixels
// (contiguous, vectorised), then each output pixel reduces its kernel_w
// buffer pixels, so a 3x3 window costs 3 + 3 operations per value, not 9.
// Padding pixels of the row buffer hold the identity (0 for sums,
// -Infinity for max).
//
// Otherwise the indirection approach of XNNPACK's avgpool/maxpool: for each
// output pixel the window's real input pixels are gathered as a table of
// pointers (padding taps are left out: averages divide by the per-pixel
// count the geometry gives, max never sees them), then reduced by
// pool_pixel (window/pixels_nhwc.h).
#include <algorithm>
#include <cstdint>

#include "pool/window/paths.h"
#include "pool/window/pixels_nhwc.h"
#include "pool/window/reduce_rows.h"
#include "thread/pool.h"
#include "thread/scratch.h"

namespace nnwasm::pool {

bool separable_fits_nhwc(const Window2d& window) {
  return window.stride_h < window.kernel_h || window.stride_w < window.kernel_w;
}

template <class Op>
Status separable_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window,
                      const AxisWindows& rows, const AxisWindows& cols) {
  constexpr bool kAverage = Op::kAverage;
  const std::size_t in_h = window.in_h, in_w = window.in_w, out_h = window.out_h, out_w = window.out_w;
  const std::size_t row_stride = in_w * channels;
  const std::size_t pad_left = cols.pad_begin;
  const std::uint64_t extent =
      std::max<std::uint64_t>(std::uint64_t{pad_left} + in_w, std::uint64_t{out_w - 1} * cols.stride +
                                                                  std::uint64_t{cols.kernel - 1} * cols.step + 1);
  thread::ScratchPlan plan;
  const std::size_t buf_at = plan.add<float>(extent * channels);
  const std::size_t taps_at = plan.add<const float*>(cols.kernel);
  thread::Chunks work = output_rows_work(rows, batch, row_stride);
  thread::ScratchSlots scratch;
  const Status s = scratch.allocate(plan, &work);
  if (s != Status::kOk) return s;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    float* const buf = scratch.get<float>(slot, buf_at);
    const float** const taps = scratch.get<const float*>(slot, taps_at);
    simd::fill(buf, extent * channels, Op::identity());
    float* row = buf + pad_left * channels;
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / out_h, oh = item % out_h;
      const float* image = in + n * in_h * row_stride;
      float* y = out + item * out_w * channels;
      const std::size_t count = static_cast<std::size_t>(rows.count[oh]);
      if (count == 0) {
        simd::fill(row, row_stride, Op::identity());
      } else {
        reduce_rows<Op>(image + static_cast<std::size_t>(rows.first[oh]) * row_stride, rows.step * row_stride,
                        count, row_stride, row);
      }
      for (std::size_t ow = 0; ow < out_w; ++ow) {
        const float* p = buf + ow * cols.stride * channels;
        for (std::size_t k = 0; k < cols.kernel; ++k) taps[k] = p + k * cols.step * channels;
        pool_pixel<Op, kAverage>(taps, cols.kernel, channels, rows.size[oh] * cols.size[ow], y + ow * channels);
      }
    }
  });
  return Status::kOk;
}

template <class Op>
Status indirect_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window,
                     const AxisWindows& rows, const AxisWindows& cols) {
  constexpr bool kAverage = Op::kAverage;
  const std::size_t in_h = window.in_h, in_w = window.in_w, out_h = window.out_h, out_w = window.out_w;
  const std::size_t pixel_stride = channels, row_stride = in_w * channels;
  thread::ScratchPlan plan;
  const std::size_t taps_at =
      plan.add<const float*>(std::max<std::uint64_t>(std::uint64_t{rows.max_count} * cols.max_count, 1));
  thread::Chunks work = output_rows_work(rows, batch, row_stride);
  thread::ScratchSlots scratch;
  const Status s = scratch.allocate(plan, &work);
  if (s != Status::kOk) return s;

  thread::parallel_for_slots(work, [&](int slot, std::size_t begin, std::size_t end) {
    const float** const taps = scratch.get<const float*>(slot, taps_at);
    for (std::size_t item = begin; item < end; ++item) {
      const std::size_t n = item / out_h, oh = item % out_h;
      const float* image = in + n * in_h * row_stride;
      float* y = out + item * out_w * channels;
      const std::size_t h0 = static_cast<std::size_t>(rows.first[oh]);
      const std::size_t nh = static_cast<std::size_t>(rows.count[oh]);
      for (std::size_t ow = 0; ow < out_w; ++ow) {
        const std::size_t w0 = static_cast<std::size_t>(cols.first[ow]);
        const std::size_t nw = static_cast<std::size_t>(cols.count[ow]);
        std::size_t t = 0;
        for (std::size_t i = 0; i < nh; ++i) {
          const float* row = image + (h0 + i * rows.step) * row_stride;
          for (std::size_t j = 0; j < nw; ++j) taps[t++] = row + (w0 + j * cols.step) * pixel_stride;
        }
        pool_pixel<Op, kAverage>(taps, t, channels, rows.size[oh] * cols.size[ow], y + ow * channels);
      }
    }
  });
  return Status::kOk;
}

template Status separable_nhwc<SumOp>(const float*, float*, std::size_t, std::size_t, const Window2d&,
                                      const AxisWindows&, const AxisWindows&);
template Status separable_nhwc<MaxOp>(const float*, float*, std::size_t, std::size_t, const Window2d&,
                                      const AxisWindows&, const AxisWindows&);
template Status indirect_nhwc<SumOp>(const float*, float*, std::size_t, std::size_t, const Window2d&,
                                     const AxisWindows&, const AxisWindows&);
template Status indirect_nhwc<MaxOp>(const float*, float*, std::size_t, std::size_t, const Window2d&,
                                     const AxisWindows&, const AxisWindows&);

}  // namespace nnwasm::pool
