// Elementwise activations as their own pass (torch.nn.functional.relu & co,
// Keras Activation / ReLU / LeakyReLU / ELU layers): out[i] = f(in[i]) over
// n floats, PyTorch's formulas, NaN in -> NaN out. in may equal out.
#pragma once

#include <cstddef>

#include "runtime/status.h"

namespace nnwasm::activation {

// The numbers js/ops/activation.js sends.
enum class Kind : int {
  kLinear = 0,
  kRelu = 1,
  kRelu6 = 2,
  kLeakyRelu = 3,  // a = negative_slope
  kElu = 4,        // a = alpha
  kSelu = 5,
  kGelu = 6,      // erf form
  kGeluTanh = 7,  // tanh approximation
  kSilu = 8,
  kHardswish = 9,
  kHardsigmoid = 10,  // relu6(x + 3) / 6
  kSigmoid = 11,
  kTanh = 12,
  kSoftplus = 13,  // a = beta, b = threshold
  kSoftsign = 14,
  kKerasRelu = 15,  // a = negative_slope, b = threshold, c = max_value (+inf for none)
  kCount = 16,
};

struct Params {
  float a = 0.0f, b = 0.0f, c = 0.0f;
};

Status apply(const float* in, float* out, std::size_t n, Kind kind, Params p);

// apply on the calling thread, without checks: for kernels that run the
// activation over an output tile they have just written (inside a worker).
void apply_serial(const float* in, float* out, std::size_t n, Kind kind, Params p);

// One value through f with libm (scalar; apply's vector paths agree with it
// to a few ulp).
float apply_one(float x, Kind kind, Params p);

}  // namespace nnwasm::activation
