// Depthwise convolution internals shared by dwconv_nhwc.cc and
// dwconv_nchw.cc: the argument check, the tile sizes the tests sweep around,
// and the weight packing of the channels-last kernels (exposed so JS can
// pack once per weight tensor instead of once per call).
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

// Floats pack_dwconv_nhwc writes: per tile of kDwNhwcTile channels, the
// tile's bias then one tile of weights per tap.
Status dwconv_nhwc_packed_size(const ConvShape& s, std::size_t* floats);

// Packs weights (PyTorch (C, 1, kh, kw) or Keras (kh, kw, 1, C)) and bias
// (zeros when null) for dwconv_nhwc_packed: one contiguous stream per tile,
// channels past C zero.
Status pack_dwconv_nhwc(const float* weights, WeightLayout layout, const float* bias, const ConvShape& s,
                        float* packed);

// dwconv_nhwc with weights packed by pack_dwconv_nhwc.
Status dwconv_nhwc_packed(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);

}  // namespace nnwasm::conv
