// Embind glue for batch normalization and batch statistics (cpp/src/norm).
#include "norm/norm.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;

struct BatchNormParams {
  u32 words, input, output, mean, variance, gamma, beta, outer, channels, inner;
  float eps;
  static constexpr char kFields[] = "input,output,mean,variance,gamma,beta,outer,channels,inner,eps:f32";
};

int batch_norm(std::uintptr_t block) {
  BatchNormParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.outer, p.channels, p.inner}) ||
      !heap_check::fits(p.output, {p.outer, p.channels, p.inner}) || !heap_check::fits(p.mean, {p.channels}) ||
      !heap_check::fits(p.variance, {p.channels}) || !heap_check::fits(p.gamma, {p.channels}) ||
      !heap_check::fits(p.beta, {p.channels}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::norm::batch_norm(abi::in(p.input), abi::out(p.output), p.outer, p.channels, p.inner,
                                              abi::in(p.mean), abi::in(p.variance), abi::in(p.gamma), abi::in(p.beta),
                                              p.eps));
}

struct BatchStatsParams {
  u32 words, input, mean, variance, outer, channels, inner;
  static constexpr char kFields[] = "input,mean,variance,outer,channels,inner";
};

int batch_stats(std::uintptr_t block) {
  BatchStatsParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.outer, p.channels, p.inner}) || !heap_check::fits(p.mean, {p.channels}) ||
      !heap_check::fits(p.variance, {p.channels}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::norm::batch_stats(abi::in(p.input), p.outer, p.channels, p.inner, abi::out(p.mean),
                                               abi::out(p.variance)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_norm) {
  abi::entry<BatchNormParams, &batch_norm>("batchNorm");
  abi::entry<BatchStatsParams, &batch_stats>("batchStats");
}
