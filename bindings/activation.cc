// Embind glue for the elementwise activations (cpp/src/activation).
#include "activation/activation.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;

struct ActivationParams {
  u32 words, input, output, count, kind;
  float a, b, c;
  static constexpr char kFields[] = "input,output,count,kind,a:f32,b:f32,c:f32";
};

int activation(std::uintptr_t block) {
  ActivationParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.count}) || !heap_check::fits(p.output, {p.count})) return heap_check::kOutsideHeap;
  namespace act = nnwasm::activation;
  return abi::status(act::apply(abi::in(p.input), abi::out(p.output), p.count, static_cast<act::Kind>(p.kind),
                                act::Params{p.a, p.b, p.c}));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_activation) { abi::entry<ActivationParams, &activation>("activation"); }
