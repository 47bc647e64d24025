// Channels-last convolution for few input channels (a network's first
// layer: RGB images, mono audio), where the IGEMM spends more time building
// its per-tile indirection than multiplying. conv_nhwc hands such shapes
// here; the packed weights are the IGEMM's own (pack_weights(kNhwc)).
#pragma once

#include "conv/conv.h"

namespace nnwasm::conv {

// Whether conv_nhwc_small_cin runs this shape: one group of at most 4 input
// channels, taps adjacent along the width (dilation_w == 1).
bool small_cin_applies(const ConvShape& s);

// The same contract and results as conv_nhwc (same sums in the same order).
Status conv_nhwc_small_cin(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);

}  // namespace nnwasm::conv
