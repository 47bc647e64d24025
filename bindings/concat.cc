// Embind glue for concatenation (cpp/src/concat): one call per input tensor.
#include "concat/concat.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;

struct CopyRowsParams {
  u32 words, input, output, rows, row_len, out_stride, out_offset;
  static constexpr char kFields[] = "input,output,rows,row_len,out_stride,out_offset";
};

int copy_rows(std::uintptr_t block) {
  CopyRowsParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.rows, p.row_len}) || !heap_check::fits(p.output, {p.rows, p.out_stride}))
    return heap_check::kOutsideHeap;
  return abi::status(
      nnwasm::concat::copy_rows(abi::in(p.input), abi::out(p.output), p.rows, p.row_len, p.out_stride, p.out_offset));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_concat) { abi::entry<CopyRowsParams, &copy_rows>("concatCopyRows"); }
