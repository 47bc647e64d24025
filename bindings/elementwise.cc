// Embind glue for the broadcasting binaries and affine (cpp/src/elementwise).
#include "elementwise/elementwise.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;
namespace ew = nnwasm::elementwise;

// A scalar operand (a JS number) travels in a_value / b_value with its
// flag set; the kernel reads it from this call's copy of the block.
struct BinaryParams {
  u32 words, a, b, output, op, rank, a_count, b_count, a_scalar, b_scalar;
  float a_value, b_value;
  u32 shape[ew::kMaxRank], a_stride[ew::kMaxRank], b_stride[ew::kMaxRank];
  static constexpr char kFields[] =
      "a,b,output,op,rank,a_count,b_count,a_scalar,b_scalar,a_value:f32,b_value:f32,"
      "shape0,shape1,shape2,shape3,shape4,shape5,shape6,shape7,"
      "a_stride0,a_stride1,a_stride2,a_stride3,a_stride4,a_stride5,a_stride6,a_stride7,"
      "b_stride0,b_stride1,b_stride2,b_stride3,b_stride4,b_stride5,b_stride6,b_stride7";
};

int binary(std::uintptr_t block) {
  BinaryParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (p.rank == 0 || p.rank > ew::kMaxRank) return abi::kBadBlock;
  ew::Broadcast g;
  g.rank = p.rank;
  std::size_t out_count = 1;
  for (std::size_t d = 0; d < g.rank; ++d) {
    g.shape[d] = p.shape[d];
    g.a_stride[d] = p.a_stride[d];
    g.b_stride[d] = p.b_stride[d];
    if (!nnwasm::checked_product(&out_count, {out_count, p.shape[d]}))
      return abi::status(nnwasm::Status::kSizeOverflow);
  }
  g.a_count = p.a_scalar ? 1 : p.a_count;
  g.b_count = p.b_scalar ? 1 : p.b_count;
  const float* a = p.a_scalar ? &p.a_value : abi::in(p.a);
  const float* b = p.b_scalar ? &p.b_value : abi::in(p.b);
  if ((!p.a_scalar && !heap_check::fits(p.a, {p.a_count})) || (!p.b_scalar && !heap_check::fits(p.b, {p.b_count})) ||
      !heap_check::fits(p.output, {out_count}))
    return heap_check::kOutsideHeap;
  return abi::status(ew::binary(a, b, abi::out(p.output), g, static_cast<ew::BinaryOp>(p.op)));
}

struct AffineParams {
  u32 words, input, output, count;
  float scale, shift;
  static constexpr char kFields[] = "input,output,count,scale:f32,shift:f32";
};

int affine(std::uintptr_t block) {
  AffineParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.count}) || !heap_check::fits(p.output, {p.count})) return heap_check::kOutsideHeap;
  return abi::status(ew::affine(abi::in(p.input), abi::out(p.output), p.count, p.scale, p.shift));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_elementwise) {
  abi::entry<BinaryParams, &binary>("binary");
  abi::entry<AffineParams, &affine>("affine");
}
