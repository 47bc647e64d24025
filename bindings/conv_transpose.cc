// Embind glue for the transposed convolutions (cpp/src/conv_transpose): one
// parameter block per entry point (bindings/README.md). Options are checked,
// with readable errors, in js/ops/conv_transpose.js.
#include <cstdint>

#include "abi.h"
#include "conv_shape.h"
#include "conv_transpose/conv_transpose.h"

namespace {

using abi::u32;
using nnwasm_bindings::ShapeWords;
using nnwasm::conv::Activation;
using nnwasm::conv::PackFor;
using nnwasm::conv_transpose::ConvTransposeShape;
using nnwasm::conv_transpose::WeightLayout;


struct PackedSizeParams {
  u32 words, target;
  ShapeWords geometry;
  u32 floats;  // written back: the packed size
  static constexpr char kFields[] = "target," NNWASM_SHAPE_FIELDS ",floats";
};

struct PackParams {
  u32 words, weights, layout, target, packed;
  ShapeWords geometry;
  static constexpr char kFields[] = "weights,layout,target,packed," NNWASM_SHAPE_FIELDS;
};

struct RunParams {
  u32 words, input, packed, bias, output, activation;
  ShapeWords geometry;
  static constexpr char kFields[] = "input,packed,bias,output,activation," NNWASM_SHAPE_FIELDS;
};

// Enum words in range (a pack target, a weight layout, an activation).
bool valid(u32 target, u32 layout, u32 activation) {
  return target <= 1 && layout <= 1 && activation < static_cast<u32>(Activation::kCount);
}

bool packed_fits(u32 packed, const ConvTransposeShape& s, PackFor target) {
  std::size_t floats = 0;
  if (nnwasm::conv_transpose::packed_weights_size(s, target, &floats) != nnwasm::Status::kOk) floats = 0;
  return heap_check::fits(packed, {floats});
}

int packed_size(std::uintptr_t p) {
  PackedSizeParams a;
  if (const int st = abi::read(p, &a)) return st;
  if (!valid(a.target, 0, 0)) return abi::kBadBlock;
  std::size_t floats = 0;
  const auto st = nnwasm::conv_transpose::packed_weights_size(a.geometry.shape(), static_cast<PackFor>(a.target), &floats);
  if (st != nnwasm::Status::kOk) return abi::status(st);
  a.floats = static_cast<u32>(floats);
  abi::write_back(p, a);
  return 0;
}

int pack(std::uintptr_t p) {
  PackParams a;
  if (const int st = abi::read(p, &a)) return st;
  if (!valid(a.target, a.layout, 0)) return abi::kBadBlock;
  const ConvTransposeShape s = a.geometry.shape();
  const PackFor target = static_cast<PackFor>(a.target);
  if (!heap_check::fits(a.weights, {s.in_channels, s.out_channels / (s.groups == 0 ? 1 : s.groups), s.kernel_h,
                                    s.kernel_w}) ||
      !packed_fits(a.packed, s, target))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::conv_transpose::pack_weights(abi::in(a.weights), static_cast<WeightLayout>(a.layout), s,
                                                          target, abi::out(a.packed)));
}

template <PackFor kTarget>
int run(std::uintptr_t p) {
  RunParams a;
  if (const int st = abi::read(p, &a)) return st;
  if (!valid(0, 0, a.activation)) return abi::kBadBlock;
  const ConvTransposeShape s = a.geometry.shape();
  if (!heap_check::fits(a.input, {s.batch, s.in_channels, s.in_h, s.in_w}) ||
      !heap_check::fits(a.output, {s.batch, s.out_channels, s.out_h, s.out_w}) ||
      !heap_check::fits(a.bias, {s.out_channels}) || !packed_fits(a.packed, s, kTarget))
    return heap_check::kOutsideHeap;
  const auto act = static_cast<Activation>(a.activation);
  const auto st = kTarget == PackFor::kNhwc
                      ? nnwasm::conv_transpose::conv_transpose_nhwc(abi::in(a.input), abi::in(a.packed),
                                                                    abi::in(a.bias), abi::out(a.output), s, act)
                      : nnwasm::conv_transpose::conv_transpose_nchw(abi::in(a.input), abi::in(a.packed),
                                                                    abi::in(a.bias), abi::out(a.output), s, act);
  return abi::status(st);
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_conv_transpose) {
  abi::entry<PackedSizeParams, &packed_size>("convTransposePackedSize");
  abi::entry<PackParams, &pack>("convTransposePackWeights");
  abi::entry<RunParams, &run<PackFor::kNchw>>("convTransposeNchw");
  abi::entry<RunParams, &run<PackFor::kNhwc>>("convTransposeNhwc");
}
