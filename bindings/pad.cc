// Embind glue for padding and cropping (cpp/src/pad).
#include "pad/pad.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;
namespace pd = nnwasm::pad;

// before<d> is a signed 32-bit word (negative = crop).
struct PadParams {
  u32 words, input, output, rank, mode;
  float value;
  u32 in[pd::kMaxRank], out[pd::kMaxRank], before[pd::kMaxRank];
  static constexpr char kFields[] =
      "input,output,rank,mode,value:f32,in0,in1,in2,in3,in4,in5,in6,in7,out0,out1,out2,out3,out4,out5,out6,out7,"
      "before0,before1,before2,before3,before4,before5,before6,before7";
};

int pad(std::uintptr_t block) {
  PadParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (p.rank == 0 || p.rank > pd::kMaxRank) return abi::kBadBlock;
  pd::PadShape s;
  s.rank = p.rank;
  std::size_t in_count = 1, out_count = 1;
  for (std::size_t d = 0; d < s.rank; ++d) {
    s.in[d] = p.in[d];
    s.out[d] = p.out[d];
    s.before[d] = static_cast<std::int32_t>(p.before[d]);
    if (!nnwasm::checked_product(&in_count, {in_count, p.in[d]}) ||
        !nnwasm::checked_product(&out_count, {out_count, p.out[d]}))
      return abi::status(nnwasm::Status::kSizeOverflow);
  }
  if (!heap_check::fits(p.input, {in_count}) || !heap_check::fits(p.output, {out_count}))
    return heap_check::kOutsideHeap;
  return abi::status(pd::pad(abi::in(p.input), abi::out(p.output), s, static_cast<pd::Mode>(p.mode), p.value));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_pad) { abi::entry<PadParams, &pad>("pad"); }
