// The convolution kernels' C++ API. 1D convolutions are 2D ones with
// in_h = out_h = kernel_h = 1. Every entry point checks its own arguments
// (null pointers, sizes whose products overflow, shapes that do not fit) and
// returns a Status; the JS front (js/ops/conv.js) checks shapes and options
// first and gives users the readable error.
//
// Four kernel families:
//  - channels last (NHWC, Keras): an IGEMM. Rows are output pixels, columns
//    output channels, K = taps * in_channels/groups read straight from the
//    input through per-tile indirection pointers (padding taps point at a
//    zero row), weights packed once by pack_weights(kNhwc).
//    One group of 1-4 input channels (a network's first layer) runs a direct
//    kernel on the same packed weights instead (conv_small_cin.h), and a 1x1
//    without padding a plain GEMM over the input pixels in place
//    (pointwise.h; 1-3 pixels: the Dense matrix-vector kernels).
//  - channels first (NCHW, PyTorch): a GEMM with rows = output channels
//    (weights packed once by pack_weights(kNchw)) and columns = output pixels
//    along the row, K gathered into a small per-thread panel per block of
//    pixels, so the output is written in place as contiguous vectors.
//  - depthwise (groups == in == out channels), both layouts: its own kernels,
//    NHWC on weights packed once (dwconv_nhwc_pack), NCHW reading the
//    weights as given.
//  - Winograd F(4x4, 3x3) for 3x3 stride-1 ungrouped layers, both layouts
//    (winograd.cc), on weights packed by pack_weights(kNhwcWinograd); the
//    JS plan (js/ops/conv.js) picks it where it pays, unless setWinograd(false).
// Bias and an activation are applied in the output pass.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::conv {

struct ConvShape {
  std::size_t batch = 1;
  std::size_t in_channels = 1, in_h = 1, in_w = 1;
  std::size_t out_channels = 1, out_h = 1, out_w = 1;
  std::size_t kernel_h = 1, kernel_w = 1;
  std::size_t stride_h = 1, stride_w = 1;
  std::size_t dilation_h = 1, dilation_w = 1;
  std::size_t pad_top = 0, pad_left = 0;  // bottom/right padding is implied by out_h/out_w
  std::size_t groups = 1;
};

// Where each weight lives: PyTorch's (out, in/groups, kh, kw) or Keras's
// (kh, kw, in/groups, out).
enum class WeightLayout : int { kOihw = 0, kHwio = 1 };

// Which kernel family the packed weights are for. kNhwcWinograd: the
// Winograd kernel (conv_nhwc_winograd), 3x3 stride-1 undilated ungrouped
// convolutions only (other shapes: kInvalidArgument).
enum class PackFor : int { kNhwc = 0, kNchw = 1, kNhwcWinograd = 2 };

// Elementwise activations. Linear, relu and relu6 are clamps applied in the
// micro-kernels' registers; the others run over each finished output tile
// while it is still in cache.
enum class Activation : int {
  kLinear = 0,
  kRelu = 1,
  kRelu6 = 2,
  kSigmoid = 3,
  kTanh = 4,
  kElu = 5,
  kSelu = 6,
  kGelu = 7,  // exact (erf) form, Keras's default
  kSilu = 8,  // swish
  kSoftplus = 9,
  kSoftsign = 10,
  kHardSigmoid = 11,  // Keras 3: relu6(x + 3) / 6
  kCount = 12,
};

// Micro-kernel tile sizes (exposed for the tests, which run every kernel at
// tile-1, tile, tile+1 and 2*tile+prime).
constexpr std::size_t kNhwcMr = 4;  // output pixels per tile
constexpr std::size_t kNhwcNr = 8;  // output channels per tile
constexpr std::size_t kNchwMr = 4;  // output channels per tile
constexpr std::size_t kNchwNr = 8;  // output pixels per tile

// Floats pack_weights writes for this shape.
Status packed_weights_size(const ConvShape& s, PackFor target, std::size_t* floats);

// Packs weights (and bias, or zeros when bias is null) for conv_nhwc or
// conv_nchw: per group, per block of output channels, the block's bias then
// its K rows, zero-padded to the block width. out_scale (null: none)
// multiplies output channel o's weights (not its bias) by out_scale[o] as
// they are packed: a BatchNorm folded in without a scaled copy of the
// weights, bit-identical to packing weights multiplied beforehand.
Status pack_weights(const float* weights, WeightLayout layout, const float* bias, const ConvShape& s,
                    PackFor target, float* packed, const float* out_scale = nullptr);

Status conv_nhwc(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);
Status conv_nchw(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);
// Channels last, by Winograd's F(4x4, 3x3) (winograd.cc), for 3x3 stride-1
// undilated ungrouped shapes, on weights packed for kNhwcWinograd. About
// 4x fewer multiply-adds than conv_nhwc; results within ~1e-5 of the
// output's magnitude of the direct ones, not bit-equal. Any padding.
Status conv_nhwc_winograd(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);
// The same for channels first (NCHW), through channels-last copies of the
// input and output; the same packed weights.
Status conv_nchw_winograd(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);

// Depthwise (groups == in_channels == out_channels). weights in `layout`
// (PyTorch (C, 1, kh, kw) or Keras (kh, kw, 1, C)); bias may be null.
// dwconv_nhwc needs Keras's layout (channels contiguous per tap).
Status dwconv_nhwc(const float* in, const float* weights, WeightLayout layout, const float* bias, float* out,
                   const ConvShape& s, Activation act);
Status dwconv_nchw(const float* in, const float* weights, WeightLayout layout, const float* bias, float* out,
                   const ConvShape& s, Activation act);
// Channels-last depthwise on packed weights: dwconv_nhwc_pack writes
// Keras's (kh, kw, 1, C) weights and the bias (zeros when null) as
// dwconv_nhwc_packed_size floats, once per weight tensor; dwconv_nhwc is
// the same kernel packing per call. out must not overlap in or packed.
Status dwconv_nhwc_packed_size(const ConvShape& s, std::size_t* floats);
// out_scale as for pack_weights, per channel.
Status dwconv_nhwc_pack(const float* weights, const float* bias, const ConvShape& s, float* packed,
                        const float* out_scale = nullptr);
Status dwconv_nhwc_packed(const float* in, const float* packed, float* out, const ConvShape& s, Activation act);

// x = act(x) over n floats (clamps included).
Status activate(float* x, std::size_t n, Activation act);
// Softmax over each of `rows` contiguous rows of n floats, in place.
Status softmax_rows(float* x, std::size_t rows, std::size_t n);

}  // namespace nnwasm::conv
