// Channels-last 1x1 convolution (MobileNet's expand / project layers,
// ResNet's strided downsample): a plain GEMM whose rows are input pixels,
// read in place. conv_nhwc hands such shapes here; the packed weights are
// the IGEMM's own (pack_weights(kNhwc)).
#pragma once

#include "conv/conv.h"

namespace nnwasm::conv {

// Whether conv_nhwc_pointwise runs this shape: one group, a 1x1 kernel, no
// padding, every output pixel's input pixel inside the input.
bool pointwise_applies(const ConvShape& s);

// The same contract and results as conv_nhwc (same sums in the same order).
Status conv_nhwc_pointwise(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);

}  // namespace nnwasm::conv
