// The pooling kernels' C++ API. Every entry point checks its own arguments
// (null pointers, sizes whose products overflow) and returns a Status; the
// JS fronts check shapes and options first and give users the readable error.
//
// Layouts: "ncl"/"nchw" are channels first (each plane contiguous), "nlc" /
// "nhwc" channels last (each step or pixel holds `channels` contiguous
// values). 1D pooling is 2D pooling with height 1.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::pool {

// PyTorch adaptive_avg_pool1d over `rows` independent rows of `length`:
// out[r, i] = mean(in[r, floor(i*L/O) : ceil((i+1)*L/O)]).
Status adaptive_avg_pool1d_ncl(const float* in, float* out, std::size_t rows, std::size_t length,
                               std::size_t out_length);

// PyTorch adaptive_{avg,max}_pool2d over `planes` planes of in_h x in_w.
// `indices` (max only) is null or receives, per output, the flat position
// h * in_w + w of the winner within its input plane, as a float.
Status adaptive_avg_pool2d_nchw(const float* in, float* out, std::size_t planes, std::size_t in_h,
                                std::size_t in_w, std::size_t out_h, std::size_t out_w);
Status adaptive_max_pool2d_nchw(const float* in, float* out, float* indices, std::size_t planes,
                                std::size_t in_h, std::size_t in_w, std::size_t out_h, std::size_t out_w);

// Mean over the steps of (batch, channels, length) input. `mask` is null or
// (batch, length) with nonzero = keep; masked steps are left out of sum and
// count (all masked gives 0/0 = NaN, as Keras).
Status global_avg_pool1d_ncl(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t channels, std::size_t length);

// The same over (batch, length, channels) input.
Status global_avg_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels);

// Max over the steps, masked steps left out (all masked gives -Infinity, the
// max of nothing). NaN wins.
Status global_max_pool1d_ncl(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t channels, std::size_t length);
Status global_max_pool1d_nlc(const float* in, const float* mask, float* out, std::size_t batch,
                             std::size_t length, std::size_t channels);

// Window (sliding) pooling geometry. Output (oh, ow) pools input rows
// oh*stride_h - pad_top + k*dilation_h, k < kernel_h (and likewise columns);
// taps outside the input are padding: zero for averages, never the winner for
// max. The output size is the caller's (PyTorch's or Keras's formula).
struct Window2d {
  std::size_t in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  std::size_t kernel_h = 1, kernel_w = 1;
  std::size_t stride_h = 1, stride_w = 1;
  std::size_t dilation_h = 1, dilation_w = 1;  // max pooling only
  std::size_t pad_top = 0, pad_left = 0;
  // Averages divide by the count of real cells, or with count_include_pad
  // (PyTorch's default) by the window clipped to the padded extent
  // [-pad_top, in_h + pad_bottom), or by divisor_override when nonzero.
  bool count_include_pad = false;
  std::size_t pad_bottom = 0, pad_right = 0;
  float divisor_override = 0.0f;
};

// (planes, in_h, in_w) -> (planes, out_h, out_w).
Status avg_pool2d_nchw(const float* in, float* out, std::size_t planes, const Window2d& window);
// `indices` is null or receives PyTorch's flat index of each winner within
// its plane (ties: the first in row-major scan order; NaN: the last NaN).
Status max_pool2d_nchw(const float* in, float* out, float* indices, std::size_t planes,
                       const Window2d& window);

// (batch, in_h, in_w, channels) -> (batch, out_h, out_w, channels).
Status avg_pool2d_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels,
                       const Window2d& window);
Status max_pool2d_nhwc(const float* in, float* out, std::size_t batch, std::size_t channels,
                       const Window2d& window);

}  // namespace nnwasm::pool
