// Embind glue for the convolution kernels (cpp/src/conv/conv.h): one binding
// per entry point, each taking the heap address of its parameter block
// (bindings/abi.h). Shapes and options are checked, with readable errors, in
// js/ops/conv.js.
#include <cstdint>

#include "abi.h"
#include "conv/conv.h"
#include "conv_shape.h"
#include "heap_check.h"

namespace {

using abi::u32;
using nnwasm_bindings::ShapeWords;
using nnwasm::conv::Activation;
using nnwasm::conv::ConvShape;
using nnwasm::conv::PackFor;
using nnwasm::conv::WeightLayout;


// Enum words are checked here: a cast to an enum outside its range is
// unspecified, and the kernels switch on them.
bool valid(u32 layout, u32 target, u32 activation) {
  return layout <= 1 && target <= 2 && activation < static_cast<u32>(Activation::kCount);
}

// The buffers of a shape: input, output (layout-independent counts), each
// group's weights, bias, and the packed weights for `target` (when the
// shape is valid; otherwise the kernel refuses it before reading any).
bool buffers_fit(const ConvShape& s, u32 in, u32 out, u32 weights, u32 bias, u32 packed, PackFor target) {
  const std::size_t cin_g = s.groups == 0 ? 0 : s.in_channels / s.groups;
  std::size_t packed_count = 0;
  if (packed != 0 && nnwasm::conv::packed_weights_size(s, target, &packed_count) != nnwasm::Status::kOk)
    packed_count = 0;
  return heap_check::fits(in, {s.batch, s.in_channels, s.in_h, s.in_w}) &&
         heap_check::fits(out, {s.batch, s.out_channels, s.out_h, s.out_w}) &&
         heap_check::fits(weights, {s.out_channels, cin_g, s.kernel_h, s.kernel_w}) &&
         heap_check::fits(bias, {s.out_channels}) && heap_check::fits(packed, {packed_count});
}

// The one entry that answers with a number: the kernel's count is written
// back into the block's `floats` word (js/ops/abi.js `result`).
struct ConvPackedSize {
  u32 words, target;
  ShapeWords s;
  u32 floats;
  static constexpr char kFields[] = "target," NNWASM_SHAPE_FIELDS ",floats";
};

int conv_packed_size(std::uintptr_t block) {
  ConvPackedSize a;
  if (const int st = abi::read(block, &a)) return st;
  if (!valid(0, a.target, 0)) return abi::kBadBlock;
  std::size_t n = 0;
  const nnwasm::Status st = nnwasm::conv::packed_weights_size(a.s.shape(), static_cast<PackFor>(a.target), &n);
  if (st != nnwasm::Status::kOk) return abi::status(st);
  a.floats = static_cast<u32>(n);
  abi::write_back(block, a);
  return 0;
}

// scale: 0, or out_channels floats multiplying each output channel's weights.
struct ConvPackWeights {
  u32 words, weights, layout, bias, scale, target, packed;
  ShapeWords s;
  static constexpr char kFields[] = "weights,layout,bias,scale,target,packed," NNWASM_SHAPE_FIELDS;
};

int conv_pack_weights(std::uintptr_t block) {
  ConvPackWeights a;
  if (const int st = abi::read(block, &a)) return st;
  if (!valid(a.layout, a.target, 0)) return abi::kBadBlock;
  const ConvShape s = a.s.shape();
  const auto target = static_cast<PackFor>(a.target);
  if (!buffers_fit(s, 0, 0, a.weights, a.bias, a.packed, target) || !heap_check::fits(a.scale, {s.out_channels}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::conv::pack_weights(abi::in(a.weights), static_cast<WeightLayout>(a.layout),
                                                abi::in(a.bias), s, target, abi::out(a.packed), abi::in(a.scale)));
}

// conv_nhwc / conv_nchw: packed weights (bias included).
struct ConvPacked {
  u32 words, input, packed, output, activation;
  ShapeWords s;
  static constexpr char kFields[] = "input,packed,output,activation," NNWASM_SHAPE_FIELDS;
};

using ConvFn = nnwasm::Status (*)(const float*, const float*, float*, const ConvShape&, Activation);

template <ConvFn Fn, PackFor kTarget>
int conv_packed(std::uintptr_t block) {
  ConvPacked a;
  if (const int st = abi::read(block, &a)) return st;
  if (!valid(0, 0, a.activation)) return abi::kBadBlock;
  const ConvShape s = a.s.shape();
  if (!buffers_fit(s, a.input, a.output, 0, 0, a.packed, kTarget)) return heap_check::kOutsideHeap;
  return abi::status(Fn(abi::in(a.input), abi::in(a.packed), abi::out(a.output), s,
                        static_cast<Activation>(a.activation)));
}

// Depthwise: the weights as given, in `layout`; bias 0 or (channels).
struct Dwconv {
  u32 words, input, weights, layout, bias, output, activation;
  ShapeWords s;
  static constexpr char kFields[] = "input,weights,layout,bias,output,activation," NNWASM_SHAPE_FIELDS;
};

// Depthwise NHWC on packed weights: the packed size (written back into
// `floats`), the packing, and the kernel.
struct DwconvPackedSize {
  u32 words;
  ShapeWords s;
  u32 floats;
  static constexpr char kFields[] = NNWASM_SHAPE_FIELDS ",floats";
};

int dwconv_nhwc_packed_size(std::uintptr_t block) {
  DwconvPackedSize a;
  if (const int st = abi::read(block, &a)) return st;
  std::size_t n = 0;
  const nnwasm::Status st = nnwasm::conv::dwconv_nhwc_packed_size(a.s.shape(), &n);
  if (st != nnwasm::Status::kOk) return abi::status(st);
  a.floats = static_cast<u32>(n);
  abi::write_back(block, a);
  return 0;
}

// The packed buffer of a depthwise shape (0 floats when the shape is bad:
// the kernel refuses it before reading any).
std::size_t dw_packed_count(const ConvShape& s) {
  std::size_t n = 0;
  return nnwasm::conv::dwconv_nhwc_packed_size(s, &n) == nnwasm::Status::kOk ? n : 0;
}

struct DwconvPack {
  u32 words, weights, bias, scale, packed;
  ShapeWords s;
  static constexpr char kFields[] = "weights,bias,scale,packed," NNWASM_SHAPE_FIELDS;
};

int dwconv_nhwc_pack(std::uintptr_t block) {
  DwconvPack a;
  if (const int st = abi::read(block, &a)) return st;
  const ConvShape s = a.s.shape();
  if (!buffers_fit(s, 0, 0, a.weights, a.bias, 0, PackFor::kNhwc) ||
      !heap_check::fits(a.packed, {dw_packed_count(s)}) || !heap_check::fits(a.scale, {s.out_channels}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::conv::dwconv_nhwc_pack(abi::in(a.weights), abi::in(a.bias), s, abi::out(a.packed),
                                                    abi::in(a.scale)));
}

int dwconv_nhwc_packed(std::uintptr_t block) {
  ConvPacked a;
  if (const int st = abi::read(block, &a)) return st;
  if (!valid(0, 0, a.activation)) return abi::kBadBlock;
  const ConvShape s = a.s.shape();
  if (!buffers_fit(s, a.input, a.output, 0, 0, 0, PackFor::kNhwc) ||
      !heap_check::fits(a.packed, {dw_packed_count(s)}))
    return heap_check::kOutsideHeap;
  return abi::status(nnwasm::conv::dwconv_nhwc_packed(abi::in(a.input), abi::in(a.packed), abi::out(a.output), s,
                                                      static_cast<Activation>(a.activation)));
}

#undef NNWASM_SHAPE_FIELDS

using DwconvFn = nnwasm::Status (*)(const float*, const float*, WeightLayout, const float*, float*, const ConvShape&,
                                    Activation);

template <DwconvFn Fn>
int dwconv(std::uintptr_t block) {
  Dwconv a;
  if (const int st = abi::read(block, &a)) return st;
  if (!valid(a.layout, 0, a.activation)) return abi::kBadBlock;
  const ConvShape s = a.s.shape();
  if (!buffers_fit(s, a.input, a.output, a.weights, a.bias, 0, PackFor::kNhwc)) return heap_check::kOutsideHeap;
  return abi::status(Fn(abi::in(a.input), abi::in(a.weights), static_cast<WeightLayout>(a.layout), abi::in(a.bias),
                        abi::out(a.output), s, static_cast<Activation>(a.activation)));
}

struct Activate {
  u32 words, x, n, activation;
  static constexpr char kFields[] = "x,n,activation";
};

int activate(std::uintptr_t block) {
  Activate a;
  if (const int st = abi::read(block, &a)) return st;
  if (!valid(0, 0, a.activation)) return abi::kBadBlock;
  if (!heap_check::fits(a.x, {a.n})) return heap_check::kOutsideHeap;
  return abi::status(nnwasm::conv::activate(abi::out(a.x), a.n, static_cast<Activation>(a.activation)));
}

struct SoftmaxRows {
  u32 words, x, rows, n;
  static constexpr char kFields[] = "x,rows,n";
};

int softmax_rows(std::uintptr_t block) {
  SoftmaxRows a;
  if (const int st = abi::read(block, &a)) return st;
  if (!heap_check::fits(a.x, {a.rows, a.n})) return heap_check::kOutsideHeap;
  return abi::status(nnwasm::conv::softmax_rows(abi::out(a.x), a.rows, a.n));
}

}  // namespace

EMSCRIPTEN_BINDINGS(nnwasm_conv) {
  namespace conv = nnwasm::conv;
  abi::entry<ConvPackedSize, &conv_packed_size>("convPackedSize");
  abi::entry<ConvPackWeights, &conv_pack_weights>("convPackWeights");
  abi::entry<ConvPacked, &conv_packed<&conv::conv_nhwc, PackFor::kNhwc>>("convNhwc");
  abi::entry<ConvPacked, &conv_packed<&conv::conv_nchw, PackFor::kNchw>>("convNchw");
  abi::entry<ConvPacked, &conv_packed<&conv::conv_nhwc_winograd, PackFor::kNhwcWinograd>>("convNhwcWinograd");
  abi::entry<ConvPacked, &conv_packed<&conv::conv_nchw_winograd, PackFor::kNhwcWinograd>>("convNchwWinograd");
  abi::entry<Dwconv, &dwconv<&conv::dwconv_nhwc>>("dwconvNhwc");
  abi::entry<Dwconv, &dwconv<&conv::dwconv_nchw>>("dwconvNchw");
  abi::entry<DwconvPackedSize, &dwconv_nhwc_packed_size>("dwconvNhwcPackedSize");
  abi::entry<DwconvPack, &dwconv_nhwc_pack>("dwconvNhwcPack");
  abi::entry<ConvPacked, &dwconv_nhwc_packed>("dwconvNhwcPacked");
  abi::entry<Activate, &activate>("activate");
  abi::entry<SoftmaxRows, &softmax_rows>("softmaxRows");
}
