// The paths the window and adaptive pooling entry points (avg_pool.cc,
// max_pool.cc, adaptive_pool.cc) choose from. Each path is a driver: it
// allocates its per-thread scratch on the calling thread (thread/scratch.h;
// kOutOfMemory when that fails), then runs the micro-kernels over output
// rows in one parallel region. Op is SumOp (averages) or MaxOp; every driver
// is instantiated for both in its own file.
#pragma once

#include <cstddef>

#include "pool/ops.h"
#include "pool/pool.h"
#include "pool/window/axis.h"

namespace nnwasm::pool {

// The checks every channels-first window entry point makes: sizes that
// overflow, windows with nothing to pool, null buffers. *empty: no output,
// nothing to do.
inline Status check_planes(const float* in, const float* out, std::size_t planes, std::size_t in_h,
                           std::size_t in_w, std::size_t out_h, std::size_t out_w, bool* empty) {
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {planes, in_h, in_w}) || !checked_product(&out_count, {planes, out_h, out_w}))
    return Status::kSizeOverflow;
  *empty = out_count == 0;
  if (*empty) return Status::kOk;
  if (in_h == 0 || in_w == 0) return Status::kInvalidArgument;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  return Status::kOk;
}

// The same for channels last.
inline Status check_pixels(const float* in, const float* out, std::size_t batch, std::size_t channels,
                           const Window2d& window, bool* empty) {
  std::size_t in_count, out_count;
  if (!checked_product(&in_count, {batch, window.in_h, window.in_w, channels}) ||
      !checked_product(&out_count, {batch, window.out_h, window.out_w, channels}))
    return Status::kSizeOverflow;
  *empty = out_count == 0;
  if (*empty) return Status::kOk;
  if (window.in_h == 0 || window.in_w == 0) return Status::kInvalidArgument;
  if (in == nullptr || out == nullptr) return Status::kNullPointer;
  return Status::kOk;
}

// --- channels first: planes of in_h x in_w -> out_h x out_w ---

// 3x3 windows at stride 2 on planes of W >= 16 (max_pool2d(3, 2, 1) of
// ResNet's stem): each input row pooled once into a ring (window/ring_k3s2.h).
bool k3s2_fits_nchw(const AxisWindows& rows, const AxisWindows& cols, std::size_t in_w);
template <class Op>
Status k3s2_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
                 const AxisWindows& rows, const AxisWindows& cols);

// Any windows, separably: the window's rows reduced into a padded row buffer,
// then one column pass over it (window/columns_nchw.h).
enum class ColumnPass {
  kListed,          // irregular (adaptive) windows
  kStride1,
  kStride2Kernel2,  // 2-wide stride-2 windows with column padding
  kFusedS2K2,       // the same inside the row: rows and columns in one pass
  kPlanesS2K2,      // 2x2/2 windows tiling whole planes: one tall image
  kStride2Kernel3,
  kStride2,
  kStrideAny,
};
ColumnPass column_pass(const AxisWindows& rows, const AxisWindows& cols, std::size_t in_h, std::size_t in_w);
template <class Op>
Status rows_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h, std::size_t in_w,
                 const AxisWindows& rows, const AxisWindows& cols, ColumnPass pass);

// Max with PyTorch's flat indices of the winners (window/argmax_nchw.cc).
Status argmax_nchw(const float* in, float* out, float* indices, std::size_t planes, std::size_t in_h,
                   std::size_t in_w, const AxisWindows& rows, const AxisWindows& cols);

// --- channels last: (batch, in_h, in_w, channels) -> (batch, out_h, out_w, channels) ---

// 3x3 windows at stride 2 with C >= 4, through the same ring as NCHW.
bool k3s2_fits_nhwc(const AxisWindows& rows, const AxisWindows& cols, std::size_t channels);
template <class Op>
Status k3s2_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window,
                 const AxisWindows& rows, const AxisWindows& cols);

// Overlapping windows (stride < kernel on either axis): rows reduced into a
// padded row of pixels, then kernel_w pixels per output (window/pixels_nhwc.h).
bool separable_fits_nhwc(const Window2d& window);
template <class Op>
Status separable_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window,
                      const AxisWindows& rows, const AxisWindows& cols);

// Otherwise XNNPACK's indirection: a table of the window's real input pixels
// per output pixel, reduced across the taps in blocks of channels.
template <class Op>
Status indirect_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels, const Window2d& window,
                     const AxisWindows& rows, const AxisWindows& cols);

}  // namespace nnwasm::pool
