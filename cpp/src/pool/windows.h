// Pooling windows along one axis, shared by the window and adaptive kernels
// in both layouts. Separable: a 2D window is a set of rows times a set of
// columns, so each kernel describes its rows and its columns once per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

#include "pool/pool.h"

namespace nnwasm::pool {

// A thread's scratch row on 64-byte cache lines of its own. Two threads'
// rows sharing a line bounce it between the cores on every write (false
// sharing); with plain std::vector rows the 3x3/2 NCHW pooling ran no faster
// on 2 threads than on 1, both threads busy.
template <class T>
class ScratchRow {
 public:
  ScratchRow(std::size_t n, T fill) {
    const std::size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
    data_ = static_cast<T*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
    if (data_ == nullptr) std::abort();  // as std::vector does without exceptions
    for (std::size_t i = 0; i < n; ++i) data_[i] = fill;
  }
  ~ScratchRow() { std::free(data_); }
  ScratchRow(const ScratchRow&) = delete;
  ScratchRow& operator=(const ScratchRow&) = delete;
  T* data() { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }

 private:
  T* data_;
};

struct AxisWindows {
  // Output o pools the real cells first[o] + k * step, k < count[o]. When
  // count is 0 (a window of padding only), first is still PyTorch's clipped
  // start, which it reports as the max's index.
  std::vector<std::int64_t> first;
  std::vector<std::int64_t> count;
  // This axis's factor of the averaging divisor.
  std::vector<float> size;
  std::size_t step = 1;
  std::size_t max_count = 0;
  // Strided windows: output o's taps are o * stride + k * step (k < kernel)
  // in padded coordinates (input index + pad_begin); adaptive windows are not.
  bool strided = false;
  std::size_t stride = 1, kernel = 1, pad_begin = 0;
};

// Largest padded extent a kernel sizes a row buffer for.
constexpr std::uint64_t kMaxExtent = std::uint64_t{1} << 28;

// Fills `axis` for strided windows. `divisor_pad_end` > 0 with
// count_include_pad: sizes count padding up to in + divisor_pad_end.
inline bool strided_axis(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride,
                         std::size_t dilation, std::size_t pad_begin, bool count_include_pad,
                         std::size_t pad_end, AxisWindows* axis) {
  if (kernel == 0 || stride == 0 || dilation == 0 || in == 0) return false;
  const std::uint64_t span = std::uint64_t{dilation} * (kernel - 1) + 1;
  if (span > kMaxExtent || pad_begin > kMaxExtent || pad_end > kMaxExtent ||
      std::uint64_t{stride} * out > kMaxExtent * 4)
    return false;
  axis->first.resize(out);
  axis->count.resize(out);
  axis->size.resize(out);
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
  return true;
}

// PyTorch's adaptive windows [floor(o*in/out), ceil((o+1)*in/out)). When out
// divides in they are strided windows of in/out, which the fast paths take.
inline bool adaptive_axis(std::size_t in, std::size_t out, AxisWindows* axis) {
  if (in == 0) return false;
  if (out != 0 && in % out == 0) return strided_axis(in, out, in / out, in / out, 1, 0, false, 0, axis);
  axis->first.resize(out);
  axis->count.resize(out);
  axis->size.resize(out);
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
  return true;
}

// Both axes of a Window2d, with divisor_override folded in (rows' sizes 1,
// columns' sizes the override), so every average divides by
// rows.size[oh] * cols.size[ow].
inline Status window_axes(const Window2d& w, AxisWindows* rows, AxisWindows* cols) {
  if (!strided_axis(w.in_h, w.out_h, w.kernel_h, w.stride_h, w.dilation_h, w.pad_top, w.count_include_pad,
                    w.pad_bottom, rows) ||
      !strided_axis(w.in_w, w.out_w, w.kernel_w, w.stride_w, w.dilation_w, w.pad_left, w.count_include_pad,
                    w.pad_right, cols))
    return Status::kInvalidArgument;
  if (w.divisor_override != 0.0f) {
    for (auto& s : rows->size) s = 1.0f;
    for (auto& s : cols->size) s = w.divisor_override;
  }
  return Status::kOk;
}

}  // namespace nnwasm::pool
