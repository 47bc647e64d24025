// Depthwise convolution internals shared by dwconv_nhwc.cc and
// dwconv_nchw.cc: the argument check and the tile sizes the tests sweep
// around.
#pragma once

#include <cstddef>

#include "conv/conv.h"
#include "runtime/status.h"

namespace nnwasm::conv {

// Channels last: channels per packed weight tile (two vectors), and the
// most channels per work item. Items are (output row, channel block); a
// block is as wide as dwconv_nhwc_block gives for the input width (three
// input rows of it near 192 KiB, in L2: 144 channels at 112 pixels, the
// most at 56 and below), so 7x7 and 14x14 layers still have several items
// per row for the threads.
constexpr std::size_t kDwNhwcTile = 8;
constexpr std::size_t kDwNhwcMaxBlock = 256;
std::size_t dwconv_nhwc_block(std::size_t in_w);
// Channels first: output pixels per step of the row kernels (two vectors).
constexpr std::size_t kDwNchwCols = 8;

namespace detail {
// Shape, activation, buffers, groups == in == out channels, a known layout.
Status check_depthwise(const float* in, const float* weights, WeightLayout layout, const float* out,
                       const ConvShape& s, Activation act);
}  // namespace detail

}  // namespace nnwasm::conv
