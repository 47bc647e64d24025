// Embind glue for interpolation (cpp/src/resize).
#include "resize/resize.h"

#include <cstdint>

#include "abi.h"

namespace {

using abi::u32;
namespace rs = nnwasm::resize;

struct Resize2dParams {
  u32 words, input, output, batch, channels, in_h, in_w, out_h, out_w;
  float scale_h, scale_w;
  u32 mode, coord, channels_last;
  static constexpr char kFields[] =
      "input,output,batch,channels,in_h,in_w,out_h,out_w,scale_h:f32,scale_w:f32,mode,coord,channels_last";
};

int resize2d(std::uintptr_t block) {
  Resize2dParams p;
  if (const int st = abi::read(block, &p)) return st;
  if (!heap_check::fits(p.input, {p.batch, p.channels, p.in_h, p.in_w}) ||
      !heap_check::fits(p.output, {p.batch, p.channels, p.out_h, p.out_w}))
    return heap_check::kOutsideHeap;
  const rs::Axis h{p.in_h, p.out_h, p.scale_h}, w{p.in_w, p.out_w, p.scale_w};
  return abi::status(rs::resize2d(abi::in(p.input), abi::out(p.output), p.batch, p.channels, h, w,
                                  static_cast<rs::Mode>(p.mode), static_cast<rs::Coord>(p.coord),
                                  p.channels_last != 0));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_resize) { abi::entry<Resize2dParams, &resize2d>("resize2d"); }
