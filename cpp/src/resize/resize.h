// F.interpolate / nn.Upsample / Keras UpSampling1D/2D on (N, C, H, W) or
// (N, H, W, C) data (1-D as H = 1). Per axis the caller gives the float
// scale PyTorch's kernels use (input/output, 1/scale_factor, or
// (in-1)/(out-1) for align_corners); the source indices follow PyTorch's
// float arithmetic exactly.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::resize {

enum class Mode : int { kNearest = 0, kLinear = 1 };

// How a linear output index maps to a source coordinate.
enum class Coord : int {
  kAlignCorners = 0,  // dst * scale
  kHalfPixel = 1,     // max((dst + 0.5) * scale - 0.5, 0): PyTorch align_corners=False
  kAsymmetric = 2,    // dst * scale: tfjs resizeBilinear's default
};

struct Axis {
  std::size_t in = 1, out = 1;
  float scale = 1.0f;
};

Status resize2d(const float* in, float* out, std::size_t batch, std::size_t channels, Axis h, Axis w, Mode mode,
                Coord coord, bool channels_last);

}  // namespace nnwasm::resize
