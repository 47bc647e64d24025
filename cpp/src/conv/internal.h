// Helpers shared by the convolution kernel files: argument checks, the
// activation output pass, and per-thread scratch slots.
#pragma once

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>

#include "conv/conv.h"
#include "simd/vec.h"
#include "thread/pool.h"

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

inline bool valid_activation(Activation a) {
  return static_cast<int>(a) >= 0 && static_cast<int>(a) < static_cast<int>(Activation::kCount);
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

inline void output_pass(float* x, std::size_t n, Activation a) {
  for (std::size_t i = 0; i < n; ++i) x[i] = activate_one(x[i], a);
}

// Scratch for parallel_for ranges: allocated once per call on the calling
// thread (workers never allocate), one slot per range; a range takes the
// next free slot. parallel_for runs at most num_threads() ranges.
template <class T>
class ScratchSlots {
 public:
  ScratchSlots(std::size_t slots, std::size_t per_slot) : per_slot_(per_slot), slots_(slots) {
    data_ = static_cast<T*>(std::malloc(sizeof(T) * (per_slot == 0 ? 1 : per_slot) * slots));
  }
  ~ScratchSlots() { std::free(data_); }
  ScratchSlots(const ScratchSlots&) = delete;
  ScratchSlots& operator=(const ScratchSlots&) = delete;
  bool ok() const { return data_ != nullptr; }
  T* take() {
    const std::size_t i = next_.fetch_add(1);
    return i < slots_ ? data_ + i * per_slot_ : nullptr;
  }

 private:
  T* data_;
  std::size_t per_slot_, slots_;
  std::atomic<std::size_t> next_{0};
};

// Runs fn(slot_scratch, begin, end) over [0, items) in chunks of `chunk`
// items handed out from a shared counter: a thread that is slowed down (by
// another process on its core, say) takes fewer chunks instead of holding
// up the whole op, as a static split would. Each item is still computed by
// one thread with the same code, so results do not depend on the split.
// `setup()` runs once per participating thread and returns its scratch.
template <class Setup, class Fn>
void dynamic_for(std::size_t items, std::size_t chunk, std::size_t item_bytes, Setup&& setup, Fn&& fn) {
  if (items == 0) return;
  if (chunk == 0) chunk = 1;
  const std::size_t chunks = (items + chunk - 1) / chunk;
  const std::size_t threads = static_cast<std::size_t>(thread::num_threads());
  std::atomic<std::size_t> next{0};
  const std::size_t workers = threads < chunks ? threads : chunks;
  const std::size_t per_worker_bytes = item_bytes * (items / workers + 1);
  thread::parallel_for(workers, per_worker_bytes, [&](std::size_t begin, std::size_t end) {
    auto scratch = setup();
    for (std::size_t w = begin; w < end; ++w) {
      for (;;) {
        const std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
        if (c >= chunks) break;
        const std::size_t b = c * chunk;
        fn(scratch, b, b + chunk < items ? b + chunk : items);
      }
    }
  });
}

}  // namespace nnwasm::conv::detail
