// Embind glue for the transposed convolutions (cpp/src/conv_transpose): one
// parameter block per entry point (bindings/README.md). Options are checked,
// with readable errors, in js/ops/conv_transpose.js.
#include <cstdint>

#include "abi.h"
#include "conv_transpose/conv_transpose.h"

namespace {

using abi::u32;
using nnwasm::conv::Activation;
using nnwasm::conv::PackFor;
using nnwasm::conv_transpose::ConvTransposeShape;
using nnwasm::conv_transpose::WeightLayout;

// The geometry every entry point takes, in ConvTransposeShape's terms.
#define NNWASM_CONV_TRANSPOSE_SHAPE_FIELDS                                                                     \
  "batch,in_channels,in_h,in_w,out_channels,out_h,out_w,kernel_h,kernel_w,stride_h,stride_w,dilation_h,dilation_w," \
  "pad_top,pad_left,groups"

struct Geometry {
  u32 batch, in_channels, in_h, in_w, out_channels, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, dilation_h,
      dilation_w, pad_top, pad_left, groups;

  ConvTransposeShape shape() const {
    ConvTransposeShape s;
    s.batch = batch;
    s.in_channels = in_channels;
    s.in_h = in_h;
    s.in_w = in_w;
    s.out_channels = out_channels;
    s.out_h = out_h;
    s.out_w = out_w;
    s.kernel_h = kernel_h;
    s.kernel_w = kernel_w;
    s.stride_h = stride_h;
    s.stride_w = stride_w;
    s.dilation_h = dilation_h;
    s.dilation_w = dilation_w;
    s.pad_top = pad_top;
    s.pad_left = pad_left;
    s.groups = groups;
    return s;
  }
};

struct PackedSizeParams {
  u32 words, size_out, target;  // size_out: address of one uint32 that receives the packed size
  Geometry geometry;
  static constexpr char kFields[] = "size_out,target," NNWASM_CONV_TRANSPOSE_SHAPE_FIELDS;
};

struct PackParams {
  u32 words, weights, layout, target, packed;
  Geometry geometry;
  static constexpr char kFields[] = "weights,layout,target,packed," NNWASM_CONV_TRANSPOSE_SHAPE_FIELDS;
};

struct RunParams {
  u32 words, input, packed, bias, output, activation;
  Geometry geometry;
  static constexpr char kFields[] = "input,packed,bias,output,activation," NNWASM_CONV_TRANSPOSE_SHAPE_FIELDS;
};

bool packed_fits(u32 packed, const ConvTransposeShape& s, PackFor target) {
  std::size_t floats = 0;
  if (nnwasm::conv_transpose::packed_weights_size(s, target, &floats) != nnwasm::Status::kOk) floats = 0;
  return heap_check::fits(packed, {floats});
}

int packed_size(std::uintptr_t p) {
  PackedSizeParams a;
  if (const int st = abi::read(p, &a)) return st;
  if (a.size_out == 0 || !heap_check::fits(a.size_out, {1})) return heap_check::kOutsideHeap;
  std::size_t floats = 0;
  const auto st = nnwasm::conv_transpose::packed_weights_size(a.geometry.shape(), static_cast<PackFor>(a.target), &floats);
  *reinterpret_cast<u32*>(static_cast<std::uintptr_t>(a.size_out)) = static_cast<u32>(floats);
  return abi::status(st);
}

int pack(std::uintptr_t p) {
  PackParams a;
  if (const int st = abi::read(p, &a)) return st;
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
