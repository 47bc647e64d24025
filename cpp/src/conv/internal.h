// Helpers shared by the convolution kernel files: argument checks and the
// activation output pass. (Threads and per-thread scratch: thread/.)
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>

#include "conv/conv.h"
#include "simd/vec.h"

// Keeps a loop rolled: the GEMM micro-kernels' K loops, where two steps per
// iteration would need 4 more registers than V8 gives (spills). GCC (the
// native test build) has no such pragma.
#if defined(__clang__)
#define NNWASM_NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define NNWASM_NO_UNROLL
#endif

namespace nnwasm::conv::detail {

// Sizes must be positive (batch may be 0), channels divisible by groups, and
// every element count must fit in memory.
inline Status check_shape(const ConvShape& s) {
  if (s.groups == 0 || s.in_channels == 0 || s.out_channels == 0 || s.in_h == 0 || s.in_w == 0 ||
      s.out_h == 0 || s.out_w == 0 || s.kernel_h == 0 || s.kernel_w == 0 || s.stride_h == 0 ||
      s.stride_w == 0 || s.dilation_h == 0 || s.dilation_w == 0)
    return Status::kInvalidArgument;
  if (s.in_channels % s.groups != 0 || s.out_channels % s.groups != 0) return Status::kInvalidArgument;
  std::size_t n;
  if (!checked_product(&n, {s.batch, s.in_channels, s.in_h, s.in_w}) ||
      !checked_product(&n, {s.batch, s.out_channels, s.out_h, s.out_w}) ||
      !checked_product(&n, {s.out_channels, s.in_channels, s.kernel_h, s.kernel_w}) ||
      !checked_product(&n, {s.stride_h, s.out_h + s.dilation_h * s.kernel_h + s.pad_top}) ||
      !checked_product(&n, {s.stride_w, s.out_w + s.dilation_w * s.kernel_w + s.pad_left}))
    return Status::kSizeOverflow;
  return Status::kOk;
}

// A work estimate in bytes for thread::Chunks (how finely to split), as a
// product that saturates instead of wrapping on wasm32's 32-bit size_t.
inline std::size_t saturated_bytes(std::initializer_list<std::size_t> factors) {
  std::uint64_t p = 1;
  for (std::size_t f : factors) {
    if (f != 0 && p > std::numeric_limits<std::size_t>::max() / f) return std::numeric_limits<std::size_t>::max();
    p *= f;
  }
  return static_cast<std::size_t>(p);
}

inline bool valid_activation(Activation a) {
  return static_cast<int>(a) >= 0 && static_cast<int>(a) < static_cast<int>(Activation::kCount);
}

// The checks of every convolution entry point: shape, activation, and the
// three buffers unless the batch is empty (*empty: nothing to do).
inline Status check_conv(const float* in, const float* weights, const float* out, const ConvShape& s,
                         Activation act, bool* empty) {
  const Status st = check_shape(s);
  if (st != Status::kOk) return st;
  if (!valid_activation(act)) return Status::kInvalidArgument;
  *empty = s.batch == 0;
  if (!*empty && (in == nullptr || weights == nullptr || out == nullptr)) return Status::kNullPointer;
  return Status::kOk;
}

// The clamp the micro-kernels apply in registers: [lo, hi] for linear, relu
// and relu6; the identity clamp for the others (their pass comes after).
inline void clamp_bounds(Activation a, float* lo, float* hi) {
  *lo = -std::numeric_limits<float>::infinity();
  *hi = std::numeric_limits<float>::infinity();
  if (a == Activation::kRelu || a == Activation::kRelu6) *lo = 0.0f;
  if (a == Activation::kRelu6) *hi = 6.0f;
}

inline bool needs_output_pass(Activation a) {
  return a != Activation::kLinear && a != Activation::kRelu && a != Activation::kRelu6;
}

// What the micro-kernels apply to their results: the clamp in registers,
// and whether an output pass follows.
struct OutputClamp {
  simd::f32x4 lo, hi;
  bool pass;
  explicit OutputClamp(Activation a) : pass(needs_output_pass(a)) {
    float l, h;
    clamp_bounds(a, &l, &h);
    lo = simd::splat(l);
    hi = simd::splat(h);
  }
};

// One output value through a non-clamp activation (float math, as Keras).
inline float activate_one(float x, Activation a) {
  switch (a) {
    case Activation::kSigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
    case Activation::kElu: return x > 0.0f ? x : std::expm1(x);
    case Activation::kSelu: {
      constexpr float kAlpha = 1.6732632423543772f, kScale = 1.0507009873554805f;
      return kScale * (x > 0.0f ? x : kAlpha * std::expm1(x));
    }
    case Activation::kGelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Activation::kSilu: return x / (1.0f + std::exp(-x));
    case Activation::kSoftplus:  // log(1 + e^x) without overflow
      return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    case Activation::kSoftsign: return x / (1.0f + std::fabs(x));
    case Activation::kHardSigmoid: {
      const float y = (x + 3.0f) / 6.0f;
      return y != y ? y : (y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y));
    }
    case Activation::kRelu: return x > 0.0f ? x : (x != x ? x : 0.0f);
    case Activation::kRelu6: return x != x ? x : (x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x));
    default: return x;
  }
}

// Stores rows i < mr of a 4 x 8 tile of results (two vectors a row), the
// first nc <= 8 columns of each, rows c_stride floats apart: the store of
// both GEMM micro-kernels. Inlined, so the tile stays in registers.
__attribute__((always_inline)) inline void store_tile_4x8(const simd::f32x4 (&tile)[4][2], std::size_t mr,
                                                          std::size_t nc, float* c, std::size_t c_stride) {
  if (nc == 8) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (i >= mr) break;
      simd::store(c + i * c_stride, tile[i][0]);
      simd::store(c + i * c_stride + 4, tile[i][1]);
    }
    return;
  }
  // Column tail (the last block of a group's channels): through a small
  // buffer.
  float row[8];
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= mr) break;
    simd::store(row, tile[i][0]);
    simd::store(row + 4, tile[i][1]);
    std::memcpy(c + i * c_stride, row, nc * sizeof(float));
  }
}

inline void output_pass(float* x, std::size_t n, Activation a) {
  for (std::size_t i = 0; i < n; ++i) x[i] = activate_one(x[i], a);
}

}  // namespace nnwasm::conv::detail
