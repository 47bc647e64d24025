// Embind glue for Dense / F.linear (cpp/src/linear).
#include "linear/linear.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;
namespace ln = nnwasm::linear;

struct LinearPackedSizeParams {
  u32 words, in_features, out_features, result;
  static constexpr char kFields[] = "in_features,out_features,result";
};

// Writes the packed float count into `result` (a heap word) -> status.
int linear_packed_size(std::uintptr_t block) {
  LinearPackedSizeParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (p.result == 0 || p.result % 4 != 0 || !heap_check::fits(p.result, {1})) return heap_check::kOutsideHeap;
  std::size_t floats = 0;
  const nnwasm::Status s = ln::packed_size(p.in_features, p.out_features, &floats);
  if (s != nnwasm::Status::kOk) return abi::status(s);
  if (floats > 0xFFFFFFFFu) return abi::status(nnwasm::Status::kSizeOverflow);
  *reinterpret_cast<u32*>(static_cast<std::uintptr_t>(p.result)) = static_cast<u32>(floats);
  return 0;
}

struct LinearPackParams {
  u32 words, weight, bias, packed, in_features, out_features, layout;
  static constexpr char kFields[] = "weight,bias,packed,in_features,out_features,layout";
};

int linear_pack(std::uintptr_t block) {
  LinearPackParams p;
  if (const int st = abi::read(block, &p)) return st;
  std::size_t floats = 0;
  if (const nnwasm::Status s = ln::packed_size(p.in_features, p.out_features, &floats); s != nnwasm::Status::kOk)
    return abi::status(s);
  if (!heap_check::fits(p.weight, {p.in_features, p.out_features}) || !heap_check::fits(p.bias, {p.out_features}) ||
      !heap_check::fits(p.packed, {floats}))
    return heap_check::kOutsideHeap;
  return abi::status(ln::pack(abi::in(p.weight), static_cast<ln::WeightLayout>(p.layout), abi::in(p.bias),
                              p.in_features, p.out_features, abi::out(p.packed)));
}

struct LinearParams {
  u32 words, input, packed, output, rows, in_features, out_features, activation;
  static constexpr char kFields[] = "input,packed,output,rows,in_features,out_features,activation";
};

int linear(std::uintptr_t block) {
  LinearParams p;
  if (const int st = abi::read(block, &p)) return st;
  std::size_t floats = 0;
  if (const nnwasm::Status s = ln::packed_size(p.in_features, p.out_features, &floats); s != nnwasm::Status::kOk)
    return abi::status(s);
  if (!heap_check::fits(p.input, {p.rows, p.in_features}) || !heap_check::fits(p.packed, {floats}) ||
      !heap_check::fits(p.output, {p.rows, p.out_features}))
    return heap_check::kOutsideHeap;
  return abi::status(ln::linear(abi::in(p.input), abi::in(p.packed), abi::out(p.output), p.rows, p.in_features,
                                p.out_features, static_cast<nnwasm::conv::Activation>(p.activation)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_linear) {
  abi::entry<LinearPackedSizeParams, &linear_packed_size>("linearPackedSize");
  abi::entry<LinearPackParams, &linear_pack>("linearPack");
  abi::entry<LinearParams, &linear>("linear");
}
