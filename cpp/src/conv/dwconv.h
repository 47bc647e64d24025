// Depthwise convolution internals shared by dwconv_nhwc.cc and
// dwconv_nchw.cc: the argument check and the tile sizes the tests sweep
// around.
#pragma once

#include <cstddef>

#include "conv/conv.h"
#include "runtime/status.h"

namespace nnwasm::conv {

// Channels last: channels per register tile (four vectors of accumulators)
// and per work item (a few tiles: items of rows x channel blocks keep both
// threads busy on 7x7 layers with 7 rows).
constexpr std::size_t kDwNhwcTile = 16;
constexpr std::size_t kDwNhwcBlock = 4 * kDwNhwcTile;
// Channels first: output pixels per step of the row kernels (two vectors).
constexpr std::size_t kDwNchwCols = 8;

namespace detail {
// Shape, activation, buffers, groups == in == out channels, a known layout.
Status check_depthwise(const float* in, const float* weights, WeightLayout layout, const float* out,
                       const ConvShape& s, Activation act);
}  // namespace detail

}  // namespace nnwasm::conv
