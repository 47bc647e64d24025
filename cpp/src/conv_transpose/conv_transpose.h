// Transposed convolution (PyTorch conv_transpose1d/2d, Keras
// Conv1DTranspose/Conv2DTranspose). 1D is 2D with in_h = out_h = kernel_h = 1.
//
// Output (oh, ow) of output channel o gathers every input pixel (ih, iw) and
// tap (ky, kx) with oh = ih * stride_h - pad_top + ky * dilation_h (and
// likewise for columns). Computed as
//   1. a 1x1 convolution (the GEMM kernels of conv/) of the input with the
//      weights as (groups * taps * out/groups) x (in/groups): "columns",
//      one value per input pixel, tap and output channel, and
//   2. a gather of those columns into the output, each output row or plane
//      written by one thread (bias first, then every contributing tap),
//      so results do not depend on the thread count.
// The caller sizes the output (PyTorch's or Keras's formula, output_padding
// included): out_h may exceed what any tap reaches; those rows get the bias.
#pragma once

#include <cstddef>

#include "conv/conv.h"
#include "runtime/status.h"

namespace nnwasm::conv_transpose {

// A convolution's shape fields, read the transposed way: in_* is the
// input, out_* the output (output padding included), pad_top / pad_left
// what is trimmed from the start of the full output.
using ConvTransposeShape = conv::ConvShape;

// Where each weight lives: PyTorch's (in, out/groups, kh, kw) or Keras's
// (kh, kw, out, in) (Keras has no groups: groups must be 1).
enum class WeightLayout : int { kTorch = 0, kKeras = 1 };

// Floats pack_weights writes for this shape and layout of input.
Status packed_weights_size(const ConvTransposeShape& s, conv::PackFor target, std::size_t* floats);

// Packs the weights once (when they are set) for conv_transpose_nhwc
// (target kNhwc) or conv_transpose_nchw (kNchw). Allocates a weight-sized
// temporary; kOutOfMemory when it cannot.
Status pack_weights(const float* weights, WeightLayout layout, const ConvTransposeShape& s, conv::PackFor target,
                    float* packed);

// bias may be null. Scratch (one image's columns) is allocated here, before
// any parallel work; kOutOfMemory when it cannot be.
Status conv_transpose_nchw(const float* in, const float* packed, const float* bias, float* out,
                           const ConvTransposeShape& s, conv::Activation act);
Status conv_transpose_nhwc(const float* in, const float* packed, const float* bias, float* out,
                           const ConvTransposeShape& s, conv::Activation act);

}  // namespace nnwasm::conv_transpose
