// Pooling windows along one axis, shared by the window and adaptive kernels
// in both layouts. Separable: a 2D window is a set of rows times a set of
// columns, so each entry point describes its rows and its columns once per
// call (on the calling thread: the tables are allocated here, and a failed
// allocation is kOutOfMemory, not an abort).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "pool/pool.h"
#include "runtime/heap_array.h"
#include "thread/pool.h"

namespace nnwasm::pool {

struct AxisWindows {
  // Output o pools the real cells first[o] + k * step, k < count[o]. When
  // count is 0 (a window of padding only), first is still PyTorch's clipped
  // start, which it reports as the max's index.
  HeapArray<std::int64_t> first;
  HeapArray<std::int64_t> count;
  // This axis's factor of the averaging divisor.
  HeapArray<float> size;
  std::size_t step = 1;
  std::size_t max_count = 0;
  // Strided windows: output o's taps are o * stride + k * step (k < kernel)
  // in padded coordinates (input index + pad_begin); adaptive windows are not.
  bool strided = false;
  std::size_t stride = 1, kernel = 1, pad_begin = 0;

  std::size_t outputs() const { return first.size(); }

  Status allocate(std::size_t out) {
    Status s;
    if ((s = first.allocate(out)) != Status::kOk || (s = count.allocate(out)) != Status::kOk ||
        (s = size.allocate(out)) != Status::kOk)
      return s;
    return Status::kOk;
  }
};

// Largest padded extent a kernel sizes a row buffer for.
constexpr std::uint64_t kMaxExtent = std::uint64_t{1} << 28;

// Fills `axis` for strided windows. `divisor_pad_end` > 0 with
// count_include_pad: sizes count padding up to in + divisor_pad_end.
inline Status strided_axis(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride,
                           std::size_t dilation, std::size_t pad_begin, bool count_include_pad,
                           std::size_t pad_end, AxisWindows* axis) {
  if (kernel == 0 || stride == 0 || dilation == 0 || in == 0) return Status::kInvalidArgument;
  const std::uint64_t span = std::uint64_t{dilation} * (kernel - 1) + 1;
  if (span > kMaxExtent || pad_begin > kMaxExtent || pad_end > kMaxExtent ||
      std::uint64_t{stride} * out > kMaxExtent * 4)
    return Status::kInvalidArgument;
  const Status s = axis->allocate(out);
  if (s != Status::kOk) return s;
  axis->step = dilation;
  axis->strided = true;
  axis->stride = stride;
  axis->kernel = kernel;
  axis->pad_begin = pad_begin;
  axis->max_count = 0;
  const std::int64_t L = static_cast<std::int64_t>(in), d = static_cast<std::int64_t>(dilation);
  for (std::size_t o = 0; o < out; ++o) {
    const std::int64_t start = static_cast<std::int64_t>(o * stride) - static_cast<std::int64_t>(pad_begin);
    std::int64_t first = start;
    if (first < 0) first += (-first + d - 1) / d * d;  // PyTorch: while (start < 0) start += dilation
    const std::int64_t last_tap = start + static_cast<std::int64_t>(span) - 1;
    std::int64_t count = 0;
    if (first < L) count = (std::min(last_tap, L - 1) - first) / d + 1;
    if (count < 0) count = 0;
    axis->first[o] = first;
    axis->count[o] = count;
    if (count_include_pad) {
      const std::int64_t end = std::min(start + static_cast<std::int64_t>(kernel),
                                        L + static_cast<std::int64_t>(pad_end));
      axis->size[o] = static_cast<float>(end - start);
    } else {
      axis->size[o] = static_cast<float>(count);
    }
    if (static_cast<std::size_t>(count) > axis->max_count) axis->max_count = static_cast<std::size_t>(count);
  }
  return Status::kOk;
}

// PyTorch's adaptive windows [floor(o*in/out), ceil((o+1)*in/out)). When out
// divides in they are strided windows of in/out, which the fast paths take.
inline Status adaptive_axis(std::size_t in, std::size_t out, AxisWindows* axis) {
  if (in == 0) return Status::kInvalidArgument;
  if (out != 0 && in % out == 0) return strided_axis(in, out, in / out, in / out, 1, 0, false, 0, axis);
  const Status s = axis->allocate(out);
  if (s != Status::kOk) return s;
  axis->step = 1;
  axis->strided = false;
  axis->max_count = 0;
  const std::uint64_t L = in, O = out;
  for (std::uint64_t o = 0; o < O; ++o) {
    const std::uint64_t start = o * L / O, stop = ((o + 1) * L + O - 1) / O;
    axis->first[o] = static_cast<std::int64_t>(start);
    axis->count[o] = static_cast<std::int64_t>(stop - start);
    axis->size[o] = static_cast<float>(stop - start);
    if (stop - start > axis->max_count) axis->max_count = static_cast<std::size_t>(stop - start);
  }
  return Status::kOk;
}

// Both axes of a Window2d, with divisor_override folded in (rows' sizes 1,
// columns' sizes the override), so every average divides by
// rows.size[oh] * cols.size[ow].
inline Status window_axes(const Window2d& w, AxisWindows* rows, AxisWindows* cols) {
  Status s;
  if ((s = strided_axis(w.in_h, w.out_h, w.kernel_h, w.stride_h, w.dilation_h, w.pad_top, w.count_include_pad,
                        w.pad_bottom, rows)) != Status::kOk ||
      (s = strided_axis(w.in_w, w.out_w, w.kernel_w, w.stride_w, w.dilation_w, w.pad_left, w.count_include_pad,
                        w.pad_right, cols)) != Status::kOk)
    return s;
  if (w.divisor_override != 0.0f) {
    for (float& f : rows->size) f = 1.0f;
    for (float& f : cols->size) f = w.divisor_override;
  }
  return Status::kOk;
}

// Adaptive windows of both axes.
inline Status adaptive_axes(std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w,
                            AxisWindows* rows, AxisWindows* cols) {
  Status s;
  if ((s = adaptive_axis(in_h, out_h, rows)) != Status::kOk || (s = adaptive_axis(in_w, out_w, cols)) != Status::kOk)
    return s;
  return Status::kOk;
}

// The work of a driver over output rows, for thread::parallel_for_slots:
// one item per output row of every plane (or image), costed by the input
// rows of `row_floats` its windows read.
inline thread::Chunks output_rows_work(const AxisWindows& rows, std::size_t planes, std::size_t row_floats) {
  const std::size_t item_bytes = std::max<std::size_t>(rows.max_count, 1) * row_floats * sizeof(float);
  return thread::Chunks{planes * rows.outputs(), 0, item_bytes};
}

inline bool is_k3s2(const AxisWindows& a) { return a.strided && a.kernel == 3 && a.stride == 2 && a.step == 1; }

inline std::size_t round_up4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

}  // namespace nnwasm::pool
