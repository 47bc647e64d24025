// Embind glue for softmax / log_softmax (cpp/src/softmax).
#include "softmax/softmax.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;

struct SoftmaxParams {
  u32 words, input, output, outer, length, inner, log;
  static constexpr char kFields[] = "input,output,outer,length,inner,log";
};

int softmax(std::uintptr_t block) {
  SoftmaxParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.outer, p.length, p.inner}) ||
      !heap_check::fits(p.output, {p.outer, p.length, p.inner}))
    return heap_check::kOutsideHeap;
  return abi::status(
      nnwasm::softmax::softmax(abi::in(p.input), abi::out(p.output), p.outer, p.length, p.inner, p.log != 0));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_softmax) { abi::entry<SoftmaxParams, &softmax>("softmax"); }
